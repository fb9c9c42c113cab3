/**
 * 기울기 소실 (vanishing gradients): the gradient norm ‖∂L/∂W‖ of every layer of a deep network, from
 * `model.computeGradients`, with sigmoid hidden layers and with ReLU (and tanh). With sigmoid each
 * layer multiplies the backpropagated gradient by σ′ ≤ 0.25, so the first layers get gradients
 * hundreds of times smaller than the last; with ReLU (σ′ = 1 where active, He initialization) the
 * norms stay of one size. Run: npx tsx examples/vanishing-gradient.ts  (NUMNET_FAST=1: 64 samples
 * instead of 256.)
 */
import { Dense, Random, Sequential, tensor, type Tensor } from '../src/index.js';
import { FAST, check, heading, table } from './lib/print.js';

const depth = 10; // hidden layers
const width = 32;
const n = FAST ? 64 : 256;
const rng = new Random(7);
const x = tensor(Array.from({ length: n }, () => Array.from({ length: 16 }, () => rng.normal())));
const y = tensor(Array.from({ length: n }, () => [rng.normal()]));

function gradientNorms(activation: 'sigmoid' | 'tanh' | 'relu'): number[] {
  const init = activation === 'relu' ? 'heNormal' : 'glorotUniform';
  const layers = [
    new Dense({ units: width, activation, kernelInitializer: init, inputShape: [16] }),
    ...Array.from({ length: depth - 1 }, () => new Dense({ units: width, activation, kernelInitializer: init })),
    new Dense({ units: 1 }),
  ];
  const model = new Sequential(layers, { seed: 11 });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const { gradients } = model.computeGradients(x, y);
  // getWeights() order: kernel, bias per layer; the kernels are the even entries.
  return gradients.filter((_, i) => i % 2 === 0).map((g: Tensor) => Math.sqrt(g.data.reduce((a, v) => a + v * v, 0)));
}

heading(`Gradient norm per layer: ${depth} hidden Dense(${width}) layers + Dense(1), mse, ${n} random samples`);
const norms = { sigmoid: gradientNorms('sigmoid'), tanh: gradientNorms('tanh'), relu: gradientNorms('relu') };
const last = depth; // index of the output layer
table(
  ['layer', '||dL/dW|| sigmoid', '/ output layer', '||dL/dW|| tanh', '/ output layer', '||dL/dW|| relu', '/ output layer'],
  Array.from({ length: depth + 1 }, (_, i) => [
    i === last ? `${i + 1} (output)` : `${i + 1}${i === 0 ? ' (input side)' : ''}`,
    ...Object.values(norms).flatMap((v) => [v[i]!.toExponential(3), (v[i]! / v[last]!).toExponential(2)]),
  ]),
);
const ratio = (v: number[]) => v[0]! / v[last]!;
console.log('');
console.log(`first-layer / output-layer gradient norm: sigmoid ${ratio(norms.sigmoid).toExponential(2)}, ` +
  `tanh ${ratio(norms.tanh).toExponential(2)}, relu ${ratio(norms.relu).toExponential(2)}`);
const perLayer = (norms.sigmoid[0]! / norms.sigmoid[depth - 1]!) ** (1 / (depth - 1));
console.log(`sigmoid: each layer back shrinks the gradient by about ${perLayer.toFixed(3)} (σ' <= 0.25 times the weights).`);
console.log(`The first layers of the sigmoid network barely learn: a learning rate that suits the output layer moves the`);
console.log(`first one about ${Math.round(1 / ratio(norms.sigmoid)).toLocaleString('en-US')} times more slowly. tanh (derivative up to 1) and ReLU (derivative 1 where a unit`);
console.log('is active) pass the gradient back without that 0.25 per layer, so their layers learn at comparable speeds;');
console.log('that is why ReLU became the default hidden activation.');

check(ratio(norms.sigmoid) < 1e-3, `sigmoid: the first layer's gradient is over 1000 times smaller than the output layer's (${ratio(norms.sigmoid).toExponential(2)})`);
check(
  norms.sigmoid.slice(0, depth).every((v, i) => i === 0 || v > norms.sigmoid[i - 1]!),
  'sigmoid: the gradient norm grows from layer to layer toward the output (it vanishes going back)',
);
check(ratio(norms.relu) > 0.05 && ratio(norms.relu) < 20, `relu: first and output layer gradients are within a factor 20 (${ratio(norms.relu).toExponential(2)})`);
check(ratio(norms.relu) > 100 * ratio(norms.sigmoid), 'relu keeps the first-layer gradient over 100 times larger (relative) than sigmoid');
console.log('\nvanishing-gradient: all claims hold');
