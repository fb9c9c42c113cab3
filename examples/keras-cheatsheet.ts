/**
 * Every numnet line of docs/keras-cheatsheet.md, run, with `check` for what the page says. (The
 * page imports from 'numnet' and 'numnet/node'; this file imports the same names from the source.)
 * Run: npx tsx examples/keras-cheatsheet.ts  (NUMNET_FAST=1 changes nothing: it takes about a second.)
 */
import {
  Activation, Adadelta, Adagrad, Adam, AdamW, Adamax, CategoricalCrossentropy, Callback, Dense, Dropout, ELU,
  EarlyStopping, Flatten, Huber, LeakyReLU, LearningRateScheduler, NumnetError, PReLU, RMSprop, ReduceLROnPlateau, SGD,
  Sequential, TerminateOnNaN, Tensor, cosineDecay, exponentialDecay, fromTFJS, l1, l1l2, l2, piecewiseConstantDecay,
  setSeed, tensor, toTFJS,
} from '../src/index.js';
import { ModelCheckpoint } from '../src/node/index.js';
import { check } from './lib/print.js';

const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];

console.log('A whole model');
const model = new Sequential([
  new Dense({ units: 4, activation: 'tanh', inputShape: [2] }),
  new Dense({ units: 1, activation: 'sigmoid' }),
], { seed: 42 });
model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
const history = await model.fit(x, y, { epochs: 1000, batchSize: 4 });
console.log(model.evaluate(x, y));         // { loss: 0.0054…, acc: 1 }
console.log(model.predict(x).toArray());   // [[0.0008…], [0.9937…], [0.9937…], [0.0081…]]
const logs = model.evaluate(x, y);
check(logs.acc === 1 && logs.loss!.toFixed(4).startsWith('0.005'), 'evaluate gives { loss: 0.0054…, acc: 1 }');
const p = model.predict(x);
check(p instanceof Tensor && p.shape.join() === '4,1' && p.data instanceof Float64Array, 'predict returns a Tensor [4, 1] of float64');
check(history.history.loss!.length === 1000 && history.epoch.length === 1000, 'history.history.loss and history.epoch, one entry per epoch');

console.log('Model');
const m = new Sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] })], { seed: 1 });
m.add(new Dense({ units: 1 }));
let printed = '';
const table = m.summary({ printFn: (t) => (printed = t) });
check(table === printed && table.includes('Total params: 13'), 'summary() prints the table (through printFn, console.log by default) and returns it (13 params)');
check(m.countParams() === 13 && m.layers.length === 2, 'countParams() and layers');
check(m.getWeights()[0]!.shape.join() === '2,3', 'getWeights(): kernels are [inputs, units], as Keras');
m.setWeights(m.getWeights());
setSeed(1);
const a = new Sequential([new Dense({ units: 2, inputShape: [2] })]);
setSeed(1);
const b = new Sequential([new Dense({ units: 2, inputShape: [2] })]);
check(a.getWeights()[0]!.data.every((v, i) => v === b.getWeights()[0]!.data[i]), 'setSeed(1) makes the weights reproducible');

console.log('Layers');
const layers = [
  new Dense({ units: 8, activation: 'relu', useBias: true, inputShape: [2] }),
  new Dense({ units: 8, kernelInitializer: 'heNormal', biasInitializer: 'zeros', kernelRegularizer: l2(0.01) }),
  new Dense({ units: 8, kernelInitializer: 'he_normal', kernelRegularizer: l1(0.01) }),
  new Dense({ units: 8, kernelRegularizer: l1l2({ l1: 0.01, l2: 0.01 }) }),
  new Activation({ activation: 'tanh' }),
  new Dropout({ rate: 0.2, seed: 1 }),
  new Flatten(),
  new LeakyReLU({ alpha: 0.3 }),
  new PReLU(),
  new ELU({ alpha: 1 }),
  new Dense({ units: 1 }),
];
const big = new Sequential(layers, { seed: 3 });
check(big.layers.length === layers.length, 'every layer of the table builds into one Sequential');
const prelu = new Sequential([new PReLU({ inputShape: [2] })]);
check(prelu.getWeights()[0]!.data.every((v) => v === 0.25), 'PReLU starts alpha at 0.25');
for (const name of ['linear', 'step', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'silu', 'gelu', 'softmax']) {
  new Dense({ units: 2, activation: name });
}
check(new Dense({ units: 2, activation: 'leaky_relu' }).activation.name === 'leakyRelu', "'leaky_relu' and 'leakyRelu' are the same activation");

