/**
 * Non-finite numbers in training (specification §9): NaN/±Infinity in the data is refused before any update
 * (NON_FINITE_INPUT naming the row); a batch whose loss, gradients, new weights or new optimizer
 * state are not finite leaves weights and optimizer state as they were (NON_FINITE_LOSS naming the
 * epoch and batch from fit, or a clean stop with TerminateOnNaN keeping the last good weights), for
 * every optimizer; and the activations and losses stay finite at extreme inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, BinaryCrossentropy, CategoricalCrossentropy, Dense, NumnetError, SGD, Sequential, SparseCategoricalCrossentropy,
  TerminateOnNaN, activate, activationGradient, getOptimizer, tensor,
} from '../../src/index.js';
import { snapshot, weightsHex } from '../helpers/fuzz.js';

const OPTIMIZERS = ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'adamax'] as const;

/** The NumnetError f throws (fails if it throws something else or nothing). */
function errorOf(f: () => unknown): NumnetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NumnetError);
    return e as NumnetError;
  }
  throw new Error('expected a NumnetError');
}
async function rejectionOf(p: Promise<unknown>): Promise<NumnetError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NumnetError);
    return e as NumnetError;
  }
  throw new Error('expected a rejection');
}

const regression = (optimizer: string | SGD = 'sgd', seed = 1) => {
  const m = new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1 })], { seed });
  m.compile({ optimizer, loss: 'mse' });
  return m;
};
const x = [[0.5, -1], [1, 2], [-0.3, 0.8], [2, -2], [0.1, 0.1], [1.5, 0.5]];
const y = x.map((r) => [r[0]! - 0.5 * r[1]!]);

describe('NaN and Infinity in the data: refused before any update, naming the row', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`${bad} in x or y, for fit, trainOnBatch, evaluate, predict and the validation data`, async () => {
      const m = regression('adam');
      m.trainOnBatch(x, y);
      const before = snapshot(m);
      const badX = x.map((r, i) => (i === 3 ? [r[0]!, bad] : r));
      const badY = y.map((r, i) => (i === 4 ? [bad] : r));
      for (const [f, row, what] of [
        [() => m.trainOnBatch(badX, y), 3, 'x'], [() => m.trainOnBatch(x, badY), 4, 'y'],
        [() => m.evaluate(badX, y), 3, 'x'], [() => m.evaluate(x, badY), 4, 'y'], [() => m.predict(badX), 3, 'x'],
      ] as const) {
        const e = errorOf(f);
        expect(e.code).toBe('NON_FINITE_INPUT');
        expect(e.message).toContain(`row ${row}`);
        expect(e.message).toContain(`${what} holds ${bad}`);
      }
      for (const [p, row] of [
        [m.fit(badX, y, { epochs: 2 }), 3], [m.fit(x, badY, { epochs: 2 }), 4],
        [m.fit(x, y, { epochs: 2, validationData: [badX, y] }), 3], [m.fit(x, y, { epochs: 2, validationData: [x, badY] }), 4],
      ] as const) {
        const e = await rejectionOf(p);
        expect(e.code).toBe('NON_FINITE_INPUT');
        expect(e.message).toContain(`row ${row}`);
      }
      expect(snapshot(m)).toBe(before);
    });
  }
});

describe('an exploding learning rate, for every optimizer', () => {
  for (const name of OPTIMIZERS) {
    it(`${name}: the failing batch leaves weights and optimizer state as they were; fit names the epoch and batch; TerminateOnNaN keeps the last good weights`, async () => {
      const config = { learningRate: 1e300 } as Record<string, unknown>;
      const model = () => {
        const m = regression(getOptimizer(name, config) as never, 2);
        return m;
      };
      // trainOnBatch until a batch fails: that batch changes nothing.
      const m = model();
      let failed: NumnetError | undefined;
      for (let k = 0; k < 50 && !failed; k++) {
        const before = snapshot(m);
        try {
          m.trainOnBatch(x, y);
        } catch (e) {
          failed = e as NumnetError;
          expect(failed.code).toBe('NON_FINITE_LOSS');
          expect(snapshot(m)).toBe(before);
        }
      }
      expect(failed, 'the learning rate did not explode').toBeDefined();

      // fit: rejects naming the epoch and batch at which onBatchEnd saw loss NaN; the weights are
      // those after the last good batch.
      const fitted = model();
      const seen: { epoch: number; batch: number; loss: number; weights: string }[] = [];
      let epoch = 0;
      const recorder = {
        onEpochBegin: (e: number) => void (epoch = e),
        onBatchEnd: (b: number, logs?: Record<string, number>) => void seen.push({ epoch, batch: b, loss: logs!.loss!, weights: weightsHex(fitted) }),
      };
      const e = await rejectionOf(fitted.fit(x, y, { epochs: 20, batchSize: 2, shuffle: false, callbacks: [recorder] }));
      expect(e.code).toBe('NON_FINITE_LOSS');
      const bad = seen.at(-1)!;
      expect(bad.loss).toBeNaN();
      expect(e.message).toContain(`epoch ${bad.epoch + 1}, batch ${bad.batch + 1}`);
      const lastGood = seen.at(-2)?.weights ?? weightsHex(model());
      expect(bad.weights).toBe(lastGood);
      expect(weightsHex(fitted)).toBe(lastGood);

      // TerminateOnNaN: the same run stops cleanly there, with those weights.
      const stopped = model();
      const h = await stopped.fit(x, y, { epochs: 20, batchSize: 2, shuffle: false, callbacks: [new TerminateOnNaN()] });
      expect(h.epoch.at(-1)).toBe(bad.epoch);
      expect(weightsHex(stopped)).toBe(lastGood);
      for (const w of stopped.getWeights()) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
    });
  }
});

