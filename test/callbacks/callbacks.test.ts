/** Callbacks (specification §6, §9): EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, History, hooks. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Callback, Dense, EarlyStopping, LearningRateScheduler, NumnetError, Random, ReduceLROnPlateau, SGD, Sequential,
  TerminateOnNaN, tensor,
} from '../../src/index.js';
import type { CallbackHooks, LearningRate, Logs, Tensor } from '../../src/index.js';
import { codeOf, codeOfAsync, messageOf } from '../helpers/errors.js';

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

const weightsOf = (w: Tensor[]) => w.map((t) => Array.from(t.data));

function regressionData(n: number, scale = 1, seed = 5) {
  const rng = new Random(seed);
  const x = Array.from({ length: n }, () => [rng.uniform(-1, 1) * scale, rng.uniform(-1, 1) * scale, rng.uniform(-1, 1) * scale]);
  const y = x.map((r) => [0.5 * r[0]! - r[1]! + 0.25 * r[2]!]);
  return { x, y };
}

function model(seed = 1, learningRate: LearningRate = 0.05, momentum = 0) {
  const m = new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [3] }), new Dense({ units: 1 })], { seed });
  m.compile({ optimizer: new SGD({ learningRate, momentum }), loss: 'mse', metrics: ['mae'] });
  return m;
}

/** A plain callback that overwrites logs.val_loss with a scripted value per epoch. */
const scripted = (values: number[], key = 'val_loss'): CallbackHooks => ({
  onEpochEnd: (epoch, logs) => {
    logs![key] = values[epoch]!;
  },
});

/** A plain callback keeping a copy of the weights at every epoch end. */
function snapshots() {
  const at: number[][][] = [];
  const cb: CallbackHooks = {
    onEpochEnd(epoch) {
      at[epoch] = weightsOf(this.model!.getWeights());
    },
  };
  return { at, cb };
}

/** A stand-in for the model, to drive a callback's hooks directly (compiled with `metrics`). */
function fakeModel(learningRate: LearningRate = 1, metrics: string[] = []) {
  return { stopTraining: false, optimizer: { learningRate }, getCompileConfig: () => ({ metrics }) } as unknown as Sequential;
}

/**
 * Runs `cb` over scripted epoch values of `key` (as fit would, stopping when it sets stopTraining);
 * returns the epochs run, the learning rate after each epoch and the logged learning_rate.
 */
function drive(cb: Callback & CallbackHooks, values: number[], key = 'val_loss', m = fakeModel()) {
  cb.setModel(m);
  cb.onTrainBegin?.({});
  const epochs: number[] = [];
  const lrs: unknown[] = [];
  const logged: (number | undefined)[] = [];
  for (let e = 0; e < values.length && !m.stopTraining; e++) {
    cb.onEpochBegin?.(e, {});
    const logs: Logs = { loss: 0, [key]: values[e]! };
    cb.onEpochEnd?.(e, logs);
    epochs.push(e);
    lrs.push(m.optimizer!.learningRate);
    logged.push(logs.learning_rate);
  }
  cb.onTrainEnd?.({});
  return { epochs, lrs, logged };
}

function invalid(f: () => unknown, ...words: string[]) {
  expect(codeOf(f)).toBe('INVALID_ARGUMENT');
  const msg = messageOf(f);
  for (const w of words) expect(msg).toContain(w);
}

