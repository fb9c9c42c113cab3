/**
 * `numnet/plot`: pictures of training as SVG strings, made from numnet's public API, with no
 * native dependency and no DOM (browser-safe; write the string to a file or put it in a page).
 *
 * - {@link plotHistory}: loss and metric curves of `fit`, training and validation.
 * - {@link plotActivations}: activation functions and their derivatives.
 * - {@link plotOptimizerPaths}: the paths real numnet optimizers take on a 2-D loss surface,
 *   over its contour lines (the pictures of cs231n that the course slides show).
 *
 * Output is deterministic: the same arguments give the same bytes.
 * @packageDocumentation
 */
import { activate, activationGradient, getActivation } from '../activations/activations.js';
import type { Activation as ActivationFunction } from '../activations/activations.js';
import { NumnetError, describe } from '../errors.js';
import type { Parameter } from '../layers/layer.js';
import { Optimizer, getOptimizer } from '../optimizers/index.js';
import { Tensor } from '../tensor/tensor.js';
import {
  PALETTE, Svg, checkSize, drawAxes, drawLegend, drawSeries, extent, linearScale, niceTicks, num, pathData, simplify,
  type Box, type LegendEntry, type Series,
} from './svg.js';

/** Space around a panel's plotting area, in pixels. */
const MARGIN = { left: 62, right: 16, top: 58, bottom: 48 };

/** The plotting areas of `n` panels side by side in a figure of `width` × `height`. */
function panels(n: number, width: number, height: number): Box[] {
  const w = width / n;
  return Array.from({ length: n }, (_, i) => ({
    left: i * w + MARGIN.left,
    top: MARGIN.top,
    width: w - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  }));
}

function figureTitle(svg: Svg, title: string): void {
  svg.text(svg.width / 2, 22, title, 'text-anchor="middle" font-size="15" font-weight="bold"');
}

function checkTitle(title: unknown, fallback: string): string {
  if (title === undefined) return fallback;
  if (typeof title !== 'string') throw new NumnetError('INVALID_ARGUMENT', `title must be a string, got ${describe(title)}`);
  return title;
}

function checkOptions(options: unknown, who: string): void {
  if (options === null || typeof options !== 'object') {
    throw new NumnetError('INVALID_ARGUMENT', `${who}: options must be an object, got ${describe(options)}`);
  }
}

function checkRange(r: unknown, what: string): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[1] > r[0])) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be [low, high] with finite low < high, got ${describe(r)}`);
  }
  return [r[0], r[1]];
}

function checkInt(v: unknown, what: string, low: number, high: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < low || v > high) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a whole number in [${low}, ${high}], got ${describe(v)}`);
  }
  return v;
}

// ------------------------------------------------------------------------------------ history

/** What {@link plotHistory} draws: a `History` from `fit`, or anything with its `history` record. */
export interface HistoryLike {
  /** Per-epoch values by name: `loss`, metrics, and `val_…` for validation. */
  history: Record<string, ArrayLike<number>>;
  /** The epoch index of each entry (0-based); epochs 1, 2, … when absent. */
  epoch?: ArrayLike<number>;
}

