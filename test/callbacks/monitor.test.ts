/**
 * mode 'auto' of EarlyStopping and ReduceLROnPlateau, against Keras 3's sources (keras-team/keras
 * at 3422977a, Keras 3.16; the same code since 3.11 for both callbacks, and in EarlyStopping since 3.0):
 *
 * - keras/src/callbacks/monitor_callback.py, `_set_monitor_op` (lines 62–93): mode 'min'/'max' as
 *   given; in 'auto', `metric_name = monitor.removeprefix("val_")` (l. 68), 'loss' is `less`
 *   (l. 69), then each compiled metric named `metric_name` with a `_direction` decides (l. 84–88:
 *   "up" is `greater`, else `less`); when none did, `raise ValueError(… isn't able to automatically
 *   determine whether that metric should be maximized or minimized …)` (l. 89–90).
 * - keras/src/callbacks/early_stopping.py, `on_epoch_end` (l. 95–102): `if self.monitor_op is None:
 *   self._set_monitor_op()` before anything else, so the error comes at the first epoch end, before
 *   the logs are looked at; then `get_monitor_value` (l. 143–147) only warns about a missing key.
 *   `on_train_begin` never resets `monitor_op`, so the direction is kept across fits.
 * - keras/src/callbacks/reduce_lr_on_plateau.py, `on_epoch_end` (l. 99–102, 116): the same order.
 * - Directions: keras/src/metrics/accuracy_metrics.py (`_direction = "up"`, l. 56, 118, 210, …),
 *   regression_metrics.py (MeanSquaredError, MeanAbsoluteError: "down", l. 40, 86); a metric
 *   function that is not a Keras loss has none (reduction_metrics.py, MeanMetricWrapper, l. 193–199).
 * - The cases of keras/src/callbacks/monitor_callback_test.py (`test_monitor_op_logic`): loss 'mae',
 *   metrics mse, acc, accuracy, hinge (down), f1_score (up); here hinge and f1_score are custom
 *   Metrics declaring those directions, as numnet has neither built in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Dense, EarlyStopping, LearningRateScheduler, NumnetError, Random, ReduceLROnPlateau, SGD, Sequential,
} from '../../src/index.js';
import type { CallbackHooks, Metric } from '../../src/index.js';

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

const rng = new Random(11);
const x = Array.from({ length: 12 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
const y = x.map((r) => [r[0]! > r[1]! ? 1 : 0]);

/** A metric of the user's, with or without a direction (its value does not matter here). */
const custom = (name: string, direction?: 'up' | 'down'): Metric => ({
  name,
  ...(direction ? { direction } : {}),
  perSample(_t, _p, rows, _c, out) {
    for (let i = 0; i < rows; i++) out[i] = 0.5;
  },
});

function model(metrics: (string | Metric)[] = ['mse', 'acc', 'accuracy', custom('hinge', 'down'), custom('f1_score', 'up')]) {
  const m = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 2 });
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mae', metrics });
  return m;
}

/** Records the epochs that ended, as a callback placed before the one under test. */
function ended() {
  const epochs: number[] = [];
  const cb: CallbackHooks = { onEpochEnd: (e) => void epochs.push(e) };
  return { epochs, cb };
}

async function rejection(p: Promise<unknown>): Promise<NumnetError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(NumnetError);
  return e as NumnetError;
}

