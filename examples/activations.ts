/**
 * 활성화 함수: the value and the derivative of every activation on a grid of x, from `activate` and
 * `activationGradient`; each derivative checked against central differences; the sigmoid
 * derivative's ceiling of 0.25 (σ′ = σ(1 − σ), largest at x = 0), which is why deep sigmoid networks
 * have vanishing gradients. Pictures: docs/images/activations.svg, docs/images/sigmoid-derivative.svg.
 * Run: npx tsx examples/activations.ts  (NUMNET_FAST=1: a coarser grid for the 0.25 search.)
 */
import { ACTIVATIONS, NumnetError, activate, activationGradient, getActivation, numericalGradient } from '../src/index.js';
import { FAST, check, heading, table } from './lib/print.js';

const grid = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3];
// Every element-wise activation once (silu is swish's alias; softmax works on vectors, below).
const names = Object.keys(ACTIVATIONS).filter((n) => n !== 'silu' && n !== 'softmax');
const f4 = (v: number) => (Object.is(v, -0) ? 0 : v).toFixed(4);

heading('Values phi(x): activate(name, x)');
table(['activation', ...grid.map((x) => `x = ${x}`)], names.map((n) => [n, ...Array.from(activate(n, grid).data, f4)]));

heading("Derivatives phi'(x): activationGradient(name, x)");
const rows: string[][] = [];
for (const n of names) {
  if (!getActivation(n).differentiable) {
    rows.push([n, ...grid.map(() => '—')]);
    continue;
  }
  rows.push([n, ...Array.from(activationGradient(n, grid).data, f4)]);
}
table(['activation', ...grid.map((x) => `x = ${x}`)], rows);
console.log("step has no derivative to train with (0 everywhere except x = 0, where it jumps): activationGradient('step')");
console.log('throws, and a Dense layer with it cannot be trained by gradients; the Perceptron rule trains it instead.');
console.log('At the kink x = 0, relu, leakyRelu, elu and selu take the left-hand derivative (0, 0.01, 1 and 1.7581).');

let stepError: unknown;
try {
  activationGradient('step', [1]);
} catch (e) {
  stepError = e;
}
check(stepError instanceof NumnetError && stepError.code === 'INVALID_ARGUMENT', "activationGradient('step') is an INVALID_ARGUMENT NumnetError");

// Every derivative against central differences, away from the kinks at 0.
const away = grid.filter((x) => x !== 0);
let worst = 0;
for (const n of names.filter((n) => getActivation(n).differentiable)) {
  const analytic = activationGradient(n, away).data;
  away.forEach((x, i) => {
    const numeric = numericalGradient((t) => activate(n, t).data[0]!, [x]).data[0]!;
    worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric)));
  });
}
check(worst < 1e-8, `every derivative agrees with central differences at x != 0 (worst ${worst.toExponential(2)})`);

heading("The sigmoid derivative sigma'(x) = sigma(x)(1 - sigma(x)) is at most 0.25 (시그모이드 도함수)");
const n = FAST ? 2001 : 200001;
const xs = Float64Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
const d = activationGradient('sigmoid', xs).data;
let iMax = 0;
for (let i = 1; i < n; i++) if (d[i]! > d[iMax]!) iMax = i;
console.log(`max of sigma' over ${n.toLocaleString('en-US')} points in [-10, 10]: ${d[iMax]} at x = ${xs[iMax]}`);
console.log(`sigma(0) = ${activate('sigmoid', [0]).data[0]}, so sigma'(0) = 0.5 * 0.5 = ${activationGradient('sigmoid', [0]).data[0]}`);
console.log("compare tanh'(0) = " + activationGradient('tanh', [0]).data[0] + " and relu'(x) = 1 for every x > 0.");
console.log('');
console.log("Backpropagation multiplies the gradient by one sigma' <= 0.25 per sigmoid layer (and by the layer's weights),");
console.log("so through L layers the sigma' factors alone shrink it to at most 0.25^L, less in the flat tails:");
table(
  ['layers L', '0.25^L'],
  [1, 2, 3, 5, 10, 20].map((L) => [String(L), (0.25 ** L).toExponential(3)]),
);
console.log('This is the vanishing gradient problem (기울기 소실); examples/vanishing-gradient.ts measures it in a real network.');
check(d[iMax] === 0.25 && xs[iMax] === 0, "sigma' reaches its maximum 0.25 exactly at x = 0");
check(d.every((v) => v <= 0.25), "sigma'(x) <= 0.25 everywhere on the grid");
check(activationGradient('sigmoid', [5]).data[0]! < 0.01, "sigma'(5) < 0.01: the tails are flat");

heading('softmax works on vectors (the last axis), not element-wise');
const sm = activate('softmax', [[1, 2, 3]]).data;
console.log(`softmax([1, 2, 3]) = [${Array.from(sm, (v) => v.toFixed(6)).join(', ')}], sum ${sm.reduce((a, b) => a + b, 0)}`);
check(Math.abs(sm.reduce((a, b) => a + b, 0) - 1) < 1e-15, 'softmax sums to 1');
check(activate('leaky_relu', [-1]).data[0] === -0.01, "Keras's snake_case names work: activate('leaky_relu', [-1]) = -0.01");
console.log('\nactivations: all claims hold');
