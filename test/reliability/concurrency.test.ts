/**
 * Concurrency: `fit` is asynchronous (it awaits between batches), so other code runs while a model
 * trains. Two models fitting at once do not affect each other (bit for bit the weights of each
 * trained alone). On a model that is fitting, what would corrupt the run is refused with
 * INVALID_ARGUMENT — fit, trainOnBatch, compile, add — and the run goes on as if nothing happened;
 * what reads the model (predict, evaluate, getWeights, toJSON, summary) is allowed and does not
 * change the run; setWeights is allowed between batches, as in Keras (EarlyStopping uses it), and
 * takes effect from the next batch. docs/reliability.md states these rules.
 */
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Dropout, NumnetError, RMSprop, SGD, Sequential } from '../../src/index.js';
import type { CallbackHooks, Logs } from '../../src/index.js';
import { weightsHex } from '../helpers/fuzz.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const data = (n: number, seed: number) => {
  const x = Array.from({ length: n }, (_, i) => [Math.sin(i + seed), Math.cos(i * 1.3 + seed), (i % 5) / 5 - 0.4]);
  const y = x.map((r) => [r[0]! * r[1]! - r[2]!]);
  return { x, y };
};

const modelA = () => {
  const m = new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [3] }), new Dropout({ rate: 0.25 }), new Dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  return m;
};
const modelB = () => {
  const m = new Sequential([new Dense({ units: 6, activation: 'tanh', inputShape: [3] }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })], { seed: 2 });
  m.compile({ optimizer: new RMSprop({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  return m;
};

/** A callback that yields to the event loop after every batch (so two fits interleave batch by batch). */
const yielding = (label: string, order: string[]): CallbackHooks => ({
  onBatchEnd: async (b: number) => {
    order.push(`${label}${b}`);
    await tick();
  },
});

describe('two models fitting at the same time', () => {
  it('interleave batch by batch and end with the weights each has when trained alone, bit for bit', async () => {
    const a = data(40, 1);
    const b = data(30, 2);
    const fitA = (m: Sequential, order: string[]) => m.fit(a.x, a.y, { epochs: 3, batchSize: 4, validationSplit: 0.2, callbacks: [yielding('A', order)] });
    const fitB = (m: Sequential, order: string[]) => m.fit(b.x, b.y, { epochs: 4, batchSize: 5, callbacks: [yielding('B', order)] });
    const alone: string[] = [];
    const mA = modelA();
    const hA = await fitA(mA, alone);
    const mB = modelB();
    const hB = await fitB(mB, alone);

    const order: string[] = [];
    const [cA, cB] = [modelA(), modelB()];
    const [gA, gB] = await Promise.all([fitA(cA, order), fitB(cB, order)]);
    // They did interleave: the order switches between the models many times.
    let switches = 0;
    for (let i = 1; i < order.length; i++) if (order[i]![0] !== order[i - 1]![0]) switches++;
    expect(switches).toBeGreaterThan(20);
    expect(weightsHex(cA)).toBe(weightsHex(mA));
    expect(weightsHex(cB)).toBe(weightsHex(mB));
    expect(gA.history).toEqual(hA.history);
    expect(gB.history).toEqual(hB.history);
  });

  it('the same optimizer in both: the second model is refused at its first batch, the first is unaffected', async () => {
    const shared = new SGD({ learningRate: 0.05, momentum: 0.9 });
    const [m1, m2] = [modelA(), modelA()];
    m1.compile({ optimizer: shared, loss: 'mse' });
    m2.compile({ optimizer: shared, loss: 'mse' });
    const solo = modelA();
    solo.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse' });
    const d = data(24, 3);
    const order: string[] = [];
    await solo.fit(d.x, d.y, { epochs: 2, batchSize: 4, callbacks: [yielding('S', [])] });
    const before2 = weightsHex(m2);
    const [r1, r2] = await Promise.allSettled([
      m1.fit(d.x, d.y, { epochs: 2, batchSize: 4, callbacks: [yielding('1', order)] }),
      m2.fit(d.x, d.y, { epochs: 2, batchSize: 4, callbacks: [yielding('2', order)] }),
    ]);
    expect(r1.status).toBe('fulfilled');
    expect(r2.status).toBe('rejected');
    expect(((r2 as PromiseRejectedResult).reason as NumnetError).code).toBe('INVALID_ARGUMENT');
    expect(weightsHex(m2)).toBe(before2);
    expect(weightsHex(m1)).toBe(weightsHex(solo));
  });
});

describe('calls on a model that is fitting', () => {
  const d = data(32, 4);
  const fitWith = (m: Sequential, cb: CallbackHooks) => m.fit(d.x, d.y, { epochs: 3, batchSize: 4, callbacks: [cb] });

  it('fit, trainOnBatch, compile and add are INVALID_ARGUMENT, and the run is exactly the one without them', async () => {
    const reference = modelA();
    await fitWith(reference, {});
    const m = modelA();
    const codes: string[] = [];
    const attempt = async (f: () => unknown) => {
      try {
        await f();
        codes.push('ok');
      } catch (e) {
        codes.push((e as NumnetError).code);
      }
    };
    const running = fitWith(m, {
      onBatchEnd: async (batch: number) => {
        if (batch !== 2) return;
        await attempt(() => m.fit(d.x, d.y));
        await attempt(() => m.trainOnBatch(d.x, d.y));
        await attempt(() => m.compile({ optimizer: 'sgd', loss: 'mae' }));
        await attempt(() => m.add(new Dense({ units: 1 })));
      },
    });
    // And from outside, while the first fit waits between batches.
    await tick();
    await attempt(() => m.fit(d.x, d.y));
    await attempt(() => m.trainOnBatch(d.x, d.y));
    await running;
    expect(codes.every((c) => c === 'INVALID_ARGUMENT')).toBe(true);
    expect(codes).toHaveLength(3 * 4 + 2);
    expect(weightsHex(m)).toBe(weightsHex(reference));
    expect(m.layers).toHaveLength(3);
    expect(m.loss!.name).toBe('meanSquaredError');
    // Once it has finished, the model takes all of them again.
    await m.fit(d.x, d.y, { epochs: 1 });
    m.trainOnBatch(d.x, d.y);
  });

  it('predict, evaluate, getWeights, toJSON, summary, countParams and computeGradients are allowed and do not change the run', async () => {
    const reference = modelA();
    await fitWith(reference, {});
    const m = modelA();
    const seen: number[] = [];
    await fitWith(m, {
      onBatchEnd: (_b: number, logs?: Logs) => {
        seen.push(m.predict(d.x.slice(0, 5)).size, m.evaluate(d.x, d.y, { batchSize: 7 }).loss!, logs!.loss!);
        m.getWeights();
        JSON.stringify(m);
        m.summary({ printFn: () => {} });
        m.countParams();
        m.computeGradients(d.x.slice(0, 3), d.y.slice(0, 3));
      },
    });
    expect(seen.every(Number.isFinite)).toBe(true);
    expect(weightsHex(m)).toBe(weightsHex(reference));
  });

  it('setWeights is allowed between batches (as Keras) and takes effect from the next batch', async () => {
    const m = modelA();
    const fresh = modelA().getWeights();
    let checked = false;
    await fitWith(m, {
      onBatchEnd: (batch: number) => {
        if (batch === 3) m.setWeights(fresh);
      },
      onBatchBegin: (batch: number) => {
        if (batch === 4) {
          expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(fresh.map((w) => Array.from(w.data)));
          checked = true;
        }
      },
    });
    expect(checked).toBe(true);
    for (const w of m.getWeights()) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('a fit that rejects (a callback throws, a non-finite loss) leaves the model free to fit again', async () => {
    const m = modelA();
    await expect(fitWith(m, { onEpochEnd: () => { throw new Error('from the callback'); } })).rejects.toThrow('from the callback');
    await m.fit(d.x, d.y, { epochs: 1 });
    const exploding = new Sequential([new Dense({ units: 1, inputShape: [3] })], { seed: 1 });
    exploding.compile({ optimizer: new SGD({ learningRate: 1e300 }), loss: 'mse' });
    const initial = exploding.getWeights();
    await expect(exploding.fit(d.x, d.y, { epochs: 3 })).rejects.toMatchObject({ code: 'NON_FINITE_LOSS' });
    exploding.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
    exploding.setWeights(initial);
    await exploding.fit(d.x, d.y, { epochs: 1 });
  });
});
