import { NumnetError, checkOptions, describe, fmtShape } from '../errors.js';
import type { Loss } from '../losses/losses.js';
import { argmaxRow } from '../losses/metrics.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';
import { sumInKernel } from '../tensor/kernels.js';
import type { CallbackHooks } from '../callbacks/callback.js';

/**
 * The door every batch of data comes in by: options of fit/evaluate, sample and class weights,
 * row helpers. Everything here checks user input; what it returns is trusted by the training step.
 */

/** Weight per class index: `{ 0: 1, 1: 5 }` or a Map. */
export type ClassWeight = Record<number, number> | Map<number, number>;

/** A checked batch: inputs, targets and per-sample weights (undefined: all 1). */
export interface Data {
  x: Tensor;
  y: Tensor;
  w?: Float64Array;
}

/** One batch from a data iterable: inputs, targets and optional per-sample weights. */
export interface Batch {
  /** Inputs [rows, …inputShape]. */
  x: TensorLike;
  /** Targets for those rows. */
  y: TensorLike;
  /** One weight per row. */
  sampleWeight?: TensorLike;
}

/**
 * Data that does not fit in memory: a (sync or async) iterable of batches, such as a generator
 * function's result or an object whose `[Symbol.asyncIterator]` reads files. Each epoch (or each
 * `stepsPerEpoch` batches) reads on from it; when it ends, it is iterated again from the start.
 */
export type BatchIterable = Iterable<Batch> | AsyncIterable<Batch>;

/**
 * True for a batch iterable: an array whose first element is a `{ x, y }` object, or any other
 * (sync or async) iterable object that is not itself data (an array of rows, a typed array, a tensor).
 */
export function isBatchIterable(x: unknown): x is BatchIterable {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || x instanceof Tensor) return false;
  if (Array.isArray(x)) {
    const first: unknown = x[0];
    return first !== null && typeof first === 'object' && !Array.isArray(first) && !ArrayBuffer.isView(first) && 'x' in first;
  }
  const o = x as Record<symbol, unknown>;
  return typeof o[Symbol.iterator] === 'function' || typeof o[Symbol.asyncIterator] === 'function';
}