/** Options of {@link plotHistory}. */
export interface PlotHistoryOptions {
  /** The panels, one per name, each with its `val_` twin: by default `loss`, then every metric. */
  metrics?: string[];
  /** The figure title (default "Training history"). */
  title?: string;
  /** Width of the whole figure in pixels (default 380 per panel). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
}

/**
 * Loss and metric curves of a training run, one panel per quantity: training solid, validation
 * (`val_…`) dashed, against the epoch. Accuracy panels span [0, 1]. A non-finite value (a NaN loss)
 * leaves a gap in its curve.
 *
 * ```ts
 * const history = await model.fit(x, y, { epochs: 50, validationSplit: 0.2 });
 * const svg = plotHistory(history, { title: 'XOR' });   // an SVG document as a string
 * ```
 */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): string {
  checkOptions(options, 'plotHistory()');
  if (history === null || typeof history !== 'object' || history.history === null || typeof history.history !== 'object') {
    throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): expected a History (with a .history record), got ${describe(history)}`);
  }
  const record = history.history;
  const isSeries = (v: unknown): v is ArrayLike<number> =>
    (Array.isArray(v) || v instanceof Float64Array) && Array.from(v as ArrayLike<unknown>).every((n) => typeof n === 'number');
  for (const [k, v] of Object.entries(record)) {
    if (!isSeries(v)) throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): history.${k} must be an array of numbers, got ${describe(v)}`);
  }
  const keys = Object.keys(record).filter((k) => record[k]!.length > 0);
  if (keys.length === 0) throw new NumnetError('INVALID_ARGUMENT', 'plotHistory(): the history has no epochs to plot');
  let names: string[];
  if (options.metrics !== undefined) {
    if (!Array.isArray(options.metrics) || options.metrics.length === 0 || !options.metrics.every((m) => typeof m === 'string')) {
      throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): metrics must be a non-empty array of names, got ${describe(options.metrics)}`);
    }
    for (const m of options.metrics) {
      if (!keys.includes(m) && !keys.includes(`val_${m}`)) {
        throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): no ${JSON.stringify(m)} in the history; it has ${keys.join(', ')}`);
      }
    }
    names = options.metrics;
  } else {
    const base = [...new Set(keys.map((k) => (k.startsWith('val_') ? k.slice(4) : k)))].filter((k) => k !== 'learning_rate');
    names = [...base.filter((k) => k === 'loss'), ...base.filter((k) => k !== 'loss')];
    if (names.length === 0) names = ['learning_rate'];
  }
  const width = checkSize(options.width, 'plotHistory() width', 380 * names.length);
  const height = checkSize(options.height, 'plotHistory() height', 320);
  const title = checkTitle(options.title, 'Training history');

  const epochsOf = (n: number): number[] => {
    const e = history.epoch;
    if (e && e.length === n) return Array.from(e, (v) => v + 1);
    return Array.from({ length: n }, (_, i) => i + 1);
  };

  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const boxes = panels(names.length, width, height);
  names.forEach((name, p) => {
    const box = boxes[p]!;
    const series: Series[] = [];
    const train = record[name];
    const val = record[`val_${name}`];
    if (train && train.length > 0) series.push({ label: 'training', color: PALETTE[0], xs: epochsOf(train.length), ys: train });
    if (val && val.length > 0) series.push({ label: 'validation', color: PALETTE[1], xs: epochsOf(val.length), ys: val, dash: true });
    const [x0, x1] = extent(...series.map((s) => s.xs));
    const xt = niceTicks(x0, x1, 6, true, 1);
    let [y0, y1] = extent(...series.map((s) => s.ys));
    if (/acc/i.test(name) && y0 >= 0 && y1 <= 1) [y0, y1] = [0, 1];
    const yt = niceTicks(y0, y1, 5);
    const x = linearScale(xt.domain[0], xt.domain[1], box.left, box.left + box.width);
    const y = linearScale(yt.domain[0], yt.domain[1], box.top + box.height, box.top);
    drawAxes(svg, box, xt, yt, x, y, { xLabel: 'epoch', yLabel: name, title: name });
    drawLegend(svg, box, series, drawSeries(svg, box, x, y, series));
  });
  return svg.toString();
}

// -------------------------------------------------------------------------------- activations

/** Options of {@link plotActivations}. */
export interface PlotActivationsOptions {
  /** Which panels: the functions, their derivatives, or both side by side (default). */
  show?: 'both' | 'function' | 'derivative';
  /** The x interval (default [−5, 5]). */
  xRange?: [number, number];
  /** Points per curve (default 401; straight stretches are drawn with fewer). */
  samples?: number;
  /** Horizontal reference lines, e.g. `{ y: 0.25, label: 'max of sigmoid′' }` (on the derivative panel unless `panel` says). */
  referenceLines?: {
    /** The height of the line. */
    y: number;
    /** Its label, written above the line's right end. */
    label: string;
    /** The panel it goes on (default the derivative panel, or the only panel). */
    panel?: 'function' | 'derivative';
  }[];
  /** The figure title (default "Activation functions"). */
  title?: string;
  /** Width of the whole figure in pixels (default 420 per panel). */
  width?: number;
  /** Height in pixels (default 360). */
  height?: number;
}

