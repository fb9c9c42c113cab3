import { NumnetError, checkNumber, checkOptions, describe, fmtShape, isNumericTypedArray } from '../errors.js';
import { Random, getGlobalRandom } from '../random.js';

/** Nested arrays of numbers, as `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];
/**
 * Anything a public function accepts as data: a tensor, a number, nested arrays of numbers, or a
 * typed array of numbers (Float64Array, Float32Array, Int32Array, …; converted to float64; also as
 * the rows of a nested array).
 */
export type TensorLike = Tensor | NestedArray | readonly number[] | NumericArray | readonly (readonly number[] | NumericArray)[];

/** A typed array of numbers (not BigInt64Array/BigUint64Array). */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/** The largest number of elements a tensor may hold (2 GiB of float64). */
export const MAX_SIZE = 2 ** 28;
/** The most elements `toArray` turns into nested JS arrays (V8 cannot make much longer ones). */
const MAX_NESTED = 2 ** 26;
/** The largest number of axes (NumPy's limit); deeper nesting (a cyclic array, say) is refused. */
export const MAX_RANK = 32;

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
 * A dense float64 tensor: `data` holds the elements row-major and contiguous, `shape` the sizes.
 * A tensor of shape `[]` is a scalar with one element.
 */
export class Tensor {
  /** The elements, row-major and contiguous. */
  readonly data: Float64Array;
  /** The size of each axis (frozen); `[]` for a scalar. */
  readonly shape: readonly number[];