/** A batch size: an integer ≥ 1 (a safe integer: 2^53 and beyond are refused). */
export function checkBatchSize(b: unknown, where: string): number {
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: batchSize must be a positive integer, got ${describe(b)}`);
  }
  return b;
}

/** 0, 1 or 2 (undefined gives 0). */
export function checkVerbose(v: unknown, where: string): 0 | 1 | 2 {
  const verbose = v ?? 0;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  }
  return verbose;
}

/** A count of batches (`stepsPerEpoch`, `validationSteps`): undefined, or an integer ≥ 1. */
export function checkSteps(v: unknown, name: string, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

/**
 * NON_FINITE_INPUT naming the first row with NaN or ±Infinity. One tight pass without a branch per
 * value: v·0 is ±0 for every finite v and NaN for NaN and ±Infinity, so the sums of v·0 (four, to
 * break the dependency chain) are 0 exactly when every value is finite. Only on failure is the data
 * walked again to find the first such value and its row.
 */
export function checkFiniteRows(t: Tensor, what: string): void {
  const d = t.data;
  const inKernel = sumInKernel(d); // a resident batch buffer: a WebAssembly SIMD sum
  if (inKernel !== undefined && inKernel - inKernel === 0) return;
  const len = d.length;
  const len4 = len - (len % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < len4; i += 4) {
    s0 += d[i]! * 0;
    s1 += d[i + 1]! * 0;
    s2 += d[i + 2]! * 0;
    s3 += d[i + 3]! * 0;
  }
  for (let i = len4; i < len; i++) s0 += d[i]! * 0;
  if (s0 + s1 + s2 + s3 === 0) return;
  for (let i = 0; i < len; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      const n = t.shape[0] || 1;
      const row = Math.floor(i / (len / n));
      throw new NumnetError('NON_FINITE_INPUT', `${what} holds ${v} in row ${row} (shape ${fmtShape(t.shape)})`);
    }
  }
}

/**
 * x as a tensor [n, …inputShape] of finite values. When the model has no input shape yet,
 * `build(sample)` builds it from x's sample shape and returns the input shape. With `into` (a built
 * model), x is copied by `into` (into the model's batch buffer) and checked there — with a WebAssembly
 * SIMD sum where that buffer is resident — and the copy is returned.
 */
export function checkInputs(
  x: TensorLike,
  layers: readonly { name: string }[],
  inputShape: number[] | undefined,
  build: (sample: number[]) => void,
  where: string,
  into?: (x: Tensor) => Tensor,
): Tensor {
  const t = toTensor(x, `${where}: x`);
  if (layers.length === 0) throw new NumnetError('INVALID_ARGUMENT', `${where}: the model has no layers`);
  if (t.rank < 2) throw new NumnetError('SHAPE_MISMATCH', `${where}: x must be a batch [samples, …features], got shape ${fmtShape(t.shape)}`);
  if (!inputShape) {
    const sample = t.shape.slice(1);
    if (sample.some((n) => n < 1)) {
      throw new NumnetError('SHAPE_MISMATCH', `${where}: x has shape ${fmtShape(t.shape)}; a sample needs at least one value on every axis`);
    }
    checkFiniteRows(t, `${where}: x`);
    build(sample);
    return t;
  }
  const expected = inputShape;
  if (t.rank !== expected.length + 1 || expected.some((n, i) => t.shape[i + 1] !== n)) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `${where}: x has shape ${fmtShape(t.shape)} but the model expects [samples, ${expected.join(', ')}] (layer ${layers[0]!.name})`,
    );
  }
  const checked = into && t.shape[0]! > 0 ? into(t) : t;
  checkFiniteRows(checked, `${where}: x`);
  return checked;
}

/** y as a tensor of finite targets for n samples of the model's output shape, as the loss takes them. */
export function checkTargets(y: TensorLike, n: number, loss: Loss, out: readonly number[], where: string): Tensor {
  let t = toTensor(y, `${where}: y`);
  if (t.rank === 1 && !loss.sparse && out.length === 1 && out[0] === 1) t = new Tensor(t.data, [t.shape[0]!, 1]);
  if (loss.sparse && t.rank === 2 && t.shape[1] === 1) t = new Tensor(t.data, [t.shape[0]!]);
  if (t.shape[0] !== n) {
    throw new NumnetError('SHAPE_MISMATCH', `${where}: x has ${n} samples but y has ${t.shape[0] ?? 0} (y shape ${fmtShape(t.shape)})`);
  }
  checkFiniteRows(t, `${where}: y`);
  loss.checkTargets(t, new Tensor(new Float64Array(n * out.reduce((p, k) => p * k, 1)), [n, ...out]), `${where}: y`);
  return t;
}

/** Rows [from, to) of t, sharing its memory. */
export function rowRange(t: Tensor, from: number, to: number): Tensor {
  const row = t.size / (t.shape[0] || 1);
  const shape = t.shape.slice();
  shape[0] = to - from;
  return new Tensor(t.data.subarray(from * row, to * row), shape);
}

/** dst's rows ← src's rows order[start], order[start + 1], … (one `set` per row). */
export function gatherRows(src: Tensor, order: Int32Array, start: number, rows: number, dst: Tensor): void {
  const row = src.size / (src.shape[0] || 1);
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < rows; i++) {
    const r = order[start + i]! * row;
    d.set(s.subarray(r, r + row), i * row);
  }
}

/** dst ← src's rows [start, start + rows). */
export function copyRows(src: Tensor, start: number, rows: number, dst: Tensor): void {
  const row = src.size / (src.shape[0] || 1);
  dst.data.set(src.data.subarray(start * row, (start + rows) * row));
}

/**
 * The weight of each of n samples: sampleWeight (finite, ≥ 0, one per sample) times the weight
 * of its class (classWeight, by the sparse label, the rounded 0/1 target, or the one-hot row's
 * argmax); undefined when neither is given.
 */
export function sampleWeights(
  sampleWeight: TensorLike | undefined,
  classWeight: ClassWeight | undefined,
  y: Tensor,
  n: number,
  sparse: boolean,
  where: string,
): Float64Array | undefined {
  if (sampleWeight === undefined && classWeight === undefined) return undefined;
  if (sampleWeight !== undefined && classWeight !== undefined) {
    // As Keras 3 (keras/src/trainers/data_adapters: make_class_weight_map_fn) refuses the pair.
    throw new NumnetError('INVALID_ARGUMENT', `${where}: you cannot use classWeight and sampleWeight at the same time (as Keras); fold the class weights into sampleWeight`);
  }
  const w = new Float64Array(n).fill(1);
  if (sampleWeight !== undefined) {
    const s = toTensor(sampleWeight, `${where}: sampleWeight`);
    if (s.size !== n || s.rank > 2) {
      throw new NumnetError('SHAPE_MISMATCH', `${where}: sampleWeight has shape ${fmtShape(s.shape)}; it needs one weight per sample (${n})`);
    }
    for (let i = 0; i < n; i++) {
      const v = s.data[i]!;
      if (!Number.isFinite(v) || v < 0) {
        throw new NumnetError('INVALID_ARGUMENT', `${where}: sampleWeight[${i}] is ${v}; weights must be finite and ≥ 0`);
      }
      w[i] = v;
    }
  }
  if (classWeight !== undefined) applyClassWeight(w, checkClassWeight(classWeight, where), y, n, sparse, where);
  return w;
}

/** A class weight as a Map from class index to a finite weight ≥ 0 (own keys only). */
function checkClassWeight(classWeight: ClassWeight, where: string): Map<number, number> {
  const entries =
    classWeight instanceof Map
      ? Array.from(classWeight.entries(), ([k, v]) => [String(k), v] as const)
      : classWeight !== null && typeof classWeight === 'object' && !Array.isArray(classWeight)
        ? Object.entries(classWeight)
        : undefined;
  if (!entries) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight must map class index to weight, got ${describe(classWeight)}`);
  }
  const out = new Map<number, number>();
  for (const [k, v] of entries) {
    if (!/^(0|[1-9][0-9]*)$/.test(k)) {
      throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight key ${JSON.stringify(k)} is not a class index (an integer ≥ 0)`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight[${k}] is ${describe(v)}; weights must be finite and ≥ 0`);
    }
    out.set(Number(k), v);
  }
  return out;
}

