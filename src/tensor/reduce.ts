/**
 * Reductions (sum, mean, max, argMax) and row selection (slice, gather, concat) on plain
 * `{ data, shape }` (a Tensor is one), for the Tensor methods (tensor.ts) and the public functions
 * (ops.ts).
 */
import { NumnetError, checkBoolean, describe, fmtShape, isNumericTypedArray } from '../errors.js';
import { MAX_SIZE, TensorData, allocate, checkShape, normAxis } from './shape.js';

/** The reductions, by the name of their function. */
export type Reduction = 'sum' | 'max' | 'argMax';

/** Sum, maximum (NaN wins) or index of the maximum (the first on ties) over one axis or all. */
export function reduce(t: TensorData, axis: number | undefined, keepDims: boolean, kind: Reduction, name: string = kind): TensorData {
  checkBoolean(keepDims, `${name}(): keepDims`, false);
  if (axis === undefined) return reduceAll(t, keepDims, kind, name);
  const rank = t.shape.length;
  const a = normAxis(axis, rank, name, t.shape);
  const outer = t.shape.slice(0, a).reduce((p, n) => p * n, 1);
  const len = t.shape[a]!;
  const inner = t.shape.slice(a + 1).reduce((p, n) => p * n, 1);
  if (len === 0 && kind !== 'sum') {
    throw new NumnetError('INVALID_ARGUMENT', `${name}() over an empty axis ${a} of ${fmtShape(t.shape)}`);
  }
  const out = new Float64Array(outer * inner);
  const d = t.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let r = kind === 'sum' ? 0 : -Infinity;
      let arg = 0;
      for (let j = 0; j < len; j++) {
        const v = d[base + j * inner]!;
        if (kind === 'sum') r += v;
        else if (v > r || (Number.isNaN(v) && !Number.isNaN(r))) {
          r = v;
          arg = j;
        }
      }
      out[o * inner + i] = kind === 'argMax' ? arg : r;
    }
  }
  const shape = t.shape.slice();
  if (keepDims) shape[a] = 1;
  else shape.splice(a, 1);
  return { data: out, shape };
}

/** The reduction of every element (the flat index for argMax). */
function reduceAll(t: TensorData, keepDims: boolean, kind: Reduction, name: string): TensorData {
  const d = t.data;
  if (kind !== 'sum' && d.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', `${name}() of an empty tensor ${fmtShape(t.shape)}`);
  }
  let r = kind === 'sum' ? 0 : -Infinity;
  let arg = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (kind === 'sum') r += v;
    else if (v > r || (Number.isNaN(v) && !Number.isNaN(r))) {
      r = v;
      arg = i;
    }
  }
  const shape = keepDims ? t.shape.map(() => 1) : [];
  return { data: Float64Array.of(kind === 'argMax' ? arg : r), shape };
}

/** Mean over `axis` (all elements when omitted); the mean of nothing is NaN, as NumPy's. */
export function meanData(t: TensorData, axis: number | undefined, keepDims: boolean): TensorData {
  const s = reduce(t, axis, keepDims, 'sum', 'mean');
  const n = axis === undefined ? t.data.length : t.shape[normAxis(axis, t.shape.length, 'mean', t.shape)]!;
  for (let i = 0; i < s.data.length; i++) s.data[i]! /= n;
  return s;
}

/** Rows `start … start + size − 1` along axis 0 (size defaults to the rest), copied. */
export function sliceData(t: TensorData, start: number, size: number | undefined): TensorData {
  if (t.shape.length === 0) throw new NumnetError('INVALID_ARGUMENT', 'slice() needs at least one axis, got a scalar');
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
  const row = t.data.length / (n || 1);
  const shape = t.shape.slice();
  shape[0] = count;
  return { data: t.data.slice(start * row, (start + count) * row), shape };
}

/** The rows `indices` along axis 0, in that order, copied. */
export function gatherData(t: TensorData, indices: ArrayLike<number>): TensorData {
  if (t.shape.length === 0) throw new NumnetError('INVALID_ARGUMENT', 'gather() needs at least one axis, got a scalar');
  const n = t.shape[0]!;
  if (!Array.isArray(indices) && !isNumericTypedArray(indices)) {
    throw new NumnetError('INVALID_ARGUMENT', `gather(): indices must be an array or a typed array of row numbers, got ${describe(indices)}`);
  }
  const row = n === 0 ? 0 : t.data.length / n;
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
  return { data: out, shape };
}

/** Joins tensors along `axis`; all other sizes must agree. */
export function concatData(ts: readonly TensorData[], axis: number): TensorData {
  const first = ts[0]!;
  const a = normAxis(axis, first.shape.length, 'concat', first.shape);
  for (const t of ts) {
    if (t.shape.length !== first.shape.length || t.shape.some((n, d) => d !== a && n !== first.shape[d])) {
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
  return { data: out, shape };
}