  constructor(data: Float64Array, shape: readonly number[]) {
    const size = checkShape(shape, 'shape');
    if (!(data instanceof Float64Array)) {
      throw new NumnetError('INVALID_ARGUMENT', `Tensor data must be a Float64Array, got ${describe(data)}`);
    }
    if (data.length !== size) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `Tensor data has ${data.length} elements but shape ${fmtShape(shape)} needs ${size}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze(shape.map((n) => n + 0)); // + 0: a size of −0 (slice(x, 0, -0)) is 0
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** The element at `index` (one index per axis; negative counts from the end). */
  get(...index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `get() needs ${this.shape.length} indices for shape ${fmtShape(this.shape)}, got ${index.length}`,
      );
    }
    let flat = 0;
    for (let d = 0; d < index.length; d++) {
      const n = this.shape[d]!;
      let i = index[d]!;
      if (!Number.isInteger(i) || i < -n || i >= n) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `get(): index ${describe(i)} on axis ${d} is out of range for shape ${fmtShape(this.shape)}`,
        );
      }
      if (i < 0) i += n;
      flat = flat * n + i;
    }
    return this.data[flat]!;
  }

  /** The elements as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    if (this.size > MAX_NESTED) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `toArray(): ${this.size} elements are more than nested JS arrays can hold here (${MAX_NESTED}); read tensor.data (a Float64Array) instead`,
      );
    }
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const out: NestedArray[] = new Array(n);
      if (axis === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = this.data[offset + i]!;
        return out;
      }
      let stride = 1;
      for (let d = axis + 1; d < this.shape.length; d++) stride *= this.shape[d]!;
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** The same data seen with another shape (one size may be -1). Shares the buffer. */
  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }

  /** A copy with its own buffer. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** `Tensor(shape=[2, 2], [[1, 2], [3, 4]])`. */
  toString(): string {
    if (this.size > 1000) {
      // As NumPy: a large tensor is summarized (its first and last values).
      const d = this.data;
      const ends = [...Array.from(d.subarray(0, 3)), '…', ...Array.from(d.subarray(d.length - 3))];
      return `Tensor(shape=${fmtShape(this.shape)}, data=[${ends.join(', ')}])`;
    }
    const fmt = (v: NestedArray): string => (Array.isArray(v) ? `[${v.map(fmt).join(', ')}]` : String(v));
    return `Tensor(shape=${fmtShape(this.shape)}, ${fmt(this.toArray())})`;
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

function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const n of shape) s *= n;
  return s;
}

/**
 * Makes a tensor from nested arrays, a flat `number[]` or typed array with a `shape`, a scalar, or
 * a tensor (returned as it is, or reshaped when a shape is given). Typed arrays of any numeric kind
 * (Float32Array, Int32Array, …) are converted to float64, also as the rows of nested arrays.
 * Ragged arrays are SHAPE_MISMATCH; anything that is not a number (strings, BigInts, holes of sparse
 * arrays, …) is INVALID_ARGUMENT naming its position. NaN and ±Infinity are kept (a model refuses
 * them as inputs).
 */
export function tensor(values: TensorLike, shape?: readonly number[]): Tensor {
  if (shape !== undefined && !Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `tensor(): shape must be an array of sizes, got ${describe(shape)}`);
  }
  if (values instanceof Tensor) return shape === undefined ? values : reshape(values, shape);
  if (typeof values === 'number') {
    if (shape === undefined) return new Tensor(Float64Array.of(values), []);
    return fill(shape, values);
  }
  if (isNumericTypedArray(values) || (shape !== undefined && isFlatNumbers(values))) {
    const flat = isNumericTypedArray(values) ? typedToFloat64(values) : flatFromNumbers(values as readonly number[], 'values');
    const t = new Tensor(flat, [flat.length]);
    return shape === undefined ? t : reshape(t, shape);
  }
  if (!Array.isArray(values)) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `tensor() takes numbers, nested arrays of numbers or a typed array of numbers, got ${describe(values)}`,
    );
  }
  const inferred = inferShape(values);
  const data = allocate(checkShape(inferred, 'tensor(): the shape of the nested arrays'), 'tensor()');
  const rank = inferred.length;
  let k = 0;
  // Depth-first over the nested arrays; `index` is only read to name a bad element.
  const index = new Array<number>(rank).fill(0);
  const bad = (axis: number, code: 'SHAPE_MISMATCH' | 'INVALID_ARGUMENT', message: string): NumnetError =>
    new NumnetError(code, `tensor(): element at [${index.slice(0, axis).join(', ')}] ${message}`);
  const walk = (v: unknown, axis: number): void => {
    if (axis === rank - 1) {
      if (isNumericTypedArray(v)) {
        if (v.length !== inferred[axis]) {
          throw bad(axis, 'SHAPE_MISMATCH', `has length ${v.length} where an array of length ${inferred[axis]} was expected (ragged array)`);
        }
        for (let i = 0; i < v.length; i++) data[k++] = v[i]!;
        return;
      }
      if (!Array.isArray(v) || v.length !== inferred[axis]) {
        throw bad(axis, 'SHAPE_MISMATCH', `is ${describe(v)} where an array of length ${inferred[axis]} was expected (ragged array)`);
      }
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x !== 'number') {
          index[axis] = i;
          if (Array.isArray(x) || isNumericTypedArray(x)) {
            throw bad(axis + 1, 'SHAPE_MISMATCH', `is ${describe(x)} where a number was expected (ragged array)`);
          }
          throw bad(axis + 1, 'INVALID_ARGUMENT', `is ${describe(x)}, not a number`);
        }
        data[k++] = x;
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== inferred[axis]) {
      throw bad(axis, 'SHAPE_MISMATCH', `is ${describe(v)} where an array of length ${inferred[axis]} was expected (ragged array)`);
    }
    for (let i = 0; i < v.length; i++) {
      index[axis] = i;
      walk(v[i], axis + 1);
    }
  };
  if (rank > 0 && data.length > 0) walk(values, 0);
  else if (rank > 0) checkEmpty(values, inferred);
  const t = new Tensor(data, inferred);
  return shape === undefined ? t : reshape(t, shape);
}

/** An empty nested array (some size 0) must still be rectangular up to the empty axis. */
function checkEmpty(values: unknown[], inferred: number[]): void {
  const visit = (v: unknown, axis: number, path: number[]): void => {
    if (axis === inferred.length) return;
    const ok = axis === inferred.length - 1 && isNumericTypedArray(v) ? v.length === inferred[axis] : Array.isArray(v) && v.length === inferred[axis];
    if (!ok) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `tensor(): element at [${path.join(', ')}] is ${describe(v)} where an array of length ${inferred[axis]} was expected (ragged array)`,
      );
    }
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) visit(v[i], axis + 1, [...path, i]);
  };
  visit(values, 0, []);
}

function typedToFloat64(v: ArrayLike<number>): Float64Array {
  if (v instanceof Float64Array) return v.slice();
  const out = allocate(v.length, 'tensor()');
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return out;
}

function isFlatNumbers(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

function flatFromNumbers(v: readonly number[], what: string): Float64Array {
  const out = allocate(v.length, 'tensor()');
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `${what}[${i}] is ${describe(x)}, not a number`);
    }
    out[i] = x;
  }
  return out;
}

/** The shape of nested arrays from their first elements (a typed array is the innermost axis). */
function inferShape(values: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v) || isNumericTypedArray(v)) {
    if (shape.length === MAX_RANK) {
      throw new NumnetError('INVALID_ARGUMENT', `tensor(): arrays nested more than ${MAX_RANK} deep (a cyclic array?)`);
    }
    shape.push(v.length);
    if (!Array.isArray(v) || v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** Converts any accepted data into a tensor (nested arrays, numbers, tensors). */
export function toTensor(x: TensorLike, what = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  try {
    return tensor(x);
  } catch (e) {
    if (e instanceof NumnetError) throw new NumnetError(e.code, `${typeof what === 'string' ? what : 'x'}: ${e.message}`);
    throw e;
  }
}

/** The same data seen with another shape; one size may be -1 (inferred). Shares the buffer. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'reshape() x');
  if (!Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `reshape(): shape must be an array, got ${describe(shape)}`);
  }
  const target: number[] = [];
  let free = -1;
  for (let i = 0; i < shape.length; i++) {
    const n: unknown = shape[i];
    if (n === -1 && free >= 0) {
      throw new NumnetError('SHAPE_MISMATCH', `reshape(): cannot reshape ${fmtShape(t.shape)} to ${fmtShape(shape)}: only one size can be -1`);
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
    if (known === 0 || t.size % known !== 0) {
      throw new NumnetError('SHAPE_MISMATCH', `reshape(): cannot reshape ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
    }
    target[free] = t.size / known;
  }
  const size = checkShape(target, 'reshape() shape');
  if (size !== t.size) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `reshape(): cannot reshape ${fmtShape(t.shape)} (${t.size} elements) to ${fmtShape(shape)} (${size} elements)`,
    );
  }
  return new Tensor(t.data, target);
}

