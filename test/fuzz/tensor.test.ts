/**
 * Fuzzing the tensor API (fast-check, fixed seeds; runs and seeds in helpers/fuzz-plan.ts). Each
 * call either returns the right tensor — checked against an independent reference written here —
 * or throws a NumnetError with the code the reference predicts; never another error, never a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Tensor, abs, activate, activationGradient, add, argMax, broadcastShapes, concat, div, erf, erfc, exp, fill, gather, gemm, log,
  map, matMul, max, mean, mul, ones, pow, randomNormal, randomUniform, reshape, slice, sqrt, sub, sum, tensor, toTensor, transpose,
  zeros,
} from '../../src/index.js';
import type { NumnetErrorCode } from '../../src/index.js';
import { expectValidTensor, outcome, weird, weirdArray, weirdScalar } from '../helpers/fuzz.js';
import { plan } from '../helpers/fuzz-plan.js';

const MAX_SIZE = 2 ** 28;
const MAX_RANK = 32;
const BAD: NumnetErrorCode[] = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH'];
const opts = (key: string) => ({ seed: plan(key).seed, numRuns: plan(key).runs });

type Ref = { ok: true; shape: number[]; data: number[] } | { ok: false; codes: NumnetErrorCode[] };
const fail = (...codes: NumnetErrorCode[]): Ref => ({ ok: false, codes });
const ok = (shape: number[], data: number[]): Ref => ({ ok: true, shape: shape.map((n) => n + 0), data });
const size = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);
const isNumTyped = (v: unknown): v is ArrayLike<number> =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);

/** A valid shape for checkShape: ≤ 32 integers in [0, 2²⁸], ≤ 2²⁸ elements. */
function validShape(s: unknown): s is number[] {
  if (!Array.isArray(s) || s.length > MAX_RANK) return false;
  for (let i = 0; i < s.length; i++) {
    const n: unknown = s[i];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SIZE) return false;
  }
  return size(s) <= MAX_SIZE;
}

/** The reference reshape of (shape, data) to `target`. */
function refReshape(shape: number[], data: number[], target: unknown): Ref {
  if (!Array.isArray(target)) return fail('INVALID_ARGUMENT');
  const out: number[] = [];
  let free = -1;
  for (let i = 0; i < target.length; i++) {
    const n: unknown = target[i];
    if (n === -1) {
      if (free >= 0) return fail('SHAPE_MISMATCH');
      free = i;
      out.push(-1);
    } else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SIZE) return fail('INVALID_ARGUMENT');
    else out.push(n);
  }
  if (out.length > MAX_RANK) return fail('INVALID_ARGUMENT');
  if (free >= 0) {
    const known = size(out.filter((_, i) => i !== free));
    if (known === 0 || data.length % known !== 0) return fail('SHAPE_MISMATCH');
    out[free] = data.length / known;
  }
  if (size(out) > MAX_SIZE) return fail('INVALID_ARGUMENT');
  if (size(out) !== data.length) return fail('SHAPE_MISMATCH');
  void shape;
  return ok(out, data);
}

/**
 * The structure of nested arrays, computed independently of the library: its shape when
 * rectangular, and whether it is ragged, holds a non-number, or nests deeper than 32.
 */
function analyze(v: unknown, depth: number): { shape?: number[]; ragged: boolean; nonNumber: boolean; deep: boolean; data: number[] } {
  if (depth > MAX_RANK) return { ragged: false, nonNumber: false, deep: true, data: [] };
  if (typeof v === 'number') return { shape: [], ragged: false, nonNumber: false, deep: false, data: [v] };
  if (isNumTyped(v)) return { shape: [v.length], ragged: false, nonNumber: false, deep: depth + 1 > MAX_RANK, data: Array.from(v) };
  if (!Array.isArray(v)) return { ragged: false, nonNumber: true, deep: false, data: [] };
  const kids = Array.from({ length: v.length }, (_, i) => analyze(v[i], depth + 1));
  const r = { ragged: kids.some((k) => k.ragged), nonNumber: kids.some((k) => k.nonNumber), deep: kids.some((k) => k.deep), data: kids.flatMap((k) => k.data) };
  const shapes = kids.map((k) => (k.shape ? JSON.stringify(k.shape) : undefined));
  const nonLeafDefect = kids.some((k) => k.shape === undefined);
  if (!nonLeafDefect && new Set(shapes).size > 1) r.ragged = true;
  if (kids.length === 0) return { ...r, shape: [0] };
  if (nonLeafDefect && kids.some((k) => k.shape !== undefined && k.shape.length > 0)) r.ragged = true;
  if (r.ragged || r.nonNumber || r.deep) return r;
  return { ...r, shape: [v.length, ...kids[0]!.shape!] };
}

