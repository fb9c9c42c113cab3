/**
 * specification §2: the tensor API. Unit tests for construction, errors and indexing, and fast-check
 * properties (fixed seeds) against naive reference loops. Equality is exact (Object.is, so NaN
 * equals NaN and 0 differs from −0) wherever the reference does the same floating-point operations
 * in the same order as the library; no tolerance is needed anywhere in this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NumnetError, Random, Tensor, abs, add, argMax, broadcastShapes, concat, div, exp, fill, gather, log, map,
  matMul, max, mean, mul, ones, pow, randomNormal, randomUniform, reshape, setSeed, slice, sqrt, sub, sum,
  tensor, transpose, zeros, argmax, Sequential, Dense, toTensor,
} from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';

// ------------------------------------------------------------------ helpers

/**
 * The tensor as plain nested arrays, where they carry its shape (a size-0 axis loses the sizes
 * after it: [0, 3] becomes [], as in NumPy), else the tensor itself.
 */
const nested = (t: Tensor) => (t.size > 0 ? t.toArray() : t);

const sizeOf = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** The multi-index of flat position `flat` in a row-major `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  const s = stridesOf(shape);
  return idx.reduce((p, i, d) => p + i * s[d]!, 0);
}

/** Element-wise Object.is equality of two number lists, with the first difference in the message. */
function expectSameNumbers(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${what} [${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function expectTensor(t: Tensor, shape: readonly number[], data: ArrayLike<number>, what = ''): void {
  expect(t).toBeInstanceOf(Tensor);
  expect(t.data).toBeInstanceOf(Float64Array);
  expect([...t.shape], `${what} shape`).toEqual([...shape]);
  expectSameNumbers(t.data, data, what);
}

/** Any double: NaN, ±Infinity, −0 and subnormals included. */
const anyDouble = fc.double();
/** A shape of rank minRank…maxRank with sizes minDim…maxDim. */
const shapeArb = (minRank: number, maxRank: number, minDim = 1, maxDim = 3) =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const dataArb = (shape: readonly number[], values: fc.Arbitrary<number> = anyDouble) =>
  fc.array(values, { minLength: sizeOf(shape), maxLength: sizeOf(shape) });
const tensorArb = (shapes: fc.Arbitrary<number[]>, values: fc.Arbitrary<number> = anyDouble) =>
  shapes.chain((shape) => dataArb(shape, values).map((data) => tensor(data, shape)));

// ------------------------------------------------------------------ construction

describe('tensor(): construction', () => {
  it('from nested arrays infers the shape, row-major', () => {
    expectTensor(tensor([[1, 2, 3], [4, 5, 6]]), [2, 3], [1, 2, 3, 4, 5, 6]);
    expectTensor(tensor([[[1], [2]], [[3], [4]]]), [2, 2, 1], [1, 2, 3, 4]);
    expectTensor(tensor([7, 8]), [2], [7, 8]);
    expectTensor(tensor([]), [0], []);
    expectTensor(tensor([[], []]), [2, 0], []);
    expect(tensor([[1, 2], [3, 4]]).rank).toBe(2);
    expect(tensor([[1, 2], [3, 4]]).size).toBe(4);
  });

  it('from a flat number[] with a shape', () => {
    expectTensor(tensor([1, 2, 3, 4, 5, 6], [3, 2]), [3, 2], [1, 2, 3, 4, 5, 6]);
    expectTensor(tensor([1, 2, 3, 4], [2, 1, 2]), [2, 1, 2], [1, 2, 3, 4]);
    expectTensor(tensor([5], []), [], [5]);
    expectTensor(tensor([], [0, 3]), [0, 3], []);
  });

  it('from nested arrays with a shape (reshaped, -1 allowed)', () => {
    expectTensor(tensor([[1, 2], [3, 4]], [4]), [4], [1, 2, 3, 4]);
    expectTensor(tensor([[1, 2], [3, 4]], [1, -1]), [1, 4], [1, 2, 3, 4]);
  });

  it('from a Float64Array (with or without a shape), copying the buffer', () => {
    const src = Float64Array.of(1, -0, NaN, Infinity, 5, 6);
    const t = tensor(src, [2, 3]);
    expectTensor(t, [2, 3], [1, -0, NaN, Infinity, 5, 6]);
    expect(t.data).not.toBe(src);
    src[0] = 100;
    expect(t.data[0]).toBe(1);
    expectTensor(tensor(Float64Array.of(1, 2, 3)), [3], [1, 2, 3]);
  });

  it('from a scalar (shape []), or a scalar with a shape (filled)', () => {
    const s = tensor(3.5);
    expectTensor(s, [], [3.5]);
    expect(s.rank).toBe(0);
    expect(s.size).toBe(1);
    expect(s.toArray()).toBe(3.5);
    expect(s.get()).toBe(3.5);
    expectTensor(tensor(-0), [], [-0]);
    expectTensor(tensor(2, [2, 2]), [2, 2], [2, 2, 2, 2]);
  });

  it('from a Tensor: the same tensor, or reshaped when a shape is given', () => {
    const t = tensor([1, 2, 3, 4], [2, 2]);
    expect(tensor(t)).toBe(t);
    const r = tensor(t, [4]);
    expectTensor(r, [4], [1, 2, 3, 4]);
    expect(r.data).toBe(t.data);
  });

  it('the shape is a copy of the argument', () => {
    const shape = [2, 2];
    const t = tensor([1, 2, 3, 4], shape);
    shape[0] = 4;
    expect([...t.shape]).toEqual([2, 2]);
  });

  it('ragged arrays throw SHAPE_MISMATCH', () => {
    expect(codeOf(() => tensor([[1, 2], [3]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor([[1, 2], [3, 4, 5]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor([[1, 2], 3] as never))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor([[[1, 2], [3, 4]], [[5, 6], [7]]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor([[1], []]))).toBe('SHAPE_MISMATCH');
  });

  it('non-numbers throw INVALID_ARGUMENT', () => {
    expect(codeOf(() => tensor(['a', 'b'] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([[1, null]] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([[1, undefined]] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([['1', 2]] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2, '3'] as never, [3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, { x: 2 }] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor('abc' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor(undefined as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor(null as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor(true as never))).toBe('INVALID_ARGUMENT');
  });

  it('negative or fractional shapes throw INVALID_ARGUMENT; a size that does not fit, SHAPE_MISMATCH', () => {
    expect(codeOf(() => tensor([1, 2], [-2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [1.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], [NaN]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2], ['2'] as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor(Float64Array.of(1, 2), [0.5, 4]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => zeros([-1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ones([2, 2.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => fill([3, -3], 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => zeros('3' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Tensor(new Float64Array(4), [2, -2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Tensor([1, 2] as never, [2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tensor([1, 2, 3], [2, 2]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => tensor(Float64Array.of(1, 2, 3), [2]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => new Tensor(new Float64Array(3), [2, 2]))).toBe('SHAPE_MISMATCH');
  });

  it('errors name the offending value', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([[1, 'x']] as never)).toThrow(/\[0, 1\]/);
  });
});

describe('toArray, get, reshape', () => {
  it('toArray gives nested arrays (a number for a scalar)', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([1, 2, 3, 4], [2, 1, 2]).toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(tensor([], [2, 0]).toArray()).toEqual([[], []]);
    expect(tensor(4).toArray()).toBe(4);
  });

  it('property: tensor(t.toArray()) round-trips shape and bits (rank 0–4)', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(0, 4, 1, 3)), (t) => {
        const back = tensor(t.toArray());
        expectTensor(back, t.shape, t.data);
        expect(back.data).not.toBe(t.data);
      }),
      { seed: 1001, numRuns: 300 },
    );
  });

  it('property: get(...index) reads the row-major element; negative indices count from the end', () => {
    fc.assert(
      fc.property(
        tensorArb(shapeArb(0, 4, 1, 4)).chain((t) =>
          fc.tuple(fc.constant(t), fc.tuple(...t.shape.map((n) => fc.integer({ min: 0, max: n - 1 })))),
        ),
        ([t, idx]) => {
          const flat = ravel(idx, t.shape);
          expect(Object.is(t.get(...idx), t.data[flat])).toBe(true);
          const neg = idx.map((i, d) => i - t.shape[d]!);
          expect(Object.is(t.get(...neg), t.data[flat])).toBe(true);
          // The nested array agrees with get.
          let v: unknown = t.toArray();
          for (const i of idx) v = (v as unknown[])[i];
          expect(Object.is(v, t.data[flat])).toBe(true);
        },
      ),
      { seed: 1002, numRuns: 300 },
    );
  });

  it('get with the wrong number of indices or out of range throws INVALID_ARGUMENT', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.get(1, 2)).toBe(6);
    expect(t.get(-1, -3)).toBe(4);
    expect(codeOf(() => t.get(1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.get(0, 0, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.get(2, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.get(0, -4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.get(0.5, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.get(NaN, 0))).toBe('INVALID_ARGUMENT');
  });

  it('reshape keeps the data in order, shares the buffer, and infers one -1', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = t.reshape([3, -1]);
    expectTensor(r, [3, 2], [1, 2, 3, 4, 5, 6]);
    expect(r.data).toBe(t.data);
    expectTensor(reshape(t, [-1]), [6], [1, 2, 3, 4, 5, 6]);
    expectTensor(reshape([[1, 2], [3, 4]], [-1, 1, 2]), [2, 1, 2], [1, 2, 3, 4]);
    expectTensor(reshape(tensor(7), [1, 1]), [1, 1], [7]);
    expectTensor(reshape([[7]], []), [], [7]);
    expectTensor(reshape(zeros([0, 3]), [3, 0]), [3, 0], []);
    expect(codeOf(() => t.reshape([4, -1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => t.reshape([-1, -1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => t.reshape([5]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => t.reshape([2, 1.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.reshape([-2, -3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.reshape(6 as never))).toBe('INVALID_ARGUMENT');
  });

  it('property: reshape to any factorisation (with -1 anywhere) keeps the data', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(0, 4, 1, 3)), shapeArb(0, 4, 1, 3), fc.nat(), (t, target0, pick) => {
        // A target of the same size: spread t.size over target0's rank.
        const target = target0.length === 0 ? (t.size === 1 ? [] : [t.size]) : [...target0.slice(1).map(() => 1), t.size];
        const perm = target.map((_, i) => target[(i + pick) % target.length]!);
        expectTensor(t.reshape(perm), perm, t.data);
        if (perm.length > 0) {
          const free = pick % perm.length;
          const withFree = perm.map((n, i) => (i === free ? -1 : n));
          expectTensor(t.reshape(withFree), perm, t.data);
        }
      }),
      { seed: 1003, numRuns: 200 },
    );
  });
});

describe('zeros, ones, fill', () => {
  it('make tensors of one value', () => {
    expectTensor(zeros([2, 3]), [2, 3], new Array(6).fill(0));
    expectTensor(ones([3]), [3], [1, 1, 1]);
    expectTensor(fill([2, 1, 2], -2.5), [2, 1, 2], [-2.5, -2.5, -2.5, -2.5]);
    expectTensor(fill([2], NaN), [2], [NaN, NaN]);
    expectTensor(zeros([]), [], [0]);
    expectTensor(ones([0, 4]), [0, 4], []);
    expect(Object.is(zeros([1]).data[0], 0)).toBe(true);
    expect(codeOf(() => fill([2], 'x' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => fill([2], undefined as never))).toBe('INVALID_ARGUMENT');
  });

  it('each call has its own buffer', () => {
    const a = zeros([2]);
    const b = zeros([2]);
    a.data[0] = 1;
    expect(b.data[0]).toBe(0);
  });
});

// ------------------------------------------------------------------ element-wise with broadcasting

/** NumPy's rule, written independently: align on the right; sizes equal, or one of them 1. */
function numpyBroadcast(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else return undefined;
  }
  return out;
}

/** The flat index into `shape` of output index `idx` (broadcast axes read position 0). */
function broadcastIndex(idx: readonly number[], shape: readonly number[]): number {
  const off = idx.length - shape.length;
  return ravel(shape.map((n, d) => (n === 1 ? 0 : idx[d + off]!)), shape);
}

/** A pair of shapes that broadcast: suffixes of a common shape with random sizes set to 1. */
const broadcastPairArb = shapeArb(0, 4, 0, 4).chain((out) => {
  const side = fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([rank, ones]) => out.slice(out.length - rank).map((n, i) => (ones[i] ? 1 : n)));
  return fc.tuple(side, side);
});

const OPS = [
  ['add', add, (x: number, y: number) => x + y],
  ['sub', sub, (x: number, y: number) => x - y],
  ['mul', mul, (x: number, y: number) => x * y],
  ['div', div, (x: number, y: number) => x / y],
  ['pow', pow, (x: number, y: number) => x ** y],
] as const;

describe('add sub mul div pow: NumPy broadcasting', () => {
  for (const [name, op, scalar] of OPS) {
    it(`property: ${name} has NumPy's broadcast shape and each element is the scalar op (rank 0–4, random 1s)`, () => {
      const values = name === 'pow' ? fc.oneof(anyDouble, fc.integer({ min: -4, max: 4 }), fc.double({ min: -3, max: 3, noNaN: true })) : anyDouble;
      fc.assert(
        fc.property(
          broadcastPairArb.chain(([sa, sb]) => fc.tuple(dataArb(sa, values).map((d) => tensor(d, sa)), dataArb(sb, values).map((d) => tensor(d, sb)))),
          ([a, b]) => {
            const shape = numpyBroadcast(a.shape, b.shape)!;
            expect(shape).toBeDefined();
            expect(broadcastShapes(a.shape, b.shape)).toEqual(shape);
            const out = op(a, b);
            const expected = new Float64Array(sizeOf(shape));
            for (let i = 0; i < expected.length; i++) {
              const idx = unravel(i, shape);
              expected[i] = scalar(a.data[broadcastIndex(idx, a.shape)]!, b.data[broadcastIndex(idx, b.shape)]!);
            }
            expectTensor(out, shape, expected, name);
            // Plain nested arrays are accepted too.
            expectTensor(op(nested(a), nested(b)), shape, expected, `${name} (nested arrays)`);
          },
        ),
        { seed: 2000 + OPS.findIndex((o) => o[0] === name), numRuns: 400 },
      );
    });
  }

  it('examples: row and column vectors, scalars', () => {
    expectTensor(add([[1], [2]], [10, 20, 30]), [2, 3], [11, 21, 31, 12, 22, 32]);
    expectTensor(sub(tensor(1), [[1, 2]]), [1, 2], [0, -1]);
    expectTensor(mul([[1, 2], [3, 4]], 2), [2, 2], [2, 4, 6, 8]);
    expectTensor(div([1, 2], [[2], [4]]), [2, 2], [0.5, 1, 0.25, 0.5]);
    expectTensor(pow([2, 3], 2), [2], [4, 9]);
    expectTensor(add(zeros([0, 3]), [1, 2, 3]), [0, 3], []);
    expectTensor(add(zeros([2, 1]), zeros([1, 0])), [2, 0], []);
  });

  it('property: incompatible shapes throw SHAPE_MISMATCH naming both shapes', () => {
    const arb = fc
      .tuple(shapeArb(0, 3, 1, 3), shapeArb(0, 3, 1, 3), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean())
      .map(([pa, pb, d, delta, swap]) => {
        // One axis (the last of the common suffix) where the sizes differ and neither is 1.
        const a = [...pa, d];
        const b = [...pb, d + delta];
        return swap ? [b, a] : [a, b];
      });
    fc.assert(
      fc.property(arb, ([sa, sb]) => {
        expect(numpyBroadcast(sa!, sb!)).toBeUndefined();
        for (const [name, op] of OPS) {
          let err: unknown;
          try {
            op(zeros(sa!), zeros(sb!));
          } catch (e) {
            err = e;
          }
          expect(err, name).toBeInstanceOf(NumnetError);
          expect((err as NumnetError).code).toBe('SHAPE_MISMATCH');
          expect((err as NumnetError).message).toContain(`[${sa!.join(', ')}]`);
          expect((err as NumnetError).message).toContain(`[${sb!.join(', ')}]`);
        }
        expect(codeOf(() => broadcastShapes(sa!, sb!))).toBe('SHAPE_MISMATCH');
      }),
      { seed: 2010, numRuns: 200 },
    );
    expect(codeOf(() => add([[1, 2, 3]], [[1, 2], [3, 4]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => mul([1, 2], [1, 2, 3]))).toBe('SHAPE_MISMATCH');
  });

  it('bad data throws before computing', () => {
    expect(codeOf(() => add([[1, 2], [3]], 1))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => add(1, ['x'] as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('exp log sqrt abs map', () => {
  const unaries = [
    ['exp', exp, Math.exp],
    ['log', log, Math.log],
    ['sqrt', sqrt, Math.sqrt],
    ['abs', abs, Math.abs],
  ] as const;
  for (const [name, op, f] of unaries) {
    it(`property: ${name} is Math.${name} on every element, shape kept`, () => {
      fc.assert(
        fc.property(tensorArb(shapeArb(0, 4, 0, 3)), (t) => {
          expectTensor(op(t), t.shape, Array.from(t.data, f), name);
          expectTensor(op(nested(t)), t.shape, Array.from(t.data, f), name);
        }),
        { seed: 3000 + unaries.findIndex((u) => u[0] === name), numRuns: 200 },
      );
    });
  }

  it('examples', () => {
    expectTensor(log([1, 0, -1]), [3], [0, -Infinity, NaN]);
    expectTensor(sqrt([[4, 9]]), [1, 2], [2, 3]);
    expectTensor(abs([-0, -2]), [2], [0, 2]);
    expectTensor(exp(0), [], [1]);
  });

  it('property: map applies f(value, flatIndex) and does not touch the input', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(0, 4, 0, 3)), (t) => {
        const before = t.data.slice();
        const out = map(t, (v, i) => v * 2 + i);
        expectTensor(out, t.shape, Array.from(t.data, (v, i) => v * 2 + i));
        expect(out.data).not.toBe(t.data);
        expectSameNumbers(t.data, before, 'input');
      }),
      { seed: 3010, numRuns: 200 },
    );
    expect(codeOf(() => map([1, 2], 'f' as never))).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ matMul, transpose

/** C = op(A)·op(B) by the textbook triple loop, summing over p in ascending order from 0. */
function naiveMatMul(a: Tensor, b: Tensor, ta: boolean, tb: boolean): { shape: number[]; data: Float64Array } {
  const A = (i: number, p: number) => (ta ? a.data[p * a.shape[1]! + i]! : a.data[i * a.shape[1]! + p]!);
  const B = (p: number, j: number) => (tb ? b.data[j * b.shape[1]! + p]! : b.data[p * b.shape[1]! + j]!);
  const m = ta ? a.shape[1]! : a.shape[0]!;
  const k = ta ? a.shape[0]! : a.shape[1]!;
  const n = tb ? b.shape[0]! : b.shape[1]!;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
      out[i * n + j] = s;
    }
  }
  return { shape: [m, n], data: out };
}

/** Finite doubles of moderate size (see the report: 0·∞ is skipped by the non-transposed kernels). */
const finite = fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.integer({ min: -3, max: 3 }));

describe('matMul', () => {
  const matMulCase = fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), fc.boolean())
    .chain(([m, k, n, ta, tb]) => {
      const sa = ta ? [k, m] : [m, k];
      const sb = tb ? [n, k] : [k, n];
      return fc.tuple(dataArb(sa, finite).map((d) => tensor(d, sa)), dataArb(sb, finite).map((d) => tensor(d, sb)), fc.constant(ta), fc.constant(tb));
    });

  it('property: all four transpose-flag combinations equal the naive triple loop (sizes 0–6)', () => {
    fc.assert(
      fc.property(matMulCase, ([a, b, ta, tb]) => {
        const ref = naiveMatMul(a, b, ta, tb);
        expectTensor(matMul(a, b, ta, tb), ref.shape, ref.data, `matMul(${ta}, ${tb})`);
      }),
      { seed: 4001, numRuns: 500 },
    );
  });

  it('property: the flags equal materialised transposes: matMul(a, b, tA, tB) = matMul(tA ? aᵀ : a, tB ? bᵀ : b)', () => {
    fc.assert(
      fc.property(matMulCase, ([a, b, ta, tb]) => {
        const out = matMul(a, b, ta, tb);
        const plain = matMul(ta ? transpose(a) : a, tb ? transpose(b) : b);
        expectTensor(out, plain.shape, plain.data);
        // And (A·B)ᵀ = Bᵀ·Aᵀ, here exactly: each element is the same sum in the same order.
        const t = matMul(b, a, !tb, !ta);
        expectTensor(t, [out.shape[1]!, out.shape[0]!], transpose(out).data);
      }),
      { seed: 4002, numRuns: 300 },
    );
  });

  it('examples, nested arrays, and errors', () => {
    expectTensor(matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]]), [2, 2], [19, 22, 43, 50]);
    expectTensor(matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]], true, false), [2, 2], [26, 30, 38, 44]);
    expectTensor(matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]], false, true), [2, 2], [17, 23, 39, 53]);
    expectTensor(matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]], true, true), [2, 2], [23, 31, 34, 46]);
    expectTensor(matMul(zeros([2, 0]), zeros([0, 3])), [2, 3], new Array(6).fill(0));
    expect(codeOf(() => matMul([[1, 2]], [[1, 2]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => matMul([[1, 2]], [[1, 2], [3, 4]], true, false))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => matMul([[1, 2]], [[1, 2, 3]], false, true))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => matMul([1, 2], [[1], [2]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => matMul([[[1]]], [[1]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => matMul(tensor(1), [[1]]))).toBe('SHAPE_MISMATCH');
    expect(() => matMul([[1, 2]], [[1, 2]])).toThrow(/\[1, 2\]/);
  });
});

