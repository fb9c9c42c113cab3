/**
 * 오차역전파: one backpropagation step of the slides' 2-2-1 sigmoid network (MSE, α = 0.1, y = 1, no
 * biases). First the slide's table beside the exact float64 values with the errata (the same
 * section `npm run demo` prints, from examples/lib/slides.ts); then every chain-rule product
 * factor by factor, the slide's rounded factors beside the exact ones; then backpropagation
 * checked against numerical differentiation. Run: npx tsx examples/backprop-step.ts
 * (NUMNET_FAST=1 changes nothing: the whole run takes well under a second.)
 */
import { Dense, SGD, Sequential, gradCheck, tensor } from '../src/index.js';
import { check, heading, s, table } from './lib/print.js';
import { backpropDemo } from './lib/slides.js';

const { before, after, gradients, dEdyHat, dyHatda3, newWeights } = backpropDemo();
const [g1, g2] = gradients.map((g) => g.data) as [Float64Array, Float64Array];

// ------------------------------------------------------------------ the chain rule, factor by factor
heading('The chain rule, factor by factor (체인룰): the slide multiplies rounded factors, numnet exact ones');
const w5 = 0.5;
const w6 = 0.35;
const x1 = 0.5;
const x2 = 0.7;
const dh1 = before.h1 * (1 - before.h1); // ∂h1/∂a1 = h1(1 − h1)
const dh2 = before.h2 * (1 - before.h2);
const rows: { name: string; slide: string; factors: number[]; exact: number; fromModel: number; slideValue: string }[] = [
  { name: 'dE/dw5 = dE/dyhat * dyhat/da3 * h1', slide: '-0.742 * 0.233 * 0.613', factors: [dEdyHat, dyHatda3, before.h1], exact: 0, fromModel: g2[0]!, slideValue: '-0.1059' },
  { name: 'dE/dw6 = dE/dyhat * dyhat/da3 * h2', slide: '-0.742 * 0.233 * 0.638', factors: [dEdyHat, dyHatda3, before.h2], exact: 0, fromModel: g2[1]!, slideValue: '-0.1103' },
  { name: 'dE/dw1 = ... * w5 * h1(1-h1) * x1', slide: '-0.742 * 0.233 * 0.5 * 0.237 * 0.5', factors: [dEdyHat, dyHatda3, w5, dh1, x1], exact: 0, fromModel: g1[0]!, slideValue: '-0.0102' },
  { name: 'dE/dw2 = ... * w6 * h2(1-h2) * x1', slide: '-0.742 * 0.233 * 0.35 * 0.231 * 0.5', factors: [dEdyHat, dyHatda3, w6, dh2, x1], exact: 0, fromModel: g1[1]!, slideValue: '-0.00698' },
  { name: 'dE/dw3 = ... * w5 * h1(1-h1) * x2', slide: '-0.742 * 0.233 * 0.5 * 0.237 * 0.7', factors: [dEdyHat, dyHatda3, w5, dh1, x2], exact: 0, fromModel: g1[2]!, slideValue: '-0.01433' },
  { name: 'dE/dw4 = ... * w6 * h2(1-h2) * x2', slide: '-0.742 * 0.233 * 0.35 * 0.231 * 0.7', factors: [dEdyHat, dyHatda3, w6, dh2, x2], exact: 0, fromModel: g1[3]!, slideValue: '-0.00978' },
];
for (const r of rows) r.exact = r.factors.reduce((a, b) => a * b, 1);
const slideProduct = (expr: string) => expr.split(' * ').reduce((a, b) => a * Number(b), 1);
table(
  ['gradient', "slide's factors", 'their product', 'slide', 'exact factors', 'product', 'computeGradients'],
  rows.map((r) => [
    r.name,
    r.slide,
    slideProduct(r.slide).toFixed(6),
    r.slideValue,
    r.factors.map((f) => f.toFixed(4)).join(' * '),
    s(r.exact),
    s(r.fromModel),
  ]),
);
console.log('h1(1 - h1) = 0.613*0.387 = 0.237 and h2(1 - h2) = 0.638*0.362 = 0.231 on the slide;');
console.log(`exact: ${s(dh1)} and ${s(dh2)}. Every gradient uses w5 = 0.5 and w6 = 0.35 from before the update.`);
const worst = Math.max(...rows.map((r) => Math.abs(r.exact - r.fromModel) / Math.abs(r.fromModel)));
check(worst < 1e-14, 'each chain-rule product equals model.computeGradients to 1e-14 (relative)');
check(
  rows.every((r) => Math.abs(Number(r.slideValue) - r.exact) <= 2 * 10 ** -r.slideValue.split('.')[1]!.length),
  "each slide figure is within two units of its last digit of the exact value (rounded factors; docs/errata.md)",
);