/** A tensor of the given shape with every element `value`. */
export function fill(shape: readonly number[], value: number): Tensor {
  if (typeof value !== 'number') {
    throw new NumnetError('INVALID_ARGUMENT', `fill(): value must be a number, got ${describe(value)}`);
  }
  const data = allocate(checkShape(shape, 'shape'), 'fill()');
  if (!Object.is(value, 0)) data.fill(value); // −0 too
  return new Tensor(data, shape);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return fill(shape, 0);
}

/** A tensor of ones. */
export function ones(shape: readonly number[]): Tensor {
  return fill(shape, 1);
}

/** Options of the random constructors: a seed, or a generator to draw from. */
export interface RandomOptions {
  /** A seed for a new generator. */
  seed?: number;
  /** A generator to draw from (its state advances). */
  random?: Random;
}

function rngOf(options: RandomOptions | number | undefined, what: string): Random {
  if (typeof options === 'number') return new Random(options);
  const o = checkOptions(options, ['seed', 'random'], what);
  if (o.random !== undefined) {
    if (!(o.random instanceof Random)) {
      throw new NumnetError('INVALID_ARGUMENT', `${what}: random must be a Random generator, got ${describe(o.random)}`);
    }
    if (o.seed !== undefined) throw new NumnetError('INVALID_ARGUMENT', `${what}: give seed or random, not both`);
    return o.random;
  }
  if (o.seed !== undefined) return new Random(checkNumber(o.seed, `${what}: seed`));
  return getGlobalRandom();
}

/** Uniform draws in [minval, maxval). Seedable: a seed number or `{ seed }`. */
export function randomUniform(
  shape: readonly number[],
  minval = 0,
  maxval = 1,
  options?: RandomOptions | number,
): Tensor {
  checkNumber(minval, 'randomUniform(): minval');
  checkNumber(maxval, 'randomUniform(): maxval');
  const rng = rngOf(options, 'randomUniform()');
  return fillFrom(shape, () => rng.uniform(minval, maxval));
}

/** Normal draws with the given mean and standard deviation. Seedable: a seed number or `{ seed }`. */
export function randomNormal(
  shape: readonly number[],
  mean = 0,
  stddev = 1,
  options?: RandomOptions | number,
): Tensor {
  checkNumber(mean, 'randomNormal(): mean');
  checkNumber(stddev, 'randomNormal(): stddev');
  const rng = rngOf(options, 'randomNormal()');
  return fillFrom(shape, () => rng.normal(mean, stddev));
}

/** A tensor of `shape` whose elements are successive draws of `draw`, in row-major order. */
function fillFrom(shape: readonly number[], draw: () => number): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = draw();
  return t;
}
