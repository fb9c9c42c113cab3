/**
 * 최적화 함수 (optimizers): every numnet optimizer on one problem, the same network and the same
 * initial weights, with the loss after each epoch side by side. The optimizers are given the way
 * the slides' Keras code gives them: by name with their defaults (`optimizer: 'Adam'`), and SGD
 * with `momentum: 0.9` (Momentum) and `nesterov: true` (NAG). Then the slides' own forms of
 * Momentum and NAG, checked step by step against `SGD`. Picture: docs/images/optimizer-paths-*.svg.
 * Run: npx tsx examples/optimizers.ts  (NUMNET_FAST=1: 15 epochs instead of 60.)
 */
import {
  Adadelta, Adagrad, Adam, AdamW, Adamax, Dense, RMSprop, SGD, Sequential, Tensor, type Optimizer, type Parameter,
} from '../src/index.js';
import { FAST, check, heading, table } from './lib/print.js';

const epochs = FAST ? 15 : 60;
// The problem: y = sin(3x) on 64 points of [-1, 1], a 1-16-16-1 tanh network, mse, batches of 16.
const xs = Array.from({ length: 64 }, (_, i) => [-1 + (2 * i) / 63]);
const ys = xs.map(([v]) => [Math.sin(3 * v!)]);

const candidates: [string, () => Optimizer | string, string][] = [
  ['SGD', () => 'sgd', "'sgd' (learningRate 0.01)"],
  ['Momentum', () => new SGD({ learningRate: 0.01, momentum: 0.9 }), 'new SGD({ learningRate: 0.01, momentum: 0.9 })'],
  ['NAG', () => new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }), 'new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })'],
  ['Adagrad', () => 'adagrad', "'adagrad' (learningRate 0.001)"],
  ['RMSprop', () => 'rmsprop', "'rmsprop' (learningRate 0.001, rho 0.9)"],
  ['Adadelta', () => 'adadelta', "'adadelta' (learningRate 1, rho 0.95)"],
  ['Adam', () => 'Adam', "'Adam' (learningRate 0.001, beta1 0.9, beta2 0.999)"],
  ['AdamW', () => 'adamw', "'adamw' (as Adam, weightDecay 0.004)"],
  ['Adamax', () => 'adamax', "'adamax' (learningRate 0.001)"],
];

/** Trains the same network from the same weights with each optimizer; the loss on all data after each epoch. */
async function race(list: [string, () => Optimizer | string, string][]): Promise<Record<string, number[]>> {
  const curves: Record<string, number[]> = {};
  for (const [name, make] of list) {
    const model = new Sequential(
      [
        new Dense({ units: 16, activation: 'tanh', inputShape: [1] }),
        new Dense({ units: 16, activation: 'tanh' }),
        new Dense({ units: 1 }),
      ],
      { seed: 2024 },
    );
    model.compile({ loss: 'mse', optimizer: make() });
    const curve = [model.evaluate(xs, ys).loss!];
    await model.fit(xs, ys, { epochs, batchSize: 16, callbacks: { onEpochEnd: () => void curve.push(model.evaluate(xs, ys).loss!) } });
    curves[name] = curve;
  }
  const marks = [...new Set([0, 1, 2, 3, 5, 10, 15, 20, 30, 40, 50, 60].filter((e) => e <= epochs).concat(epochs))];
  table(
    ['epoch', ...Object.keys(curves)],
    marks.map((e) => [String(e), ...Object.values(curves).map((c) => c[e]!.toFixed(4))]),
  );
  const ranked = Object.keys(curves).sort((a, b) => curves[a]![epochs]! - curves[b]![epochs]!);
  console.log(`lowest loss after ${epochs} epochs: ${ranked.map((n) => `${n} ${curves[n]![epochs]!.toFixed(4)}`).join(' < ')}`);
  return curves;
}

heading(`Every optimizer on y = sin(3x): 1-16-16-1 tanh network, mse, batchSize 16, ${epochs} epochs, the same initial weights`);
console.log('The loss on all 64 samples after each epoch (epoch 0: before training).\n');
console.log('1. By name with the defaults, as the slides\' Keras code does it (Momentum and NAG as on the Keras slide):');
for (const [name, , how] of candidates) console.log(`   ${name.padEnd(9)} compile({ loss: 'mse', optimizer: ${how} })`);
console.log('');
const byName = await race(candidates);
console.log('Defaults matter: Adagrad, Adam and Adamax start at learningRate 0.001 and move slowly here; Momentum and');
console.log('NAG reuse past gradients and so take larger effective steps than plain SGD at the same rate.');

