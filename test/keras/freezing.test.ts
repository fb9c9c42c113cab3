/**
 * layer.trainable = false freezes a layer, as Keras 3 (keras/src/layers/layer.py: trainable_weights
 * is empty for a frozen layer; _get_regularization_losses sums over trainable_weights only;
 * keras/src/layers/normalization/batch_normalization.py: a frozen BatchNormalization runs in
 * inference mode; summary counts frozen weights as non-trainable).
 */
import { describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, SGD, Sequential, fromTFJS, l2, toTFJS } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';

const x = [[1, 2], [3, -1], [0.5, 0.5], [-2, 1]];
const y = [[1], [0], [1], [0]];
const model = () => {
  const m = new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [2], kernelRegularizer: l2(0.1) }), new Dense({ units: 1 })], { seed: 4 });
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  return m;
};

describe('layer.trainable = false (Keras 3)', () => {
  it('keeps the frozen weights exactly, trains the others, and the gradient flows through the frozen layer', async () => {
    const m = model();
    m.layers[1]!.trainable = false;
    const before = m.getWeights();
    await m.fit(x, y, { epochs: 3, batchSize: 2 });
    const after = m.getWeights();
    expect(Array.from(after[2]!.data)).toEqual(Array.from(before[2]!.data));
    expect(Array.from(after[3]!.data)).toEqual(Array.from(before[3]!.data));
    expect(Array.from(after[0]!.data)).not.toEqual(Array.from(before[0]!.data));
    expect(m.parameters.map((p) => p.name)).toEqual(['dense/kernel', 'dense/bias']);
  });

  it('a frozen layer adds no regularization penalty (Keras sums over trainable_weights)', () => {
    const m = model();
    const withPenalty = m.evaluate(x, y).loss!;
    m.layers[0]!.trainable = false;
    const kernel = m.getWeights()[0]!.data;
    const penalty = 0.1 * kernel.reduce((s, v) => s + v * v, 0);
    expect(m.evaluate(x, y).loss).toBeCloseTo(withPenalty - penalty, 14);
  });

  it('summary and countParams count frozen weights as non-trainable', () => {
    const m = model();
    m.layers[0]!.trainable = false;
    expect(m.countParams()).toBe(13);
    const s = m.summary({ printFn: () => {} });
    expect(s).toContain(' Trainable params: 4 (32.00 B)');
    expect(s).toContain(' Non-trainable params: 9 (72.00 B)');
  });

  it('a frozen BatchNormalization runs in inference mode in fit: its moving statistics do not move', async () => {
    const m = new Sequential([new BatchNormalization({ inputShape: [2] }), new Dense({ units: 1 })], { seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    m.layers[0]!.trainable = false;
    const before = m.getWeights().map((w) => Array.from(w.data));
    await m.fit(x, y, { epochs: 2, batchSize: 2 });
    const after = m.getWeights().map((w) => Array.from(w.data));
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4)); // gamma, beta, moving mean, moving variance
    m.layers[0]!.trainable = true;
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.fit(x, y, { epochs: 1, batchSize: 2 });
    expect(m.getWeights()[2]!.data).not.toEqual(Float64Array.from(before[2]!));
  });

  it('is saved in both formats and given to constructors; bad values refused', () => {
    const m = model();
    m.layers[0]!.trainable = false;
    const back = Sequential.fromJSON(JSON.stringify(m));
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true]);
    expect(JSON.parse(JSON.stringify(m)).modelConfig.layers[0].config.trainable).toBe(false);
    expect(JSON.parse(JSON.stringify(m)).modelConfig.layers[1].config).not.toHaveProperty('trainable');
    const tf = toTFJS(m);
    expect(tf.modelTopology.config.layers.map((l) => l.config.trainable)).toEqual([false, true]);
    expect(fromTFJS(tf).layers.map((l) => l.trainable)).toEqual([false, true]);
    expect(new Dense({ units: 1, trainable: false }).trainable).toBe(false);
    expect(codeOf(() => new Dense({ units: 1, trainable: 'no' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ((m.layers[1]! as { trainable: unknown }).trainable = 0))).toBe('INVALID_ARGUMENT');
  });

  it('changing it after the optimizer has updated asks for a new compile, as Keras; compiling again trains on', () => {
    const m = model();
    m.trainOnBatch(x, y);
    m.layers[0]!.trainable = false;
    expect(() => m.trainOnBatch(x, y)).toThrow(/compile again with a new optimizer/);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    expect(Number.isFinite(m.trainOnBatch(x, y).loss)).toBe(true);
  });
});
