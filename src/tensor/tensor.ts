import { NumnetError, checkNumber, checkOptions, describe, fmtShape } from '../errors.js';
import { Random, getGlobalRandom } from '../random.js';
// The Tensor methods (argMax, add, matMul, …) run the math of compute.ts and reduce.ts, which works
// on plain { data, shape } and sits below this module; ops.ts, above it, makes the public functions
// of the same names from these methods. So the class has the methods TF.js and NumPy users reach
// for without an import circle (the math importing this module back) and without installing them
// on Tensor.prototype from another module (a side effect of an import, which a bundler may drop
// under "sideEffects": false, leaving methods the types promise missing).
import { BinaryOp, binary, matMulData, transposeData, unary } from './compute.js';
import { foreignData, isTensorShaped, parseValues } from './parse.js';
import { gatherData, meanData, reduce, sliceData } from './reduce.js';
import { TensorData, allocate, checkShape, reshapeTarget } from './shape.js';

export { MAX_RANK, MAX_SIZE, allocate, checkShape } from './shape.js';

/** Nested arrays of numbers, as `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];
/**
 * Anything a public function accepts as data: a tensor, a number, nested arrays of numbers, or a
 * typed array of numbers (Float64Array, Float32Array, Int32Array, …; converted to float64; also as
 * the rows of a nested array), or any object with a Float64Array `data` and a `shape` that agree (a
 * tensor of another copy of numnet, such as its CommonJS build beside the ESM one; not copied).
 */
export type TensorLike =
  | Tensor
  | NestedArray
  | readonly number[]
  | NumericArray
  | readonly (readonly number[] | NumericArray)[]
  | {
      /** The elements, row-major and contiguous. */
      readonly data: Float64Array;
      /** The size of each axis; their product is `data.length`. */
      readonly shape: readonly number[];
    };

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

/** The most elements `toArray` turns into nested JS arrays (V8 cannot make much longer ones). */
const MAX_NESTED = 2 ** 26;

/** A Tensor over the result of the math (its data not copied). */
const wrap = (r: TensorData): Tensor => new Tensor(r.data, r.shape);
/** `a op b` for the element-wise methods; `b` is converted first (its errors name `op() b`). */
const elementwise = (a: Tensor, b: TensorLike, op: BinaryOp): Tensor => wrap(binary(a, toTensor(b, `${op}() b`), op));