/** What tensor(values, shape) must do. */
function refTensor(values: unknown, shape: unknown): Ref {
  if (shape !== undefined && !Array.isArray(shape)) return fail('INVALID_ARGUMENT');
  let base: Ref;
  if (values instanceof Tensor) base = ok(values.shape.slice(), Array.from(values.data));
  else if (typeof values === 'number') {
    if (shape === undefined) return ok([], [values]);
    return validShape(shape) ? ok(shape.slice(), new Array(size(shape)).fill(values)) : fail('INVALID_ARGUMENT');
  } else if (isNumTyped(values)) base = ok([values.length], Array.from(values));
  else if (Array.isArray(values) && shape !== undefined && Array.from(values).every((x) => typeof x === 'number')) base = ok([values.length], Array.from(values) as number[]);
  else if (!Array.isArray(values)) return fail('INVALID_ARGUMENT');
  else {
    const a = analyze(values, 0);
    if (a.deep) return fail('INVALID_ARGUMENT', 'SHAPE_MISMATCH');
    if (a.ragged && a.nonNumber) return fail('INVALID_ARGUMENT', 'SHAPE_MISMATCH');
    if (a.ragged) return fail('SHAPE_MISMATCH');
    if (a.nonNumber) return fail('INVALID_ARGUMENT');
    base = ok(a.shape!, a.data);
  }
  if (!base.ok || shape === undefined) return base;
  return refReshape(base.shape, base.data, shape);
}

/** Asserts the call matches the reference (result bits or error code). */
function expectRef(f: () => unknown, ref: Ref): void {
  if (!ref.ok) {
    const code = outcome(f, ref.codes);
    expect(code, 'expected an error').not.toBe('ok');
    return;
  }
  const t = f();
  expectValidTensor(t);
  expect([...t.shape]).toEqual(ref.shape);
  expect(t.data.length).toBe(ref.data.length);
  for (let i = 0; i < ref.data.length; i++) expect(Object.is(t.data[i], ref.data[i]), `element ${i}: ${t.data[i]} vs ${ref.data[i]}`).toBe(true);
}

// ----------------------------------------------------------------------------- arbitraries

/** Small valid shapes (rank 0–4, sizes 0–4). */
const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const posShape = (maxRank = 4) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: maxRank });
const value = fc.oneof(fc.double(), fc.integer({ min: -9, max: 9 }));
const tensorOf = (shape: fc.Arbitrary<number[]>) =>
  shape.chain((s) => fc.array(value, { minLength: size(s), maxLength: size(s) }).map((d) => new Tensor(Float64Array.from(d), s)));
/** A tensor, given as a Tensor or as the nested arrays that make it (when it has elements). */
const asInput = (t: Tensor) => fc.constantFrom<unknown>(t, ...(t.size > 0 && t.rank > 0 ? [t.toArray()] : []));

function nestedOf(shape: number[], data: number[]): unknown {
  if (shape.length === 0) return data[0];
  let k = 0;
  const build = (axis: number): unknown[] =>
    Array.from({ length: shape[axis]! }, () => (axis === shape.length - 1 ? data[k++]! : build(axis + 1)));
  return build(0);
}

// ----------------------------------------------------------------------------- properties