describe('transpose', () => {
  const permArb = (rank: number) =>
    fc.array(fc.nat(), { minLength: rank, maxLength: rank }).map((keys) =>
      keys.map((k, i) => [k, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i),
    );

  it('property: out[idx] = x[idx permuted back], out.shape = perm of shape (rank 0–4)', () => {
    fc.assert(
      fc.property(
        tensorArb(shapeArb(0, 4, 1, 4)).chain((t) => fc.tuple(fc.constant(t), permArb(t.rank))),
        ([t, perm]) => {
          const out = transpose(t, perm);
          const shape = perm.map((p) => t.shape[p]!);
          const expected = new Float64Array(t.size);
          for (let i = 0; i < t.size; i++) {
            const o = unravel(i, shape);
            const src = new Array<number>(t.rank);
            perm.forEach((p, d) => (src[p] = o[d]!));
            expected[i] = t.data[ravel(src, t.shape)]!;
          }
          expectTensor(out, shape, expected);
          // The inverse permutation restores t.
          const inv = new Array<number>(perm.length);
          perm.forEach((p, d) => (inv[p] = d));
          expectTensor(transpose(out, inv), t.shape, t.data);
          // No perm: axes reversed.
          const rev = t.shape.map((_, i) => t.rank - 1 - i);
          expectTensor(transpose(t), rev.map((p) => t.shape[p]!), transpose(t, rev).data);
        },
      ),
      { seed: 5001, numRuns: 300 },
    );
  });

  it('examples and errors', () => {
    expectTensor(transpose([[1, 2, 3], [4, 5, 6]]), [3, 2], [1, 4, 2, 5, 3, 6]);
    expectTensor(transpose(tensor(5)), [], [5]);
    expectTensor(transpose(zeros([2, 0, 3]), [2, 0, 1]), [3, 2, 0], []);
    expect(codeOf(() => transpose([[1, 2]], [0]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transpose([[1, 2]], [0, 0]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transpose([[1, 2]], [0, 2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transpose([[1, 2]], [0, -1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transpose([[1, 2]], [0.5, 1]))).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ reductions

/**
 * Naive reduction over `axis` (all elements when undefined): sum from 0 in ascending order; max
 * and argMax keep the first maximum (`v > best`), and the first NaN wins.
 */
function naiveReduce(t: Tensor, axis: number | undefined, keepDims: boolean, kind: 'sum' | 'mean' | 'max' | 'argMax') {
  const a = axis === undefined ? undefined : axis < 0 ? axis + t.rank : axis;
  const groups = new Map<number, number[]>();
  const positions = new Map<number, number[]>();
  const outShape = a === undefined ? (keepDims ? t.shape.map(() => 1) : []) : t.shape.map((n, d) => (d === a ? 1 : n));
  for (let i = 0; i < t.size; i++) {
    const idx = unravel(i, t.shape);
    const key = a === undefined ? 0 : ravel(idx.map((v, d) => (d === a ? 0 : v)), outShape);
    if (!groups.has(key)) {
      groups.set(key, []);
      positions.set(key, []);
    }
    groups.get(key)!.push(t.data[i]!);
    positions.get(key)!.push(a === undefined ? i : idx[a]!);
  }
  const size = sizeOf(outShape);
  const out = new Float64Array(size);
  for (let key = 0; key < size; key++) {
    const vs = groups.get(key) ?? [];
    const ps = positions.get(key) ?? [];
    let s = 0;
    for (const v of vs) s += v;
    let best = -Infinity;
    let arg = 0;
    for (let j = 0; j < vs.length; j++) {
      const v = vs[j]!;
      if (Number.isNaN(best)) break;
      if (Number.isNaN(v) || v > best) {
        best = v;
        arg = ps[j]!;
      }
    }
    out[key] = kind === 'sum' ? s : kind === 'mean' ? s / vs.length : kind === 'max' ? best : arg;
  }
  const shape = a === undefined ? outShape : keepDims ? outShape : t.shape.filter((_, d) => d !== a);
  return { shape, data: out };
}

describe('sum mean max argMax', () => {
  const fns = { sum, mean, max, argMax } as const;
  /** Values with frequent ties (small integers), and sometimes NaN, ±Infinity and −0. */
  const values = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
    { weight: 4, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0) },
  );
  for (const kind of ['sum', 'mean', 'max', 'argMax'] as const) {
    it(`property: ${kind} over each axis (and none, negative axes), with and without keepDims, equals a naive loop`, () => {
      fc.assert(
        fc.property(tensorArb(shapeArb(0, 4, 1, 4), values), fc.boolean(), (t, keepDims) => {
          const axes: (number | undefined)[] = [undefined];
          for (let d = 0; d < t.rank; d++) axes.push(d, d - t.rank);
          for (const axis of axes) {
            const ref = naiveReduce(t, axis, keepDims, kind);
            expectTensor(fns[kind](t, axis, keepDims), ref.shape, ref.data, `${kind}(axis ${axis}, keepDims ${keepDims})`);
          }
        }),
        { seed: 6000 + ['sum', 'mean', 'max', 'argMax'].indexOf(kind), numRuns: 300 },
      );
    });
  }

  it('examples: argMax takes the first maximum; NaN wins; nested arrays accepted', () => {
    const x = [[1, 5, 5], [7, 0, 7]];
    expectTensor(sum(x), [], [25]);
    expectTensor(sum(x, 0), [3], [8, 5, 12]);
    expectTensor(sum(x, 1, true), [2, 1], [11, 14]);
    expectTensor(mean(x, -1), [2], [11 / 3, 14 / 3]);
    expectTensor(max(x, 1), [2], [5, 7]);
    expectTensor(argMax(x, 1), [2], [1, 0]);
    expectTensor(argMax(x), [], [3]);
    expectTensor(argMax(x, undefined, true), [1, 1], [3]);
    expectTensor(max([1, NaN, 3]), [], [NaN]);
    expectTensor(argMax([1, NaN, 3, NaN]), [], [1]);
    expectTensor(sum(zeros([0, 2]), 0), [2], [0, 0]);
    expectTensor(sum(zeros([0])), [], [0]);
  });

  it('errors: axis out of range, max/argMax of nothing', () => {
    expect(codeOf(() => sum([[1, 2]], 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mean([[1, 2]], -3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => max([[1, 2]], 0.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => argMax(tensor(1), 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => max(zeros([0])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => argMax(zeros([2, 0]), 1))).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ slice, gather, concat

describe('slice, gather, concat', () => {
  const rowsArb = tensorArb(shapeArb(1, 4, 1, 4), finite);

  it('property: slice(x, start, size) is rows start … start+size−1; size defaults to the rest', () => {
    fc.assert(
      fc.property(
        rowsArb.chain((t) => {
          const n = t.shape[0]!;
          return fc.integer({ min: 0, max: n }).chain((start) => fc.tuple(fc.constant(t), fc.constant(start), fc.integer({ min: 0, max: n - start })));
        }),
        ([t, start, size]) => {
          const row = t.size / t.shape[0]!;
          const shape = [size, ...t.shape.slice(1)];
          expectTensor(slice(t, start, size), shape, t.data.subarray(start * row, (start + size) * row));
          expectTensor(slice(t, start), [t.shape[0]! - start, ...t.shape.slice(1)], t.data.subarray(start * row));
          expectTensor(slice(t.toArray(), start, size), shape, t.data.subarray(start * row, (start + size) * row));
        },
      ),
      { seed: 7001, numRuns: 200 },
    );
  });

  it('slice errors', () => {
    const t = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(codeOf(() => slice(t, 2, 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => slice(t, -1, 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => slice(t, 4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => slice(t, 0.5, 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => slice(tensor(1), 0, 1))).toBe('INVALID_ARGUMENT');
  });

  it('property: gather(x, indices) stacks the rows in that order (repeats allowed)', () => {
    fc.assert(
      fc.property(
        rowsArb.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.integer({ min: 0, max: t.shape[0]! - 1 }), { maxLength: 8 }))),
        ([t, indices]) => {
          const row = t.size / t.shape[0]!;
          const expected = indices.flatMap((r) => Array.from(t.data.subarray(r * row, (r + 1) * row)));
          const shape = [indices.length, ...t.shape.slice(1)];
          expectTensor(gather(t, indices), shape, expected);
          expectTensor(gather(t.toArray(), Int32Array.from(indices)), shape, expected);
        },
      ),
      { seed: 7002, numRuns: 200 },
    );
    expect(codeOf(() => gather([[1], [2]], [2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gather([[1], [2]], [-1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gather([[1], [2]], [0.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gather(tensor(1), [0]))).toBe('INVALID_ARGUMENT');
  });

  it('property: concat along axis 0 and axis 1 (and −1) equals a naive copy', () => {
    const concatCase = fc
      .tuple(fc.constantFrom(0, 1, -1), shapeArb(2, 4, 1, 3), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }))
      .chain(([axis, base, sizes]) => {
        const a = axis < 0 ? axis + base.length : axis;
        const shapes = sizes.map((s) => base.map((n, d) => (d === a ? s : n)));
        return fc.tuple(fc.constant(axis), fc.tuple(...shapes.map((s) => dataArb(s, finite).map((d) => tensor(d, s)))));
      });
    fc.assert(
      fc.property(concatCase, ([axis, ts]) => {
        const first = ts[0]!;
        const a = axis < 0 ? axis + first.rank : axis;
        const total = ts.reduce((p, t) => p + t.shape[a]!, 0);
        const shape = first.shape.map((n, d) => (d === a ? total : n));
        const expected = new Float64Array(sizeOf(shape));
        for (let i = 0; i < expected.length; i++) {
          const idx = unravel(i, shape);
          let k = idx[a]!;
          let which = 0;
          while (k >= ts[which]!.shape[a]!) k -= ts[which++]!.shape[a]!;
          const src = ts[which]!;
          expected[i] = src.data[ravel(idx.map((v, d) => (d === a ? k : v)), src.shape)]!;
        }
        expectTensor(concat(ts, axis), shape, expected);
        expectTensor(concat(ts.map(nested), axis), shape, expected);
      }),
      { seed: 7003, numRuns: 300 },
    );
  });

  it('concat examples and errors', () => {
    expectTensor(concat([[[1, 2]], [[3, 4], [5, 6]]]), [3, 2], [1, 2, 3, 4, 5, 6]);
    expectTensor(concat([[[1], [2]], [[3, 4], [5, 6]]], 1), [2, 3], [1, 3, 4, 2, 5, 6]);
    expect(codeOf(() => concat([[[1, 2]], [[1, 2, 3]]], 0))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => concat([[[1, 2]], [[1], [2]]], 1))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => concat([[[1, 2]], [1, 2]], 0))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => concat([], 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => concat([[[1]]], 2))).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ random

describe('randomUniform, randomNormal, setSeed', () => {
  const sameBits = (a: Tensor, b: Tensor) => {
    expect([...a.shape]).toEqual([...b.shape]);
    expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))).toBe(true);
  };

  it('property: the same { seed } gives bit-identical data; different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), shapeArb(1, 3, 2, 4), (seed, delta, shape) => {
        const other = (seed + delta) % 2 ** 32;
        sameBits(randomUniform(shape, -2, 3, { seed }), randomUniform(shape, -2, 3, { seed }));
        sameBits(randomNormal(shape, 1, 0.5, { seed }), randomNormal(shape, 1, 0.5, { seed }));
        expect(Array.from(randomUniform(shape, 0, 1, { seed }).data)).not.toEqual(Array.from(randomUniform(shape, 0, 1, { seed: other }).data));
        expect(Array.from(randomNormal(shape, 0, 1, { seed }).data)).not.toEqual(Array.from(randomNormal(shape, 0, 1, { seed: other }).data));
        // A generator passed as { random } draws the same stream as its seed.
        sameBits(randomUniform(shape, 0, 1, { random: new Random(seed) }), randomUniform(shape, 0, 1, { seed }));
      }),
      { seed: 8001, numRuns: 200 },
    );
  });

  it('randomUniform draws in [minval, maxval); randomNormal has about the right mean and spread', () => {
    const u = randomUniform([10000], -2, 3, { seed: 5 });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.data)).toBeLessThan(3);
    const d = randomUniform([1000], 0, 1, { seed: 6 }).data;
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d)).toBeLessThan(1);
    const n = randomNormal([20000], 3, 2, { seed: 7 }).data;
    const m = n.reduce((s, v) => s + v, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, v) => s + (v - m) ** 2, 0) / n.length);
    // 20000 draws: the standard error of the mean is 2/√20000 ≈ 0.014.
    expect(Math.abs(m - 3)).toBeLessThan(0.1);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
    expectTensor(randomUniform([0, 3], 0, 1, { seed: 1 }), [0, 3], []);
    expect(randomNormal([], 0, 1, { seed: 1 }).shape).toEqual([]);
  });

  it('setSeed makes the global stream reproducible', () => {
    setSeed(1234);
    const a1 = randomUniform([7]);
    const b1 = randomNormal([2, 3]);
    const c1 = randomUniform([3], -1, 1);
    setSeed(1234);
    const a2 = randomUniform([7]);
    const b2 = randomNormal([2, 3]);
    const c2 = randomUniform([3], -1, 1);
    sameBits(a1, a2);
    sameBits(b1, b2);
    sameBits(c1, c2);
    // The stream moves on between calls, and another seed gives another stream.
    expect(Array.from(a1.data)).not.toEqual(Array.from(randomUniform([7]).data));
    setSeed(4321);
    expect(Array.from(randomUniform([7]).data)).not.toEqual(Array.from(a1.data));
    // An explicit seed does not consume the global stream.
    setSeed(1234);
    randomUniform([5], 0, 1, { seed: 99 });
    sameBits(randomUniform([7]), a1);
  });
});

describe('edge cases found in review', () => {
  it('matMul propagates NaN and Infinity as IEEE does (0·∞ = NaN) for every transpose flag', () => {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = ta ? [[0], [1]] : [[0, 1]];
      const b = tb ? [[Infinity, 2]] : [[Infinity], [2]];
      expect(Number.isNaN(matMul(a, b, ta, tb).data[0]), `${ta} ${tb}`).toBe(true);
    }
    expect(Number.isNaN(matMul([[0, 1]], [[NaN], [2]]).data[0])).toBe(true);
  });
  it('ragged arrays are SHAPE_MISMATCH whichever element is ragged', () => {
    for (const bad of [[1, [2]], [[1, 2], [3, [4]]], [[1], 2], [[1, 2], [3]]]) {
      expect(() => tensor(bad as never)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    }
    expect(() => tensor([['a']] as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
  it('-1 in the shape is inferred for flat arrays and Float64Arrays too', () => {
    expect(tensor([1, 2, 3, 4], [2, -1]).shape).toEqual([2, 2]);
    expect(tensor(Float64Array.of(1, 2, 3, 4), [-1]).shape).toEqual([4]);
  });
  it('toString shows NaN and Infinity', () => {
    expect(tensor([NaN, Infinity, -1]).toString()).toBe('Tensor(shape=[3], [NaN, Infinity, -1])');
  });
});

describe('specification spellings', () => {
  it('argmax is argMax; the random constructors take a seed number as well as { seed }', () => {
    expect(Array.from(argmax([[1, 5, 2], [7, 0, 1]], 1).data)).toEqual([1, 0]);
    expect(Array.from(randomUniform([5], 0, 1, 9).data)).toEqual(Array.from(randomUniform([5], 0, 1, { seed: 9 }).data));
    expect(Array.from(randomNormal([5], 0, 1, 9).data)).toEqual(Array.from(randomNormal([5], 0, 1, { seed: 9 }).data));
  });
});

// ------------------------------------------------------------------ Tensor methods

describe('Tensor methods (the TF.js / NumPy spellings)', () => {
  const probs = () => tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]]);

  it('argMax / argmax: class labels from rows of probabilities, by axis, flat, keepDims, first on ties', () => {
    expectTensor(probs().argMax(1), [3], [1, 0, 2]);
    expectTensor(probs().argMax(-1), [3], [1, 0, 2]);
    expectTensor(probs().argmax(1), [3], [1, 0, 2]);
    expectTensor(probs().argMax(0, true), [1, 3], [1, 0, 2]);
    expectTensor(probs().argMax(), [], [1]); // 0.7 at flat index 1
    expectTensor(tensor([[5, 5, 1], [2, 9, 9]]).argMax(1), [2], [0, 1]);
  });

  it('model.predict(x).argMax(1) gives the labels a naive loop over the probabilities gives', () => {
    const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 4 });
    const x = [[0.3, -1], [2, 0.5], [-1.5, 1], [0, 0]];
    const p = model.predict(x);
    const rows = p.toArray() as number[][];
    const expected = rows.map((r) => r.indexOf(Math.max(...r)));
    expectTensor(p.argMax(1), [4], expected);
    expectTensor(p.argMax(-1), [4], expected);
  });

  it('sum, mean, max with axis and keepDims', () => {
    const x = tensor([[1, 5, 5], [7, 0, 7]]);
    expectTensor(x.sum(), [], [25]);
    expectTensor(x.sum(0), [3], [8, 5, 12]);
    expectTensor(x.sum(1, true), [2, 1], [11, 14]);
    expectTensor(x.mean(), [], [25 / 6]);
    expectTensor(x.mean(-1), [2], [11 / 3, 14 / 3]);
    expectTensor(x.mean(0, true), [1, 3], [4, 2.5, 6]);
    expectTensor(x.max(), [], [7]);
    expectTensor(x.max(1), [2], [5, 7]);
    expectTensor(x.max(0, true), [1, 3], [7, 5, 7]);
  });

  it('property: the reduction methods equal a naive loop over each axis, with and without keepDims', () => {
    const values = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(NaN, -0));
    fc.assert(
      fc.property(tensorArb(shapeArb(0, 3, 1, 4), values), fc.boolean(), (t, keepDims) => {
        const axes: (number | undefined)[] = [undefined];
        for (let d = 0; d < t.rank; d++) axes.push(d, d - t.rank);
        for (const axis of axes) {
          for (const kind of ['sum', 'mean', 'max', 'argMax'] as const) {
            const ref = naiveReduce(t, axis, keepDims, kind);
            expectTensor(t[kind](axis, keepDims), ref.shape, ref.data, `t.${kind}(${axis}, ${keepDims})`);
          }
          const ref = naiveReduce(t, axis, keepDims, 'argMax');
          expectTensor(t.argmax(axis, keepDims), ref.shape, ref.data, `t.argmax(${axis}, ${keepDims})`);
        }
      }),
      { seed: 6100, numRuns: 150 },
    );
  });

  it('add, sub, mul, div, pow broadcast a tensor, nested arrays or a number', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expectTensor(a.add([10, 20, 30]), [2, 3], [11, 22, 33, 14, 25, 36]);
    expectTensor(a.add(tensor([[100], [200]])), [2, 3], [101, 102, 103, 204, 205, 206]);
    expectTensor(a.sub(1), [2, 3], [0, 1, 2, 3, 4, 5]);
    expectTensor(tensor(10).sub(a), [2, 3], [9, 8, 7, 6, 5, 4]);
    expectTensor(a.mul([[2], [3]]), [2, 3], [2, 4, 6, 12, 15, 18]);
    expectTensor(a.div(2), [2, 3], [0.5, 1, 1.5, 2, 2.5, 3]);
    expectTensor(a.div([1, 0, -1]), [2, 3], [1, Infinity, -3, 4, Infinity, -6]);
    expectTensor(a.pow(2), [2, 3], [1, 4, 9, 16, 25, 36]);
    expectTensor(a.add(1).mul(2).sub(a).div(a), [2, 3], [3, 2, 5 / 3, 1.5, 7 / 5, 8 / 6]); // (2(a+1) − a) / a
  });

  it('exp, log, sqrt, abs: Math.* on every element', () => {
    const v = [0, 1, 2.5, 1e-3];
    const t = tensor([v, v.map((x) => x + 4)]);
    const all = [...v, ...v.map((x) => x + 4)];
    expectTensor(t.exp(), [2, 4], all.map(Math.exp));
    expectTensor(t.log(), [2, 4], all.map(Math.log));
    expectTensor(t.sqrt(), [2, 4], all.map(Math.sqrt));
    expectTensor(tensor([-1.5, 0, 2, -Infinity]).abs(), [4], [1.5, 0, 2, Infinity]);
  });

  it('matMul (with transpose flags) and transpose', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expectTensor(a.matMul([[5, 6], [7, 8]]), [2, 2], [19, 22, 43, 50]);
    expectTensor(a.matMul(tensor([[5, 6], [7, 8]]), false, true), [2, 2], [17, 23, 39, 53]);
    expectTensor(a.matMul([[5, 6], [7, 8]], true), [2, 2], [26, 30, 38, 44]);
    const b = tensor([[1, 2, 3], [4, 5, 6]]);
    expectTensor(b.transpose(), [3, 2], [1, 4, 2, 5, 3, 6]);
    expectTensor(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).transpose([1, 0, 2]), [2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8]);
  });

  it('slice and gather take rows (copies); reshape and flatten share the buffer', () => {
    const t = tensor([[1, 2], [3, 4], [5, 6]]);
    expectTensor(t.slice(1), [2, 2], [3, 4, 5, 6]);
    expectTensor(t.slice(0, 1), [1, 2], [1, 2]);
    expectTensor(t.gather([2, 0]), [2, 2], [5, 6, 1, 2]);
    const s = t.slice(0, 1);
    s.data[0] = 99;
    expect(t.data[0]).toBe(1);
    expectTensor(t.reshape([2, 3]), [2, 3], [1, 2, 3, 4, 5, 6]);
    const f = t.flatten();
    expectTensor(f, [6], [1, 2, 3, 4, 5, 6]);
    expect(f.data).toBe(t.data);
    expectTensor(tensor(7).flatten(), [1], [7]);
    expectTensor(zeros([2, 0, 3]).flatten(), [0], []);
  });

  it('dataSync() is a copy of the data; arraySync() is toArray(); get and toArray stay', () => {
    const t = tensor([[1, 2], [3, 4]]);
    const d = t.dataSync();
    expect(d).toBeInstanceOf(Float64Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
    expect(d).not.toBe(t.data);
    d[0] = 42;
    expect(t.get(0, 0)).toBe(1);
    expect(t.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(3).arraySync()).toBe(3);
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(t.get(1, -1)).toBe(4);
  });

  it('bad arguments are NumnetErrors naming the call, the argument and the shapes', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(codeOf(() => t.argMax(2))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => t.argMax(2))).toMatch(/argMax\(\): axis 2 is out of range for shape \[2, 3\]/);
    expect(codeOf(() => t.sum(0.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.mean(0, 'yes' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => t.add([1, 2]))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => t.add([1, 2]))).toMatch(/add\(\): shapes \[2, 3\] and \[2\] do not broadcast/);
    expect(codeOf(() => t.mul('a' as never))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => t.matMul([[1, 2]]))).toMatch(/matMul\(\): inner sizes differ: a \[2, 3\] · b \[1, 2\]/);
    expect(codeOf(() => t.transpose([0, 0]))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => t.slice(1, 5))).toMatch(/slice\(\).*out of range for shape \[2, 3\]/);
    expect(codeOf(() => t.gather([2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => zeros([0]).max())).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ tensors of another copy of numnet

describe('tensors of another copy of numnet (instanceof Tensor fails across copies)', () => {
  /** The shape of a Tensor made by another copy of the library (its own class). */
  class OtherTensor {
    constructor(readonly data: Float64Array, readonly shape: readonly number[]) {}
  }

  it('a plain { data, shape } object is wrapped without copying its data', () => {
    const o = { data: Float64Array.of(1, 2, 3, 4, 5, 6), shape: [2, 3] };
    const t = toTensor(o);
    expectTensor(t, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(t.data).toBe(o.data);
    expect(tensor(o).data).toBe(o.data);
    expectTensor(tensor(o, [3, 2]), [3, 2], [1, 2, 3, 4, 5, 6]);
    expectTensor(add(o, 1), [2, 3], [2, 3, 4, 5, 6, 7]);
    expectTensor(sum(o, 1), [2], [6, 15]);
    expectTensor(toTensor({ data: Float64Array.of(5), shape: [] }), [], [5]);
    expectTensor(toTensor({ data: new Float64Array(0), shape: [0, 4] }), [0, 4], []);
  });

  it('an instance of another class of the same shape works everywhere a Tensor does, a model included', () => {
    const x = new OtherTensor(Float64Array.of(1, 2, 3, 4), [2, 2]);
    expectTensor(matMul(x, x), [2, 2], [7, 10, 15, 22]);
    expectTensor(tensor([[1, 0], [0, 1]]).matMul(x), [2, 2], [1, 2, 3, 4]);
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    model.setWeights([new OtherTensor(Float64Array.of(0.5, -1), [2, 1]), new OtherTensor(Float64Array.of(0.25), [1])]);
    // y = x·[0.5, −1]ᵀ + 0.25: 1·0.5 − 2 + 0.25 = −1.25; 3·0.5 − 4 + 0.25 = −2.25
    expectTensor(model.predict(x), [2, 1], [-1.25, -2.25]);
  });

  it('a malformed one is a NumnetError naming the argument and the shapes', () => {
    const mismatch = { data: new Float64Array(5), shape: [2, 3] };
    expect(codeOf(() => toTensor(mismatch, 'predict(): x'))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => toTensor(mismatch, 'predict(): x'))).toMatch(/^predict\(\): x: .*5 elements.*shape \[2, 3\] needs 6/);
    expect(messageOf(() => tensor(mismatch))).toMatch(/^tensor\(\): .*5 elements.*\[2, 3\] needs 6/);

    const notF64 = { data: Float32Array.of(1, 2), shape: [2] } as never;
    expect(codeOf(() => toTensor(notF64, 'y'))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => toTensor(notF64, 'y'))).toMatch(/^y: .*shape \[2\].*Float64Array, got an object \(Float32Array\)/);
    expect(messageOf(() => toTensor({ data: [1, 2], shape: [2] } as never))).toMatch(/^x: .*shape \[2\].*Float64Array, got an array of length 2/);

    expect(codeOf(() => toTensor({ data: new Float64Array(2), shape: [2, -1] }))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => toTensor({ data: new Float64Array(2), shape: [2, -1] }))).toMatch(/^x: .*shape \[2, -1\].*-1 at axis 1/);
    expect(codeOf(() => toTensor({ data: new Float64Array(2), shape: '2' } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => toTensor({ data: new Float64Array(2), shape: [1.5] }))).toBe('INVALID_ARGUMENT');

    const model = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    expect(messageOf(() => model.predict(mismatch))).toMatch(/x: .*5 elements.*\[2, 3\] needs 6/);
  });
});
