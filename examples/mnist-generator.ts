/**
 * Training from a batch generator: data that does not fit in memory as one Float64Array.
 *
 * Full MNIST is 60,000 × 784 pixels: 376 MB as float64. Here an epoch is 48,000 samples — the
 * 8,000 training digits of the `mnist` package, each drawn in its original place and shifted by
 * one pixel right, left, down, up and diagonally (6 variants), 301 MB as float64 — but the pixels
 * stay in one Uint8Array of 6.3 MB, and an async generator makes each float64 batch of 32 only
 * when `fit` asks for it. `fit(batches, { epochs, stepsPerEpoch })` reads the generator as Keras's `fit` reads
 * a Python generator and TF.js's `fitDataset` a dataset.
 *
 * Run: npx tsx examples/mnist-generator.ts  (NUMNET_FAST=1: a shorter run, for the tests)
 */
import { Dense, Sequential, SGD, Tensor, type Batch } from '../src/index.js';
import { loadMnist } from './lib/mnist.js';

const fast = !!process.env.NUMNET_FAST;
const BATCH = 32;
const SHIFTS: [number, number][] = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [1, 1]];

const { xTrain, yTrain, xTest, yTest } = loadMnist();
const n = xTrain.shape[0]!;
// The training set kept compactly: one byte per pixel, the label as a byte.
const pixels = Uint8Array.from(xTrain.data, (v) => Math.round(v * 255));
const labels = Uint8Array.from({ length: n }, (_, i) => yTrain.data.subarray(i * 10, i * 10 + 10).indexOf(1));
const samplesPerEpoch = n * SHIFTS.length;
console.log(
  `${samplesPerEpoch} samples per epoch: ${((samplesPerEpoch * 784 * 8) / 1e6).toFixed(0)} MB as one Float64Array; ` +
    `kept as ${(pixels.length / 1e6).toFixed(1)} MB of bytes and made into float64 batches of ${BATCH} on demand`,
);

/** Writes digit i shifted by (dy, dx) into out (784 values), the uncovered border 0. */
function drawShifted(i: number, dy: number, dx: number, out: Float64Array, offset: number): void {
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const sr = r - dy;
      const sc = c - dx;
      out[offset + r * 28 + c] = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? pixels[i * 784 + sr * 28 + sc]! / 255 : 0;
    }
  }
}

/** An endless stream of shuffled batches over every (digit, shift) pair; a new order each pass. */
async function* batches(seed: number): AsyncGenerator<Batch> {
  let state = seed;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const order = Uint32Array.from({ length: samplesPerEpoch }, (_, i) => i);
  for (;;) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += BATCH) {
      const rows = Math.min(BATCH, order.length - start);
      const x = new Float64Array(rows * 784);
      const y = new Float64Array(rows * 10);
      for (let r = 0; r < rows; r++) {
        const k = order[start + r]!;
        const digit = k % n;
        const [dy, dx] = SHIFTS[Math.floor(k / n)]!;
        drawShifted(digit, dy, dx, x, r * 784);
        y[r * 10 + labels[digit]!] = 1;
      }
      yield { x: new Tensor(x, [rows, 784]), y: new Tensor(y, [rows, 10]) };
    }
  }
}

const model = new Sequential(
  [new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })],
  { seed: 1 },
);
model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });

const stepsPerEpoch = fast ? 150 : Math.ceil(samplesPerEpoch / BATCH);
const epochs = fast ? 2 : 3;
const before = model.evaluate(xTest, yTest).acc!;
const history = await model.fit(batches(7), { epochs, stepsPerEpoch, verbose: fast ? 0 : 1 });
const after = model.evaluate(xTest, yTest).acc!;
console.log(`held-out accuracy: ${(before * 100).toFixed(2)}% before, ${(after * 100).toFixed(2)}% after ${epochs} epochs of ${stepsPerEpoch} batches`);
console.log(`loss per epoch: ${history.history.loss!.map((l) => l.toFixed(4)).join(', ')}`);

const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok  ${what}`);
};
check(history.history.loss!.length === epochs, 'one loss per epoch');
check(history.history.loss![epochs - 1]! < history.history.loss![0]!, 'the loss falls from the first epoch to the last');
check(after > (fast ? 0.8 : 0.9), `held-out accuracy above ${fast ? 80 : 90}% (${(after * 100).toFixed(2)}%)`);