describe('fuzz: tensor construction', () => {
  it(`tensor() with any values and shape (seed ${plan('tensor-chaos').seed}, ${plan('tensor-chaos').runs} runs)`, () => {
    const shapeArb = fc.oneof(fc.constant(undefined), weirdArray, smallShape, fc.constant([-1]), fc.constant([2, -1]));
    fc.assert(fc.property(weird, shapeArb, (values, shape) => expectRef(() => tensor(values as never, shape as never), refTensor(values, shape))), opts('tensor-chaos'));
  });

  it(`tensor() on nested arrays with one defect (seed ${plan('tensor-defect').seed}, ${plan('tensor-defect').runs} runs)`, () => {
    const defect = fc.constantFrom('none', 'ragged-short', 'ragged-long', 'non-number', 'hole', 'typed-rows', 'frozen', 'array-leaf');
    const badLeaf = fc.constantFrom<unknown>('1', null, undefined, 10n, Symbol('x'), {}, true, new Date(0), new Uint8Array(0).buffer);
    fc.assert(
      fc.property(posShape(4), fc.nat(), defect, badLeaf, (shape, at, kind, leaf) => {
        const data = Array.from({ length: size(shape) }, (_, i) => (i % 7) - 3 + i / 8);
        const nested = nestedOf(shape, data) as unknown[];
        // The sub-array holding the leaf `at` (the innermost row).
        const rowIndex = at % (size(shape) / shape[shape.length - 1]!);
        const rows: unknown[][] = [];
        const collect = (v: unknown, axis: number): void => {
          if (axis === shape.length - 1) rows.push(v as unknown[]);
          else (v as unknown[]).forEach((c) => collect(c, axis + 1));
        };
        collect(nested, 0);
        const row = rows[rowIndex]!;
        const j = at % row.length;
        let expected: Ref;
        let input: unknown = nested;
        switch (kind) {
          case 'none':
            expected = ok(shape, data);
            break;
          case 'ragged-short':
            if (rows.length < 2) return; // with no other row to differ from, a shorter row is not ragged
            row.pop();
            expected = fail('SHAPE_MISMATCH');
            break;
          case 'ragged-long':
            if (rows.length < 2) return;
            row.push(1);
            expected = fail('SHAPE_MISMATCH');
            break;
          case 'non-number':
            row[j] = leaf;
            expected = fail('INVALID_ARGUMENT');
            break;
          case 'hole':
            delete row[j];
            expected = fail('INVALID_ARGUMENT');
            break;
          case 'array-leaf':
            if (size(shape) < 2) return; // [[x]] alone is a valid tensor
            row[j] = [row[j]];
            expected = fail('SHAPE_MISMATCH');
            break;
          case 'typed-rows': {
            // Float32Array rows are accepted (converted to float64 exactly).
            if (shape.length < 2) return;
            const f32 = rows.map((r) => Float32Array.from(r as number[]));
            let k = 0;
            const replace = (v: unknown[], axis: number): unknown[] => (axis === shape.length - 2 ? v.map(() => f32[k++]!) : v.map((c) => replace(c as unknown[], axis + 1)));
            input = replace(nested, 0);
            expected = ok(shape, f32.flatMap((r) => Array.from(r)));
            break;
          }
          default: {
            const freeze = (v: unknown): unknown => (Array.isArray(v) ? Object.freeze(v.map(freeze)) : v);
            input = freeze(nested);
            expected = ok(shape, data);
          }
        }
        expectRef(() => tensor(input as never), expected);
      }),
      opts('tensor-defect'),
    );
  });

  it(`zeros, ones, fill, randomUniform, randomNormal with any shape and values (seed ${plan('constructors').seed}, ${plan('constructors').runs} runs × 5)`, () => {
    const shapeArb = fc.oneof(weirdArray, smallShape, weirdScalar);
    const options = fc.oneof(fc.constant(undefined), fc.integer(), fc.record({ seed: fc.integer() }), weird);
    fc.assert(
      fc.property(shapeArb, weirdScalar, weirdScalar, options, (shape, a, b, o) => {
        const good = validShape(shape);
        fc.pre(!good || size(shape) <= 1e5);
        const numberOk = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
        const optionsOk = o === undefined || (typeof o === 'number' && Number.isFinite(o)) || (typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).every((k) => k === 'seed' && typeof (o as { seed: unknown }).seed === 'number' && Number.isFinite((o as { seed: number }).seed)));
        const check = (t: unknown, v?: number) => {
          expectValidTensor(t);
          expect([...t.shape]).toEqual(shape);
          if (v !== undefined) for (const x of t.data) expect(Object.is(x, v)).toBe(true);
        };
        const expect1 = (f: () => unknown, valid: boolean, v?: number) => {
          const c = outcome(f, ['INVALID_ARGUMENT'], (t) => check(t, v));
          expect(c === 'ok', `valid: ${valid}`).toBe(valid);
        };
        expect1(() => zeros(shape as never), good, 0);
        expect1(() => ones(shape as never), good, 1);
        expect1(() => fill(shape as never, a as never), good && typeof a === 'number', a as number);
        expect1(() => randomUniform(shape as never, a as never, b as never, o as never), good && numberOk(a) && numberOk(b) && optionsOk);
        expect1(() => randomNormal(shape as never, a as never, b as never, o as never), good && numberOk(a) && numberOk(b) && optionsOk);
      }),
      opts('constructors'),
    );
  });

  it(`reshape to any shape (seed ${plan('reshape').seed}, ${plan('reshape').runs} runs × 2)`, () => {
    const target = fc.oneof(weirdArray, smallShape, fc.array(fc.constantFrom(-1, 1, 2, 3, 4, 6, 0, -2, 1.5), { maxLength: 4 }), weirdScalar);
    fc.assert(
      fc.property(tensorOf(smallShape), target, (t, s) => {
        const ref = refReshape(t.shape.slice(), Array.from(t.data), s);
        expectRef(() => reshape(t, s as never), ref);
        expectRef(() => t.reshape(s as never), ref);
      }),
      opts('reshape'),
    );
  });
});

