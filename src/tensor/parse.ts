/**
 * Numbers given as nested arrays, a flat `number[]` or a typed array, turned into float64 data and
 * a shape (no Tensor class here: tensor.ts wraps the result).
 */
import { NumnetError, describe, fmtShape, isNumericTypedArray } from '../errors.js';
import { MAX_RANK, TensorData, allocate, checkShape } from './shape.js';

/**
 * The data and shape of `values`: a typed array of any numeric kind (converted to float64, rank 1),
 * a flat `number[]` (rank 1, when `flat` says the caller gives a shape), or nested arrays whose
 * innermost rows may be typed arrays. Ragged arrays are SHAPE_MISMATCH; anything that is not a
 * number is INVALID_ARGUMENT naming its position.
 */
export function parseValues(values: unknown, flat: boolean): TensorData {
  if (isNumericTypedArray(values)) {
    const data = typedToFloat64(values);
    return { data, shape: [data.length] };
  }
  if (flat && isFlatNumbers(values)) {
    const data = flatFromNumbers(values as readonly number[], 'values');
    return { data, shape: [data.length] };
  }
  if (!Array.isArray(values)) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `tensor() takes numbers, nested arrays of numbers or a typed array of numbers, got ${describe(values)}`,
    );
  }
  const shape = inferShape(values);
  const data = allocate(checkShape(shape, 'tensor(): the shape of the nested arrays'), 'tensor()');
  if (shape.length > 0 && data.length > 0) fillFromNested(values, shape, data);
  else if (shape.length > 0) checkEmpty(values, shape);
  return { data, shape };
}

/**
 * Whether `x` looks like a tensor of another copy of numnet (the CommonJS build beside the ESM one,
 * say, where `instanceof Tensor` fails): an object, not an array or a typed array, with both a
 * `data` and a `shape`. `foreignData` then checks it.
 */
export function isTensorShaped(x: unknown): x is { data: unknown; shape: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'data' in x && 'shape' in x;
}

/**
 * The data and shape of a tensor-shaped object, its data not copied, after checking that the data
 * is a Float64Array and the shape an array of sizes whose product is its length; errors name `what`.
 */
export function foreignData(x: { data: unknown; shape: unknown }, what: string): TensorData {
  const { data, shape } = x;
  if (!(data instanceof Float64Array)) {
    const shown = Array.isArray(shape) ? fmtShape(shape) : describe(shape);
    throw new NumnetError('INVALID_ARGUMENT', `${what}: a tensor-like object (shape ${shown}) needs its data to be a Float64Array, got ${describe(data)}`);
  }
  const size = checkShape(shape, `${what}: the tensor-like object's shape`);
  if (data.length !== size) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `${what}: a tensor-like object has ${data.length} elements in its data but its shape ${fmtShape(shape as number[])} needs ${size}`,
    );
  }
  return { data, shape: shape as number[] };
}

type Bad = (axis: number, code: 'SHAPE_MISMATCH' | 'INVALID_ARGUMENT', message: string) => NumnetError;

/**
 * Copies nested arrays of the inferred `shape` into `data`, depth-first, checking every row. Nothing
 * is allocated per row (the error makers are made once), so converting 60,000 rows leaves no
 * garbage beyond `data` itself.
 */
function fillFromNested(values: unknown[], shape: number[], data: Float64Array): void {
  const rank = shape.length;
  const last = rank - 1;
  let k = 0;
  // `index` is only read to name a bad element.
  const index = new Array<number>(rank).fill(0);
  const bad: Bad = (axis, code, message) => new NumnetError(code, `tensor(): element at [${index.slice(0, axis).join(', ')}] ${message}`);
  const badInRow = (i: number, code: 'SHAPE_MISMATCH' | 'INVALID_ARGUMENT', message: string): NumnetError => {
    if (i >= 0) index[last] = i;
    return bad(i >= 0 ? rank : last, code, message);
  };
  const walk = (v: unknown, axis: number): void => {
    if (axis === last) {
      k = copyRow(v, shape[axis]!, data, k, badInRow);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw bad(axis, 'SHAPE_MISMATCH', `is ${describe(v)} where an array of length ${shape[axis]} was expected (ragged array)`);
    }
    // Up to the length checked above (read once: a Proxy may answer differently the next time).
    for (let i = 0, len = shape[axis]!; i < len; i++) {
      index[axis] = i;
      walk(v[i], axis + 1);
    }
  };
  walk(values, 0);
}

/**
 * Copies one innermost row (an array of numbers or a typed array of length `n`) into `data` at `k`
 * and returns the next position; `bad(i, …)` names element i of the row, `bad(-1, …)` the row.
 */
function copyRow(
  v: unknown,
  n: number,
  data: Float64Array,
  k: number,
  bad: (i: number, code: 'SHAPE_MISMATCH' | 'INVALID_ARGUMENT', message: string) => NumnetError,
): number {
  if (isNumericTypedArray(v)) {
    if (v.length !== n) throw bad(-1, 'SHAPE_MISMATCH', `has length ${v.length} where an array of length ${n} was expected (ragged array)`);
    for (let i = 0; i < n; i++) data[k++] = v[i]!;
    return k;
  }
  if (!Array.isArray(v) || v.length !== n) {
    throw bad(-1, 'SHAPE_MISMATCH', `is ${describe(v)} where an array of length ${n} was expected (ragged array)`);
  }
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number') {
      if (Array.isArray(x) || isNumericTypedArray(x)) throw bad(i, 'SHAPE_MISMATCH', `is ${describe(x)} where a number was expected (ragged array)`);
      throw bad(i, 'INVALID_ARGUMENT', `is ${describe(x)}, not a number`);
    }
    data[k++] = x;
  }
  return k;
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
  checkShape([v.length], 'shape'); // the size limit, before any allocation
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
  const n = v.length; // read once
  checkShape([n], 'shape'); // the size limit, before any allocation
  const out = allocate(n, 'tensor()');
  for (let i = 0; i < n; i++) {
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
