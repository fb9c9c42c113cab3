import { NumnetError, checkBoolean, describe, fmtShape, isNumericTypedArray } from '../errors.js';
import { gemm } from './kernels.js';
import { MAX_SIZE, Tensor, TensorLike, allocate, checkShape, toTensor } from './tensor.js';

const enum Op {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
}

/** The NumPy broadcast of two shapes, or SHAPE_MISMATCH naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what = 'broadcast'): number[] {
  if (typeof what !== 'string') what = 'broadcast';
  checkShape(a, `${what}: shape a`);
  checkShape(b, `${what}: shape b`);
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new NumnetError('SHAPE_MISMATCH', `${what}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` seen inside the broadcast `outShape` (0 on broadcast axes). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = rank - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

function binary(a: TensorLike, b: TensorLike, op: Op, name: string): Tensor {
  const ta = toTensor(a, `${name}() a`);
  const tb = toTensor(b, `${name}() b`);
  const shape = broadcastShapes(ta.shape, tb.shape, `${name}()`);
  const size = checkShape(shape, `${name}(): the broadcast shape`);
  const out = allocate(size, `${name}()`);
  const A = ta.data;
  const B = tb.data;
  if (ta.size === size && tb.size === size) {
    applyOp(op, A, B, out, 0, 1, 0, 1, 0, size);
  } else if (tb.size === 1) {
    applyOp(op, A, B, out, 0, 1, 0, 0, 0, size);
  } else if (ta.size === 1) {
    applyOp(op, A, B, out, 0, 0, 0, 1, 0, size);
  } else {
    // General case: walk the output one innermost row at a time.
    const rank = shape.length;
    const sa = broadcastStrides(ta.shape, shape);
    const sb = broadcastStrides(tb.shape, shape);
    const inner = shape[rank - 1]!;
    const idx = new Array<number>(rank).fill(0);
    for (let o = 0; o < size; o += inner) {
      let ia = 0;
      let ib = 0;
      for (let d = 0; d < rank - 1; d++) {
        ia += idx[d]! * sa[d]!;
        ib += idx[d]! * sb[d]!;
      }
      applyOp(op, A, B, out, ia, sa[rank - 1]!, ib, sb[rank - 1]!, o, inner);
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return new Tensor(out, shape);
}

function applyOp(
  op: Op,
  A: Float64Array,
  B: Float64Array,
  out: Float64Array,
  ia: number,
  sa: number,
  ib: number,
  sb: number,
  o: number,
  n: number,
): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! + B[ib + i * sb]!;
      break;
    case Op.Sub:
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! - B[ib + i * sb]!;
      break;
    case Op.Mul:
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! * B[ib + i * sb]!;
      break;
    case Op.Div:
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! / B[ib + i * sb]!;
      break;
    case Op.Pow:
      for (let i = 0; i < n; i++) out[o + i] = Math.pow(A[ia + i * sa]!, B[ib + i * sb]!);
      break;
  }
}

/** a + b, element-wise with NumPy broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary(a, b, Op.Add, 'add');
}
/** a − b, element-wise with NumPy broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary(a, b, Op.Sub, 'sub');
}
/** a · b, element-wise with NumPy broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary(a, b, Op.Mul, 'mul');
}
/** a / b, element-wise with NumPy broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary(a, b, Op.Div, 'div');
}
/** a ** b, element-wise with NumPy broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary(a, b, Op.Pow, 'pow');
}

/** f applied to every element. */
export function map(x: TensorLike, f: (value: number, index: number) => number): Tensor {
  const t = toTensor(x, 'map() x');
  if (typeof f !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `map(): f must be a function, got ${describe(f)}`);
  }
  const out = new Float64Array(t.size);
  for (let i = 0; i < out.length; i++) {
    const v: unknown = f(t.data[i]!, i);
    if (typeof v !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `map(): f returned ${describe(v)} for element ${i}; it must return a number`);
    }
    out[i] = v;
  }
  return new Tensor(out, t.shape);
}

function unary(x: TensorLike, f: (v: number) => number, name: string): Tensor {
  const t = toTensor(x, `${name}() x`);
  const out = new Float64Array(t.size);
  const d = t.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]!);
  return new Tensor(out, t.shape);
}

/** e^x element-wise. */
export function exp(x: TensorLike): Tensor {
  return unary(x, Math.exp, 'exp');
}
/** Natural log element-wise. */
export function log(x: TensorLike): Tensor {
  return unary(x, Math.log, 'log');
}
/** Square root element-wise. */
export function sqrt(x: TensorLike): Tensor {
  return unary(x, Math.sqrt, 'sqrt');
}
/** Absolute value element-wise. */
export function abs(x: TensorLike): Tensor {
  return unary(x, Math.abs, 'abs');
}