/**
 * An activation for {@link plotActivations}: a name (`'sigmoid'`, Keras's `'leaky_relu'`, …), an
 * activation object (e.g. `new LeakyReLU({ alpha: 0.1 }).activation`), or either with a legend label.
 */
export type ActivationEntry =
  | string
  | ActivationFunction
  | {
      /** The legend label. */
      label: string;
      /** The activation: a name or an activation object. */
      activation: string | ActivationFunction;
    };

/**
 * Activation functions φ(x) and their derivatives φ′(x) on a grid. Names go through `activate` and
 * `activationGradient`; activation objects are called directly. `step` has no derivative to draw
 * (it is not trained by gradients); `softmax` is not element-wise and is refused.
 *
 * ```ts
 * const svg = plotActivations(['sigmoid', 'tanh', 'relu'], { referenceLines: [{ y: 0.25, label: 'σ′ ≤ 0.25' }] });
 * ```
 */
export function plotActivations(entries: ActivationEntry[], options: PlotActivationsOptions = {}): string {
  checkOptions(options, 'plotActivations()');
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): expected a non-empty array of activations, got ${describe(entries)}`);
  }
  const items = entries.map((e) => {
    if (e !== null && typeof e === 'object' && 'label' in e) {
      if (typeof e.label !== 'string') throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): label must be a string, got ${describe(e.label)}`);
      const act = getActivation(e.activation);
      return { label: e.label, name: e.activation, act };
    }
    const act = getActivation(e as string | ActivationFunction);
    return { label: act.name, name: e as string | ActivationFunction, act };
  });
  for (const { act } of items) {
    if (act.name === 'softmax') {
      throw new NumnetError('INVALID_ARGUMENT', "plotActivations(): 'softmax' is not element-wise (it normalizes a vector); plot 'sigmoid' instead");
    }
  }
  const show = options.show ?? 'both';
  if (show !== 'both' && show !== 'function' && show !== 'derivative') {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): show must be 'both', 'function' or 'derivative', got ${describe(show)}`);
  }
  const [lo, hi] = options.xRange === undefined ? [-5, 5] : checkRange(options.xRange, 'plotActivations() xRange');
  const samples = checkInt(options.samples, 'plotActivations() samples', 2, 100_000, 401);
  const refs = options.referenceLines ?? [];
  if (!Array.isArray(refs) || !refs.every((r) => r && typeof r.y === 'number' && Number.isFinite(r.y) && typeof r.label === 'string')) {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): referenceLines must be [{ y: number, label: string }], got ${describe(refs)}`);
  }
  const kinds = show === 'both' ? (['function', 'derivative'] as const) : ([show] as const);
  const width = checkSize(options.width, 'plotActivations() width', 420 * kinds.length);
  const height = checkSize(options.height, 'plotActivations() height', 360);
  const title = checkTitle(options.title, 'Activation functions');

  const xs = Float64Array.from({ length: samples }, (_, i) => lo + ((hi - lo) * i) / (samples - 1));
  const valueOf = (a: ActivationFunction): Float64Array => {
    const y = new Float64Array(samples);
    a.forward(xs, y, 1);
    return y;
  };
  const gradientOf = (a: ActivationFunction): Float64Array => {
    const y = valueOf(a);
    const dz = new Float64Array(samples);
    a.backward(xs, y, new Float64Array(samples).fill(1), dz, 1);
    return dz;
  };
  const curve = (n: string | ActivationFunction, a: ActivationFunction, kind: 'function' | 'derivative'): Float64Array =>
    typeof n === 'string'
      ? (kind === 'function' ? activate(n, xs) : activationGradient(n, xs)).data
      : kind === 'function'
        ? valueOf(a)
        : gradientOf(a);

  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const boxes = panels(kinds.length, width, height);
  kinds.forEach((kind, p) => {
    const box = boxes[p]!;
    const series: Series[] = [];
    items.forEach(({ label, name, act }, i) => {
      if (kind === 'derivative' && !act.differentiable) return;
      const color = PALETTE[i % PALETTE.length]!;
      series.push({ label, color, xs, ys: curve(name, act, kind), dash: i >= PALETTE.length });
    });
    const lines = refs.filter((r) => (r.panel ?? (kinds.length === 1 ? kind : 'derivative')) === kind);
    const [y0, y1] = extent(...series.map((s) => s.ys), lines.map((r) => r.y));
    // Head room above the curves for the legend.
    const yt = niceTicks(y0, y1 + (y1 - y0) * 0.04 * (series.length + 2), 6);
    const xt = niceTicks(lo, hi, 8, false);
    const x = linearScale(lo, hi, box.left, box.left + box.width);
    const y = linearScale(yt.domain[0], yt.domain[1], box.top + box.height, box.top);
    const label = kind === 'function' ? 'φ(x)' : 'φ′(x)';
    drawAxes(svg, box, xt, yt, x, y, { xLabel: 'x', yLabel: label, title: kind === 'function' ? 'φ(x)' : 'derivative φ′(x)' });
    const avoid = drawSeries(svg, box, x, y, series);
    for (const r of lines) {
      const [left, right, py] = [box.left, box.left + box.width, y(r.y)];
      svg.add(`<path d="M${num(left)} ${num(py)}H${num(right)}" stroke="#555555" stroke-width="1.2" stroke-dasharray="4 3"/>`);
      svg.text(right - 6, py - 5, r.label, 'text-anchor="end" fill="#333333"');
      avoid.push([[left, py], [right, py]], [[right - 6 - r.label.length * 6.6, py - 14], [right - 6, py - 14]]);
    }
    drawLegend(svg, box, series, avoid);
  });
  return svg.toString();
}