console.log('compile and optimizers');
const optimizers = [
  new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
  new Adam({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }),
  new RMSprop({ rho: 0.9, centered: false }),
  new Adagrad({ initialAccumulatorValue: 0.1 }),
  new Adadelta({ learningRate: 1, rho: 0.95 }),
  new AdamW({ weightDecay: 0.004 }),
  new Adamax(),
  new SGD({ clipNorm: 1 }),
  new SGD({ globalClipNorm: 1 }),
  new SGD({ clipValue: 0.5 }),
  new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 }) }),
  new SGD({ learningRate: piecewiseConstantDecay({ boundaries: [1000], values: [0.1, 0.01] }) }),
  new SGD({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 5000 }) }),
];
for (const o of optimizers) m.compile({ optimizer: o, loss: 'mse' });
for (const name of ['adam', 'Adam', 'ADAM', 'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adamw', 'adamax']) m.compile({ optimizer: name, loss: 'mse' });
check(m.optimizer instanceof Adamax, 'optimizer names are case-insensitive strings');
let code = '';
try {
  new Adam({ beta_1: 0.9 } as never);
} catch (e) {
  code = e instanceof NumnetError ? e.code : 'other';
}
check(code === 'INVALID_ARGUMENT', 'an unknown option such as beta_1 is INVALID_ARGUMENT');

console.log('Losses and metrics');
for (const loss of ['mse', 'meanSquaredError', 'mean_squared_error', 'mae', 'huber', new Huber({ delta: 1 }), 'binaryCrossentropy']) {
  m.compile({ optimizer: 'sgd', loss, metrics: ['mae', 'binaryAccuracy', 'binary_accuracy', 'acc'] });
}
const clf = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
for (const loss of ['categoricalCrossentropy', 'categorical_crossentropy', new CategoricalCrossentropy({ fromLogits: true })]) {
  clf.compile({ optimizer: 'sgd', loss, metrics: ['acc', 'categoricalAccuracy'] });
}
clf.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
check(clf.evaluate([[0, 1], [1, 0]], [2, 0]).acc !== undefined, "'acc' resolves for sparse labels too");

console.log('Training, evaluating, predicting');
const reg = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 2 });
reg.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
const h = await reg.fit(x, [0, 1, 1, 1], {
  epochs: 6, batchSize: 2, validationData: [x, [0, 1, 1, 1]], shuffle: true, initialEpoch: 5,
  classWeight: { 0: 1, 1: 3 },
});
check(h.epoch.join() === '5' && 'val_loss' in h.history, 'initialEpoch: 5 with epochs: 6 runs one epoch (as Keras); validationData gives val_loss');
await reg.fit(x, [0, 1, 1, 1], { epochs: 1, validationSplit: 0.25, sampleWeight: [1, 2, 1, 1] });
const step = reg.trainOnBatch(x, [0, 1, 1, 1]);
check(typeof step.loss === 'number' && typeof step.acc === 'number', 'trainOnBatch returns { loss, acc }');
const { loss, gradients } = reg.computeGradients(x, [0, 1, 1, 1]);
check(loss > 0 && gradients.length === 2, 'computeGradients returns { loss, gradients }');
check(tensor([[1, 2], [3, 4]]).shape.join() === '2,2' && tensor(new Float64Array(4), [2, 2]).size === 4, 'data: nested arrays, or a Float64Array with a shape');

console.log('Callbacks');
const seen: number[] = [];
class Stopper extends Callback {
  onEpochEnd(epoch: number): void {
    seen.push(epoch);
    if (epoch === 2) this.model!.stopTraining = true;
  }
}
const cb = await reg.fit(x, [0, 1, 1, 1], {
  epochs: 50,
  validationSplit: 0.25,
  callbacks: [
    new EarlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true }),
    new ReduceLROnPlateau({ factor: 0.5, patience: 3, minLr: 1e-5 }),
    new LearningRateScheduler((_epoch, lr) => lr * 0.9),
    new TerminateOnNaN(),
    { onEpochEnd: (epoch) => void seen.push(100 + epoch) },
    new Stopper(),
  ],
});
check(cb.epoch.length === 3 && seen.includes(102), 'this.model.stopTraining = true ends fit after that epoch; plain { onEpochEnd } objects work');
check(new ModelCheckpoint('ckpt-{epoch:02d}', { saveBestOnly: true }) instanceof Callback, "ModelCheckpoint comes from 'numnet/node'");

console.log('Saving');
const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
check(copy.predict(x).data.every((v, i) => v === model.predict(x).data[i]), 'toJSON / fromJSON: bit-identical predictions');
const tf = fromTFJS(toTFJS(model));
check(tf.predict(x).data.every((v, i) => Math.abs(v - model.predict(x).data[i]!) < 1e-6), 'toTFJS / fromTFJS: the same predictions to float32 precision');
console.log('\nkeras-cheatsheet: all claims hold');
