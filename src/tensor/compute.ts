/**
 * The element-wise math, the matrix product and transposition, on plain `{ data, shape }` (a Tensor
 * is one): the Tensor methods (tensor.ts) and the public functions (ops.ts) both call these, so
 * the math is written once and no module imports the Tensor class from below it.
 */
import { NumnetError, checkBoolean, describe, fmtShape } from '../errors.js';
import { gemm } from './kernels.js';
import { TensorData, allocate, checkShape, stridesOf } from './shape.js';

/** The element-wise binary operations, by the name of their function. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

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

/** `a op b` element-wise with NumPy broadcasting (errors name the function `op`). */
export function binary(ta: TensorData, tb: TensorData, op: BinaryOp): TensorData {
  const shape = broadcastShapes(ta.shape, tb.shape, `${op}()`);
  const size = checkShape(shape, `${op}(): the broadcast shape`);
  const out = allocate(size, `${op}()`);
  const A = ta.data;
  const B = tb.data;
  if (A.length === size && B.length === size) {
    applyOp(op, A, B, out, 0, 1, 0, 1, 0, size);
  } else if (B.length === 1) {
    applyOp(op, A, B, out, 0, 1, 0, 0, 0, size);
  } else if (A.length === 1) {
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
  return { data: out, shape };
}

function applyOp(
  op: BinaryOp,
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
    case 'add':
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! + B[ib + i * sb]!;
      break;
    case 'sub':
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! - B[ib + i * sb]!;
      break;
    case 'mul':
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! * B[ib + i * sb]!;
      break;
    case 'div':
      for (let i = 0; i < n; i++) out[o + i] = A[ia + i * sa]! / B[ib + i * sb]!;
      break;
    case 'pow':
      for (let i = 0; i < n; i++) out[o + i] = Math.pow(A[ia + i * sa]!, B[ib + i * sb]!);
      break;
  }
}

/** f applied to every element; f must return numbers. */
export function mapData(t: TensorData, f: (value: number, index: number) => number): TensorData {
  if (typeof f !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `map(): f must be a function, got ${describe(f)}`);
  }
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    const v: unknown = f(t.data[i]!, i);
    if (typeof v !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `map(): f returned ${describe(v)} for element ${i}; it must return a number`);
    }
    out[i] = v;
  }
  return { data: out, shape: t.shape };
}

/** f (a Math function) applied to every element. */
export function unary(t: TensorData, f: (v: number) => number): TensorData {
  const out = new Float64Array(t.data.length);
  const d = t.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]!);
  return { data: out, shape: t.shape };
}

/** The 2-D matrix product op(a)·op(b); the flags use a transpose without materialising it. */
export function matMulData(ta: TensorData, tb: TensorData, transposeA: boolean, transposeB: boolean): TensorData {
  checkBoolean(transposeA, 'matMul(): transposeA', false);
  checkBoolean(transposeB, 'matMul(): transposeB', false);
  if (ta.shape.length !== 2 || tb.shape.length !== 2) {
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
  return { data: out, shape: [m, n] };
}

/** The axes permuted by `perm` (default: reversed). */
export function transposeData(t: TensorData, perm: readonly number[] | undefined): TensorData {
  const rank = t.shape.length;
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
  const out = new Float64Array(t.data.length);
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
  return { data: out, shape: outShape };
}
