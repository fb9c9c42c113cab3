/**
 * The bottom of the tensor modules: sizes, shapes and allocation, with no Tensor class. Everything
 * above builds on these: compute.ts and reduce.ts (the math, on plain `{ data, shape }`), parse.ts
 * (nested arrays to data), tensor.ts (the Tensor class and its constructors) and ops.ts (the
 * public functions). No module here imports one above it, so there is no import circle.
 */
import { NumnetError, describe, fmtShape } from '../errors.js';

/** The largest number of elements a tensor may hold (2 GiB of float64). */
export const MAX_SIZE = 2 ** 28;
/** The largest number of axes (NumPy's limit); deeper nesting (a cyclic array, say) is refused. */
export const MAX_RANK = 32;

/** Elements and shape, row-major: a Tensor, or what the math below it returns. */
export interface TensorData {
  /** The elements, row-major and contiguous. */
  readonly data: Float64Array;
  /** The size of each axis; their product is `data.length`. */
  readonly shape: readonly number[];
}

/**
 * A new Float64Array of `size` zeros; INVALID_ARGUMENT instead of a RangeError when the engine
 * cannot allocate it.
 */
export function allocate(size: number, what: string): Float64Array {
  try {
    return new Float64Array(size);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new NumnetError('INVALID_ARGUMENT', `${what}: cannot allocate ${size} float64 values (${(size * 8) / 2 ** 20} MiB): ${e.message}`);
    }
    throw e;
  }
}

/**
 * Validates a shape (an array of at most MAX_RANK integers in [0, MAX_SIZE], with at most MAX_SIZE
 * elements in all) and returns its number of elements.
 */
export function checkShape(shape: unknown, what: string): number {
  if (!Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be an array of sizes, got ${describe(shape)}`);
  }
  if (shape.length > MAX_RANK) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} has ${shape.length} axes, more than ${MAX_RANK}`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const n: unknown = shape[i];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SIZE) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${what} ${fmtShape(shape)} must hold integers in [0, ${MAX_SIZE}], got ${describe(n)} at axis ${i}`,
      );
    }
    size *= n;
  }
  if (size > MAX_SIZE) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} ${fmtShape(shape)} has ${size} elements, more than ${MAX_SIZE}`);
  }
  return size;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const n of shape) s *= n;
  return s;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** `axis` in [−rank, rank) as a non-negative axis, or INVALID_ARGUMENT naming `name` and the shape. */
export function normAxis(axis: number, rank: number, name: string, shape: readonly number[]): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new NumnetError('INVALID_ARGUMENT', `${name}(): axis ${describe(axis)} is out of range for shape ${fmtShape(shape)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * The shape `shape` asks of a tensor of shape `from` (`size` elements): one size may be -1 (inferred).
 * SHAPE_MISMATCH when the sizes disagree, INVALID_ARGUMENT when `shape` is not a shape.
 */
export function reshapeTarget(from: readonly number[], size: number, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `reshape(): shape must be an array, got ${describe(shape)}`);
  }
  const target: number[] = [];
  let free = -1;
  for (let i = 0; i < shape.length; i++) {
    const n: unknown = shape[i];
    if (n === -1 && free >= 0) {
      throw new NumnetError('SHAPE_MISMATCH', `reshape(): cannot reshape ${fmtShape(from)} to ${fmtShape(shape)}: only one size can be -1`);
    }
    if (n === -1) free = i;
    else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SIZE) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `reshape(): shape ${fmtShape(shape)} must hold integers in [0, ${MAX_SIZE}] and at most one -1, got ${describe(n)} at axis ${i}`,
      );
    }
    target.push(n as number);
  }
  if (target.length > MAX_RANK) {
    throw new NumnetError('INVALID_ARGUMENT', `reshape(): shape has ${target.length} axes, more than ${MAX_RANK}`);
  }
  if (free >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== free));
    if (known === 0 || size % known !== 0) {
      throw new NumnetError('SHAPE_MISMATCH', `reshape(): cannot reshape ${fmtShape(from)} to ${fmtShape(shape)}`);
    }
    target[free] = size / known;
  }
  const n = checkShape(target, 'reshape() shape');
  if (n !== size) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `reshape(): cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(shape)} (${n} elements)`,
    );
  }
  return target;
}
