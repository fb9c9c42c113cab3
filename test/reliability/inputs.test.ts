/**
 * Each bad input the fuzzers (test/fuzz-*.test.ts) found mishandled, as a plain regression test:
 * before the fix it crashed the process, threw a TypeError or RangeError, hung, gave a wrong
 * result silently, or changed a model it then rejected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Activation, Adam, CategoricalCrossentropy, Dense, Dropout, LeakyReLU, Loss, NumnetError, Optimizer, Perceptron, Random, SGD, Sequential,
  Tensor, concat, fill, gather, gemm, load, map, matMul, max, randomUniform, slice, tensor, transpose, zeros,
} from '../../src/node/index.js';
import { codeOf, codeOfAsync } from '../helpers/errors.js';
import { snapshot } from '../helpers/fuzz.js';

const compiled = () => {
  const m = new Sequential([new Dense({ units: 2, activation: 'relu' }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
};

describe('tensors', () => {
  it('a cyclic or too deeply nested array is INVALID_ARGUMENT (it used to grow an array until the process aborted)', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(codeOf(() => tensor(cyclic as never))).toBe('INVALID_ARGUMENT');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(codeOf(() => tensor(deep as never))).toBe('INVALID_ARGUMENT');
  });
  it('BigInts and Symbols in shapes are INVALID_ARGUMENT, not a TypeError from the message', () => {
    expect(codeOf(() => zeros([2n] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [Symbol('s')] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [2n, -1] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Dense({ units: 1, inputShape: [1n] as never }))).toBe('INVALID_ARGUMENT');
  });
  it('typed arrays of every numeric kind are data (also as rows); BigInt64Array is refused', () => {
    expect(Array.from(tensor(new Float32Array([0.5, 2])).data)).toEqual([0.5, 2]);
    expect(tensor([new Int32Array([1, 2]), new Int32Array([3, 4])]).shape).toEqual([2, 2]);
    expect(tensor(new Uint8Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(codeOf(() => tensor(new BigInt64Array(2) as never))).toBe('INVALID_ARGUMENT');
  });
  it('a hole in a sparse array is INVALID_ARGUMENT naming its position', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => tensor([[1, 2], [3, , ]] as never))).toBe('INVALID_ARGUMENT');
    const holed = [1, 2, 3];
    delete holed[1];
    expect(codeOf(() => tensor([holed]))).toBe('INVALID_ARGUMENT');
  });
  it('gather, transpose and concat check their lists (they threw TypeErrors)', () => {
    expect(codeOf(() => gather([[1]], null as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gather([[1]], { length: 1e12 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transpose([[1]], 'ab' as never))).toBe('INVALID_ARGUMENT');
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => concat([, [1]] as never))).toBe('INVALID_ARGUMENT');
  });
  it('matMul takes booleans for its flags (a string "false" used to transpose)', () => {
    expect(codeOf(() => matMul([[1, 2]], [[1], [2]], 'false' as never))).toBe('INVALID_ARGUMENT');
  });
  it('map refuses an f that returns something else than a number (a BigInt was a TypeError, a string a silent NaN)', () => {
    expect(codeOf(() => map([1, 2], () => 'x' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => map([1, 2], () => 1n as never))).toBe('INVALID_ARGUMENT');
  });
  it('randomUniform checks its bounds and options (strings gave NaN data, { random: 5 } a TypeError)', () => {
    expect(codeOf(() => randomUniform([2], 'a' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => randomUniform([2], 0, 1, { random: 5 } as never))).toBe('INVALID_ARGUMENT');
  });
  it('max over a non-empty axis of an empty tensor is an empty tensor, as in NumPy', () => {
    expect(max(zeros([1, 0]), 0).shape).toEqual([0]);
    expect(codeOf(() => max(zeros([1, 0]), 1))).toBe('INVALID_ARGUMENT');
  });
  it('−0 is kept by fill and is not a size', () => {
    expect(Object.is(fill([1], -0).data[0], -0)).toBe(true);
    expect(Object.is(slice(zeros([2, 2]), 0, -0).shape[0], 0)).toBe(true);
  });
  it('toArray of more elements than nested JS arrays can hold is INVALID_ARGUMENT (a RangeError, or an abort); toString summarizes', () => {
    const big = new Tensor(new Float64Array(2 ** 26 + 1), [2 ** 26 + 1]);
    expect(codeOf(() => big.toArray())).toBe('INVALID_ARGUMENT');
    expect(big.toString()).toBe(`Tensor(shape=[${2 ** 26 + 1}], data=[0, 0, 0, …, 0, 0, 0])`);
  });
  it('the public gemm checks its sizes (a short buffer was silent garbage, a huge k a hang)', () => {
    const a = new Float64Array(4);
    expect(codeOf(() => gemm(false, false, 2, 2, 2, a, a, new Float64Array(3)))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => gemm(false, false, 0, 0, 2 ** 40, a, a, a))).toBe('INVALID_ARGUMENT');
  });
});

describe('constructors and options', () => {
  it('new Dense(), new Activation(), new LeakyReLU(null) are INVALID_ARGUMENT (they were TypeErrors)', () => {
    expect(codeOf(() => new Dense(undefined as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Activation(undefined as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new LeakyReLU(null as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Sequential([], null as never))).toBe('INVALID_ARGUMENT');
  });
  it('an unknown option is INVALID_ARGUMENT naming it, not silently ignored', async () => {
    expect(codeOf(() => new Dense({ units: 1, activaton: 'relu' } as never))).toBe('INVALID_ARGUMENT');
    const m = compiled();
    await expect(m.fit([[1, 2]], [[1]], { batch_size: 8 } as never)).rejects.toThrow(/batch_size/);
    expect(codeOf(() => m.predict([[1, 2]], { verbose: 0 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => m.compile({ optimizer: 'sgd', loss: 'mse', lr: 0.1 } as never))).toBe('INVALID_ARGUMENT');
  });
  it('abstract classes and half-made objects are refused', () => {
    expect(codeOf(() => new (Loss as never as new () => Loss)())).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new (Optimizer as never as new (c: object, lr: number) => Optimizer)({}, 0.1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Sequential([Object.create(Dense.prototype)]))).toBe('INVALID_ARGUMENT');
  });
  it('a Perceptron with 2^31 inputs is INVALID_ARGUMENT (filling its weights aborted the process)', () => {
    expect(codeOf(() => new Perceptron({ inputDim: 2 ** 31 }))).toBe('INVALID_ARGUMENT');
  });
  it('an optimizer state with bad slots is refused before anything changes', () => {
    const opt = new Adam();
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: opt, loss: 'mse' });
    m.trainOnBatch([[1]], [[1]]);
    const state = JSON.stringify(opt.getState());
    expect(codeOf(() => opt.setState({ iterations: 1, slots: [null] } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => opt.setState({ iterations: 1, slots: [{ m: ['a'], v: [1] }] } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => opt.setState({ iterations: 1, slots: [{ m: [1] }] } as never))).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(opt.getState())).toBe(state);
  });
});

describe('models: a rejected call changes nothing', () => {
  it('compile with an unknown metric keeps the previous compile (it used to keep the new loss with no metrics)', () => {
    const m = compiled();
    const before = snapshot(m);
    expect(codeOf(() => m.compile({ optimizer: 'sgd', loss: 'mae', metrics: ['f1'] }))).toBe('UNKNOWN_NAME');
    expect(snapshot(m)).toBe(before);
  });
  it('setWeights with a hole is INVALID_ARGUMENT (the weight was silently skipped)', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
    const before = snapshot(m);
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => m.setWeights([, [0.5]] as never))).toBe('INVALID_ARGUMENT');
    expect(snapshot(m)).toBe(before);
  });
  it('fit with bad y on a model that is not built leaves it unbuilt (it stayed built for the bad data)', async () => {
    const m = compiled();
    const before = snapshot(m);
    expect(await codeOfAsync(() => m.fit([[1, 2, 3]], [[1], [2]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => m.trainOnBatch([[1, 2, 3]], [[NaN]]))).toBe('NON_FINITE_INPUT');
    expect(m.built).toBe(false);
    expect(snapshot(m)).toBe(before);
    // And it still saves and loads (a Dropout that had kept its mask generator made the file unreadable).
    expect(Sequential.fromJSON(JSON.stringify(m)).built).toBe(false);
    await m.fit([[1, 2]], [[1]]); // builds for two features now
    expect(m.getInputShape()).toEqual([2]);
  });
  it('samples with a zero-size axis do not build a model', () => {
    const m = compiled();
    expect(codeOf(() => m.predict([[]]))).toBe('SHAPE_MISMATCH');
    expect(m.built).toBe(false);
  });
  it('a frozen callback object is called (assigning its model threw a TypeError)', async () => {
    const m = compiled();
    let epochs = 0;
    await m.fit([[1, 2]], [[1]], { epochs: 2, callbacks: [Object.freeze({ onEpochEnd: () => void epochs++ })] });
    expect(epochs).toBe(2);
  });
  it('classWeight may be a Map; a bad entry is refused even for a class that is absent', async () => {
    const m = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: new SGD(), loss: 'categoricalCrossentropy' });
    await m.fit([[1], [2]], [[1, 0], [1, 0]], { classWeight: new Map([[0, 2]]) });
    expect(await codeOfAsync(() => m.fit([[1]], [[1, 0]], { classWeight: { 1: 'x' } as never }))).toBe('INVALID_ARGUMENT');
  });
  it('a predict whose batch buffers would be too large is INVALID_ARGUMENT, not a RangeError', () => {
    const m = new Sequential([new Dense({ units: 2 ** 24, inputShape: [1] })], { seed: 1 });
    expect(codeOf(() => m.predict(Array.from({ length: 17 }, (_, i) => [i])))).toBe('INVALID_ARGUMENT');
  });
  it('a random generator given to shuffle must be an array (an object with a huge length hung)', () => {
    expect(codeOf(() => new Random(1).shuffle({ length: 1e12 } as never))).toBe('INVALID_ARGUMENT');
  });
  it('CategoricalCrossentropy on ŷ of all zeros is finite (it was NaN)', () => {
    expect(Number.isFinite(new CategoricalCrossentropy().call([[1, 0]], [[0, 0]]))).toBe(true);
  });
});

describe('files', () => {
  it('load() of something that is not a regular file is refused at once (/dev/zero read until 2 GiB)', async () => {
    const t0 = Date.now();
    expect(await codeOfAsync(() => load('/dev/zero'))).toBe('INVALID_ARGUMENT');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await codeOfAsync(() => load('a\0b'))).toBe('INVALID_ARGUMENT');
    const dir = mkdtempSync(join(tmpdir(), 'numnet-inputs-'));
    try {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['.'], weights: [] }] }));
      const e = await load(dir).catch((err: NumnetError) => err);
      expect(e).toBeInstanceOf(NumnetError);
      expect((e as NumnetError).code).toBe('INVALID_FORMAT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
