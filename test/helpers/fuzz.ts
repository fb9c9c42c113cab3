/**
 * Shared pieces of the fuzz tests (test/fuzz-*.test.ts): arbitraries of bad values, the outcome
 * check (a result, or a NumnetError with an allowed code, never another error), and a snapshot of
 * everything a model holds, to show that a rejected call changed nothing.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { NumnetError, Sequential, Tensor } from '../../src/index.js';
import type { NumnetErrorCode } from '../../src/index.js';

/** A value that is not a number (or not a sensible one): what a careless caller passes. */
export const weirdScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    undefined, null, NaN, Infinity, -Infinity, -0, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2,
    '', '3', 'abc', 'NaN', true, false, Symbol('s'), 10n, -3n, () => 1, new Date(0), new Map(), /re/, Object.create(null),
  ),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 8 }),
  fc.bigInt({ min: -100n, max: 100n }),
);

/** Arrays and array-likes of every kind: nested, ragged, sparse, frozen, typed (of other types), cyclic. */
export const weirdArray: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(weirdScalar, { maxLength: 5 }),
  fc.array(fc.double(), { maxLength: 6 }),
  fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }), { maxLength: 4 }),
  fc.array(fc.array(fc.array(fc.double({ noNaN: true }), { maxLength: 3 }), { maxLength: 3 }), { maxLength: 3 }),
  fc.sparseArray(fc.integer({ min: -3, max: 3 }), { maxLength: 6 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 6 }).map((a) => Object.freeze(a)),
  fc.float32Array({ maxLength: 6 }),
  fc.int32Array({ maxLength: 6 }),
  fc.uint8Array({ maxLength: 6 }),
  fc.float64Array({ maxLength: 6 }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.constantFrom<unknown>(
    [], [[]], [[], []], [[1, 2], [3]], [[1, 2], 3], [1, [2]], [[1, 'a']], [NaN, Infinity], [1, , 3], [[1, 2], [3, 4]], [-1], [1.5],
    [2 ** 20, 2 ** 20], [2 ** 60], [3, -1], [-1, -1], [0, 3], [1e300], new DataView(new ArrayBuffer(8)), { length: 3 },
    { length: 1e12 }, { 0: 1, 1: 2, length: 2 }, [Symbol('x')], [10n], cyclic(), [[[[[[[[[[1]]]]]]]]]],
  ),
);

/** Anything: scalars, arrays, objects, tensors. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weirdScalar },
  { weight: 3, arbitrary: weirdArray },
  { weight: 1, arbitrary: fc.object({ maxDepth: 1, maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(new Tensor(Float64Array.of(1, 2, 3, 4), [2, 2]), new Tensor(new Float64Array(0), [0, 3])) },
);

function cyclic(): unknown[] {
  const a: unknown[] = [];
  a.push(a);
  return a;
}

/**
 * Runs f: it returns a value (passed to `check` when given) or throws a NumnetError whose code is
 * one of `codes` — never another error (TypeError, RangeError, …). Returns the code, or 'ok'.
 */
export function outcome(f: () => unknown, codes: readonly NumnetErrorCode[], check?: (result: unknown) => void): NumnetErrorCode | 'ok' {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    if (!(e instanceof NumnetError)) throw new Error(`expected a result or a NumnetError, got ${String(e)}${e instanceof Error ? `\n${e.stack}` : ''}`);
    expect(codes, e.message).toContain(e.code);
    expect(typeof e.message).toBe('string');
    return e.code;
  }
  check?.(result);
  return 'ok';
}

/** As `outcome`, for a call that returns a promise. */
export async function outcomeAsync(f: () => Promise<unknown>, codes: readonly NumnetErrorCode[], check?: (result: unknown) => void): Promise<NumnetErrorCode | 'ok'> {
  let result: unknown;
  try {
    result = await f();
  } catch (e) {
    if (!(e instanceof NumnetError)) throw new Error(`expected a result or a NumnetError, got ${String(e)}${e instanceof Error ? `\n${e.stack}` : ''}`);
    expect(codes, e.message).toContain(e.code);
    return e.code;
  }
  check?.(result);
  return 'ok';
}

/** A tensor whose shape and data agree (what every successful tensor function must return). */
export function expectValidTensor(t: unknown): asserts t is Tensor {
  expect(t).toBeInstanceOf(Tensor);
  const x = t as Tensor;
  expect(x.data).toBeInstanceOf(Float64Array);
  expect(Object.isFrozen(x.shape)).toBe(true);
  expect(x.data.length).toBe(x.shape.reduce((p, n) => p * n, 1));
  for (const n of x.shape) expect(Number.isInteger(n) && n >= 0).toBe(true);
}

/**
 * Everything a model holds that a call could change: built state and input shape, layer names,
 * every weight's bits, the optimizer (step count and every slot's bits), the compile config, the
 * generators (shuffling, dropout masks). Two equal snapshots mean nothing changed.
 */
export function snapshot(m: Sequential): string {
  const hex = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString('hex');
  const c = m.getCompileConfig();
  return JSON.stringify({
    built: m.built,
    inputShape: m.getInputShape() ?? null,
    layers: m.layers.map((l) => [l.name, l.built, l.outputShape]),
    weights: m.parameters.map((p) => [p.name, p.value.shape, hex(p.value.data)]),
    compile: c ? { optimizer: c.optimizer.name, lr: String(c.optimizer.learningRate), loss: c.loss.name, metrics: c.metrics.map(String) } : null,
    optimizer: c ? { iterations: c.optimizer.iterations, slots: c.optimizer.getState().slots.map((s) => Object.entries(s).map(([k, v]) => [k, hex(v)])) } : null,
    random: m.getRandomState(),
    dropout: m.layers.map((l) => (l as { getRandomState?: () => unknown }).getRandomState?.() ?? null),
  });
}

/** The weights as one hex string (bit-exact comparison). */
export function weightsHex(m: Sequential): string {
  return m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString('hex')).join('|');
}
