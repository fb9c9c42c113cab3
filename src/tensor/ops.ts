/**
 * The tensor functions of the public API. Each takes anything tensor-like and is the Tensor method
 * of the same name (`add(a, b)` is `toTensor(a).add(b)`); the math lives in compute.ts and
 * reduce.ts, below tensor.ts, so that the Tensor class can have these methods without an import
 * circle.
 */
import { NumnetError } from '../errors.js';
import { mapData } from './compute.js';
import { concatData } from './reduce.js';
import { Tensor, TensorLike, toTensor } from './tensor.js';

export { broadcastShapes } from './compute.js';

/** a + b, element-wise with NumPy broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return toTensor(a, 'add() a').add(b);
}
/** a − b, element-wise with NumPy broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return toTensor(a, 'sub() a').sub(b);
}
/** a · b, element-wise with NumPy broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return toTensor(a, 'mul() a').mul(b);
}
/** a / b, element-wise with NumPy broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return toTensor(a, 'div() a').div(b);
}
/** a ** b, element-wise with NumPy broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return toTensor(a, 'pow() a').pow(b);
}

/** f applied to every element. */
export function map(x: TensorLike, f: (value: number, index: number) => number): Tensor {
  const r = mapData(toTensor(x, 'map() x'), f);
  return new Tensor(r.data, r.shape);
}

/** e^x element-wise. */
export function exp(x: TensorLike): Tensor {
  return toTensor(x, 'exp() x').exp();
}
/** Natural log element-wise. */
export function log(x: TensorLike): Tensor {
  return toTensor(x, 'log() x').log();
}
/** Square root element-wise. */
export function sqrt(x: TensorLike): Tensor {
  return toTensor(x, 'sqrt() x').sqrt();
}
/** Absolute value element-wise. */
export function abs(x: TensorLike): Tensor {
  return toTensor(x, 'abs() x').abs();
}

/**
 * The 2-D matrix product op(a)·op(b); `transposeA`/`transposeB` use the transpose of an operand
 * without materialising it.
 */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  return toTensor(a, 'matMul() a').matMul(b, transposeA, transposeB);
}

/** Permutes the axes (default: reversed). */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  return toTensor(x, 'transpose() x').transpose(perm);
}

/** Sum over `axis` (all elements when omitted). */
export function sum(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return toTensor(x, 'sum() x').sum(axis, keepDims);
}

/** Mean over `axis` (all elements when omitted). */
export function mean(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return toTensor(x, 'mean() x').mean(axis, keepDims);
}

/** Maximum over `axis` (all elements when omitted); NaN wins. */
export function max(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return toTensor(x, 'max() x').max(axis, keepDims);
}

/** Index of the maximum over `axis` (the flat index when omitted); the first one on ties. */
export function argMax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return toTensor(x, 'argMax() x').argMax(axis, keepDims);
}

/** `argMax` under the specification's lower-case name. */
export const argmax = argMax;

/** Rows `start … start + size − 1` along axis 0 (size defaults to the rest). */
export function slice(x: TensorLike, start: number, size?: number): Tensor {
  return toTensor(x, 'slice() x').slice(start, size);
}

/** The rows `indices` along axis 0, in that order (a batch). */
export function gather(x: TensorLike, indices: ArrayLike<number>): Tensor {
  return toTensor(x, 'gather() x').gather(indices);
}

/** Joins tensors along `axis`; all other sizes must agree. */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', 'concat() needs a non-empty array of tensors');
  }
  const ts: Tensor[] = [];
  for (let i = 0; i < tensors.length; i++) ts.push(toTensor(tensors[i]!, `concat() tensors[${i}]`));
  const r = concatData(ts, axis);
  return new Tensor(r.data, r.shape);
}