describe('EarlyStopping', () => {
  const { x, y } = regressionData(16);

  it('stops at exactly the epoch patience runs out and restores the best epoch weights (real fit)', async () => {
    const m = model(3);
    const snap = snapshots();
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    // best at epoch 1; epochs 2 and 3 don't improve → stop after epoch 3.
    const h = await m.fit(x, y, {
      epochs: 20, batchSize: 4, shuffle: false,
      callbacks: [scripted([1, 0.5, 0.6, 0.55, 0.1, 0.1]), snap.cb, es],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(es.best).toBe(0.5);
    expect(weightsOf(m.getWeights())).toEqual(snap.at[1]);
    expect(snap.at[3]).not.toEqual(snap.at[1]);
  });

  it('keeps the last weights without restoreBestWeights', async () => {
    const m = model(3);
    const snap = snapshots();
    await m.fit(x, y, {
      epochs: 20, batchSize: 4, shuffle: false,
      callbacks: [scripted([1, 0.5, 0.6, 0.55]), snap.cb, new EarlyStopping({ patience: 2 })],
    });
    expect(weightsOf(m.getWeights())).toEqual(snap.at[3]);
  });

  it('restores the best weights at train end even when it did not stop training', async () => {
    const m = model(4);
    const snap = snapshots();
    const es = new EarlyStopping({ patience: 5, restoreBestWeights: true });
    const h = await m.fit(x, y, {
      epochs: 3, batchSize: 4, shuffle: false,
      callbacks: [scripted([1, 0.5, 0.7]), snap.cb, es],
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(es.stoppedEpoch).toBe(0);
    expect(weightsOf(m.getWeights())).toEqual(snap.at[1]);
  });

  it('monitors a real logs key: loss rising under a too-large rate stops training', async () => {
    const m = model(2, 3);
    const es = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    const h = await m.fit(x, y, { epochs: 30, batchSize: 16, shuffle: false, callbacks: [es] });
    const losses = h.history.loss!;
    const best = losses.indexOf(Math.min(...losses));
    expect(es.bestEpoch).toBe(best);
    expect(h.epoch.length).toBe(es.stoppedEpoch + 1);
    expect(es.stoppedEpoch).toBe(best + 1); // patience 1: the first epoch not improving stops
  });

  it('patience 0 stops at the first epoch without improvement, never at epoch 0', () => {
    expect(drive(new EarlyStopping(), [1, 0.9, 0.95, 0.5]).epochs).toEqual([0, 1, 2]);
    expect(drive(new EarlyStopping(), [1, 2, 3]).epochs).toEqual([0, 1]);
    expect(drive(new EarlyStopping({ baseline: 0.1 }), [1, 2, 3]).epochs).toEqual([0, 1]);
    // As Keras 3: the first value is the best whatever it is (best = None before it), and nothing improves on NaN.
    expect(drive(new EarlyStopping(), [NaN, 1, 1]).epochs).toEqual([0, 1]);
  });

  it('patience counts epochs since the last improvement', () => {
    expect(drive(new EarlyStopping({ patience: 3 }), [5, 4, 4, 3, 3, 3, 3, 1]).epochs).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('minDelta: a smaller change is not an improvement', () => {
    const values = [1, 0.995, 0.99, 0.985, 0.98];
    expect(drive(new EarlyStopping({ patience: 1 }), values).epochs).toEqual([0, 1, 2, 3, 4]);
    const es = new EarlyStopping({ patience: 1, minDelta: 0.01 });
    expect(drive(es, values).epochs).toEqual([0, 1]);
    expect(es.best).toBe(1);
    expect(drive(new EarlyStopping({ patience: 1, minDelta: 0.004 }), values).epochs).toEqual([0, 1, 2, 3, 4]);
  });

  it('mode: auto maximizes compiled accuracies and minimizes losses and errors; min/max override', () => {
    const acc = [0.5, 0.6, 0.55, 0.7];
    const compiled = () => fakeModel(1, ['acc', 'binaryAccuracy', 'mae']);
    for (const [monitor, direction] of [['val_acc', 'max'], ['val_binaryAccuracy', 'max'], ['val_mae', 'min'], ['loss', 'min']] as const) {
      const es = new EarlyStopping({ monitor });
      expect([es.mode, es.direction]).toEqual(['auto', undefined]); // settled at the first epoch end, as Keras
      drive(es, [1], monitor, compiled());
      expect(es.direction).toBe(direction);
    }
    expect(drive(new EarlyStopping({ monitor: 'val_acc' }), acc, 'val_acc', compiled()).epochs).toEqual([0, 1, 2]);
    expect(drive(new EarlyStopping({ monitor: 'val_acc', mode: 'min' }), acc, 'val_acc').epochs).toEqual([0, 1]);
    expect(drive(new EarlyStopping({ mode: 'max' }), [1, 2, 3, 2], 'val_loss').epochs).toEqual([0, 1, 2, 3]);
    expect(drive(new EarlyStopping({ mode: 'max', minDelta: 0.5 }), [1, 1.2, 3], 'val_loss').epochs).toEqual([0, 1]);
  });

  it('baseline: improvements that do not beat it do not restart the patience count', () => {
    const values = [0.9, 0.8, 0.85, 0.85, 0.85];
    expect(drive(new EarlyStopping({ patience: 2 }), values).epochs).toEqual([0, 1, 2, 3]);
    const es = new EarlyStopping({ patience: 2, baseline: 0.5 });
    expect(drive(es, values).epochs).toEqual([0, 1, 2]);
    expect(es.bestEpoch).toBe(1);
    expect(drive(new EarlyStopping({ patience: 2, baseline: 0.5 }), [0.4, 0.45, 0.45, 0.45]).epochs).toEqual([0, 1, 2]);
    expect(drive(new EarlyStopping({ patience: 2, baseline: 0.5, mode: 'max' }), [0.4, 0.45, 0.3, 0.3]).epochs).toEqual([0, 1, 2]);
  });

  it('startFromEpoch: earlier epochs are not monitored', () => {
    const es = new EarlyStopping({ startFromEpoch: 2 });
    expect(drive(es, [1, 2, 3, 4, 5]).epochs).toEqual([0, 1, 2, 3]);
    expect(es.bestEpoch).toBe(2);
    expect(es.best).toBe(3);
  });

  it('is reset by every fit', () => {
    const es = new EarlyStopping({ patience: 1 });
    expect(drive(es, [1, 0.5, 0.6, 0.7]).epochs).toEqual([0, 1, 2]);
    expect(drive(es, [3, 2, 1, 1]).epochs).toEqual([0, 1, 2, 3]);
    expect(es.best).toBe(1);
    expect(es.stoppedEpoch).toBe(3);
  });

  it('warns once about a missing key, naming it and the available keys, and does nothing else', async () => {
    const m = model(1);
    const es = new EarlyStopping({ patience: 0 });
    const h = await m.fit(x, y, { epochs: 4, batchSize: 8, callbacks: [es] });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/val_loss.*loss,mae/);
    expect(es.stoppedEpoch).toBe(0);
  });

  it('validates its options', () => {
    invalid(() => new EarlyStopping({ patience: -1 }), 'patience', '-1');
    invalid(() => new EarlyStopping({ patience: 1.5 }), 'patience', '1.5');
    invalid(() => new EarlyStopping({ minDelta: NaN }), 'minDelta', 'NaN');
    invalid(() => new EarlyStopping({ minDelta: -0.1 }), 'minDelta', '-0.1');
    invalid(() => new EarlyStopping({ mode: 'up' as 'min' }), 'mode', '"up"');
    invalid(() => new EarlyStopping({ baseline: 'x' as unknown as number }), 'baseline', '"x"');
    invalid(() => new EarlyStopping({ restoreBestWeights: 1 as unknown as boolean }), 'restoreBestWeights', '1');
    invalid(() => new EarlyStopping({ startFromEpoch: -2 }), 'startFromEpoch', '-2');
    invalid(() => new EarlyStopping({ monitor: '' }), 'monitor');
    const d = new EarlyStopping();
    expect([d.monitor, d.minDelta, d.patience, d.mode, d.baseline, d.restoreBestWeights, d.startFromEpoch])
      .toEqual(['val_loss', 0, 0, 'auto', undefined, false, 0]);
    expect([d.direction, new EarlyStopping({ mode: 'max' }).direction]).toEqual([undefined, 'max']);
  });
});

describe('ReduceLROnPlateau', () => {
  it('multiplies the rate by factor after patience epochs without improvement', () => {
    const r = drive(new ReduceLROnPlateau({ factor: 0.5, patience: 2 }), [1, 1, 1, 1, 1, 0.5, 0.5]);
    expect(r.lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.25]);
    // learning_rate in the logs is the rate of the epoch that ended (before any reduction).
    expect(r.logged).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('honours minDelta (default 1e-4) and mode', () => {
    expect(drive(new ReduceLROnPlateau({ patience: 1 }), [1, 0.99995, 0.9998]).lrs).toEqual([1, 0.1, 0.1]);
    expect(drive(new ReduceLROnPlateau({ patience: 1, minDelta: 0 }), [1, 0.99995, 0.9998]).lrs).toEqual([1, 1, 1]);
    expect(drive(new ReduceLROnPlateau({ patience: 1, monitor: 'val_acc' }), [0.5, 0.6, 0.6], 'val_acc', fakeModel(1, ['acc'])).lrs).toEqual([1, 1, 0.1]);
    expect(drive(new ReduceLROnPlateau({ patience: 1, monitor: 'val_acc', mode: 'min' }), [0.5, 0.6], 'val_acc').lrs)
      .toEqual([1, 0.1]);
  });

  it('waits cooldown epochs after a reduction, as Keras (the counter drops before the check)', () => {
    const flat = [1, 1, 1, 1, 1, 1, 1];
    const plain = drive(new ReduceLROnPlateau({ factor: 0.5, patience: 1 }), flat).lrs;
    expect(plain).toEqual([1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]);
    const cool = drive(new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 2 }), flat).lrs;
    expect(cool).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
  });

  it('never goes below minLr', () => {
    const r = drive(new ReduceLROnPlateau({ patience: 1, minLr: 0.05 }), [1, 1, 1, 1]);
    expect(r.lrs[1]).toBeCloseTo(0.1, 15);
    expect(r.lrs.slice(2)).toEqual([0.05, 0.05]);
  });

  it('changes model.optimizer.learningRate during a real fit', async () => {
    const { x, y } = regressionData(16);
    const m = model(1, 0.08);
    const seen: number[] = [];
    await m.fit(x, y, {
      epochs: 5, batchSize: 8, shuffle: false,
      callbacks: [
        scripted([1, 1, 1, 0.5, 0.5]),
        new ReduceLROnPlateau({ factor: 0.5, patience: 1 }),
        { onEpochBegin: () => void seen.push(m.optimizer!.learningRate as number) },
      ],
    });
    expect(seen).toEqual([0.08, 0.08, 0.04, 0.02, 0.02]);
    expect(m.optimizer!.learningRate).toBe(0.01);
  });

  it('refuses an optimizer whose rate is a schedule', async () => {
    const { x, y } = regressionData(8);
    const m = model(1, (t) => 0.1 / t);
    const err = await m.fit(x, y, { callbacks: [new ReduceLROnPlateau()] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NumnetError);
    expect((err as NumnetError).code).toBe('INVALID_ARGUMENT');
    expect((err as NumnetError).message).toMatch(/schedule.*don't mix/);
  });

  it('validates its options', () => {
    invalid(() => new ReduceLROnPlateau({ factor: 1 }), 'factor', '1');
    invalid(() => new ReduceLROnPlateau({ factor: 0 }), 'factor', '0');
    invalid(() => new ReduceLROnPlateau({ factor: 2 }), 'factor', '2');
    invalid(() => new ReduceLROnPlateau({ patience: -1 }), 'patience', '-1');
    invalid(() => new ReduceLROnPlateau({ cooldown: 0.5 }), 'cooldown', '0.5');
    invalid(() => new ReduceLROnPlateau({ minLr: -1 }), 'minLr', '-1');
    invalid(() => new ReduceLROnPlateau({ minDelta: Infinity }), 'minDelta', 'Infinity');
    invalid(() => new ReduceLROnPlateau({ mode: 'down' as 'min' }), 'mode', '"down"');
    invalid(() => new ReduceLROnPlateau({ monitor: 3 as unknown as string }), 'monitor', '3');
    const d = new ReduceLROnPlateau();
    expect([d.monitor, d.factor, d.patience, d.mode, d.minDelta, d.cooldown, d.minLr])
      .toEqual(['val_loss', 0.1, 10, 'auto', 1e-4, 0, 0]);
    expect([d.direction, new ReduceLROnPlateau({ mode: 'max' }).direction]).toEqual([undefined, 'max']);
  });

  it('warns once about a missing key', () => {
    const cb = new ReduceLROnPlateau({ monitor: 'val_mae', patience: 0 });
    expect(drive(cb, [1, 1, 1], 'val_loss', fakeModel(1, ['mae'])).lrs).toEqual([1, 1, 1]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/val_mae.*loss,val_loss,learning_rate/);
  });
});

describe('LearningRateScheduler', () => {
  const { x, y } = regressionData(16);

  it('sets the rate at the start of every epoch, for all its batches', async () => {
    const m = model(1, 0.1);
    const seen: [number, number][] = [];
    let epoch = -1;
    await m.fit(x, y, {
      epochs: 3, batchSize: 8,
      callbacks: [
        new LearningRateScheduler((e) => 0.2 * 0.5 ** e),
        { onEpochBegin: (e) => void (epoch = e), onBatchBegin: () => void seen.push([epoch, m.optimizer!.learningRate as number]) },
      ],
    });
    expect(seen).toEqual([[0, 0.2], [0, 0.2], [1, 0.1], [1, 0.1], [2, 0.05], [2, 0.05]]);
  });

  it('passes the epoch index (from initialEpoch) and the current rate', async () => {
    const m = model(1, 0.1);
    const calls: [number, number][] = [];
    await m.fit(x, y, {
      epochs: 4, initialEpoch: 1, batchSize: 16,
      callbacks: [new LearningRateScheduler((e, lr) => (calls.push([e, lr]), lr / 2))],
    });
    expect(calls).toEqual([[1, 0.1], [2, 0.05], [3, 0.025]]);
    expect(m.optimizer!.learningRate).toBe(0.0125);
  });

  it('trains exactly as setting the rate by hand each epoch, and differently from a constant rate', async () => {
    const scheduled = model(7, 0.1);
    await scheduled.fit(x, y, {
      epochs: 3, batchSize: 4, shuffle: false, callbacks: [new LearningRateScheduler((e) => [0.1, 0.02, 0.3][e]!)],
    });
    const byHand = model(7, 0.1);
    for (const [e, lr] of [0.1, 0.02, 0.3].entries()) {
      byHand.optimizer!.learningRate = lr;
      await byHand.fit(x, y, { epochs: e + 1, initialEpoch: e, batchSize: 4, shuffle: false });
    }
    const constant = model(7, 0.1);
    await constant.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false });
    expect(weightsOf(scheduled.getWeights())).toEqual(weightsOf(byHand.getWeights()));
    expect(weightsOf(scheduled.getWeights())).not.toEqual(weightsOf(constant.getWeights()));
  });

  it('rejects a schedule giving a non-finite or negative rate, and an optimizer rate that is a schedule', async () => {
    for (const bad of [NaN, -0.1, Infinity, '0.1']) {
      const m = model(1, 0.1);
      const cb = new LearningRateScheduler((e, lr) => (e === 1 ? (bad as number) : lr));
      const err = await m.fit(x, y, { epochs: 3, callbacks: [cb] }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NumnetError);
      expect((err as NumnetError).code).toBe('INVALID_ARGUMENT');
      expect((err as NumnetError).message).toContain('epoch 1');
    }
    expect(await codeOfAsync(() => model(1, () => 0.1).fit(x, y, { callbacks: [new LearningRateScheduler((_e, lr) => lr)] })))
      .toBe('INVALID_ARGUMENT');
    // Zero is allowed (the optimizer then leaves the weights as they are).
    const m = model(1, 0.1);
    const before = weightsOf(m.getWeights());
    await m.fit(x, y, { epochs: 2, callbacks: [new LearningRateScheduler(() => 0)] });
    expect(weightsOf(m.getWeights())).toEqual(before);
  });

  it('takes a function', () => {
    invalid(() => new LearningRateScheduler(0.1 as unknown as () => number), 'schedule', '0.1');
  });
});

describe('TerminateOnNaN', () => {
  // Large inputs and a large rate: linear regression diverges and its loss overflows after a few batches.
  const { x, y } = regressionData(32, 1e3, 9);
  const linear = () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [3] })], { seed: 2 });
    m.compile({ optimizer: new SGD({ learningRate: 10, momentum: 0.9 }), loss: 'mse' });
    return m;
  };
  /** Records the weights and optimizer state before every batch. */
  const beforeBatch = () => {
    const at: { epoch: number; batch: number; weights: number[][]; state: unknown }[] = [];
    let epoch = 0;
    const cb: CallbackHooks = {
      onEpochBegin: (e) => void (epoch = e),
      onBatchBegin(batch) {
        at.push({ epoch, batch, weights: weightsOf(this.model!.getWeights()), state: this.model!.optimizer!.getState() });
      },
    };
    return { at, cb };
  };

  it('stops cleanly with the weights and optimizer state from before the failing batch', async () => {
    const m = linear();
    const rec = beforeBatch();
    const losses: number[] = [];
    const h = await m.fit(x, y, {
      epochs: 10, batchSize: 4, shuffle: false,
      callbacks: [rec.cb, { onBatchEnd: (_b, logs) => void losses.push(logs!.loss!) }, new TerminateOnNaN()],
    });
    const last = rec.at[rec.at.length - 1]!;
    expect(rec.at.length).toBeGreaterThan(2); // it failed after some good batches
    expect(Number.isNaN(losses[losses.length - 1])).toBe(true);
    expect(losses.slice(0, -1).every(Number.isFinite)).toBe(true);
    const w = weightsOf(m.getWeights());
    expect(w.flat().every(Number.isFinite)).toBe(true);
    expect(w).toEqual(last.weights);
    expect(w).not.toEqual(rec.at[0]!.weights);
    expect(m.optimizer!.getState()).toEqual(last.state);
    expect(h.epoch[h.epoch.length - 1]).toBe(last.epoch); // the cut-short epoch still ends
    expect(warn).toHaveBeenCalledWith(`Epoch ${last.epoch + 1}, batch ${last.batch + 1}: invalid loss, terminating training`);

    // Without TerminateOnNaN the same fit rejects, naming that epoch and batch.
    const m2 = linear();
    const err = await m2.fit(x, y, { epochs: 10, batchSize: 4, shuffle: false }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NumnetError);
    expect((err as NumnetError).code).toBe('NON_FINITE_LOSS');
    expect((err as NumnetError).message).toContain(`epoch ${last.epoch + 1}, batch ${last.batch + 1}`);
    expect(weightsOf(m2.getWeights())).toEqual(last.weights);
  });

  it('also stops cleanly with learningRate 1e300, keeping finite weights', async () => {
    const m = linear();
    m.optimizer!.learningRate = 1e300;
    const rec = beforeBatch();
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, callbacks: [rec.cb, new TerminateOnNaN()] });
    expect(h.epoch).toEqual([0]);
    const w = weightsOf(m.getWeights());
    expect(w.flat().every(Number.isFinite)).toBe(true);
    expect(w).toEqual(rec.at[rec.at.length - 1]!.weights);
    const m2 = linear();
    m2.optimizer!.learningRate = 1e300;
    expect(await codeOfAsync(() => m2.fit(x, y, { epochs: 3, batchSize: 8 }))).toBe('NON_FINITE_LOSS');
    expect(weightsOf(m2.getWeights())).toEqual(w);
  });

  it('looks only at a non-finite batch loss', () => {
    const cb = new TerminateOnNaN();
    const m = fakeModel();
    cb.setModel(m);
    cb.onBatchEnd(0, { loss: 1e300 });
    cb.onBatchEnd(1, { size: 4 });
    expect(m.stopTraining).toBe(false);
    cb.onBatchEnd(2, { loss: -Infinity });
    expect(m.stopTraining).toBe(true);
  });
});

