/**
 * "Check once, at the door; check, then build" (docs/architecture.md): the training step calls the
 * layers' unchecked entries; a layer's public forward/backward check; a model is built only after
 * every check of the call that builds it passed, so nothing is ever undone.
 */
import { describe, expect, it, vi } from 'vitest';
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten, Layer, Random, Sequential, tensor } from '../../src/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { codeOf, codeOfAsync } from '../helpers/errors.js';
import { snapshot, weightsHex } from '../helpers/fuzz.js';

const unbuilt = (seed = 3) => {
  const m = new Sequential([new Dense({ units: 3, activation: 'relu' }), new Dropout({ rate: 0.5 }), new Dense({ units: 2, activation: 'softmax' })], { seed });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return m;
};
const x = [[1, 2], [3, 4], [5, 6], [7, 8]];
const y = [[1, 0], [0, 1], [1, 0], [0, 1]];

describe('the inner path is unchecked', () => {
  it('fit, evaluate and predict never call a layer’s checked forward/backward', async () => {
    const fwd = vi.spyOn(Layer.prototype, 'forward');
    const bwd = vi.spyOn(Layer.prototype, 'backward');
    const bwdFused = vi.spyOn(Layer.prototype, 'backwardFromPreActivation');
    try {
      const m = unbuilt();
      await m.fit(x, y, { epochs: 2, batchSize: 2 });
      m.evaluate(x, y);
      m.predict(x);
      m.trainOnBatch(x, y);
      expect(fwd).not.toHaveBeenCalled();
      expect(bwd).not.toHaveBeenCalled();
      expect(bwdFused).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a layer called by hand checks its tensors, also after the model ran it on another batch size', async () => {
    const m = unbuilt();
    await m.fit(x, y, { epochs: 1, batchSize: 4 });
    const d = m.layers[0]!;
    expect(codeOf(() => d.forward(tensor([[1, 2, 3]])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => d.forward([[1, 2]] as never))).toBe('INVALID_ARGUMENT');
    const out = d.forward(tensor([[1, 2]]), true);
    expect(out.shape).toEqual([1, 3]);
    expect(d.backward(new Tensor(new Float64Array(3), [1, 3]))!.shape).toEqual([1, 2]);
    // The model runs the layer on 4 rows: a gradient for the hand-made 1-row output no longer fits.
    m.predict(x);
    expect(codeOf(() => d.backward(new Tensor(new Float64Array(3), [1, 3])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => new Dense({ units: 1 }).backward(new Tensor(new Float64Array(1), [1, 1])))).toBe('INVALID_ARGUMENT');
  });
});

describe('check, then build', () => {
  it('a layer’s prepareBuild changes nothing; commitBuild takes only that layer’s own build', () => {
    const d = new Dense({ units: 2 });
    const rng = new Random(1);
    const b = d.prepareBuild([3], rng, 'planned');
    expect(d.built).toBe(false);
    expect(d.name).toBe('');
    expect(d.params).toEqual([]);
    expect(b.params.map((p) => p.name)).toEqual(['planned/kernel', 'planned/bias']);
    expect(codeOf(() => new Dense({ units: 2 }).commitBuild(b))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => d.commitBuild({ ...b }))).toBe('INVALID_ARGUMENT');
    d.commitBuild(b);
    expect(d.built).toBe(true);
    expect(d.outputShape).toEqual([2]);
    expect(d.computeOutputShape([5])).toEqual([2]);
    expect(codeOf(() => d.computeOutputShape([2, 2]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => d.shapes('x' as never))).toBe('INVALID_ARGUMENT');
  });

  it('a build that fails part-way (a later layer, a bad initializer) leaves every layer and the generator as they were', () => {
    const layers = [new Conv2D({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }), new BatchNormalization(), new Dense({ units: 2 })];
    // The Dense after [3, 3, 2] samples cannot be built: nothing of the first two is built or named.
    expect(codeOf(() => new Sequential(layers, { seed: 1 }))).toBe('SHAPE_MISMATCH');
    for (const l of layers) expect([l.built, l.name, l.params.length]).toEqual([false, '', 0]);
    const bad = { config: { name: 'nan' }, init: (n: number) => new Float64Array(n).fill(NaN) };
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] })], { seed: 5 });
    const before = snapshot(m);
    const d = new Dense({ units: 2, biasInitializer: bad });
    expect(codeOf(() => m.add(d))).toBe('INVALID_ARGUMENT');
    expect(snapshot(m)).toBe(before);
    expect([d.built, d.name]).toEqual([false, '']);
  });

  it('a call on an unbuilt model refused at any check leaves it unbuilt: bad validation data, bad weights, a bad batch in an iterable', async () => {
    const m = unbuilt();
    const before = snapshot(m);
    expect(await codeOfAsync(() => m.fit(x, y, { validationData: [[[1, 2, 3]], [[1, 0]]] }))).toBe('SHAPE_MISMATCH');
    expect(await codeOfAsync(() => m.fit(x, y, { sampleWeight: [1, 1] }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => m.evaluate(x, y, { sampleWeight: [1, NaN, 1, 1] }))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(() => m.fit([{ x, y: [[1, 0, 0]] }], { epochs: 1 }))).toBe('SHAPE_MISMATCH');
    expect(m.built).toBe(false);
    expect(snapshot(m)).toBe(before);
    // The first call that passes builds it, with the weights the seed gives.
    m.predict(x);
    const fresh = unbuilt();
    fresh.predict([[0, 0]]);
    expect(weightsHex(m)).toBe(weightsHex(fresh));
  });

  it('a batch refused by the step itself (a non-finite loss) leaves the model built with its initial weights, as Keras builds on the first call', () => {
    const m = new Sequential([new Flatten(), new Dense({ units: 1 })], { seed: 9 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(codeOf(() => m.trainOnBatch([[[1e300, 1e300]]], [[0]]))).toBe('NON_FINITE_LOSS');
    expect(m.built).toBe(true);
    const fresh = new Sequential([new Flatten(), new Dense({ units: 1 })], { seed: 9 });
    fresh.predict([[[0, 0]]]);
    expect(weightsHex(m)).toBe(weightsHex(fresh));
    expect(m.optimizer!.iterations).toBe(0);
  });
});
