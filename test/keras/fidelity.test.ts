/**
 * Where numnet follows Keras 3 exactly, each with the Keras source it follows and Keras's value.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, SGD, l1l2 } from '../../src/index.js';

const sigmoidAtHalf = () => {
  // A zero kernel and bias: ŷ = σ(0) = 0.5 for every sample; learning rate 0 keeps it there.
  const m = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'zeros' })]);
  m.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'binaryCrossentropy' });
  return m;
};

describe('class weights (keras/src/trainers/data_adapters, make_class_weight_map_fn)', () => {
  it('go to the training part only: with validationSplit, val_loss is the plain ln 2 (Keras), not 5·ln 2', async () => {
    const m = sigmoidAtHalf();
    const x = [[1], [2], [3], [4]];
    const y = [[1], [1], [1], [1]];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, validationSplit: 0.5, classWeight: { 0: 1, 1: 5 } });
    expect(h.history.loss![0]).toBeCloseTo(5 * Math.LN2, 14); // training: each sample's loss ln 2 × its class weight 5
    expect(h.history.val_loss![0]).toBeCloseTo(Math.LN2, 14);
  });

  it('and sample weights together are refused, as Keras raises "You cannot `class_weight` and `sample_weight` at the same time."', async () => {
    const m = sigmoidAtHalf();
    await expect(m.fit([[1], [2]], [[1], [0]], { classWeight: { 0: 1 }, sampleWeight: [1, 1] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('classWeight and sampleWeight at the same time'),
    });
    expect(() => m.trainOnBatch([[1]], [[1]], { classWeight: { 1: 2 }, sampleWeight: [1] })).toThrow(/at the same time/);
  });
});

describe('regularizers (keras/src/regularizers/regularizers.py)', () => {
  it('l1l2() with no options is L1L2(l1=0.0, l2=0.0), as Keras 3 (Keras 2 defaulted to 0.01)', () => {
    expect(l1l2().getConfig()).toEqual({ l1: 0, l2: 0 });
    expect(l1l2().penalty(Float64Array.of(3, -4))).toBe(0);
    expect(l1l2({ l1: 0.5 }).penalty(Float64Array.of(3, -4))).toBe(3.5);
  });
});

describe('EarlyStopping (keras/src/callbacks/early_stopping.py: best = None, _is_improvement(v, None) is True)', () => {
  it('the first monitored value is always the best, even +Infinity: values [inf, inf, 5] with patience 2 do not stop', async () => {
    const { EarlyStopping } = await import('../../src/index.js');
    const es = new EarlyStopping({ monitor: 'loss', patience: 2 });
    const model = { stopTraining: false } as never;
    es.setModel(model);
    es.onTrainBegin();
    expect(es.best).toBeUndefined();
    es.onEpochEnd(0, { loss: Infinity });
    expect(es.best).toBe(Infinity); // Keras: best = inf, wait = 0
    es.onEpochEnd(1, { loss: Infinity }); // wait 1 < patience 2
    expect((model as { stopTraining: boolean }).stopTraining).toBe(false);
    es.onEpochEnd(2, { loss: 5 }); // 5 < inf: an improvement, wait 0
    expect((model as { stopTraining: boolean }).stopTraining).toBe(false);
    expect(es.best).toBe(5);
    // (With best starting at +Infinity, the first inf did not improve and counted against patience:
    // training stopped at epoch 1.)
  });
});