// ------------------------------------------------------------------ the update
heading('The update w <- w - 0.1 * dE/dw (SGD, learningRate 0.1)');
const [k1, k2] = newWeights.map((w) => w.data) as [Float64Array, Float64Array];
table(
  ['weight', 'before', 'dE/dw', 'after (trainOnBatch)', 'w - 0.1*dE/dw'],
  [
    ['w1', '0.5', s(g1[0]!), s(k1[0]!), s(0.5 - 0.1 * g1[0]!)],
    ['w2', '0.3', s(g1[1]!), s(k1[1]!), s(0.3 - 0.1 * g1[1]!)],
    ['w3', '0.3', s(g1[2]!), s(k1[2]!), s(0.3 - 0.1 * g1[2]!)],
    ['w4', '0.6', s(g1[3]!), s(k1[3]!), s(0.6 - 0.1 * g1[3]!)],
    ['w5', '0.5', s(g2[0]!), s(k2[0]!), s(0.5 - 0.1 * g2[0]!)],
    ['w6', '0.35', s(g2[1]!), s(k2[1]!), s(0.35 - 0.1 * g2[1]!)],
  ],
);
check(
  [0.5, 0.3, 0.3, 0.6].every((w, i) => k1[i] === w - 0.1 * g1[i]!) && [0.5, 0.35].every((w, i) => k2[i] === w - 0.1 * g2[i]!),
  'trainOnBatch applied exactly w - 0.1*dE/dw to every weight',
);

// the exact values of docs/errata.md.
check(before.E === 0.1372699405388824 && before.yHat === 0.6295004176265749, 'E = 0.1372699405388824, yhat = 0.6295004176265749 before the step');
check(k2[0] === 0.5105942930445979 && k2[1] === 0.3610392948924014, 'new w5 = 0.5105942930445979, w6 = 0.3610392948924014');
check(k1[0] === 0.5010249603055212, 'new w1 = 0.5010249603055212');
check(after.E === 0.13489691949125623, 'E after the step = 0.13489691949125623 (the slide: 0.1349)');
check(after.E < before.E, 'one step lowers the error');

// ------------------------------------------------------------------ backprop vs numerical differentiation
heading('Backpropagation vs numerical differentiation (gradCheck, central differences)');
const model = new Sequential([
  new Dense({ units: 2, activation: 'sigmoid', useBias: false, inputShape: [2] }),
  new Dense({ units: 1, activation: 'sigmoid', useBias: false }),
]);
model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
model.setWeights([tensor([[0.5, 0.3], [0.3, 0.6]]), tensor([[0.5], [0.35]])]);
const { maxRelativeError, perParameter } = gradCheck(model, [[0.5, 0.7]], [[1]]);
for (const p of perParameter) console.log(`${p.name}: max relative error ${p.maxRelativeError.toExponential(2)}`);
check(maxRelativeError < 1e-8, `backpropagation agrees with numerical differentiation (max relative error ${maxRelativeError.toExponential(2)})`);
console.log('\nbackprop-step: all claims hold');
