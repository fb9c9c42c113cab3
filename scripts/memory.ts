/**
 * Memory over a long training run: trains a small model (16-32-3 MLP with Dropout, Adam,
 * softmax crossentropy, accuracy, a validation split) for 200 epochs and samples the memory at
 * the end of every epoch, after two forced garbage collections: `process.memoryUsage().heapUsed`
 * (the JS heap) and `arrayBuffers` (the Float64Arrays' storage, which lives outside the JS heap).
 * Neither may grow once the first epochs have allocated the buffers: training keeps nothing per
 * batch. What legitimately accumulates is the History (a few numbers per epoch) and the JIT's
 * code and feedback, a few hundred bytes per epoch that level off.
 *
 *   node --expose-gc --import tsx scripts/memory.ts            # 200 epochs, a table
 *   node --expose-gc --import tsx scripts/memory.ts --epochs 60 --json
 *
 * `--json` prints one JSON line `{ epochs, heapUsed: [...], arrayBuffers: [...], growth, perEpoch }` (what
 * test/reliability/memory.test.ts reads). `--leak` adds a callback that keeps 1 KiB per batch, to
 * show that the measurement sees a leak. docs/reliability.md shows a run.
 */
import { Adam, Dense, Dropout, Random, Sequential, tensor } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('scripts/memory.ts needs the garbage collector exposed: node --expose-gc --import tsx scripts/memory.ts');
  process.exit(2);
}

const args = process.argv.slice(2);
const epochsArg = args.indexOf('--epochs');
const epochs = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 200;
if (!Number.isInteger(epochs) || epochs < 20) {
  console.error('--epochs must be an integer ≥ 20');
  process.exit(2);
}
const json = args.includes('--json');
const leak = args.includes('--leak');
const leaked: Float64Array[] = [];
/** Epochs before the steady state: the buffers for each batch size, the JIT, the optimizer state. */
const WARMUP = 10;

// Synthetic 3-class data: the class is the argmax of three fixed linear functions of 16 features.
const rng = new Random(42);
const n = 2048;
const features = 16;
const x = new Float64Array(n * features);
const y = new Float64Array(n * 3);
const w = Array.from({ length: 3 * features }, () => rng.normal());
for (let i = 0; i < n; i++) {
  for (let j = 0; j < features; j++) x[i * features + j] = rng.normal();
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let j = 0; j < features; j++) s += w[c * features + j]! * x[i * features + j]!;
    if (s > bestScore) [best, bestScore] = [c, s];
  }
  y[i * 3 + best] = 1;
}

const model = new Sequential(
  [
    new Dense({ units: 32, activation: 'relu', inputShape: [features] }),
    new Dropout({ rate: 0.2 }),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
  { seed: 1 },
);
model.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });

const heapUsed: number[] = [];
const arrayBuffers: number[] = [];
const sample = (): void => {
  gc();
  gc();
  const m = process.memoryUsage();
  heapUsed.push(m.heapUsed);
  arrayBuffers.push(m.arrayBuffers);
};
const history = await model.fit(tensor(x, [n, features]), tensor(y, [n, 3]), {
  epochs,
  batchSize: 32,
  validationSplit: 0.1,
  callbacks: [
    { onEpochEnd: sample },
    ...(leak ? [{ onBatchEnd: () => void leaked.push(new Float64Array(128)) }] : []),
  ],
});

// Growth in the steady state: a least-squares line through heapUsed + arrayBuffers after the warm-up.
const total = heapUsed.map((h, i) => h + arrayBuffers[i]!);
const tail = total.slice(WARMUP);
const meanX = (tail.length - 1) / 2;
const meanY = tail.reduce((s, v) => s + v, 0) / tail.length;
let sxy = 0;
let sxx = 0;
tail.forEach((v, i) => {
  sxy += (i - meanX) * (v - meanY);
  sxx += (i - meanX) ** 2;
});
const perEpoch = sxy / sxx;
const growth = perEpoch * (tail.length - 1);
const last = history.history;

if (json) {
  console.log(JSON.stringify({ epochs, warmup: WARMUP, heapUsed, arrayBuffers, growth, perEpoch, loss: last.loss!.at(-1), acc: last.acc!.at(-1) }));
} else {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(`numnet memory check: ${epochs} epochs of a 16-32-3 MLP (Dropout 0.2, Adam), ${n} samples, batch 32, validation 10%`);
  console.log('after gc at the end of the epoch:   heapUsed   arrayBuffers');
  const shown = [1, 2, 5, 10, 20, 50, 100, 150, 200].filter((e) => e <= epochs);
  if (!shown.includes(epochs)) shown.push(epochs);
  for (const e of shown) {
    console.log(`  epoch ${String(e).padStart(4)}: ${kib(heapUsed[e - 1]!).padStart(28)} ${kib(arrayBuffers[e - 1]!).padStart(14)}`);
  }
  console.log(`heapUsed + arrayBuffers over epochs ${WARMUP + 1}–${epochs}: min ${kib(Math.min(...tail))}, max ${kib(Math.max(...tail))}`);
  console.log(`steady-state trend (least squares, epochs ${WARMUP + 1}–${epochs}): ${perEpoch.toFixed(1)} bytes/epoch, ${kib(growth)} in all`);
  console.log(`final loss ${last.loss!.at(-1)!.toFixed(4)}, accuracy ${last.acc!.at(-1)!.toFixed(4)}`);
}
