/**
 * numnet playground: trains a small float64 network in the page. `fit` yields to the event loop
 * between batches, so the page keeps drawing while it trains; an onEpochEnd callback records the
 * loss and redraws (at most every ~50 ms).
 */
import { Dense, Perceptron, Sequential, getOptimizer, tensor } from 'numnet';
import type { Logs } from 'numnet';
import { DATASETS, type Dataset, type DatasetName } from './data';

type ModelKind = 'mlp' | 'perceptron';

interface Settings {
  task: DatasetName;
  model: ModelKind;
  hidden: string;
  activation: string;
  optimizer: string;
  lr: number;
  batch: number;
  epochs: number;
  seed: number;
}

/** Settings that train each task well; applied when the task changes. */
const PRESETS: Record<DatasetName, Omit<Settings, 'task' | 'seed'>> = {
  weather: { model: 'perceptron', hidden: '', activation: 'sigmoid', optimizer: 'sgd', lr: 0.1, batch: 7, epochs: 100 },
  xor: { model: 'mlp', hidden: '4', activation: 'tanh', optimizer: 'adam', lr: 0.05, batch: 4, epochs: 1000 },
  moons: { model: 'mlp', hidden: '16,16', activation: 'tanh', optimizer: 'adam', lr: 0.01, batch: 16, epochs: 500 },
  circles: { model: 'mlp', hidden: '8,8', activation: 'tanh', optimizer: 'adam', lr: 0.03, batch: 16, epochs: 500 },
};

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};

