/**
 * Compile metrics are not weighted; `weightedMetrics` are (Keras 3: keras/src/trainers/compile_utils.py,
 * CompileMetrics.update_state calls `m.update_state(y_t, y_p)` for `metrics` and
 * `m.update_state(y_t, y_p, s_w)` for `weighted_metrics`; `result()` names a weighted metric
 * `weighted_<name>` when `<name>` is already taken, and repeats `<name>_1`, `<name>_2`, …).
 */
import { describe, expect, it } from 'vitest';
import { Dense, SGD, Sequential } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';

// A zero kernel and bias: ŷ = 0 for every sample; learning rate 0 keeps it there.
const zeroModel = (compile: { metrics?: string[]; weightedMetrics?: string[] }) => {
  const m = new Sequential([new Dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })]);
  m.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'mse', ...compile });
  return m;
};
const x = [[1, 0], [0, 1], [1, 1]];
const y = [[1], [2], [3]];
const sampleWeight = [0.5, 2, 0];
// |y − ŷ| = 1, 2, 3 and (y − ŷ)² = 1, 4, 9. Keras: mae unweighted = (1 + 2 + 3)/3 = 2; weighted =
// (0.5·1 + 2·2 + 0·3)/(0.5 + 2 + 0) = 1.8; the loss (sum over batch size) = (0.5·1 + 2·4 + 0)/3.

describe('metrics vs weightedMetrics (keras/src/trainers/compile_utils.py)', () => {
  it('a compile metric ignores sampleWeight: mae 2, as Keras (numnet 0.5 reported the weighted 1.8)', () => {
    const logs = zeroModel({ metrics: ['mae'] }).trainOnBatch(x, y, { sampleWeight });
    expect(logs.mae).toBeCloseTo(2, 15);
    expect(logs.loss).toBeCloseTo(8.5 / 3, 15);
  });

  it('a weighted metric is the weighted mean: mae 1.8', () => {
    const logs = zeroModel({ weightedMetrics: ['mae'] }).trainOnBatch(x, y, { sampleWeight });
    expect(Object.keys(logs)).toEqual(['loss', 'mae']);
    expect(logs.mae).toBeCloseTo(1.8, 15);
  });

  it('both, named as Keras: mae, mae_1, weighted_mae, mse', () => {
    const logs = zeroModel({ metrics: ['mae', 'mae'], weightedMetrics: ['mae', 'mse'] }).trainOnBatch(x, y, { sampleWeight });
    expect(Object.keys(logs)).toEqual(['loss', 'mae', 'mae_1', 'weighted_mae', 'mse']);
    expect(logs.mae).toBeCloseTo(2, 15);
    expect(logs.mae_1).toBeCloseTo(2, 15);
    expect(logs.weighted_mae).toBeCloseTo(1.8, 15);
    expect(logs.mse).toBeCloseTo((0.5 * 1 + 2 * 4) / 2.5, 15);
  });

  it('the same in evaluate, in fit (History and validation) and with classWeight', async () => {
    const m = zeroModel({ metrics: ['mae'], weightedMetrics: ['mae'] });
    expect(m.evaluate(x, y, { sampleWeight })).toMatchObject({ mae: expect.closeTo(2, 15), weighted_mae: expect.closeTo(1.8, 15) });
    const h = await m.fit(x, y, { sampleWeight, batchSize: 3, epochs: 1, validationData: [x, y, sampleWeight] });
    expect(h.history.mae![0]).toBeCloseTo(2, 15);
    expect(h.history.weighted_mae![0]).toBeCloseTo(1.8, 15);
    expect(h.history.val_mae![0]).toBeCloseTo(2, 15);
    expect(h.history.val_weighted_mae![0]).toBeCloseTo(1.8, 15);
    // Class weights are sample weights by label: y = 1, 2, 3 → 0.5, 2, 0.
    const logs = m.trainOnBatch(x, y, { classWeight: { 1: 0.5, 2: 2, 3: 0 } });
    expect(logs.mae).toBeCloseTo(2, 15);
    expect(logs.weighted_mae).toBeCloseTo(1.8, 15);
  });

  it('without weights both are the plain mean; all weights 0 gives a weighted metric of 0 (divide_no_nan)', () => {
    const m = zeroModel({ metrics: ['mae'], weightedMetrics: ['mae'] });
    expect(m.trainOnBatch(x, y)).toMatchObject({ mae: 2, weighted_mae: 2 });
    expect(m.trainOnBatch(x, y, { sampleWeight: [0, 0, 0] })).toMatchObject({ mae: 2, weighted_mae: 0 });
  });

  it('saves and loads with the model; a bad weightedMetrics is refused by compile and by the loader', () => {
    const m = zeroModel({ metrics: ['mae'], weightedMetrics: ['mse'] });
    const json = m.toJSON();
    expect(json.compileConfig).toMatchObject({ metrics: ['mae'], weightedMetrics: ['mse'] });
    expect(zeroModel({ metrics: ['mae'] }).toJSON().compileConfig).not.toHaveProperty('weightedMetrics');
    const back = Sequential.fromJSON(JSON.stringify(json));
    expect(back.getCompileConfig()!.weightedMetrics).toEqual(['mse']);
    expect(Object.keys(back.trainOnBatch(x, y, { sampleWeight }))).toEqual(['loss', 'mae', 'mse']);
    expect(codeOf(() => zeroModel({ weightedMetrics: 'mae' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => zeroModel({ weightedMetrics: ['nope'] }))).toBe('UNKNOWN_NAME');
    const bad = JSON.parse(JSON.stringify(json));
    bad.compileConfig.weightedMetrics = ['nope'];
    expect(codeOf(() => Sequential.fromJSON(bad))).toBe('INVALID_FORMAT');
  });
});