function applyClassWeight(w: Float64Array, classWeight: Map<number, number>, y: Tensor, n: number, sparse: boolean, _where: string): void {
  const cols = y.rank === 1 ? 1 : y.size / n;
  for (let i = 0; i < n; i++) {
    const cls = sparse ? y.data[i]! : cols === 1 ? Math.round(y.data[i]!) : argmaxRow(y.data, i * cols, cols);
    const cw = classWeight.get(cls);
    if (cw !== undefined) w[i]! *= cw;
  }
}

/** Options of `fit`. */
export interface FitConfig {
  /** The epoch index to stop at (default 1). */
  epochs?: number;
  /** Samples per update (default 32); the last batch may be smaller. Not used with a batch iterable. */
  batchSize?: number;
  /** Draw a new sample order each epoch from the model's generator (default true). */
  shuffle?: boolean;
  /** Fraction in [0, 1) of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /**
   * [x, y] or [x, y, sampleWeight] to evaluate after each epoch (`val_…` logs), or a batch iterable
   * (read for `validationSteps` batches, or to its end); overrides `validationSplit`.
   */
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, TensorLike] | BatchIterable;
  /** Weight per class index, multiplying each training sample's loss (not the validation data's). */
  classWeight?: ClassWeight;
  /** Weight per sample (shape [n]), multiplying each sample's loss. */
  sampleWeight?: TensorLike;
  /** Callbacks (instances or plain hook objects), called in order before the History. */
  callbacks?: CallbackHooks[] | CallbackHooks;
  /** 0 quiet (default); 1 a progress bar per epoch (a terminal), else one line per epoch; 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start from (for resuming); `epochs` is the index to stop at, as Keras. */
  initialEpoch?: number;
  /** With a batch iterable: batches per epoch (default: until the iterable ends). */
  stepsPerEpoch?: number;
  /** With a batch iterable as validationData: batches per validation (default: until it ends). */
  validationSteps?: number;
}

