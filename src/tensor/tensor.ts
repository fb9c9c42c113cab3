import { NumnetError, describe, fmtShape } from '../errors.js';
import { Random, getGlobalRandom } from '../random.js';

/** Nested arrays of numbers, as `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];
/** Anything a public function accepts as data. */
export type TensorLike = Tensor | NestedArray | Float64Array | readonly number[];

/** The largest number of elements a tensor may hold (2 GiB of float64). */
export const MAX_SIZE = 2 ** 28;

/**
 * A dense float64 tensor: `data` holds the elements row-major and contiguous, `shape` the sizes.
 * A tensor of shape `[]` is a scalar with one element.
 */
export class Tensor {
  readonly data: Float64Array;
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
    this.shape = Object.freeze(shape.slice());
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

  toString(): string {
    const fmt = (v: NestedArray): string => (Array.isArray(v) ? `[${v.map(fmt).join(', ')}]` : String(v));
    return `Tensor(shape=${fmtShape(this.shape)}, ${fmt(this.toArray())})`;
  }
}

/** Validates a shape and returns its number of elements. */
export function checkShape(shape: unknown, what: string): number {
  if (!Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be an array of sizes, got ${describe(shape)}`);
  }
  let size = 1;
  for (const n of shape) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${what} ${JSON.stringify(shape)} must hold non-negative integers, got ${describe(n)}`,
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
 * Makes a tensor from nested arrays, a flat `number[]`/`Float64Array` with a `shape`, a scalar, or
 * a tensor (returned as it is, or reshaped when a shape is given).
 */
export function tensor(values: TensorLike, shape?: readonly number[]): Tensor {
  if (values instanceof Tensor) return shape === undefined ? values : reshape(values, shape);
  if (typeof values === 'number') {
    if (shape === undefined) return new Tensor(Float64Array.of(values), []);
    return fill(shape, values);
  }
  if (values instanceof Float64Array || (shape !== undefined && isFlatNumbers(values))) {
    const flat = values instanceof Float64Array ? values.slice() : flatFromNumbers(values as readonly number[], 'values');
    const t = new Tensor(flat, [flat.length]);
    return shape === undefined ? t : reshape(t, shape);
  }
  if (!Array.isArray(values)) {
    throw new NumnetError('INVALID_ARGUMENT', `tensor() takes numbers or nested arrays, got ${describe(values)}`);
  }
  const inferred = inferShape(values);
  const data = new Float64Array(checkShape(inferred, 'inferred shape'));
  let k = 0;
  const walk = (v: NestedArray, axis: number, path: number[]): void => {
    if (axis === inferred.length) {
      if (Array.isArray(v)) {
        throw new NumnetError(
          'SHAPE_MISMATCH',
          `tensor(): ragged array: element at [${path.join(', ')}] is ${describe(v)} where a number was expected`,
        );
      }
      if (typeof v !== 'number') {
        throw new NumnetError('INVALID_ARGUMENT', `tensor(): element at [${path.join(', ')}] is ${describe(v)}, not a number`);
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== inferred[axis]) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `tensor(): ragged array: element at [${path.join(', ')}] is ${describe(v)} where an array of length ${inferred[axis]} was expected`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i]!, axis + 1, [...path, i]);
  };
  walk(values as NestedArray, 0, []);
  const t = new Tensor(data, inferred);
  return shape === undefined ? t : reshape(t, shape);
}

function isFlatNumbers(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function flatFromNumbers(v: readonly number[], what: string): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `${what}[${i}] is ${describe(x)}, not a number`);
    }
    out[i] = x;
  }
  return out;
}

function inferShape(values: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
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
    if (e instanceof NumnetError) throw new NumnetError(e.code, `${what}: ${e.message}`);
    throw e;
  }
}

/** The same data seen with another shape; one size may be -1 (inferred). Shares the buffer. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  if (!Array.isArray(shape)) {
    throw new NumnetError('INVALID_ARGUMENT', `reshape(): shape must be an array, got ${describe(shape)}`);
  }
  const target = shape.slice();
  const free = target.indexOf(-1);
  if (free >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== free));
    if (known === 0 || t.size % known !== 0 || target.indexOf(-1, free + 1) >= 0) {
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
  const data = new Float64Array(checkShape(shape, 'shape'));
  if (value !== 0) data.fill(value);
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
  seed?: number;
  random?: Random;
}

function rngOf(options: RandomOptions | number | undefined): Random {
  if (typeof options === 'number') return new Random(options);
  if (options?.random) return options.random;
  if (options?.seed !== undefined) return new Random(options.seed);
  return getGlobalRandom();
}

/** Uniform draws in [minval, maxval). Seedable: a seed number or `{ seed }`. */
export function randomUniform(
  shape: readonly number[],
  minval = 0,
  maxval = 1,
  options?: RandomOptions | number,
): Tensor {
  const t = zeros(shape);
  const rng = rngOf(options);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(minval, maxval);
  return t;
}

/** Normal draws with the given mean and standard deviation. Seedable: a seed number or `{ seed }`. */
export function randomNormal(
  shape: readonly number[],
  mean = 0,
  stddev = 1,
  options?: RandomOptions | number,
): Tensor {
  const t = zeros(shape);
  const rng = rngOf(options);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(mean, stddev);
  return t;
}