/**
 * The 2-D matrix product op(a)·op(b); `transposeA`/`transposeB` use the transpose of an operand
 * without materialising it.
 */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const ta = toTensor(a, 'matMul() a');
  const tb = toTensor(b, 'matMul() b');
  checkBoolean(transposeA, 'matMul(): transposeA', false);
  checkBoolean(transposeB, 'matMul(): transposeB', false);
  if (ta.rank !== 2 || tb.rank !== 2) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `matMul() takes 2-D tensors, got a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)}`,
    );
  }
  const [ar, ac] = ta.shape as [number, number];
  const [br, bc] = tb.shape as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br;
  const n = transposeB ? br : bc;
  if (k !== kb) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `matMul(): inner sizes differ: a ${fmtShape(ta.shape)}${transposeA ? 'ᵀ' : ''} · b ${fmtShape(tb.shape)}${transposeB ? 'ᵀ' : ''} (${k} vs ${kb})`,
    );
  }
  const out = allocate(checkShape([m, n], 'matMul(): the product'), 'matMul()');
  gemm(transposeA, transposeB, m, n, k, ta.data, tb.data, out);
  return new Tensor(out, [m, n]);
}

/** Permutes the axes (default: reversed). */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x, 'transpose() x');
  const rank = t.rank;
  if (perm !== undefined && !Array.isArray(perm)) {
    throw new NumnetError('INVALID_ARGUMENT', `transpose(): perm must be an array of axes, got ${describe(perm)}`);
  }
  const p: number[] = [];
  if (perm === undefined) for (let i = 0; i < rank; i++) p.push(rank - 1 - i);
  else for (let i = 0; i < perm.length; i++) p.push(perm[i]!);
  const seen = new Set(p);
  let ok = p.length === rank && seen.size === rank;
  for (let i = 0; ok && i < p.length; i++) ok = Number.isInteger(p[i]) && p[i]! >= 0 && p[i]! < rank;
  if (!ok) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `transpose(): perm ${fmtShape(perm ?? [])} is not a permutation of the ${rank} axes of ${fmtShape(t.shape)}`,
    );
  }
  const outShape = p.map((a) => t.shape[a]!);
  const inStrides = stridesOf(t.shape);
  const out = new Float64Array(t.size);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * inStrides[p[d]!]!;
    out[o] = t.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

function normAxis(axis: number, rank: number, name: string, shape: readonly number[]): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new NumnetError('INVALID_ARGUMENT', `${name}(): axis ${describe(axis)} is out of range for shape ${fmtShape(shape)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

const enum Reduce {
  Sum,
  Max,
  ArgMax,
}

function reduce(x: TensorLike, axis: number | undefined, keepDims: boolean, kind: Reduce, name: string): Tensor {
  const t = toTensor(x, `${name}() x`);
  checkBoolean(keepDims, `${name}(): keepDims`, false);
  if (axis === undefined) {
    if (kind !== Reduce.Sum && t.size === 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${name}() of an empty tensor ${fmtShape(t.shape)}`);
    }
    const d = t.data;
    let r = kind === Reduce.Sum ? 0 : -Infinity;
    let arg = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (kind === Reduce.Sum) r += v;
      else if (v > r || (Number.isNaN(v) && !Number.isNaN(r))) {
        r = v;
        arg = i;
      }
    }
    const shape = keepDims ? t.shape.map(() => 1) : [];
    return new Tensor(Float64Array.of(kind === Reduce.ArgMax ? arg : r), shape);
  }
  const a = normAxis(axis, t.rank, name, t.shape);
  const outer = t.shape.slice(0, a).reduce((p, n) => p * n, 1);
  const len = t.shape[a]!;
  const inner = t.shape.slice(a + 1).reduce((p, n) => p * n, 1);
  if (len === 0 && kind !== Reduce.Sum) {
    throw new NumnetError('INVALID_ARGUMENT', `${name}() over an empty axis ${a} of ${fmtShape(t.shape)}`);
  }
  const out = new Float64Array(outer * inner);
  const d = t.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let r = kind === Reduce.Sum ? 0 : -Infinity;
      let arg = 0;
      for (let j = 0; j < len; j++) {
        const v = d[base + j * inner]!;
        if (kind === Reduce.Sum) r += v;
        else if (v > r || (Number.isNaN(v) && !Number.isNaN(r))) {
          r = v;
          arg = j;
        }
      }
      out[o * inner + i] = kind === Reduce.ArgMax ? arg : r;
    }
  }
  const shape = t.shape.slice();
  if (keepDims) shape[a] = 1;
  else shape.splice(a, 1);
  return new Tensor(out, shape);
}