const FIT_OPTIONS = [
  'epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'classWeight', 'sampleWeight', 'callbacks', 'verbose',
  'initialEpoch', 'stepsPerEpoch', 'validationSteps',
];

/** The checked options of `fit`, with defaults. */
export function checkFitConfig(c: FitConfig) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    throw new NumnetError('INVALID_ARGUMENT', `fit() options must be an object, got ${describe(c)}`);
  }
  checkOptions(c, FIT_OPTIONS, 'fit()');
  const epochs = c.epochs ?? 1;
  if (typeof epochs !== 'number' || !Number.isSafeInteger(epochs) || epochs < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): epochs must be an integer ≥ 0, got ${describe(epochs)}`);
  }
  const initialEpoch = c.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isSafeInteger(initialEpoch) || initialEpoch < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): initialEpoch must be an integer ≥ 0, got ${describe(initialEpoch)}`);
  }
  const validationSplit = c.validationSplit ?? 0;
  if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): validationSplit must be a number in [0, 1), got ${describe(validationSplit)}`);
  }
  const shuffle = c.shuffle ?? true;
  if (typeof shuffle !== 'boolean') {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): shuffle must be true or false, got ${describe(shuffle)}`);
  }
  return {
    epochs,
    initialEpoch,
    validationSplit,
    shuffle,
    verbose: checkVerbose(c.verbose, 'fit()'),
    batchSize: checkBatchSize(c.batchSize ?? 32, 'fit()'),
    stepsPerEpoch: checkSteps(c.stepsPerEpoch, 'stepsPerEpoch', 'fit()'),
    validationSteps: checkSteps(c.validationSteps, 'validationSteps', 'fit()'),
  };
}

/** The checked options of `fit`. */
export type FitOptions = ReturnType<typeof checkFitConfig>;

/** Reads batches from a batch iterable, starting it again when it ends. */
export class BatchReader {
  private it: Iterator<Batch> | AsyncIterator<Batch> | undefined;

  constructor(
    private readonly source: BatchIterable,
    private readonly where: string,
  ) {}

  /** The next batch; undefined when the source ended (the next call starts it again). */
  async next(): Promise<Batch | undefined> {
    this.it ??= this.open();
    const r = await this.it.next();
    if (r.done) {
      this.it = undefined;
      return undefined;
    }
    const b = r.value as unknown;
    if (b === null || typeof b !== 'object' || Array.isArray(b)) {
      throw new NumnetError('INVALID_ARGUMENT', `${this.where}: each batch must be { x, y, sampleWeight? }, got ${describe(b)}`);
    }
    checkOptions(b as Batch, ['x', 'y', 'sampleWeight'], `${this.where} batch`);
    if ((b as Batch).x === undefined || (b as Batch).y === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', `${this.where}: each batch must have x and y`);
    }
    return b as Batch;
  }

  private open(): Iterator<Batch> | AsyncIterator<Batch> {
    const s = this.source as Partial<AsyncIterable<Batch> & Iterable<Batch>>;
    const it = s[Symbol.asyncIterator] ? s[Symbol.asyncIterator]!() : s[Symbol.iterator]!();
    if (it === null || typeof it !== 'object' || typeof (it as Iterator<Batch>).next !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `${this.where}: the data's iterator has no next()`);
    }
    return it;
  }
}