const ui = {
  form: $<HTMLFormElement>('controls'),
  task: $<HTMLSelectElement>('task'),
  model: $<HTMLSelectElement>('model'),
  hidden: $<HTMLInputElement>('hidden'),
  activation: $<HTMLSelectElement>('activation'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  lr: $<HTMLInputElement>('lr'),
  batch: $<HTMLInputElement>('batch'),
  epochs: $<HTMLInputElement>('epochs'),
  seed: $<HTMLInputElement>('seed'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  description: $('description'),
  boundary: $<HTMLCanvasElement>('boundary'),
  curve: $<HTMLCanvasElement>('curve'),
  status: $('status'),
  epoch: $('epoch'),
  loss: $('loss'),
  accuracy: $('accuracy'),
  speed: $('speed'),
  fps: $('fps'),
  summary: $('summary'),
};

const COLORS = { 0: [47, 111, 223], 1: [240, 140, 40] } as const;

let data: Dataset = DATASETS.moons();
/** Probability of class 1 at a batch of points [n, 2] (row-major); null before training. */
let classify: ((points: Float64Array, n: number) => Float64Array) | null = null;
/** The perceptron's decision line, drawn on top of the shading. */
let line: { w: number[]; b: number } | null = null;
let losses: number[] = [];
let running = false;
let stopRequested = false;
let stopModel: (() => void) | null = null;

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

function readSettings(): Settings {
  return {
    task: ui.task.value as DatasetName,
    model: ui.model.value as ModelKind,
    hidden: ui.hidden.value,
    activation: ui.activation.value,
    optimizer: ui.optimizer.value,
    lr: Number(ui.lr.value),
    batch: Number(ui.batch.value),
    epochs: Number(ui.epochs.value),
    seed: Number(ui.seed.value),
  };
}

function applyPreset(task: DatasetName): void {
  const p = PRESETS[task];
  ui.model.value = p.model;
  ui.hidden.value = p.hidden;
  ui.activation.value = p.activation;
  ui.optimizer.value = p.optimizer;
  ui.lr.value = String(p.lr);
  ui.batch.value = String(p.batch);
  ui.epochs.value = String(p.epochs);
  syncEnabled();
}

/** The perceptron has no hidden layers, activation choice, optimizer or batches. */
function syncEnabled(): void {
  const mlp = ui.model.value === 'mlp';
  for (const el of [ui.hidden, ui.activation, ui.optimizer, ui.batch]) el.disabled = !mlp || running;
  for (const el of [ui.task, ui.model, ui.lr, ui.epochs, ui.seed]) el.disabled = running;
  ui.start.disabled = running;
  ui.stop.disabled = !running;
}

function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const units = parts.map(Number);
  if (units.some((u) => !Number.isInteger(u) || u < 1 || u > 256)) {
    throw new Error(`Hidden units: a comma-separated list of whole numbers from 1 to 256, got "${text}"`);
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

function setStatus(state: 'idle' | 'training' | 'done' | 'stopped' | 'error', text: string = state): void {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function showProgress(epoch: number, loss: number, acc: number | undefined, epochsPerSecond: number): void {
  ui.epoch.textContent = String(epoch);
  ui.loss.dataset.value = String(loss);
  ui.loss.textContent = Number.isFinite(loss) ? loss.toPrecision(4) : String(loss);
  ui.accuracy.dataset.value = acc === undefined ? '' : String(acc);
  ui.accuracy.textContent = acc === undefined ? '—' : `${(100 * acc).toFixed(1)} %`;
  ui.speed.textContent = Number.isFinite(epochsPerSecond) ? epochsPerSecond.toFixed(0) : '—';
}

function resetProgress(): void {
  losses = [];
  ui.epoch.textContent = '0';
  ui.loss.dataset.value = '';
  ui.loss.textContent = '—';
  ui.accuracy.dataset.value = '';
  ui.accuracy.textContent = '—';
  ui.speed.textContent = '—';
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

const GRID = 80;
const grid = document.createElement('canvas');
grid.width = GRID;
grid.height = GRID;

/** Canvas pixel ↔ data coordinates of the boundary plot. */
function toCanvas(px: number, py: number): [number, number] {
  const [x0, x1, y0, y1] = data.domain;
  const { width, height } = ui.boundary;
  return [((px - x0) / (x1 - x0)) * width, height - ((py - y0) / (y1 - y0)) * height];
}

function drawBoundary(): void {
  const ctx = ui.boundary.getContext('2d')!;
  const { width, height } = ui.boundary;
  const [x0, x1, y0, y1] = data.domain;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (classify) {
    // Cell centres, top row first (canvas y grows downwards).
    const pts = new Float64Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        const k = r * GRID + c;
        pts[2 * k] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
        pts[2 * k + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
      }
    }
    const p = classify(pts, GRID * GRID);
    const g = grid.getContext('2d')!;
    const img = g.createImageData(GRID, GRID);
    for (let k = 0; k < GRID * GRID; k++) {
      const q = Math.min(1, Math.max(0, p[k]!));
      const a = COLORS[0];
      const b = COLORS[1];
      // Blend towards white near 0.5, so the boundary shows as a pale band.
      const strength = Math.abs(q - 0.5) * 2;
      const mix = (i: number): number => 255 - (255 - (q >= 0.5 ? b[i]! : a[i]!)) * (0.12 + 0.4 * strength);
      img.data[4 * k] = mix(0);
      img.data[4 * k + 1] = mix(1);
      img.data[4 * k + 2] = mix(2);
      img.data[4 * k + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(grid, 0, 0, width, height);
  }
  // Axes through the origin when it is in view, and the unit grid.
  ctx.strokeStyle = 'rgba(0,0,0,0.12)';
  ctx.lineWidth = 1;
  for (let v = Math.ceil(x0); v <= x1; v++) {
    const [cx] = toCanvas(v, 0);
    ctx.beginPath();
    ctx.moveTo(cx, 0);
    ctx.lineTo(cx, height);
    ctx.stroke();
  }
  for (let v = Math.ceil(y0); v <= y1; v++) {
    const [, cy] = toCanvas(0, v);
    ctx.beginPath();
    ctx.moveTo(0, cy);
    ctx.lineTo(width, cy);
    ctx.stroke();
  }
  if (line && line.w[1] !== 0) {
    // w1·x + w2·y + b = 0
    const yAt = (x: number): number => -(line!.w[0]! * x + line!.b) / line!.w[1]!;
    const [ax, ay] = toCanvas(x0, yAt(x0));
    const [bx, by] = toCanvas(x1, yAt(x1));
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
  }
  const radius = data.x.length > 20 ? 4 : 7;
  for (let i = 0; i < data.x.length; i++) {
    const [px, py] = data.x[i]!;
    const [cx, cy] = toCanvas(px!, py!);
    const c = COLORS[data.y[i] as 0 | 1];
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.fillStyle = '#5b6478';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(data.axes[0], width - ctx.measureText(data.axes[0]).width - 6, height - 6);
  ctx.save();
  ctx.translate(14, 6);
  ctx.rotate(Math.PI / 2);
  ctx.fillText(data.axes[1], 0, 0);
  ctx.restore();
}

function drawCurve(): void {
  const ctx = ui.curve.getContext('2d')!;
  const { width, height } = ui.curve;
  const pad = { l: 52, r: 10, t: 10, b: 22 };
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#d8dce6';
  ctx.strokeRect(pad.l, pad.t, width - pad.l - pad.r, height - pad.t - pad.b);
  const finite = losses.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return;
  const logScale = finite.every((v) => v > 0);
  const f = logScale ? Math.log10 : (v: number): number => v;
  let lo = Math.min(...finite.map(f));
  let hi = Math.max(...finite.map(f));
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const n = Math.max(losses.length - 1, 1);
  const X = (i: number): number => pad.l + (i / n) * (width - pad.l - pad.r);
  const Y = (v: number): number => pad.t + ((hi - f(v)) / (hi - lo)) * (height - pad.t - pad.b);
  ctx.strokeStyle = '#2f6fdf';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  losses.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (started) ctx.lineTo(X(i), Y(v));
    else ctx.moveTo(X(i), Y(v));
    started = true;
  });
  ctx.stroke();
  ctx.fillStyle = '#5b6478';
  ctx.font = '11px system-ui, sans-serif';
  const label = (v: number): string => (logScale ? (10 ** v).toPrecision(2) : v.toPrecision(2));
  ctx.fillText(label(hi), 4, pad.t + 9);
  ctx.fillText(label(lo), 4, height - pad.b);
  ctx.fillText('epoch 1', pad.l, height - 6);
  const last = `${losses.length}`;
  ctx.fillText(last, width - pad.r - ctx.measureText(last).width, height - 6);
}

function redraw(): void {
  drawBoundary();
  drawCurve();
}

// ---------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------

async function trainNetwork(s: Settings): Promise<void> {
  const hidden = parseHidden(s.hidden);
  const layers = [
    ...hidden.map((units, i) => new Dense({ units, activation: s.activation, ...(i === 0 ? { inputShape: [2] } : {}) })),
    new Dense({ units: 1, activation: 'sigmoid', ...(hidden.length === 0 ? { inputShape: [2] } : {}) }),
  ];
  const model = new Sequential(layers, { seed: s.seed });
  model.compile({ optimizer: getOptimizer(s.optimizer, { learningRate: s.lr }), loss: 'binaryCrossentropy', metrics: ['acc'] });
  ui.summary.textContent = model.summary();
  classify = (points, n) => model.predict(tensor(points, [n, 2])).data;
  stopModel = () => {
    model.stopTraining = true;
  };
  const x = tensor(data.x);
  const y = tensor(data.y.map((v) => [v]));
  const t0 = performance.now();
  let lastDraw = 0;
  await model.fit(x, y, {
    epochs: s.epochs,
    batchSize: s.batch,
    shuffle: true,
    callbacks: {
      onEpochEnd: (epoch: number, logs?: Logs) => {
        const loss = Number(logs?.loss);
        const acc = logs?.acc ?? logs?.binaryAccuracy;
        losses.push(loss);
        const now = performance.now();
        showProgress(epoch + 1, loss, acc === undefined ? undefined : Number(acc), ((epoch + 1) * 1000) / (now - t0));
        if (now - lastDraw > 50) {
          lastDraw = now;
          redraw();
        }
      },
    },
  });
}

async function trainPerceptron(s: Settings): Promise<void> {
  const p = new Perceptron({ inputDim: 2, learningRate: s.lr });
  ui.summary.textContent =
    'Perceptron: ŷ = step(w₁x₁ + w₂x₂ + b), step(a) = 1 where a > 0\n' +
    'rule: wᵢ ← wᵢ + α(y − ŷ)xᵢ, b ← b + α(y − ŷ); weights start at 0; one sample at a time';
  const predict = (points: Float64Array, n: number): Float64Array => p.predict(tensor(points, [n, 2])).data;
  classify = predict;
  const t0 = performance.now();
  for (let epoch = 0; epoch < s.epochs && !stopRequested; epoch++) {
    const h = p.fit(data.x, data.y, { epochs: 1 });
    const errorRate = h.errors[0]! / data.x.length;
    const yHat = predict(Float64Array.from(data.x.flat()), data.x.length);
    const acc = data.y.filter((v, i) => v === yHat[i]).length / data.y.length;
    losses.push(errorRate);
    line = { w: p.weights.slice(), b: p.bias };
    showProgress(epoch + 1, errorRate, acc, ((epoch + 1) * 1000) / (performance.now() - t0));
    redraw();
    if (h.converged) break;
    // Slow enough to watch the line move.
    await new Promise((r) => setTimeout(r, 120));
  }
}

async function start(): Promise<void> {
  if (running) return;
  let s: Settings;
  try {
    s = readSettings();
    if (!(s.lr > 0)) throw new Error('Learning rate must be a number > 0');
    if (!Number.isInteger(s.batch) || s.batch < 1) throw new Error('Batch size must be a whole number ≥ 1');
    if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new Error('Epochs must be a whole number ≥ 1');
    if (!Number.isFinite(s.seed)) throw new Error('Seed must be a number');
    if (s.model === 'mlp') parseHidden(s.hidden);
  } catch (e) {
    setStatus('error', (e as Error).message);
    return;
  }
  running = true;
  stopRequested = false;
  classify = null;
  line = null;
  resetProgress();
  syncEnabled();
  setStatus('training', 'training…');
  try {
    if (s.model === 'perceptron') await trainPerceptron(s);
    else await trainNetwork(s);
    redraw();
    setStatus(stopRequested ? 'stopped' : 'done');
  } catch (e) {
    // A NumnetError (bad settings) is shown to the user; anything else is a bug worth reporting.
    const err = e as Error;
    setStatus('error', `${err.name}: ${err.message}`);
    if (err.name !== 'NumnetError') console.error(err);
  } finally {
    running = false;
    stopModel = null;
    syncEnabled();
  }
}

function selectTask(task: DatasetName): void {
  data = DATASETS[task]();
  classify = null;
  line = null;
  ui.description.textContent = data.description;
  ui.summary.textContent = '';
  resetProgress();
  setStatus('idle');
  redraw();
}

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void start();
});
ui.stop.addEventListener('click', () => {
  stopRequested = true;
  stopModel?.();
});
ui.task.addEventListener('change', () => {
  applyPreset(ui.task.value as DatasetName);
  selectTask(ui.task.value as DatasetName);
});
ui.model.addEventListener('change', syncEnabled);

// A frame counter: it keeps ticking while the network trains, because fit yields between batches.
let frames = 0;
let since = performance.now();
const tick = (now: number): void => {
  frames++;
  if (now - since >= 500) {
    ui.fps.textContent = ((frames * 1000) / (now - since)).toFixed(0);
    frames = 0;
    since = now;
  }
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);

applyPreset(ui.task.value as DatasetName);
selectTask(ui.task.value as DatasetName);