describe("mode 'auto' (Keras 3's MonitorCallback._set_monitor_op)", () => {
  it.each([
    ['max', 'val_mse', 'max'],
    ['min', 'val_loss', 'min'],
    ['auto', 'val_mse', 'min'],
    ['auto', 'loss', 'min'],
    ['auto', 'acc', 'max'],
    ['auto', 'val_accuracy', 'max'],
    ['auto', 'hinge', 'min'],
    ['auto', 'f1_score', 'max'],
  ] as const)('monitor_callback_test.py: mode %s, monitor %s → %s, for EarlyStopping and ReduceLROnPlateau', async (mode, monitor, expected) => {
    const es = new EarlyStopping({ monitor, mode });
    const rl = new ReduceLROnPlateau({ monitor, mode });
    await model().fit(x, y, { epochs: 2, batchSize: 6, validationData: [x, y], callbacks: [es, rl] });
    expect(es.direction).toBe(expected);
    expect(rl.direction).toBe(expected);
  });

  it('an unknown key in auto mode: INVALID_ARGUMENT at the first epoch end, naming the monitor and the logs keys', async () => {
    for (const make of [() => new EarlyStopping({ monitor: 'unknown' }), () => new ReduceLROnPlateau({ monitor: 'unknown' })]) {
      const seen = ended();
      const m = model(['mae']);
      const e = await rejection(m.fit(x, y, { epochs: 3, batchSize: 6, validationData: [x, y], callbacks: [seen.cb, make()] }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('monitor "unknown" (which is not in the epoch logs)');
      expect(e.message).toContain('compiled: mae');
      expect(e.message).toContain("mode: 'min' or mode: 'max'");
      expect(e.message).toContain('The epoch logs hold: loss, mae, val_loss, val_mae');
      expect(seen.epochs).toEqual([0]); // raised at the end of the first epoch, not before training, not later
    }
  });

  it('raises even when the key is logged: auto mode infers from names, not from the logs (learning_rate)', async () => {
    const schedule = () => new LearningRateScheduler((_e, lr) => lr);
    const e = await rejection(model(['mae']).fit(x, y, { epochs: 2, batchSize: 6, callbacks: [schedule(), new EarlyStopping({ monitor: 'learning_rate' })] }));
    expect(e.message).toContain('monitor "learning_rate" (which is in the epoch logs)');
    // With a mode it is an ordinary key.
    const es = new EarlyStopping({ monitor: 'learning_rate', mode: 'min' });
    const h = await model(['mae']).fit(x, y, { epochs: 3, batchSize: 6, callbacks: [schedule(), es] });
    expect(h.epoch).toEqual([0, 1]); // a constant rate does not improve: patience 0 stops at epoch 1
    expect(warn).not.toHaveBeenCalled();
  });

  it('a metric without a direction (a custom Metric, as a Keras metric function) needs a mode', async () => {
    const e = await rejection(model([custom('score')]).fit(x, y, { epochs: 2, callbacks: [new EarlyStopping({ monitor: 'score' })] }));
    expect(e.message).toContain('monitor "score"');
    expect(e.message).toContain('compiled: score');
    const es = new EarlyStopping({ monitor: 'score', mode: 'max' });
    await model([custom('score')]).fit(x, y, { epochs: 2, callbacks: [es] });
    expect(es.direction).toBe('max');
  });

  it('a known direction with the key missing from the logs only warns (get_monitor_value), once per fit', async () => {
    for (const cb of [new EarlyStopping({ monitor: 'val_acc', patience: 0 }), new ReduceLROnPlateau({ monitor: 'val_acc', patience: 0 })]) {
      warn.mockClear();
      const m = model(['acc']);
      const h = await m.fit(x, y, { epochs: 3, batchSize: 6, callbacks: [cb] }); // no validation: no val_acc
      expect(h.epoch).toEqual([0, 1, 2]);
      expect(cb.direction).toBe('max');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/`val_acc`.*Available metrics are: loss,acc/);
    }
    // mode 'min' / 'max' never raise: an unknown key is warned about.
    warn.mockClear();
    await model(['acc']).fit(x, y, { epochs: 2, callbacks: [new EarlyStopping({ monitor: 'unknown', mode: 'max' })] });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('the direction is settled once and kept across fits (on_train_begin does not reset monitor_op)', async () => {
    const es = new EarlyStopping({ monitor: 'val_score', patience: 5 });
    await model([custom('score', 'up')]).fit(x, y, { epochs: 1, validationData: [x, y], callbacks: [es] });
    expect(es.direction).toBe('max');
    await model([custom('score', 'down')]).fit(x, y, { epochs: 1, validationData: [x, y], callbacks: [es] });
    expect(es.direction).toBe('max');
  });

  it("a later compiled metric of the same name decides (Keras's loop has no break), and 'loss' can be overridden by one", async () => {
    const es = new EarlyStopping({ monitor: 'val_loss' });
    await model([custom('loss', 'up')]).fit(x, y, { epochs: 1, validationData: [x, y], callbacks: [es] });
    expect(es.direction).toBe('max');
  });

  it("compile refuses a custom metric's direction other than 'up' or 'down'", () => {
    const bad = { ...custom('score'), direction: 'sideways' } as unknown as Metric;
    expect(() => model([bad])).toThrow(/metric "score": direction must be 'up', 'down' or absent, got "sideways"/);
  });
});