/**
 * A dense float64 tensor: `data` holds the elements row-major and contiguous, `shape` the sizes.
 * A tensor of shape `[]` is a scalar with one element. The methods are the functions of the same
 * name (`t.add(1)` is `add(t, 1)`), as TF.js and NumPy users write them.
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
    // data and shape cannot be reassigned (their sizes must agree: a swapped buffer would feed
    // the kernels memory of another size); the elements of data stay writable.
    if (new.target === Tensor) Object.freeze(this);
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

  /** The elements as nested arrays, as TF.js's `arraySync` (the same as `toArray`). */
  arraySync(): NestedArray {
    return this.toArray();
  }

  /** A copy of the elements as a Float64Array, as TF.js's `dataSync` (`data` is the buffer itself). */
  dataSync(): Float64Array {
    return this.data.slice();
  }

  /** The same data seen with another shape (one size may be -1). Shares the buffer. */
  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }

  /** The elements as one axis of `size` elements (`reshape([-1])`). Shares the buffer. */
  flatten(): Tensor {
    return new Tensor(this.data, [this.size]);
  }

  /** this + other, element-wise with NumPy broadcasting (a tensor, nested arrays or a number). */
  add(other: TensorLike): Tensor {
    return elementwise(this, other, 'add');
  }

  /** this − other, element-wise with NumPy broadcasting. */
  sub(other: TensorLike): Tensor {
    return elementwise(this, other, 'sub');
  }

  /** this · other, element-wise with NumPy broadcasting. */
  mul(other: TensorLike): Tensor {
    return elementwise(this, other, 'mul');
  }

  /** this / other, element-wise with NumPy broadcasting. */
  div(other: TensorLike): Tensor {
    return elementwise(this, other, 'div');
  }

  /** this ** exponent, element-wise with NumPy broadcasting. */
  pow(exponent: TensorLike): Tensor {
    return elementwise(this, exponent, 'pow');
  }

  /** e^x element-wise. */
  exp(): Tensor {
    return wrap(unary(this, Math.exp));
  }

  /** Natural log element-wise. */
  log(): Tensor {
    return wrap(unary(this, Math.log));
  }

  /** Square root element-wise. */
  sqrt(): Tensor {
    return wrap(unary(this, Math.sqrt));
  }

  /** Absolute value element-wise. */
  abs(): Tensor {
    return wrap(unary(this, Math.abs));
  }

  /** The 2-D matrix product op(this)·op(b); the flags use a transpose without materialising it. */
  matMul(b: TensorLike, transposeA = false, transposeB = false): Tensor {
    return wrap(matMulData(this, toTensor(b, 'matMul() b'), transposeA, transposeB));
  }

  /** The axes permuted by `perm` (default: reversed). A copy. */
  transpose(perm?: readonly number[]): Tensor {
    return wrap(transposeData(this, perm));
  }

  /** Sum over `axis` (all elements when omitted); `keepDims` keeps that axis with size 1. */
  sum(axis?: number, keepDims = false): Tensor {
    return wrap(reduce(this, axis, keepDims, 'sum'));
  }

  /** Mean over `axis` (all elements when omitted); `keepDims` keeps that axis with size 1. */
  mean(axis?: number, keepDims = false): Tensor {
    return wrap(meanData(this, axis, keepDims));
  }

  /** Maximum over `axis` (all elements when omitted; NaN wins); `keepDims` keeps that axis. */
  max(axis?: number, keepDims = false): Tensor {
    return wrap(reduce(this, axis, keepDims, 'max'));
  }

  /**
   * Index of the maximum over `axis` (the flat index when omitted; the first on ties):
   * `model.predict(x).argMax(-1)` turns rows of class probabilities into class labels.
   */
  argMax(axis?: number, keepDims = false): Tensor {
    return wrap(reduce(this, axis, keepDims, 'argMax'));
  }

  /** `argMax` under NumPy's lower-case name. */
  argmax(axis?: number, keepDims = false): Tensor {
    return this.argMax(axis, keepDims);
  }

  /** Rows `start … start + size − 1` along axis 0 (size defaults to the rest). A copy. */
  slice(start: number, size?: number): Tensor {
    return wrap(sliceData(this, start, size));
  }

  /** The rows `indices` along axis 0, in that order (a batch). A copy. */
  gather(indices: ArrayLike<number>): Tensor {
    return wrap(gatherData(this, indices));
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
  let t: Tensor;
  if (values instanceof Tensor) t = values;
  else if (isTensorShaped(values)) t = wrap(foreignData(values, 'tensor()'));
  else if (typeof values === 'number') {
    if (shape === undefined) return new Tensor(Float64Array.of(values), []);
    return fill(shape, values);
  } else t = wrap(parseValues(values, shape !== undefined));
  return shape === undefined ? t : reshape(t, shape);
}

/**
 * Converts any accepted data into a tensor (nested arrays, numbers, tensors). A tensor is returned
 * as it is; so is, wrapped without copying its data, a tensor made by another copy of numnet (the
 * CommonJS build beside the ESM one, say, where `instanceof Tensor` fails): any object whose `data`
 * is a Float64Array and whose `shape` is an array of sizes with that many elements.
 */
export function toTensor(x: TensorLike, what = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof what !== 'string') what = 'x';
  if (isTensorShaped(x)) return wrap(foreignData(x, what));
  try {
    return tensor(x);
  } catch (e) {
    if (e instanceof NumnetError) throw new NumnetError(e.code, `${what}: ${e.message}`);
    throw e;
  }
}

/** The same data seen with another shape; one size may be -1 (inferred). Shares the buffer. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'reshape() x');
  return new Tensor(t.data, reshapeTarget(t.shape, t.size, shape));
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