/** Sum over `axis` (all elements when omitted). */
export function sum(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return reduce(x, axis, keepDims, Reduce.Sum, 'sum');
}

/** Mean over `axis` (all elements when omitted). */
export function mean(x: TensorLike, axis?: number, keepDims = false): Tensor {
  const t = toTensor(x, 'mean() x');
  const s = reduce(t, axis, keepDims, Reduce.Sum, 'mean'); // mean of an empty set is NaN, as NumPy
  const n = axis === undefined ? t.size : t.shape[normAxis(axis, t.rank, 'mean', t.shape)]!;
  for (let i = 0; i < s.data.length; i++) s.data[i]! /= n;
  return s;
}

/** Maximum over `axis` (all elements when omitted); NaN wins. */
export function max(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return reduce(x, axis, keepDims, Reduce.Max, 'max');
}

/** Index of the maximum over `axis` (the flat index when omitted); the first one on ties. */
export function argMax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return reduce(x, axis, keepDims, Reduce.ArgMax, 'argMax');
}

/** `argMax` under the specification's lower-case name. */
export const argmax = argMax;

/** Rows `start … start + size − 1` along axis 0 (size defaults to the rest). */
export function slice(x: TensorLike, start: number, size?: number): Tensor {
  const t = toTensor(x, 'slice() x');
  if (t.rank === 0) throw new NumnetError('INVALID_ARGUMENT', 'slice() needs at least one axis, got a scalar');
  const n = t.shape[0]!;
  if (typeof start !== 'number' || (size !== undefined && typeof size !== 'number')) {
    throw new NumnetError('INVALID_ARGUMENT', `slice(): start and size must be integers, got ${describe(start)} and ${describe(size)}`);
  }
  const count = size ?? n - start;
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > n) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `slice(): rows ${describe(start)}..${describe(start)}+${describe(size)} are out of range for shape ${fmtShape(t.shape)}`,
    );
  }
  const row = t.size / (n || 1);
  const shape = t.shape.slice();
  shape[0] = count;
  return new Tensor(t.data.slice(start * row, (start + count) * row), shape);
}

/** The rows `indices` along axis 0, in that order (a batch). */
export function gather(x: TensorLike, indices: ArrayLike<number>): Tensor {
  const t = toTensor(x, 'gather() x');
  if (t.rank === 0) throw new NumnetError('INVALID_ARGUMENT', 'gather() needs at least one axis, got a scalar');
  const n = t.shape[0]!;
  if (!Array.isArray(indices) && !isNumericTypedArray(indices)) {
    throw new NumnetError('INVALID_ARGUMENT', `gather(): indices must be an array or a typed array of row numbers, got ${describe(indices)}`);
  }
  const row = n === 0 ? 0 : t.size / n;
  if (indices.length * row > MAX_SIZE || indices.length > MAX_SIZE) {
    throw new NumnetError('INVALID_ARGUMENT', `gather(): ${indices.length} rows of ${row} values are more than ${MAX_SIZE} elements`);
  }
  const out = allocate(indices.length * row, 'gather()');
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new NumnetError('INVALID_ARGUMENT', `gather(): index ${describe(r)} is out of range for ${n} rows`);
    }
    out.set(t.data.subarray(r * row, (r + 1) * row), i * row);
  }
  const shape = t.shape.slice();
  shape[0] = indices.length;
  return new Tensor(out, shape);
}

/** Joins tensors along `axis`; all other sizes must agree. */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', 'concat() needs a non-empty array of tensors');
  }
  const ts: Tensor[] = [];
  for (let i = 0; i < tensors.length; i++) ts.push(toTensor(tensors[i]!, `concat() tensors[${i}]`));
  const first = ts[0]!;
  const a = normAxis(axis, first.rank, 'concat', first.shape);
  for (const t of ts) {
    if (t.rank !== first.rank || t.shape.some((n, d) => d !== a && n !== first.shape[d])) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `concat(): shapes ${ts.map((u) => fmtShape(u.shape)).join(', ')} differ outside axis ${a}`,
      );
    }
  }
  const outer = first.shape.slice(0, a).reduce((p, n) => p * n, 1);
  const inner = first.shape.slice(a + 1).reduce((p, n) => p * n, 1);
  const total = ts.reduce((p, t) => p + t.shape[a]!, 0);
  const shape = first.shape.slice();
  shape[a] = total;
  const out = allocate(checkShape(shape, 'concat(): the result'), 'concat()');
  let offset = 0;
  for (const t of ts) {
    const chunk = t.shape[a]! * inner;
    for (let o = 0; o < outer; o++) {
      out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + offset);
    }
    offset += chunk;
  }
  return new Tensor(out, shape);
}