// ----------------------------------------------------------------------------- operations

/** NumPy broadcasting, the textbook way. */
function refBroadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Ref {
  const rank = Math.max(a.rank, b.rank);
  const pa = [...new Array(rank - a.rank).fill(1), ...a.shape];
  const pb = [...new Array(rank - b.rank).fill(1), ...b.shape];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] !== pb[i] && pa[i] !== 1 && pb[i] !== 1) return fail('SHAPE_MISMATCH');
    out.push(pa[i] === 1 ? pb[i]! : pa[i]!);
  }
  const data: number[] = [];
  const at = (t: Tensor, p: number[], idx: number[]) => {
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * p[d]! + (p[d] === 1 ? 0 : idx[d]!);
    return t.data[flat]!;
  };
  const idx = new Array(rank).fill(0);
  for (let k = 0; k < size(out); k++) {
    let r = k;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = r % out[d]!;
      r = Math.floor(r / out[d]!);
    }
    data.push(f(at(a, pa, idx), at(b, pb, idx)));
  }
  return ok(out, data);
}

/** A pair of shapes that often broadcast (sizes 1 here and there) and sometimes do not. */
const shapePair = fc.tuple(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }), fc.array(fc.boolean(), { maxLength: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([base, ones, drop, clash]) => {
  const b = base.map((n, i) => (ones[i] ? 1 : n)).slice(Math.min(drop, base.length));
  const a = base.slice();
  if (clash && a.length > 0 && a[a.length - 1]! > 1) a[a.length - 1] = a[a.length - 1]! + 1;
  return [a, b] as const;
});

describe('fuzz: tensor operations', () => {
  it(`add, sub, mul, div, pow broadcast like NumPy (seed ${plan('broadcast').seed}, ${plan('broadcast').runs} runs × 5)`, () => {
    const ops: [(a: never, b: never) => Tensor, (x: number, y: number) => number][] = [
      [add, (x, y) => x + y], [sub, (x, y) => x - y], [mul, (x, y) => x * y], [div, (x, y) => x / y], [pow, (x, y) => Math.pow(x, y)],
    ];
    fc.assert(
      fc.property(
        shapePair.chain(([sa, sb]) => fc.tuple(tensorOf(fc.constant([...sa])), tensorOf(fc.constant([...sb])))).chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), asInput(a), asInput(b))),
        ([a, b, ia, ib]) => {
          for (const [op, f] of ops) expectRef(() => op(ia as never, ib as never), refBroadcast(a, b, f));
        },
      ),
      opts('broadcast'),
    );
  });

  it(`matMul with any sizes and flags (seed ${plan('matmul').seed}, ${plan('matmul').runs} runs)`, () => {
    const flag = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: weirdScalar });
    fc.assert(
      fc.property(tensorOf(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 })), tensorOf(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 })), flag, flag, (a, b, ta, tb) => {
        let ref: Ref;
        const flagOk = (f: unknown) => f === undefined || f === null || typeof f === 'boolean'; // null is "not given"
        if (!flagOk(ta) || !flagOk(tb)) ref = fail('INVALID_ARGUMENT');
        else if (a.rank !== 2 || b.rank !== 2) ref = fail('SHAPE_MISMATCH');
        else {
          const [ar, ac] = a.shape as [number, number];
          const [br, bc] = b.shape as [number, number];
          const [m, k] = ta ? [ac, ar] : [ar, ac];
          const [k2, n] = tb ? [bc, br] : [br, bc];
          if (k !== k2) ref = fail('SHAPE_MISMATCH');
          else {
            const A = (i: number, p: number) => (ta ? a.data[p * ac + i]! : a.data[i * ac + p]!);
            const B = (p: number, j: number) => (tb ? b.data[j * bc + p]! : b.data[p * bc + j]!);
            const data: number[] = [];
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
                data.push(s);
              }
            }
            ref = ok([m, n], data);
          }
        }
        expectRef(() => matMul(a, b, ta as never, tb as never), ref);
      }),
      opts('matmul'),
    );
  });

  it(`sum, mean, max, argMax over any axis (seed ${plan('reductions').seed}, ${plan('reductions').runs} runs × 4)`, () => {
    const axisArb = fc.oneof(fc.constant(undefined), fc.integer({ min: -4, max: 4 }), weirdScalar);
    const keep = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: weirdScalar });
    fc.assert(
      fc.property(tensorOf(smallShape), axisArb, keep, (t, axis, keepDims) => {
        const kinds = [
          { f: sum, init: 0, step: (acc: number, v: number) => acc + v, empty: 'ok', fin: (s: number) => s },
          { f: mean, init: 0, step: (acc: number, v: number) => acc + v, empty: 'ok', fin: (s: number, n: number) => s / n },
          { f: max, init: -Infinity, step: (acc: number, v: number) => (v > acc || (Number.isNaN(v) && !Number.isNaN(acc)) ? v : acc), empty: 'fail', fin: (s: number) => s },
        ] as const;
        const keepOk = keepDims === undefined || keepDims === null || typeof keepDims === 'boolean';
        const axisOk = axis === undefined || (typeof axis === 'number' && Number.isInteger(axis) && axis >= -t.rank && axis < t.rank);
        for (const [ki, kind] of [...kinds, { f: argMax } as const].entries()) {
          const isArg = ki === 3;
          let ref: Ref;
          if (!keepOk || !axisOk) ref = fail('INVALID_ARGUMENT');
          else {
            const a = axis === undefined ? undefined : (axis as number) < 0 ? (axis as number) + t.rank : (axis as number);
            const len = a === undefined ? t.size : t.shape[a]!;
            if ((ki >= 2) && len === 0) ref = fail('INVALID_ARGUMENT');
            else if (a === undefined) {
              let acc = ki >= 2 ? -Infinity : 0;
              let arg = 0;
              t.data.forEach((v, i) => {
                const next = ki >= 2 ? kinds[2].step(acc, v) : acc + v;
                if (ki >= 2 && !Object.is(next, acc)) arg = i;
                acc = next;
              });
              const v = isArg ? arg : ki === 1 ? acc / t.size : acc;
              ref = ok(keepDims === true ? t.shape.map(() => 1) : [], [v]);
            } else {
              const outer = size(t.shape.slice(0, a));
              const inner = size(t.shape.slice(a + 1));
              const data: number[] = [];
              for (let o = 0; o < outer; o++) {
                for (let i = 0; i < inner; i++) {
                  let acc = ki >= 2 ? -Infinity : 0;
                  let arg = 0;
                  for (let j = 0; j < len; j++) {
                    const v = t.data[o * len * inner + j * inner + i]!;
                    const next = ki >= 2 ? kinds[2].step(acc, v) : acc + v;
                    if (ki >= 2 && !Object.is(next, acc)) arg = j;
                    acc = next;
                  }
                  data.push(isArg ? arg : ki === 1 ? acc / len : acc);
                }
              }
              const shape = t.shape.slice();
              if (keepDims === true) shape[a] = 1;
              else shape.splice(a, 1);
              ref = ok(shape, data);
            }
          }
          expectRef(() => (isArg ? argMax : kinds[ki]!.f)(t, axis as never, keepDims as never), ref);
        }
      }),
      opts('reductions'),
    );
  });

  it(`transpose, slice, gather, concat (seed ${plan('rows').seed}, ${plan('rows').runs} runs × 4)`, () => {
    const intish = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -2, max: 5 }) }, { weight: 1, arbitrary: weirdScalar });
    fc.assert(
      fc.property(
        tensorOf(smallShape),
        fc.oneof(fc.constant(undefined), fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), weird),
        intish,
        fc.oneof(fc.constant(undefined), intish),
        fc.oneof(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 5 }), fc.int32Array({ min: -1, max: 5, maxLength: 4 }), weird),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.integer({ min: -3, max: 3 }), weirdScalar),
        (t, perm, start, count, indices, copies, axis) => {
          // transpose
          let ref: Ref;
          const p = perm === undefined ? t.shape.map((_, i) => t.rank - 1 - i) : perm;
          if (perm !== undefined && !Array.isArray(perm)) ref = fail('INVALID_ARGUMENT');
          else {
            const pa = Array.from(p as unknown[]);
            const valid = pa.length === t.rank && new Set(pa).size === t.rank && pa.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < t.rank);
            if (!valid) ref = fail('INVALID_ARGUMENT');
            else {
              const perm2 = pa as number[];
              const outShape = perm2.map((d) => t.shape[d]!);
              const strides = t.shape.map((_, d) => size(t.shape.slice(d + 1)));
              const data: number[] = [];
              for (let k = 0; k < t.size; k++) {
                let r = k;
                const idx = new Array(t.rank).fill(0);
                for (let d = t.rank - 1; d >= 0; d--) {
                  idx[d] = r % outShape[d]!;
                  r = Math.floor(r / outShape[d]!);
                }
                data.push(t.data[idx.reduce((s, v, d) => s + v * strides[perm2[d]!]!, 0)]!);
              }
              ref = ok(outShape, data);
            }
          }
          expectRef(() => transpose(t, perm as never), ref);
          // slice(start, count) along axis 0
          const n = t.shape[0] ?? 0;
          const row = t.rank > 0 && n > 0 ? t.size / n : 0;
          if (t.rank === 0) ref = fail('INVALID_ARGUMENT');
          else if (typeof start !== 'number' || (count !== undefined && typeof count !== 'number')) ref = fail('INVALID_ARGUMENT');
          else {
            const c = count ?? n - start;
            if (!Number.isInteger(start) || !Number.isInteger(c) || start < 0 || c < 0 || start + c > n) ref = fail('INVALID_ARGUMENT');
            else ref = ok([c, ...t.shape.slice(1)], Array.from(t.data.slice(start * row, (start + c) * row)));
          }
          expectRef(() => slice(t, start as never, count as never), ref);
          // gather(indices)
          if (t.rank === 0) ref = fail('INVALID_ARGUMENT');
          else if (!Array.isArray(indices) && !isNumTyped(indices)) ref = fail('INVALID_ARGUMENT');
          else {
            const ix = Array.from(indices as ArrayLike<unknown>);
            if (!ix.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0 && r < n)) ref = fail('INVALID_ARGUMENT');
            else ref = ok([ix.length, ...t.shape.slice(1)], (ix as number[]).flatMap((r) => Array.from(t.data.slice(r * row, (r + 1) * row))));
          }
          expectRef(() => gather(t, indices as never), ref);
          // concat of `copies` copies along `axis`
          const list = Array.from({ length: copies }, () => t);
          if (copies === 0) ref = fail('INVALID_ARGUMENT');
          else if (axis !== undefined && (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -t.rank || axis >= t.rank)) ref = fail('INVALID_ARGUMENT');
          else if (axis === undefined && t.rank === 0) ref = fail('INVALID_ARGUMENT');
          else {
            const ax = axis ?? 0;
            const a = ax < 0 ? ax + t.rank : ax;
            const outer = size(t.shape.slice(0, a));
            const chunk = t.size / Math.max(outer, 1);
            const data: number[] = [];
            for (let o = 0; o < outer; o++) for (let c = 0; c < copies; c++) data.push(...Array.from(t.data.slice(o * chunk, (o + 1) * chunk)));
            const shape = t.shape.slice();
            shape[a] = shape[a]! * copies;
            ref = ok(shape, outer === 0 ? [] : data);
          }
          expectRef(() => concat(list, axis as never), ref);
        },
      ),
      opts('rows'),
    );
  });

  it(`exp, log, sqrt, abs and map (seed ${plan('elementwise').seed}, ${plan('elementwise').runs} runs × 5)`, () => {
    const result = fc.oneof({ weight: 3, arbitrary: fc.double() }, { weight: 1, arbitrary: weirdScalar });
    fc.assert(
      fc.property(tensorOf(smallShape), fc.array(result, { minLength: 1, maxLength: 4 }), (t, outs) => {
        const pairs: [(x: never) => Tensor, (v: number) => number][] = [[exp, Math.exp], [log, Math.log], [sqrt, Math.sqrt], [abs, Math.abs]];
        for (const [f, g] of pairs) expectRef(() => f(t as never), ok(t.shape.slice(), Array.from(t.data, g)));
        // map with an f whose results are taken in turn from `outs` (numbers or anything else).
        const results = Array.from(t.data, (_, i) => outs[i % outs.length]);
        const firstBad = results.findIndex((r) => typeof r !== 'number');
        const ref = firstBad >= 0 ? fail('INVALID_ARGUMENT') : ok(t.shape.slice(), results as number[]);
        expectRef(() => map(t, (_v, i) => results[i] as number), ref);
      }),
      opts('elementwise'),
    );
  });

  it(`every tensor function and Tensor method with arguments of any kind (seed ${plan('tensor-any').seed}, ${plan('tensor-any').runs} runs × ${plan('tensor-any').entryPoints.length})`, () => {
    const sample = new Tensor(Float64Array.of(1, -2, 3, 0.5, 0, -0), [2, 3]);
    const fns: Record<string, (...a: never[]) => unknown> = {
      tensor, zeros, ones, fill, randomUniform, randomNormal, reshape, toTensor, add, sub, mul, div, pow, map, exp, log, sqrt, abs, matMul,
      transpose, sum, mean, max, argMax, slice, gather, concat, broadcastShapes, gemm, erf, erfc, activate, activationGradient,
      'new Tensor': (...a: never[]) => new Tensor(...(a as unknown as [Float64Array, number[]])),
      'Tensor.get': (...a: never[]) => sample.get(...(a as number[])),
      'Tensor.reshape': (...a: never[]) => sample.reshape(a[0]),
      'Tensor.toArray': () => sample.toArray(),
    };
    expect(Object.keys(fns).sort()).toEqual(plan('tensor-any').entryPoints.slice().sort());
    const args = fc.array(fc.oneof({ weight: 4, arbitrary: weird }, { weight: 1, arbitrary: fc.constantFrom<unknown>(sample, [[1, 2], [3, 4]], [0, 1], 'relu', 'softmax', 0, 1, true) }), { maxLength: 4 });
    fc.assert(
      fc.property(args, (a) => {
        for (const [name, f] of Object.entries(fns)) {
          outcome(() => f(...(a as never[])), name.startsWith('activ') ? [...BAD, 'UNKNOWN_NAME'] : BAD, (r) => {
            if (r instanceof Tensor) expectValidTensor(r);
            else if (name !== 'gemm' && name !== 'Tensor.toArray') expect(['number', 'object'], name).toContain(typeof r);
          });
        }
      }),
      opts('tensor-any'),
    );
    // The sample tensor was never changed by any of it.
    expect(Array.from(sample.data)).toEqual([1, -2, 3, 0.5, 0, -0]);
  });
});
