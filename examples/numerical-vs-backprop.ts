/**
 * 오차역전파 — 수치 미분의 한계: the slide's cost argument for the 784-100-10 MNIST network, measured
 * on this machine. A numerical gradient needs one more loss evaluation per parameter (79,510 + 1
 * forward passes for one update); backpropagation gets every gradient from one forward and one
 * backward pass. The slide: 4,446,400,000 × 79,511 = 353,537,710,400,000 operations at 850,000,000 per
 * second ≈ 415,926 s ≈ 115 h for one update over 56,000 training images.
 *
 * Default: one complete numerical-gradient update on a mini-batch of 10 real digits (79,511
 * evaluations, about half a minute), compared with backpropagation's. NUMNET_FAST=1: the same
 * timed on a sample of 200 parameters and extrapolated. Run: npx tsx examples/numerical-vs-backprop.ts
 */
import { Dense, Random, SGD, Sequential, Tensor } from '../src/index.js';
import { FAST, check, heading, table } from './lib/print.js';
import { loadMnist } from './lib/mnist.js';

const fmt = (n: number | bigint) => n.toLocaleString('en-US');
const hours = (seconds: number) => `${fmt(Math.floor(seconds))} s = ${(seconds / 3600).toFixed(1)} h`;

heading("The slide's arithmetic (오차역전파: 수치 미분의 한계)");
const weights = 784n * 100n + 100n * 10n;
const biases = 100n + 10n;
const perLoss = weights * 56_000n; // one loss over the training set, multiplications only
const perUpdate = perLoss * (weights + biases + 1n);
const slideSeconds = Number(perUpdate) / 850_000_000;
table(
  ['quantity', 'value'],
  [
    ['weights 784*100 + 100*10', fmt(weights)],
    ['biases 100 + 10', fmt(biases)],
    ['one loss over 56,000 images (80% of 70,000): 79,400 * 56,000', fmt(perLoss)],
    ['one update: that * 79,511 (= 79,400 + 110 + 1 loss evaluations)', fmt(perUpdate)],
    ['at 850,000,000 operations per second', hours(slideSeconds)],
  ],
);
check(perLoss === 4_446_400_000n && perUpdate === 353_537_710_400_000n, 'the slide\'s products: 4,446,400,000 and 353,537,710,400,000');
check(
  Math.floor(slideSeconds) === 415_926 && Math.floor(slideSeconds / 3600) === 115,
  `the slide's 415,926 s = about 115 h (${slideSeconds.toFixed(1)} s = ${(slideSeconds / 3600).toFixed(2)} h, truncated on the slide)`,
);