// --------------------------------------------------------------------------- optimizer paths

/**
 * A loss L(x, y) of two weights, to watch optimizers on: the function, its gradient, the region
 * to draw and where the optimizers start.
 */
export interface LossSurface {
  /** Shown in the default title. */
  name: string;
  /** L(x, y). */
  f(x: number, y: number): number;
  /** [∂L/∂x, ∂L/∂y]. */
  gradient(x: number, y: number): [number, number];
  /** The x interval drawn. */
  xRange: [number, number];
  /** The y interval drawn. */
  yRange: [number, number];
  /** The starting point of every optimizer. */
  start: [number, number];
  /** The minimum, marked with × when given. */
  minimum?: [number, number];
}

/**
 * Loss surfaces of the classic optimizer pictures:
 * - `quadratic`: the ill-conditioned bowl L = 0.1x² + 2y² (curvature 20 times larger along y:
 *   plain gradient descent zigzags across the valley and crawls along it);
 * - `rosenbrock`: L = (1 − x)² + 100(y − x²)², a curved narrow valley with its minimum at (1, 1);
 * - `beale`: L = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum at (3, 0.5).
 */
export const SURFACES: Readonly<Record<'quadratic' | 'rosenbrock' | 'beale', LossSurface>> = {
  quadratic: {
    name: 'the ill-conditioned quadratic 0.1x² + 2y²',
    f: (x, y) => 0.1 * x * x + 2 * y * y,
    gradient: (x, y) => [0.2 * x, 4 * y],
    xRange: [-10, 10],
    yRange: [-5, 5],
    start: [-9, 3],
    minimum: [0, 0],
  },
  rosenbrock: {
    name: 'the Rosenbrock function',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2.5],
    minimum: [1, 1],
  },
  beale: {
    name: 'the Beale function',
    f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    gradient: (x, y) => {
      const a = 1.5 - x + x * y;
      const b = 2.25 - x + x * y * y;
      const c = 2.625 - x + x * y ** 3;
      return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
    },
    xRange: [-4.5, 4.5],
    yRange: [-4.5, 4.5],
    start: [1, 1.4],
    minimum: [3, 0.5],
  },
};