describe('History and plain hook objects', () => {
  const { x, y } = regressionData(10);

  it('History records every epoch index and every logs key', async () => {
    const m = model(1);
    const seen: Logs[] = [];
    const h = await m.fit(x, y, {
      epochs: 4, initialEpoch: 1, batchSize: 4, validationSplit: 0.2,
      callbacks: { onEpochEnd: (_e, logs) => void seen.push({ ...logs }) },
    });
    expect(h.epoch).toEqual([1, 2, 3]);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    for (const k of Object.keys(h.history)) expect(h.history[k]).toEqual(seen.map((l) => l[k]));
  });

  it('hook objects get model and params, and every hook in order (async hooks awaited)', async () => {
    const m = model(1);
    const calls: string[] = [];
    const hooks: CallbackHooks = {
      onTrainBegin() {
        calls.push('trainBegin');
        expect(this.model).toBe(m);
        expect(this.params).toEqual({
          epochs: 2, initialEpoch: 0, samples: 8, steps: 2, batchSize: 5, verbose: 0,
          metrics: ['loss', 'mae', 'val_loss', 'val_mae'],
        });
      },
      onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
      onBatchBegin: (b, logs) => void calls.push(`batchBegin ${b} size ${logs!.size}`),
      onBatchEnd: (b, logs) => void calls.push(`batchEnd ${b} ${Object.keys(logs!).join(',')}`),
      async onEpochEnd(e, logs) {
        await new Promise((r) => setTimeout(r, 1));
        calls.push(`epochEnd ${e} ${Object.keys(logs!).join(',')}`);
      },
      onTrainEnd: (logs) => void calls.push(`trainEnd ${Object.keys(logs!).join(',')}`),
    };
    await m.fit(x, y, { epochs: 2, batchSize: 5, validationSplit: 0.2, callbacks: [hooks] });
    const epoch = (e: number) => [
      `epochBegin ${e}`, 'batchBegin 0 size 5', 'batchEnd 0 batch,size,loss,mae', 'batchBegin 1 size 3',
      'batchEnd 1 batch,size,loss,mae', `epochEnd ${e} loss,mae,val_loss,val_mae`,
    ];
    expect(calls).toEqual(['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd loss,mae,val_loss,val_mae']);
  });
});

describe('History sees what callbacks add to the logs', () => {
  it('records learning_rate from LearningRateScheduler, as Keras (History runs after the user callbacks)', async () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const h = await m.fit([[1], [2]], [[1], [2]], {
      epochs: 3,
      callbacks: [new LearningRateScheduler((epoch) => 0.1 / (epoch + 1))],
    });
    expect(h.history.learning_rate).toEqual([0.1, 0.05, 0.1 / 3]);
  });
});