// ------------------------------------------------------------------ measured here
const { xTrain, yTrain } = loadMnist(1);
const rows = (t: Tensor, from: number, n: number, cols: number) => new Tensor(t.data.slice(from * cols, (from + n) * cols), [n, cols]);
const build = () => {
  const m = new Sequential(
    [new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })],
    { seed: 1 },
  );
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  return m;
};
const time = (f: () => void, reps: number): number => {
  for (let i = 0; i < Math.min(reps, 10); i++) f(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / 1000 / reps;
};

heading('Measured here: one forward pass and one backpropagation update per image');
const big = FAST ? 200 : 1000;
const xBig = rows(xTrain, 0, big, 784);
const yBig = rows(yTrain, 0, big, 10);
const model = build();
const P = model.countParams();
const forwardPerImage = time(() => model.evaluate(xBig, yBig, { batchSize: big }), FAST ? 10 : 40) / big;
const backpropPerImage = time(() => model.trainOnBatch(xBig, yBig), FAST ? 10 : 40) / big;
const opsPerSecond = 79_400 / forwardPerImage;
table(
  ['per image', 'seconds', 'note'],
  [
    ['forward pass (loss)', forwardPerImage.toExponential(3), `${fmt(Math.round(opsPerSecond))} multiplications/s (the slide assumes 850,000,000)`],
    ['backpropagation update', backpropPerImage.toExponential(3), 'forward + backward + SGD step, all 79,510 gradients'],
  ],
);

// ------------------------------------------------------------------ one numerical-gradient update
const batch = 10;
const xb = rows(xTrain, 0, batch, 784);
const yb = rows(yTrain, 0, batch, 10);
const net = build();
const params = net.parameters; // live weights: kernel, bias, kernel, bias
const where: [number, number][] = params.flatMap((p, k) => Array.from({ length: p.value.size }, (_, i) => [k, i] as [number, number]));
const sample = FAST ? new Random(5).shuffle(Int32Array.from(where.keys())).subarray(0, 200) : Int32Array.from(where.keys());
heading(
  FAST
    ? `One numerical-gradient update on ${batch} images: ${sample.length} of the ${fmt(P)} parameters timed, then extrapolated`
    : `One numerical-gradient update on ${batch} images: all ${fmt(P)} parameters (${fmt(P + 1)} loss evaluations; about 20 s)`,
);
const eps = 1e-6;
const t0 = performance.now();
const base = net.evaluate(xb, yb).loss!;
const numeric = new Float64Array(sample.length);
for (let s = 0; s < sample.length; s++) {
  const [k, i] = where[sample[s]!]!;
  const w = params[k]!.value.data;
  const old = w[i]!;
  w[i] = old + eps;
  numeric[s] = (net.evaluate(xb, yb).loss! - base) / eps; // forward difference, as the slide counts
  w[i] = old;
}
const numericalSeconds = ((performance.now() - t0) / 1000) * (FAST ? (P + 1) / (sample.length + 1) : 1);
const { gradients } = net.computeGradients(xb, yb);
const backprop = Float64Array.from(sample, (j) => gradients[where[j]![0]]!.data[where[j]![1]]!);
const diff = Math.hypot(...numeric.map((v, s) => v - backprop[s]!));
const relative = diff / Math.hypot(...backprop);
const timing = build();
const backpropSeconds = time(() => timing.trainOnBatch(xb, yb), 200);

let updateGap = NaN;
if (!FAST) {
  // Apply the numerical update by hand and compare it with trainOnBatch's.
  const byHand = params.map((p) => Float64Array.from(p.value.data));
  let j = 0;
  for (const w of byHand) for (let i = 0; i < w.length; i++) w[i]! -= 0.1 * numeric[j++]!;
  net.trainOnBatch(xb, yb);
  updateGap = Math.max(...params.map((p, k) => Math.max(...p.value.data.map((v, i) => Math.abs(v - byHand[k]![i]!)))));
}
table(
  ['one update on 10 images', 'seconds'],
  [
    [`numerical gradient (${fmt(P + 1)} forward passes)${FAST ? ', extrapolated' : ''}`, numericalSeconds.toFixed(3)],
    ['backpropagation (trainOnBatch)', backpropSeconds.toExponential(3)],
    ['ratio', fmt(Math.round(numericalSeconds / backpropSeconds))],
  ],
);
console.log(`‖numerical − backprop‖ / ‖backprop‖ over the ${fmt(sample.length)} gradients: ${relative.toExponential(2)} (forward differences, ε = 1e-6)`);
if (!FAST) console.log(`the numerical update and trainOnBatch's give weights within ${updateGap.toExponential(2)} of each other`);

heading('Extrapolated to the slide: one update over 56,000 training images');
const numericalFull = (P + 1) * 56_000 * forwardPerImage;
const backpropFull = 56_000 * backpropPerImage;
table(
  ['one update over 56,000 images', 'here', 'the slide'],
  [
    ['numerical gradient', hours(numericalFull), `${hours(slideSeconds)} (at 850,000,000 operations/s)`],
    ['backpropagation', `${backpropFull.toFixed(2)} s`, '—'],
    ['ratio', fmt(Math.round(numericalFull / backpropFull)), '—'],
  ],
);
console.log('The ratio is about the parameter count divided by a small constant: the numerical gradient redoes the');
console.log('whole forward pass once per parameter; backpropagation costs about two to three forward passes in all.');

check(relative < 1e-3, `the numerical gradient agrees with backpropagation (relative difference ${relative.toExponential(2)})`);
if (!FAST) check(updateGap < 1e-6, 'one numerical update and one backpropagation update give the same weights (to 1e-6)');
check(numericalSeconds / backpropSeconds > 1000, 'one numerical update costs over 1,000 backpropagation updates');
check(numericalFull > 3600, 'one numerical update over 56,000 images takes hours even here');
console.log('\nnumerical-vs-backprop: all claims hold');