/** An optimizer for {@link plotOptimizerPaths}: an instance, a name ('adam'), or either with a label. */
export type OptimizerEntry =
  | Optimizer
  | string
  | {
      /** The legend label. */
      label: string;
      /** The optimizer: an instance or a name. */
      optimizer: Optimizer | string;
    };

/** The way one optimizer went (what {@link optimizerPath} returns). */
export interface OptimizerPath {
  /** The legend label. */
  label: string;
  /** The start and the point after each update, up to the first one outside the drawn region. */
  points: [number, number][];
  /** L at the last point. */
  finalLoss: number;
  /** True when the path left the drawn region (or the loss or gradient stopped being finite). */
  escaped: boolean;
}

function checkSurface(s: LossSurface): void {
  if (s === null || typeof s !== 'object' || typeof s.f !== 'function' || typeof s.gradient !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `expected a LossSurface { name, f, gradient, xRange, yRange, start }, got ${describe(s)}`);
  }
  if (typeof s.name !== 'string') throw new NumnetError('INVALID_ARGUMENT', `LossSurface name must be a string, got ${describe(s.name)}`);
  checkRange(s.xRange, 'LossSurface xRange');
  checkRange(s.yRange, 'LossSurface yRange');
  const [sx, sy] = checkPoint(s.start, 'LossSurface start');
  if (sx < s.xRange[0] || sx > s.xRange[1] || sy < s.yRange[0] || sy > s.yRange[1]) {
    throw new NumnetError('INVALID_ARGUMENT', `LossSurface start ${describe(s.start)} must lie inside xRange × yRange`);
  }
  if (s.minimum !== undefined) checkPoint(s.minimum, 'LossSurface minimum');
}

