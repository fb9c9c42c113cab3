/**
 * 경사하강법: batch vs stochastic vs mini-batch gradient descent on the slides' data (ŷ = w·x,
 * x = 0..5, y = 0, 0.8, 2.2, 2.3, 4.3, 4.9, α = 0.01, w = 0.2, MSE). First the slide's single steps
 * (0.343, 0.272, and the 0.552 vs 0.52896 explanation; the section `npm run demo` prints, from
 * examples/lib/slides.ts); then `fit` with batchSize 6, 1 and 2 for several epochs, the loss and w
 * after every epoch of each. Run: npx tsx examples/gradient-descent.ts  (NUMNET_FAST=1: 8 epochs
 * instead of 20.)
 */
import { Dense, SGD, Sequential } from '../src/index.js';
import { FAST, check, heading, s, table } from './lib/print.js';
import { gradientDescentDemo } from './lib/slides.js';

const slide = gradientDescentDemo();
check(slide.mse === 5.658333333333334, 'MSE at w = 0.2 is 5.658333333333334 (the slide: 5.66)');
check(slide.wBatch === 0.3426666666666667, 'the batch step gives w = 0.3426666666666667 (the slide: 0.343)');
check(slide.wSgd1 === 0.272, 'the stochastic step on x = 2 gives w = 0.272');
check(slide.wSgd2 === 0.52896, 'the next stochastic step on x = 4 gives 0.52896 (true SGD)');
check(Math.abs(slide.slideStep - 0.552) < 1e-15, "the slide's 0.552 is that step with the stale prediction 0.8");

const epochs = FAST ? 8 : 20;
const xs = [[0], [1], [2], [3], [4], [5]];
const ys = [0, 0.8, 2.2, 2.3, 4.3, 4.9];
const wStar = (0 * 0 + 1 * 0.8 + 2 * 2.2 + 3 * 2.3 + 4 * 4.3 + 5 * 4.9) / (0 + 1 + 4 + 9 + 16 + 25);

interface Run {
  name: string;
  batchSize: number;
  loss: number[];
  w: number[];
}

/** fit from w = 0.2 with `batchSize`; the loss on all six samples and w after every epoch. */
async function run(name: string, batchSize: number): Promise<Run> {
  const model = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [1] })], { seed: 1 });
  model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
  model.setWeights([[[0.2]]]);
  const r: Run = { name, batchSize, loss: [model.evaluate(xs, ys).loss!], w: [0.2] };
  await model.fit(xs, ys, {
    epochs,
    batchSize,
    callbacks: {
      onEpochEnd: () => {
        r.loss.push(model.evaluate(xs, ys).loss!);
        r.w.push(model.getWeights()[0]!.data[0]!);
      },
    },
  });
  return r;
}

heading(`Batch vs stochastic vs mini-batch: fit for ${epochs} epochs from w = 0.2 (SGD, learningRate 0.01, loss mse)`);
console.log('batch      = fit(x, y, { batchSize: 6 })  one update per epoch, on the gradient of all six samples');
console.log('stochastic = fit(x, y, { batchSize: 1 })  six updates per epoch, one sample each, in a shuffled order');
console.log('mini-batch = fit(x, y, { batchSize: 2 })  three updates per epoch, two samples each');
console.log(`least squares: w* = sum(x*y)/sum(x^2) = 53.8/55 = ${s(wStar)}\n`);
const runs = [await run('batch', 6), await run('stochastic', 1), await run('mini-batch', 2)];
table(
  ['epoch', ...runs.flatMap((r) => [`${r.name} loss`, `${r.name} w`])],
  Array.from({ length: epochs + 1 }, (_, e) => [
    String(e),
    ...runs.flatMap((r) => [r.loss[e]!.toFixed(6), r.w[e]!.toFixed(6)]),
  ]),
);
const [batch, sgd, mini] = runs as [Run, Run, Run];
const lossAtStar = ys.reduce((a, y, i) => a + (y - wStar * i) ** 2, 0) / 6;
console.log(`\nloss at w* = ${lossAtStar.toFixed(6)}, the floor none of them can go below.`);
console.log('Per epoch the stochastic run takes six small steps where the batch run takes one, so it gets there in');
console.log('fewer epochs; each of its steps follows one sample, so its path wobbles around w* instead of');
console.log('settling (with a constant learning rate it never stops moving).');

check(batch.w[1] === 0.3426666666666667, "fit with batchSize 6 takes the slide's batch step: w = 0.3426666666666667 after epoch 1");
check(batch.loss.every((l, e) => e === 0 || l < batch.loss[e - 1]!), 'batch gradient descent lowers the loss every epoch');
check(
  sgd.loss[epochs]! < batch.loss[epochs]! && mini.loss[epochs]! < batch.loss[epochs]!,
  `after ${epochs} epochs stochastic (${sgd.loss[epochs]!.toFixed(4)}) and mini-batch (${mini.loss[epochs]!.toFixed(4)}) are below batch (${batch.loss[epochs]!.toFixed(4)})`,
);
check(runs.every((r) => r.loss[epochs]! >= lossAtStar - 1e-12), 'no run goes below the least-squares loss');
check(Math.abs(sgd.w[epochs]! - wStar) < 0.05, `stochastic w ends within 0.05 of w* (${sgd.w[epochs]!.toFixed(4)})`);
console.log('\ngradient-descent: all claims hold');