describe('a gradient whose square overflows', () => {
  // ŷ − y = 1e100 and x = 1e100: the loss 1e200 and the gradient 2e200 are finite, g² is not.
  const overflow = (optimizer: string) => {
    const m = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer, loss: 'mse' });
    m.setWeights([[[1]]]);
    return m;
  };
  for (const name of ['adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw']) {
    it(`${name}: an accumulator of g² that would become Infinity (while the weights stay finite) is rolled back`, () => {
      const m = overflow(name);
      m.trainOnBatch([[1]], [[0]]); // a normal step first, so there is state to keep
      const before = snapshot(m);
      const e = errorOf(() => m.trainOnBatch([[1e100]], [[0]]));
      expect(e.code).toBe('NON_FINITE_LOSS');
      expect(e.message).toContain('optimizer');
      expect(snapshot(m)).toBe(before);
      expect(m.optimizer!.stateIsFinite()).toBe(true);
      // And training goes on.
      expect(Number.isFinite(m.trainOnBatch([[1]], [[0]]).loss!)).toBe(true);
    });
  }
  for (const name of ['sgd', 'adamax']) {
    it(`${name}: no squares in its state, so the step is taken (and everything stays finite)`, () => {
      const m = overflow(name);
      m.trainOnBatch([[1e100]], [[0]]);
      for (const v of m.getWeights()[0]!.data) expect(Number.isFinite(v)).toBe(true);
      expect(m.optimizer!.stateIsFinite()).toBe(true);
    });
  }

  it('clipValue does not turn an infinite gradient into a finite update', () => {
    // ŷ = 1e154: the loss (1e154)² = 1e308 is finite, the gradient 2·1e154·1e154 is not.
    const m = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1, clipValue: 1 }), loss: 'mse' });
    m.setWeights([[[1]]]);
    const before = snapshot(m);
    const e = errorOf(() => m.trainOnBatch([[1e154]], [[0]]));
    expect(e.code).toBe('NON_FINITE_LOSS');
    expect(e.message).toContain('gradient');
    expect(snapshot(m)).toBe(before);
  });
});