const at = (c: Record<string, number[]>, n: string) => c[n]![epochs]!;
const starts = Object.values(byName).map((c) => c[0]!);
check(starts.every((v) => v === starts[0]), 'every optimizer starts from the same loss (same seed, same weights)');
check(Object.values(byName).every((c) => c[epochs]! < c[0]!), 'every optimizer lowers the loss');
check(at(byName, 'Momentum') < at(byName, 'SGD') && at(byName, 'NAG') < at(byName, 'SGD'), 'Momentum and NAG beat plain SGD at the same learning rate');
check(at(byName, 'RMSprop') < at(byName, 'Adagrad'), 'RMSprop beats Adagrad at the same learning rate (its step does not decay to 0)');

console.log('\n2. The same, every adaptive optimizer at learningRate 0.01 (Adadelta keeps its 1.0):\n');
const tuned = await race([
  ...candidates.slice(0, 3),
  ['Adagrad', () => new Adagrad({ learningRate: 0.01 }), ''],
  ['RMSprop', () => new RMSprop({ learningRate: 0.01 }), ''],
  ['Adadelta', () => new Adadelta(), ''],
  ['Adam', () => new Adam({ learningRate: 0.01 }), ''],
  ['AdamW', () => new AdamW({ learningRate: 0.01 }), ''],
  ['Adamax', () => new Adamax({ learningRate: 0.01 }), ''],
]);
console.log('At a matched rate RMSprop and Adam, which divide each weight\'s step by a running average of its squared');
console.log('gradients, pull ahead; Adagrad divides by the ever-growing sum, so its steps keep shrinking.');
check(
  ['RMSprop', 'Adam'].every((n) => at(tuned, n) < at(tuned, 'SGD') && at(tuned, n) < at(tuned, 'Adagrad')),
  'at learningRate 0.01 RMSprop and Adam beat SGD and Adagrad',
);
check(at(tuned, 'Adam') < at(byName, 'Adam'), 'Adam at 0.01 beats Adam at its default 0.001 in this many epochs');

// ------------------------------------------------------------------ the slides' Momentum and NAG
heading("The slides' Momentum and NAG are numnet's SGD (docs/optimizers.md)");
const grad = (w: number) => 4 * w - 1; // L(w) = 2w² − w, minimum at w = 0.25
const param = (w: number): Parameter => ({ name: 'w', value: new Tensor(Float64Array.of(w), [1]), grad: new Float64Array(1) });
const stepWith = (opt: Optimizer, p: Parameter, g: number) => {
  p.grad[0] = g;
  opt.apply([p]);
  return p.value.data[0]!;
};
const alpha = 0.1;
const beta = 0.9;
const rows: string[][] = [];
let worst = 0;
{
  // Slides: v ← βv + (1 − β)∂L/∂w; w ← w − αv.   numnet: SGD({ momentum: β, learningRate: α(1 − β) }).
  let w = 2;
  let v = 0;
  const p = param(2);
  const opt = new SGD({ momentum: beta, learningRate: alpha * (1 - beta) });
  // Slides: v ← βv + α∂L(w − βv)/∂w; w ← w − v.   numnet: SGD({ momentum: β, learningRate: α, nesterov: true }),
  // whose weight is the look-ahead point θ = w − βv.
  let wn = 2;
  let vn = 0;
  const q = param(2);
  const nag = new SGD({ momentum: beta, learningRate: alpha, nesterov: true });
  for (let t = 1; t <= 8; t++) {
    v = beta * v + (1 - beta) * grad(w);
    w -= alpha * v;
    const wSgd = stepWith(opt, p, grad(p.value.data[0]!));
    vn = beta * vn + alpha * grad(wn - beta * vn);
    wn -= vn;
    const theta = stepWith(nag, q, grad(q.value.data[0]!));
    worst = Math.max(worst, Math.abs(w - wSgd), Math.abs(wn - beta * vn - theta));
    rows.push([String(t), w.toFixed(12), wSgd.toFixed(12), (wn - beta * vn).toFixed(12), theta.toFixed(12)]);
  }
}
table(['step', 'slides momentum w', 'SGD momentum w', 'slides NAG w - beta*v', 'SGD nesterov w'], rows);
check(worst < 1e-12, `same sequences to rounding (largest difference ${worst.toExponential(1)})`);
console.log('\nIn Keras terms (the slides\' code):');
console.log('  optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)  ->  new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })');
console.log("  model.compile(loss='mse', optimizer='Adam', metrics=['acc'])       ->  model.compile({ loss: 'mse', optimizer: 'Adam', metrics: ['acc'] })");
console.log('\noptimizers: all claims hold');
