/** specification §9: every bad input in the core's scope gives a NumnetError with the right code. */
import { describe, expect, it } from 'vitest';
import {
  CategoricalCrossentropy, Dense, Dropout, NumnetError, Perceptron, SGD, Sequential, gradCheck,
  numericalGradient, getActivation, getLoss, tensor, matMul, l2, Flatten,
} from '../src/index.js';
import { codeOf, codeOfAsync, messageOf } from './helpers/errors.js';

const compiled = () => {
  const m = new Sequential([new Dense({ units: 2, activation: 'sigmoid', inputShape: [3] }), new Dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const weightsOf = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

describe('tensor input errors', () => {
  it('ragged arrays: SHAPE_MISMATCH naming the position', () => {
    expect(codeOf(() => tensor([[1, 2], [3]]))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => tensor([[1, 2], [3]]))).toContain('[1]');
  });
  it('non-numbers and bad shapes: INVALID_ARGUMENT', () => {
    expect(codeOf(() => tensor([[1, 'a' as unknown as number]]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [-2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [1.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2, 3], [2, 2]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor([0], [2 ** 20, 2 ** 20]))).toBe('INVALID_ARGUMENT');
  });
  it('matMul inner sizes: SHAPE_MISMATCH naming both shapes', () => {
    expect(codeOf(() => matMul([[1, 2]], [[1, 2]]))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => matMul([[1, 2]], [[1, 2]]))).toContain('[1, 2]');
  });
});

describe('unknown names list the valid ones', () => {
  it('activation', () => {
    expect(codeOf(() => getActivation('relu6'))).toBe('UNKNOWN_NAME');
    expect(messageOf(() => new Dense({ units: 1, activation: 'relu6' }))).toContain('sigmoid');
  });
  it('loss, optimizer, metric, initializer', () => {
    expect(codeOf(() => getLoss('dice'))).toBe('UNKNOWN_NAME');
    expect(messageOf(() => getLoss('dice'))).toContain('categoricalCrossentropy');
    const m = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    expect(codeOf(() => m.compile({ optimizer: 'nadam', loss: 'mse' }))).toBe('UNKNOWN_NAME');
    expect(codeOf(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['f1'] }))).toBe('UNKNOWN_NAME');
    expect(codeOf(() => new Dense({ units: 1, kernelInitializer: 'orthogonal' }))).toBe('UNKNOWN_NAME');
  });
  it('Keras snake_case and any case resolve', () => {
    expect(getActivation('leaky_relu').name).toBe('leakyRelu');
    expect(getActivation('LeakyReLU').name).toBe('leakyRelu');
    expect(getLoss('Sparse_Categorical_Crossentropy').name).toBe('sparseCategoricalCrossentropy');
  });
});

describe('layer and model configuration', () => {
  it('bad layer options: INVALID_ARGUMENT naming the option', () => {
    expect(messageOf(() => new Dense({ units: 0 }))).toContain('units');
    expect(codeOf(() => new Dense({ units: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Dropout({ rate: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Dense({ units: 1, inputShape: [0] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Dense({ units: 1, kernelRegularizer: 0.01 as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => l2(-1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new SGD({ learningRate: -1 }))).toBe('INVALID_ARGUMENT');
    expect(new SGD({ learningRate: 0 }).learningRate).toBe(0); // Keras takes 0 (the weights hold still)
    expect(codeOf(() => new SGD({ momentum: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new SGD({ clipNorm: 1, clipValue: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Sequential([{} as never]))).toBe('INVALID_ARGUMENT');
  });
  it('Dense after a multi-axis input without Flatten: SHAPE_MISMATCH suggesting Flatten', () => {
    expect(messageOf(() => new Sequential([new Dense({ units: 1, inputShape: [2, 3] })]))).toContain('Flatten');
    expect(new Sequential([new Flatten({ inputShape: [2, 3] }), new Dense({ units: 1 })]).countParams()).toBe(7);
  });
  it('compile without a loss or optimizer', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    expect(codeOf(() => m.compile({ optimizer: 'sgd' } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => m.compile({ loss: 'mse' } as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('training-time errors', () => {
  it('fit, evaluate and trainOnBatch before compile: NOT_COMPILED', async () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    expect(await codeOfAsync(() => m.fit([[1, 2]], [[1]]))).toBe('NOT_COMPILED');
    expect(codeOf(() => m.trainOnBatch([[1, 2]], [[1]]))).toBe('NOT_COMPILED');
    expect(codeOf(() => m.evaluate([[1, 2]], [[1]]))).toBe('NOT_COMPILED');
    expect(m.predict([[1, 2]]).shape).toEqual([1, 1]); // predict needs no compile
  });
  it('wrong input width: SHAPE_MISMATCH naming the shapes and the layer', () => {
    const m = compiled();
    const msg = messageOf(() => m.predict([[1, 2]]));
    expect(msg).toContain('[1, 2]');
    expect(msg).toContain('dense');
    expect(codeOf(() => m.trainOnBatch([[1, 2]], [[1]]))).toBe('SHAPE_MISMATCH');
  });
  it('x and y sample counts differ: SHAPE_MISMATCH', async () => {
    const m = compiled();
    expect(await codeOfAsync(() => m.fit([[1, 2, 3], [4, 5, 6]], [[1]]))).toBe('SHAPE_MISMATCH');
  });
  it('NaN or Infinity in x or y: NON_FINITE_INPUT naming the row; weights untouched', async () => {
    const m = compiled();
    const before = weightsOf(m);
    expect(messageOf(() => m.trainOnBatch([[1, 2, 3], [1, NaN, 3]], [[1], [0]]))).toContain('row 1');
    expect(codeOf(() => m.trainOnBatch([[1, 2, 3]], [[Infinity]]))).toBe('NON_FINITE_INPUT');
    expect(await codeOfAsync(() => m.fit([[1, 2, -Infinity]], [[1]]))).toBe('NON_FINITE_INPUT');
    expect(weightsOf(m)).toEqual(before);
  });
  it('the step activation in a gradient-trained model: INVALID_ARGUMENT pointing to Perceptron', async () => {
    const m = new Sequential([new Dense({ units: 1, activation: 'step', inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(messageOf(() => m.trainOnBatch([[1, 2]], [[1]]))).toContain('Perceptron');
    expect(await codeOfAsync(() => m.fit([[1, 2]], [[1]]))).toBe('INVALID_ARGUMENT');
    expect(Array.from(m.predict([[1, 2]]).data).every((v) => v === 0 || v === 1)).toBe(true);
  });
  it('labels out of range for a sparse loss: INVALID_ARGUMENT', () => {
    const m = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(codeOf(() => m.trainOnBatch([[1, 2]], [3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => m.trainOnBatch([[1, 2]], [0.5]))).toBe('INVALID_ARGUMENT');
  });
  it('an exploding learning rate: NON_FINITE_LOSS and the weights and optimizer state are as before the batch', async () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 3 });
    const opt = new SGD({ learningRate: 1e308, momentum: 0.5 });
    m.compile({ optimizer: opt, loss: 'mse' });
    m.setWeights([[[1]], [0]]);
    const x = [[1e3], [2e3]];
    const y = [[1], [2]];
    let threw = false;
    for (let k = 0; k < 5 && !threw; k++) {
      const before = weightsOf(m);
      const state = JSON.stringify(opt.getState());
      try {
        m.trainOnBatch(x, y);
      } catch (e) {
        threw = true;
        expect((e as NumnetError).code).toBe('NON_FINITE_LOSS');
        expect(weightsOf(m)).toEqual(before);
        expect(JSON.stringify(opt.getState())).toBe(state);
      }
    }
    expect(threw).toBe(true);
    expect(await codeOfAsync(() => m.fit(x, y, { epochs: 3 }))).toBe('NON_FINITE_LOSS');
    await m.fit(x, y, { epochs: 3 }).catch((e: Error) => expect(e.message).toMatch(/epoch 1, batch 1/));
  });
  it('bad fit options: INVALID_ARGUMENT naming the option', async () => {
    const m = compiled();
    const x = [[1, 2, 3], [4, 5, 6]];
    const y = [[1], [0]];
    for (const [opt, name] of [
      [{ batchSize: 0 }, 'batchSize'], [{ epochs: -1 }, 'epochs'], [{ epochs: 1.5 }, 'epochs'],
      [{ validationSplit: 1 }, 'validationSplit'], [{ validationSplit: 0.6 }, 'validationSplit'],
      [{ verbose: 3 }, 'verbose'], [{ shuffle: 'yes' }, 'shuffle'],
    ] as const) {
      const e = await m.fit(x, y, opt as never).then(() => undefined, (err: NumnetError) => err);
      expect(e, JSON.stringify(opt)).toBeInstanceOf(NumnetError);
      expect(e!.code).toBe('INVALID_ARGUMENT');
      expect(e!.message).toContain(name);
    }
  });
  it('setWeights with the wrong count or shapes changes nothing', () => {
    const m = compiled();
    const before = weightsOf(m);
    expect(codeOf(() => m.setWeights([[[1, 2]]]))).toBe('INVALID_ARGUMENT');
    const w = m.getWeights();
    expect(codeOf(() => m.setWeights([w[0]!, w[1]!, w[2]!, tensor([[1]])]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => m.setWeights([w[0]!, w[1]!, w[2]!, tensor([NaN])]))).toBe('NON_FINITE_INPUT');
    expect(weightsOf(m)).toEqual(before);
  });
  it('calling fit on a model that is already fitting: INVALID_ARGUMENT', async () => {
    const m = compiled();
    const x = Array.from({ length: 64 }, (_, i) => [i / 64, 1, 0]);
    const y = x.map((r) => [r[0]!]);
    const first = m.fit(x, y, { epochs: 2, batchSize: 8 });
    expect(await codeOfAsync(() => m.fit(x, y))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => m.trainOnBatch(x, y))).toBe('INVALID_ARGUMENT');
    await first;
  });
});

describe('other entry points', () => {
  it('Perceptron rejects bad labels, shapes and options', () => {
    expect(codeOf(() => new Perceptron({ inputDim: 0 }))).toBe('INVALID_ARGUMENT');
    const p = new Perceptron({ inputDim: 2 });
    expect(codeOf(() => p.fit([[1, 2]], [2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => p.fit([[1, 2, 3]], [1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => p.predict([[1, NaN]]))).toBe('NON_FINITE_INPUT');
  });
  it('loss classes check target shapes', () => {
    expect(codeOf(() => new CategoricalCrossentropy().call([[1, 0]], [[0.5, 0.3, 0.2]]))).toBe('SHAPE_MISMATCH');
  });
  it('numericalGradient and gradCheck validate their arguments', () => {
    expect(codeOf(() => numericalGradient(() => 1, [1], { epsilon: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => numericalGradient('f' as never, [1]))).toBe('INVALID_ARGUMENT');
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    expect(codeOf(() => gradCheck(m, [[1]], [[1]]))).toBe('NOT_COMPILED');
  });
});
