/**
 * fit and evaluateBatches over (sync or async) iterables of { x, y, sampleWeight? } batches: the
 * same updates as trainOnBatch on the same batches in the same order, stepsPerEpoch reading on
 * across epochs, iterables started again when they end, validation from an iterable, and bad
 * batches refused at the door.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dense, Sequential, SGD, type Batch } from '../../src/index.js';

const model = () => {
  const m = new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1 })], { seed: 5 });
  m.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.5 }), loss: 'mse', metrics: ['mae'] });
  return m;
};

/** Batch k: 2 to 4 rows of a fixed function (no randomness, so expected values are exact). */
function batch(k: number): Batch {
  const rows = 2 + (k % 3);
  const x = Array.from({ length: rows }, (_, i) => [Math.sin(k + i), Math.cos(2 * k - i)]);
  return { x, y: x.map(([a, b]) => [a! * 0.5 - b! + 0.1 * k]) };
}
const bits = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w.data));

/** The same model trained by trainOnBatch on batches ks, in order. */
function byHand(ks: number[]): Sequential {
  const m = model();
  for (const k of ks) m.trainOnBatch(batch(k).x, batch(k).y);
  return m;
}

afterEach(() => vi.restoreAllMocks());

describe('fit over a batch iterable', () => {
  it('an array of batches, each epoch read to its end: the updates of trainOnBatch in the same order', async () => {
    const data = [0, 1, 2, 3].map(batch);
    const m = model();
    const h = await m.fit(data, { epochs: 2 });
    expect(bits(m)).toEqual(bits(byHand([0, 1, 2, 3, 0, 1, 2, 3])));
    expect(h.history.loss).toHaveLength(2);
    expect(h.history.mae).toHaveLength(2);
  });

  it('an async generator with stepsPerEpoch: read on across epochs', async () => {
    async function* endless() {
      for (let k = 0; ; k++) yield batch(k);
    }
    const m = model();
    await m.fit(endless(), { epochs: 3, stepsPerEpoch: 2 });
    expect(bits(m)).toEqual(bits(byHand([0, 1, 2, 3, 4, 5])));
  });

  it('a re-iterable source shorter than stepsPerEpoch is started again where it ends', async () => {
    const data = { *[Symbol.iterator]() { for (const k of [0, 1, 2]) yield batch(k); } };
    const m = model();
    await m.fit(data, { epochs: 2, stepsPerEpoch: 5 });
    expect(bits(m)).toEqual(bits(byHand([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])));
  });

  it('a one-shot generator without stepsPerEpoch: after it ran out, training stops with a warning (as Keras)', async () => {
    function* once() {
      for (const k of [0, 1]) yield batch(k);
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = model();
    const h = await m.fit(once(), { epochs: 3 });
    expect(h.epoch).toEqual([0]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/gave no batch in epoch 2; training stops/);
    expect(bits(m)).toEqual(bits(byHand([0, 1])));
  });

  it('validation from an iterable (validationSteps batches) equals evaluate on those rows', async () => {
    const val = [10, 11, 12].map(batch);
    const m = model();
    const h = await m.fit([batch(0), batch(1)], { epochs: 1, validationData: val, validationSteps: 2 });
    const rows = [...val[0]!.x as number[][], ...val[1]!.x as number[][]];
    const ys = [...val[0]!.y as number[][], ...val[1]!.y as number[][]];
    const e = m.evaluate(rows, ys, { batchSize: 1000 });
    expect(h.history.val_loss![0]).toBeCloseTo(e.loss!, 14);
    expect(h.history.val_mae![0]).toBeCloseTo(e.mae!, 14);
  });

  it('callbacks see params.steps = stepsPerEpoch, and batch logs per batch', async () => {
    const seen: number[] = [];
    let steps = -1;
    const m = model();
    await m.fit([0, 1, 2].map(batch), {
      epochs: 1,
      stepsPerEpoch: 3,
      callbacks: { onTrainBegin() { steps = (this as { params?: { steps: number } }).params!.steps; }, onBatchEnd: (b) => void seen.push(b) },
    });
    expect(steps).toBe(3);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('sample weights come with each batch', async () => {
    const m = model();
    const b = batch(4); // 3 rows
    await m.fit([{ ...b, sampleWeight: [1, 0, 2] }], { epochs: 1 });
    const h = model();
    h.trainOnBatch(b.x, b.y, { sampleWeight: [1, 0, 2] });
    expect(bits(m)).toEqual(bits(h));
  });
});

describe('bad batches and options are refused at the door', () => {
  it.each([
    ['a batch without y', [batch(0), { x: [[1, 2]] }], /each batch must have x and y/],
    ['a batch that is not an object', [batch(0), 7], /each batch must be \{ x, y, sampleWeight\? \}/],
    ['an unknown key in a batch', [{ x: [[1, 2]], y: [[1]], weights: [1] }], /unknown fit\(\) batch option "weights"/],
  ])('%s: INVALID_ARGUMENT', async (_what, data, message) => {
    const m = model();
    await expect(m.fit(data as never, { epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    // The batches before the bad one trained; the bad one changed nothing.
    expect(bits(m)).toEqual(bits(byHand((data as unknown[]).length > 1 ? [0] : [])));
  });

  it('NaN in the second batch: NON_FINITE_INPUT, after the first batch trained', async () => {
    const m = model();
    const bad = { x: [[NaN, 1]], y: [[1]] };
    await expect(m.fit([batch(0), bad], { epochs: 1 })).rejects.toMatchObject({ code: 'NON_FINITE_INPUT' });
    expect(bits(m)).toEqual(bits(byHand([0])));
  });

  it.each(['sampleWeight', 'classWeight', 'validationSplit'])('%s with a batch iterable: INVALID_ARGUMENT', async (key) => {
    const value = key === 'validationSplit' ? 0.5 : key === 'sampleWeight' ? [1] : { 0: 1 };
    await expect(model().fit([batch(0)], { [key]: value })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(key) });
  });

  it('stepsPerEpoch and validationSteps must be positive integers', async () => {
    for (const bad of [0, -1, 1.5, 2 ** 53, '2']) {
      await expect(model().fit([batch(0)], { stepsPerEpoch: bad as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(model().fit([batch(0)], { validationSteps: bad as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});

describe('evaluateBatches', () => {
  it('equals evaluate on the concatenated rows', async () => {
    const m = model();
    const data = [0, 1, 2].map(batch);
    const logs = await m.evaluateBatches(data);
    const e = m.evaluate(data.flatMap((b) => b.x as number[][]), data.flatMap((b) => b.y as number[][]), { batchSize: 1000 });
    expect(logs.loss).toBeCloseTo(e.loss!, 14);
    expect(logs.mae).toBeCloseTo(e.mae!, 14);
  });

  it('steps limits the batches read; an empty iterable is INVALID_ARGUMENT', async () => {
    const m = model();
    const data = [0, 1, 2].map(batch);
    const first = await m.evaluateBatches(data, { steps: 1 });
    const e = m.evaluate(data[0]!.x, data[0]!.y);
    expect(first.loss).toBeCloseTo(e.loss!, 14);
    await expect(m.evaluateBatches([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(m.evaluateBatches([[1]] as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