describe('numerically stable at ±1000 (and beyond)', () => {
  const names = Object.keys(ACTIVATIONS).filter((n) => n !== 'step');
  it('every activation and its gradient is finite at ±1000, ±1e300 and 0', () => {
    const z = [1000, -1000, 1e300, -1e300, 0, -0, 5e-324];
    for (const n of [...names, 'step']) {
      for (const v of activate(n, z).data) expect(Number.isFinite(v), `${n}`).toBe(true);
      if (n !== 'step') for (const v of activationGradient(n, z).data) expect(Number.isFinite(v), `${n}'`).toBe(true);
    }
  });

  it('the exact limits: sigmoid, softplus, tanh, elu, swish, gelu, softsign at ±1000', () => {
    const at = (n: string, v: number[]) => Array.from(activate(n, [v]).data);
    expect(at('sigmoid', [1000, -1000])).toEqual([1, 0]);
    expect(at('softplus', [1000, -1000])).toEqual([1000, 0]);
    expect(at('tanh', [1000, -1000])).toEqual([1, -1]);
    expect(at('elu', [1000, -1000])).toEqual([1000, -1]);
    expect(at('swish', [1000, -1000]).map((v) => v + 0)).toEqual([1000, 0]);
    expect(at('gelu', [1000, -1000]).map((v) => v + 0)).toEqual([1000, 0]);
    expect(at('softsign', [1000, -1000])).toEqual([1000 / 1001, -1000 / 1001]);
    const grad = (n: string, v: number[]) => Array.from(activationGradient(n, [v]).data).map((g) => g + 0);
    expect(grad('sigmoid', [1000, -1000])).toEqual([0, 0]);
    expect(grad('softplus', [1000, -1000])).toEqual([1, 0]);
    expect(grad('tanh', [1000, -1000])).toEqual([0, 0]);
    expect(grad('swish', [1000, -1000])).toEqual([1, 0]);
    expect(grad('gelu', [1000, -1000])).toEqual([1, 0]);
  });

  it('softmax of [1000, −1000] is [1, 0], of [1000, 1000] is [½, ½], and its vector–Jacobian product is finite', () => {
    expect(Array.from(activate('softmax', [[1000, -1000]]).data)).toEqual([1, 0]);
    expect(Array.from(activate('softmax', [[1000, 1000]]).data)).toEqual([0.5, 0.5]);
    expect(Array.from(activate('softmax', [[-1000, -1000, -1000, -1000]]).data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const g = activationGradient('softmax', [[1000, -1000]], [[1, 0]]);
    expect(Array.from(g.data).map((v) => v + 0)).toEqual([0, 0]);
  });

  it('log-sum-exp: crossentropy from logits at ±1000 is exact and finite, with finite gradients', () => {
    const cce = new CategoricalCrossentropy({ fromLogits: true });
    expect(cce.call([[1, 0]], [[1000, -1000]])).toBe(0);
    expect(cce.call([[0, 1]], [[1000, -1000]])).toBe(2000);
    expect(cce.call([[0.5, 0.5]], [[1000, 1000]])).toBeCloseTo(Math.LN2, 12); // 1000 + ln 2 − 1000, to float64 precision
    for (const v of cce.gradientOf([[0, 1]], [[1000, -1000]]).data) expect(Number.isFinite(v)).toBe(true);
    const scce = new SparseCategoricalCrossentropy({ fromLogits: true });
    expect(scce.call([1], [[1000, -1000, 0]])).toBe(2000);
    const bce = new BinaryCrossentropy({ fromLogits: true });
    expect(bce.call([[1]], [[1000]])).toBe(0);
    expect(bce.call([[0]], [[1000]])).toBe(1000);
    expect(bce.call([[1]], [[-1000]])).toBe(1000);
    for (const v of bce.gradientOf([[1], [0]], [[-1000], [1000]]).data) expect(Number.isFinite(v)).toBe(true);
  });

  it('crossentropy at ŷ = 0 and ŷ = 1 (and ŷ all zero) is finite, as is its gradient', () => {
    const bce = new BinaryCrossentropy();
    const yTrue = [[1], [0], [1], [0]];
    const yPred = [[0], [1], [1], [0]];
    expect(bce.call(yTrue, yPred)).toBeCloseTo((-2 * Math.log(1e-7) - 2 * Math.log(1 - 1e-7)) / 4, 8); // clipped to [1e-7, 1 − 1e-7]
    for (const v of bce.gradientOf(yTrue, yPred).data) expect(Number.isFinite(v)).toBe(true);
    const cce = new CategoricalCrossentropy();
    expect(Number.isFinite(cce.call([[1, 0]], [[0, 1]]))).toBe(true);
    expect(cce.call([[1, 0]], [[0, 0]])).toBeCloseTo(-Math.log(1e-7), 12);
    for (const v of cce.gradientOf([[1, 0]], [[0, 1]]).data) expect(Number.isFinite(v)).toBe(true);
    for (const v of cce.gradientOf([[1, 0]], [[0, 0]]).data) expect(Number.isFinite(v)).toBe(true);
    const scce = new SparseCategoricalCrossentropy();
    expect(Number.isFinite(scce.call([0, 1], [[0, 1], [1, 0]]))).toBe(true);
  });

  it('a softmax model with logits near ±1000 reports a finite loss and trains with finite gradients', () => {
    const m = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    m.setWeights([[[500, -500], [-500, 500]], [0, 0]]);
    const xs = [[1, -1], [-1, 1]];
    const ys = [[0, 1], [1, 0]]; // both confidently wrong: ŷ = [1, 0] against [0, 1]
    const logs = m.evaluate(xs, ys);
    expect(logs.loss).toBeCloseTo(-Math.log(1e-7), 10);
    const { gradients } = m.computeGradients(xs, ys);
    for (const g of gradients) for (const v of g.data) expect(Number.isFinite(v)).toBe(true);
    m.trainOnBatch(xs, ys);
    for (const w of m.getWeights()) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
    expect(tensor(m.predict(xs).data).data.every(Number.isFinite)).toBe(true);
  });
});