function checkPoint(p: unknown, what: string): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be [x, y] with finite numbers, got ${describe(p)}`);
  }
  return [p[0], p[1]];
}

const DISPLAY: Record<string, string> = {
  sgd: 'SGD', adagrad: 'Adagrad', rmsprop: 'RMSprop', adadelta: 'Adadelta', adam: 'Adam', adamw: 'AdamW', adamax: 'Adamax',
};

/** A legend label for an optimizer: its name, momentum/Nesterov for SGD, and a numeric learning rate. */
function labelOf(o: Optimizer): string {
  let name = DISPLAY[o.name] ?? o.name;
  const sgd = o as Optimizer & { momentum?: number; nesterov?: boolean };
  if (o.name === 'sgd' && sgd.momentum) name = sgd.nesterov ? `NAG (μ=${sgd.momentum})` : `Momentum (μ=${sgd.momentum})`;
  return typeof o.learningRate === 'number' ? `${name} α=${o.learningRate}` : name;
}

function resolveEntry(entry: OptimizerEntry): { label: string; optimizer: Optimizer } {
  if (entry !== null && typeof entry === 'object' && !(entry instanceof Optimizer)) {
    if (typeof entry.label !== 'string') {
      throw new NumnetError('INVALID_ARGUMENT', `an optimizer entry { label, optimizer } needs a string label, got ${describe(entry.label)}`);
    }
    return { label: entry.label, optimizer: getOptimizer(entry.optimizer) };
  }
  const optimizer = getOptimizer(entry as Optimizer | string);
  return { label: labelOf(optimizer), optimizer };
}

/**
 * Runs one optimizer on a loss surface: the two weights (x, y) are a numnet `Parameter`, the
 * surface's gradient is written into its `grad`, and `optimizer.apply` takes the step, exactly as in
 * `fit`. The optimizer is `reset()` first. Stops after `steps` updates, or at the first point outside
 * the surface's region (or a non-finite loss).
 */
export function optimizerPath(
  surface: LossSurface,
  optimizer: OptimizerEntry,
  options: { steps?: number; start?: [number, number] } = {},
): OptimizerPath {
  checkSurface(surface);
  checkOptions(options, 'optimizerPath()');
  const steps = checkInt(options.steps, 'steps', 1, 100_000, 100);
  const start = options.start === undefined ? surface.start : checkPoint(options.start, 'start');
  if (options.start !== undefined) checkSurface({ ...surface, start });
  const { label, optimizer: opt } = resolveEntry(optimizer);
  opt.reset();
  const param: Parameter = { name: 'surface/xy', value: new Tensor(Float64Array.from(start), [2]), grad: new Float64Array(2) };
  const w = param.value.data;
  const [xa, xb] = surface.xRange;
  const [ya, yb] = surface.yRange;
  const inside = (x: number, y: number) => x >= xa && x <= xb && y >= ya && y <= yb;
  const points: [number, number][] = [[w[0]!, w[1]!]];
  let escaped = false;
  for (let t = 0; t < steps && !escaped; t++) {
    const g = surface.gradient(w[0]!, w[1]!);
    if (!Array.isArray(g) || !Number.isFinite(g[0]) || !Number.isFinite(g[1])) {
      escaped = true;
      break;
    }
    param.grad[0] = g[0];
    param.grad[1] = g[1];
    opt.apply([param]);
    points.push([w[0]!, w[1]!]);
    if (!inside(w[0]!, w[1]!) || !Number.isFinite(surface.f(w[0]!, w[1]!))) escaped = true;
  }
  const last = points[points.length - 1]!;
  return { label, points, finalLoss: surface.f(last[0], last[1]), escaped };
}

/** Options of {@link plotOptimizerPaths}. */
export interface PlotOptimizerPathsOptions {
  /** Updates per optimizer (default 100). */
  steps?: number;
  /** Where every optimizer starts (default the surface's `start`). */
  start?: [number, number];
  /**
   * The contour levels: their values, or how many (default 15), spaced geometrically over five
   * decades above the lowest loss on the grid.
   */
  levels?: number | number[];
  /** Grid cells per axis for the contours (default 80). */
  resolution?: number;
  /** The figure title (default "Optimizers on <surface name>"). */
  title?: string;
  /** Width in pixels (default 620). */
  width?: number;
  /** Height in pixels (default 500). */
  height?: number;
}

/**
 * Contour lines (marching squares, joined into polylines) of f over the grid, at `levels`, as
 * pixel-space path data per level.
 */
function contourPaths(
  f: (x: number, y: number) => number,
  n: number,
  levels: number[],
  px: (i: number) => number,
  py: (j: number) => number,
  xAt: (i: number) => number,
  yAt: (j: number) => number,
): string[] {
  const v = new Float64Array((n + 1) * (n + 1));
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) v[j * (n + 1) + i] = f(xAt(i), yAt(j));
  const at = (i: number, j: number) => v[j * (n + 1) + i]!;
  return levels.map((level) => {
    // Edge ids: horizontal edge (i, j)–(i+1, j) is 2·(j(n+1) + i), vertical (i, j)–(i, j+1) is that + 1.
    const h = (i: number, j: number) => 2 * (j * (n + 1) + i);
    const vert = (i: number, j: number) => 2 * (j * (n + 1) + i) + 1;
    const point = (edge: number): [number, number] => {
      const k = edge >> 1;
      const i = k % (n + 1);
      const j = (k - i) / (n + 1);
      const [i2, j2] = edge & 1 ? [i, j + 1] : [i + 1, j];
      const a = at(i, j);
      const b = at(i2, j2);
      const t = (level - a) / (b - a);
      return [px(i + (i2 - i) * t), py(j + (j2 - j) * t)];
    };
    const links = new Map<number, number[]>();
    const link = (a: number, b: number) => {
      (links.get(a) ?? links.set(a, []).get(a)!).push(b);
      (links.get(b) ?? links.set(b, []).get(b)!).push(a);
    };
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
        if (!c.every(Number.isFinite)) continue;
        const edges = [h(i, j), vert(i + 1, j), h(i, j + 1), vert(i, j)]; // bottom, right, top, left
        const above = c.map((z) => z > level);
        const cut = edges.filter((_, e) => above[e] !== above[(e + 1) % 4]);
        if (cut.length === 2) link(cut[0]!, cut[1]!);
        else if (cut.length === 4) {
          // A saddle cell: the center decides which corners the contour cuts off.
          const center = (c[0]! + c[1]! + c[2]! + c[3]!) / 4 > level;
          if (center === above[0]) {
            link(edges[0]!, edges[1]!);
            link(edges[2]!, edges[3]!);
          } else {
            link(edges[3]!, edges[0]!);
            link(edges[1]!, edges[2]!);
          }
        }
      }
    }
    // Walk the chains: open ones from their ends first, then the closed loops.
    const seen = new Set<number>();
    const chains: [number, number][][] = [];
    const walk = (startEdge: number) => {
      const chain: [number, number][] = [];
      let prev = -1;
      let cur: number | undefined = startEdge;
      while (cur !== undefined && !seen.has(cur)) {
        seen.add(cur);
        chain.push(point(cur));
        const next: number | undefined = links.get(cur)!.find((e) => e !== prev && !seen.has(e));
        prev = cur;
        cur = next;
      }
      if (chain.length > 2 && links.get(prev)!.includes(startEdge)) chain.push(chain[0]!); // a closed loop
      chains.push(chain);
    };
    const ids = [...links.keys()].sort((a, b) => a - b);
    for (const e of ids) if (!seen.has(e) && links.get(e)!.length === 1) walk(e);
    for (const e of ids) if (!seen.has(e)) walk(e);
    return chains.map((c) => pathData(c)).join('');
  });
}

/**
 * The paths of real numnet optimizers on a 2-D loss surface, over its contour lines, like the
 * cs231n pictures in the course slides. Each optimizer starts at the surface's `start` and takes
 * `steps` updates through {@link optimizerPath} (its own `apply`, the same code as in `fit`); a path
 * that leaves the drawn region ends at the border and is marked "(left the plot)".
 *
 * ```ts
 * const svg = plotOptimizerPaths(SURFACES.quadratic, [
 *   new SGD({ learningRate: 0.4 }),
 *   new SGD({ learningRate: 0.04, momentum: 0.9 }),
 *   { label: 'Adam', optimizer: new Adam({ learningRate: 0.5 }) },
 * ], { steps: 60 });
 * ```
 */
export function plotOptimizerPaths(
  surface: LossSurface,
  optimizers: OptimizerEntry[],
  options: PlotOptimizerPathsOptions = {},
): string {
  checkSurface(surface);
  checkOptions(options, 'plotOptimizerPaths()');
  if (!Array.isArray(optimizers) || optimizers.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', `plotOptimizerPaths(): optimizers must be a non-empty array, got ${describe(optimizers)}`);
  }
  const width = checkSize(options.width, 'plotOptimizerPaths() width', 620);
  const height = checkSize(options.height, 'plotOptimizerPaths() height', 500);
  const title = checkTitle(options.title, `Optimizers on ${surface.name}`);
  const n = checkInt(options.resolution, 'plotOptimizerPaths() resolution', 4, 400, 80);
  const paths = optimizers.map((o) => optimizerPath(surface, o, { steps: options.steps, start: options.start }));

  const [xa, xb] = surface.xRange;
  const [ya, yb] = surface.yRange;
  const box = panels(1, width, height)[0]!;
  const x = linearScale(xa, xb, box.left, box.left + box.width);
  const y = linearScale(ya, yb, box.top + box.height, box.top);
  const xAt = (i: number) => xa + ((xb - xa) * i) / n;
  const yAt = (j: number) => ya + ((yb - ya) * j) / n;

  let levels: number[];
  if (Array.isArray(options.levels)) {
    if (!options.levels.every((l) => typeof l === 'number' && Number.isFinite(l))) {
      throw new NumnetError('INVALID_ARGUMENT', `plotOptimizerPaths(): levels must be finite numbers, got ${describe(options.levels)}`);
    }
    levels = options.levels.slice();
  } else {
    const count = checkInt(options.levels, 'plotOptimizerPaths() levels', 1, 100, 15);
    const grid: number[] = [];
    for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) grid.push(surface.f(xAt(i), yAt(j)));
    const [lo, hi] = extent(grid);
    const span = hi - lo || 1;
    levels = Array.from({ length: count }, (_, k) => lo + span * 10 ** (-5 + (5 * k) / count));
  }

  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const steps = options.steps ?? 100;
  const caption = `${surface.minimum ? '× minimum, ' : ''}○ start; ${steps} update${steps === 1 ? '' : 's'} each`;
  svg.text(width / 2, 40, caption, 'text-anchor="middle" fill="#555555"');
  const xt = niceTicks(xa, xb, 8, false);
  const yt = niceTicks(ya, yb, 8, false);
  drawAxes(svg, box, xt, yt, x, y, { xLabel: 'x', yLabel: 'y' });
  const contours = contourPaths(surface.f, n, levels, (i) => x(xAt(i)), (j) => y(yAt(j)), xAt, yAt);
  svg.add('<g fill="none" stroke="#9fb3cf" stroke-width="1">');
  for (const d of contours) if (d) svg.add(`<path d="${d}"/>`);
  svg.add('</g>');
  if (surface.minimum) {
    const [mx, my] = [x(surface.minimum[0]), y(surface.minimum[1])];
    svg.add(`<path d="M${num(mx - 6)} ${num(my - 6)}L${num(mx + 6)} ${num(my + 6)}M${num(mx - 6)} ${num(my + 6)}L${num(mx + 6)} ${num(my - 6)}" stroke="#000000" stroke-width="2.5"/>`);
  }

  const legend: LegendEntry[] = [];
  const avoid: [number, number][][] = [];
  svg.add('<g fill="none" stroke-width="2" stroke-linejoin="round">');
  paths.forEach((p, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pts = p.points.map(([u, v]) => [u, v] as [number, number]);
    if (p.escaped && pts.length >= 2) {
      // End the path where it crosses the border (or at the last finite point).
      const [ux, uy] = pts[pts.length - 2]!;
      const [vx, vy] = pts[pts.length - 1]!;
      if (!Number.isFinite(vx) || !Number.isFinite(vy)) pts.pop();
      else {
        let t = 1;
        if (vx < xa) t = Math.min(t, (xa - ux) / (vx - ux));
        if (vx > xb) t = Math.min(t, (xb - ux) / (vx - ux));
        if (vy < ya) t = Math.min(t, (ya - uy) / (vy - uy));
        if (vy > yb) t = Math.min(t, (yb - uy) / (vy - uy));
        pts[pts.length - 1] = [ux + (vx - ux) * t, uy + (vy - uy) * t];
      }
    }
    const pixels = simplify(pts.map(([u, v]) => [x(u), y(v)] as [number, number]));
    avoid.push(pixels);
    svg.add(`<path d="${pathData(pixels)}" stroke="${color}"/>`);
    const [ex, ey] = pixels[pixels.length - 1]!;
    svg.add(`<circle cx="${num(ex)}" cy="${num(ey)}" r="3.5" fill="${color}" stroke="none"/>`);
    legend.push({ label: p.escaped ? `${p.label} (left the plot)` : p.label, color });
  });
  svg.add('</g>');
  const [sx, sy] = [x(paths[0]!.points[0]![0]), y(paths[0]!.points[0]![1])];
  svg.add(`<circle cx="${num(sx)}" cy="${num(sy)}" r="5" fill="#ffffff" stroke="#000000" stroke-width="2"/>`);
  if (surface.minimum) avoid.push([[x(surface.minimum[0]), y(surface.minimum[1])]]);
  drawLegend(svg, box, legend, avoid);
  return svg.toString();
}
