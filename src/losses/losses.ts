import { Activation, sigmoid as sigmoidActivation, softmax } from '../activations/activations.js';
import { NumnetError, checkBoolean, checkOptions, describe, fmtShape, lookupName } from '../errors.js';
import { sigmoid } from '../math/special.js';
import { MAX_SIZE, Tensor, TensorLike, toTensor } from '../tensor/tensor.js';

/** The clipping bound of the crossentropies (Keras's epsilon). */
export const EPSILON = 1e-7;

/**
 * A loss L(y, ŷ) with Keras's reduction: each sample's loss ℓᵢ is taken over its last axis, and
 * L = Σᵢ wᵢℓᵢ / B over the batch of B samples (wᵢ = 1 unless sample weights are given).
 *
 * A subclass states ℓ for one row (`rowLoss`) and its gradient ∂ℓ/∂ŷ for one row (`rowGradient`,
 * scaled by `scale` = wᵢ/B); this class does the batching, the weights and the checks.
 */
export abstract class Loss {
  /** The camelCase name ('meanSquaredError', 'binaryCrossentropy', …). */
  abstract readonly name: string;
  /** Set when ŷ is a logit (pre-activation) rather than a probability. */
  readonly fromLogits: boolean = false;
  /** True when yTrue holds one integer label per sample instead of a row of `cols` values. */
  readonly sparse: boolean = false;
  /**
   * The output activation (the object, from activations.ts: `softmax` or `sigmoid`) whose chain
   * with this loss has the fused, stable gradient ∂L/∂z = (ŷ − y)·wᵢ/(reduction count). The model
   * fuses when its last layer's `outputActivation` is this very object.
   */
  readonly fusedActivation: Activation | undefined = undefined;

  constructor() {
    if (new.target === Loss) throw new NumnetError('INVALID_ARGUMENT', 'Loss is abstract: use a loss class (MeanSquaredError, …) or a subclass');
  }

  /**
   * The O(1) check of the buffer methods: rows and cols integers, Float64Arrays long enough for
   * rows × cols predictions, the targets, `out` (rows × outCols) and the weights.
   */
  protected checkBuffers(method: string, t: unknown, p: unknown, rows: unknown, cols: unknown, out: unknown, outCols: number, weights?: unknown): void {
    // Allocation-free: this runs on every batch.
    let bad = '';
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0 || rows > MAX_SIZE) bad = `rows must be an integer ≥ 0, got ${describe(rows)}`;
    else if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1 || cols > MAX_SIZE) bad = `cols must be a positive integer, got ${describe(cols)}`;
    else if (!(t instanceof Float64Array) || t.length < rows * (this.sparse ? 1 : cols)) bad = `the targets must be a Float64Array of rows × ${this.sparse ? 1 : 'cols'} values, got ${describe(t)}`;
    else if (!(p instanceof Float64Array) || p.length < rows * cols) bad = `the predictions must be a Float64Array of rows × cols values, got ${describe(p)}`;
    else if (!(out instanceof Float64Array) || out.length < rows * (outCols === 1 ? 1 : cols)) bad = `the output buffer must be a Float64Array of rows${outCols === 1 ? '' : ' × cols'} values, got ${describe(out)}`;
    else if (weights !== undefined && (!(weights instanceof Float64Array) || weights.length < rows)) bad = `the weights must be a Float64Array of rows values, got ${describe(weights)}`;
    if (bad) throw new NumnetError('INVALID_ARGUMENT', `${this.name}.${method}(): ${bad}`);
  }


  /** ℓ for the row of ŷ at `p[o … o+cols)` with targets at `t[to …]`. */
  protected abstract rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, cols: number): number;
  /** Writes scale·∂ℓ/∂ŷ for one row into `g[o … o+cols)`. */
  protected abstract rowGradient(
    t: Float64Array,
    to: number,
    p: Float64Array,
    o: number,
    cols: number,
    scale: number,
    g: Float64Array,
  ): void;

  /** Per-sample losses ℓᵢ into `out[0 … rows)`. */
  perSample(t: Float64Array, p: Float64Array, rows: number, cols: number, out: Float64Array): void {
    this.checkBuffers('perSample', t, p, rows, cols, out, 1);
    const tc = this.sparse ? 1 : cols;
    for (let i = 0; i < rows; i++) out[i] = this.rowLoss(t, i * tc, p, i * cols, cols);
  }

  /** ∂L/∂ŷ of the batch loss into `g` (rows × cols), with optional sample weights. */
  gradient(t: Float64Array, p: Float64Array, rows: number, cols: number, g: Float64Array, weights?: Float64Array): void {
    this.checkBuffers('gradient', t, p, rows, cols, g, 0, weights);
    const tc = this.sparse ? 1 : cols;
    for (let i = 0; i < rows; i++) {
      const scale = (weights ? weights[i]! : 1) / rows;
      this.rowGradient(t, i * tc, p, i * cols, cols, scale, g);
    }
  }

  /**
   * ∂L/∂z through the fused output activation (softmax or sigmoid), from its output ŷ:
   * (ŷ·Σy − y)·wᵢ/B for softmax, (ŷ − y)·wᵢ/(B·cols) for sigmoid. Unclipped, as specification §4 says.
   */
  fusedGradient(t: Float64Array, yHat: Float64Array, rows: number, cols: number, g: Float64Array, weights?: Float64Array): void {
    this.checkBuffers('fusedGradient', t, yHat, rows, cols, g, 0, weights);
    if (this.fusedActivation === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', `${this.name}.fusedGradient(): this loss has no fused output activation`);
    }
    if (this.fusedActivation === softmax) {
      for (let i = 0; i < rows; i++) {
        const scale = (weights ? weights[i]! : 1) / rows;
        softmaxCrossentropyRowGradient(t, this.sparse, i, yHat, i * cols, cols, scale, g);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const scale = (weights ? weights[i]! : 1) / (rows * cols);
        const o = i * cols;
        for (let j = 0; j < cols; j++) g[o + j] = scale * (yHat[o + j]! - t[o + j]!);
      }
    }
  }

  /** Checks yTrue against yPred (rows must agree; widths, or labels for sparse losses). */
  checkTargets(yTrue: Tensor, yPred: Tensor, where = this.name): void {
    if (typeof where !== 'string') where = this.name;
    if (!(yTrue instanceof Tensor) || !(yPred instanceof Tensor)) {
      throw new NumnetError('INVALID_ARGUMENT', `${where}: checkTargets() takes two Tensors, got ${describe(yTrue)} and ${describe(yPred)}`);
    }
    const rows = yPred.shape[0] ?? 1;
    const cols = yPred.rank === 0 ? 1 : yPred.size / Math.max(rows, 1);
    if (this.sparse) {
      const ok = yTrue.shape[0] === rows && (yTrue.rank === 1 || (yTrue.rank === 2 && yTrue.shape[1] === 1));
      if (!ok) {
        throw new NumnetError(
          'SHAPE_MISMATCH',
          `${where}: sparse labels must have shape [${rows}] or [${rows}, 1] for predictions ${fmtShape(yPred.shape)}, got ${fmtShape(yTrue.shape)}`,
        );
      }
      for (let i = 0; i < yTrue.size; i++) {
        const l = yTrue.data[i]!;
        if (!Number.isInteger(l) || l < 0 || l >= cols) {
          throw new NumnetError(
            'INVALID_ARGUMENT',
            `${where}: label ${describe(l)} of sample ${i} is not an integer class in [0, ${cols})`,
          );
        }
      }
      return;
    }
    if (yTrue.rank !== yPred.rank || yTrue.shape.some((n, i) => n !== yPred.shape[i])) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `${where}: yTrue ${fmtShape(yTrue.shape)} and yPred ${fmtShape(yPred.shape)} must have the same shape`,
      );
    }
  }

  /** The batch loss L(yTrue, yPred) as a number. */
  call(yTrue: TensorLike, yPred: TensorLike): number {
    const { t, p, rows, cols } = this.prepare(yTrue, yPred);
    const per = new Float64Array(rows);
    this.perSample(t.data, p.data, rows, cols, per);
    let s = 0;
    for (let i = 0; i < rows; i++) s += per[i]!;
    return s / rows;
  }

  /** ∂L/∂yPred as a tensor shaped like yPred. */
  gradientOf(yTrue: TensorLike, yPred: TensorLike): Tensor {
    const { t, p, rows, cols } = this.prepare(yTrue, yPred);
    const g = new Float64Array(p.size);
    this.gradient(t.data, p.data, rows, cols, g);
    return new Tensor(g, p.shape);
  }

  private prepare(yTrue: TensorLike, yPred: TensorLike) {
    let p = toTensor(yPred, `${this.name} yPred`);
    let t = toTensor(yTrue, `${this.name} yTrue`);
    if (p.rank === 0) p = new Tensor(p.data, [1, 1]);
    if (p.rank === 1) p = new Tensor(p.data, [1, p.size]);
    if (t.rank === 0) t = new Tensor(t.data, this.sparse ? [1] : [1, 1]);
    if (t.rank === 1 && !this.sparse) t = new Tensor(t.data, [1, t.size]);
    if (p.size === 0) throw new NumnetError('INVALID_ARGUMENT', `${this.name}: yPred ${fmtShape(p.shape)} is empty`);
    this.checkTargets(t, p);
    const rows = p.shape[0]!;
    return { t, p, rows, cols: p.size / rows };
  }

  /** The options that rebuild this loss (for saving). */
  getConfig(): Record<string, unknown> {
    return this.fromLogits ? { fromLogits: true } : {};
  }
}

/** yᵢ·Σy − yᵢ-style softmax-crossentropy gradient for one row; for sparse, y is one-hot. */
function softmaxCrossentropyRowGradient(
  t: Float64Array,
  sparse: boolean,
  row: number,
  s: Float64Array,
  o: number,
  cols: number,
  scale: number,
  g: Float64Array,
): void {
  if (sparse) {
    const label = t[row]!;
    for (let j = 0; j < cols; j++) g[o + j] = scale * (s[o + j]! - (j === label ? 1 : 0));
    return;
  }
  let ySum = 0;
  for (let j = 0; j < cols; j++) ySum += t[o + j]!;
  for (let j = 0; j < cols; j++) g[o + j] = scale * (s[o + j]! * ySum - t[o + j]!);
}

const clip = (p: number) => (p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p);
const inRange = (p: number) => p >= EPSILON && p <= 1 - EPSILON;

/** Mean squared error: ℓ = (1/n)Σ(y − ŷ)², ∂ℓ/∂ŷ = −2(y − ŷ)/n (the slides' form). */
export class MeanSquaredError extends Loss {
  readonly name = 'meanSquaredError';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = t[to + j]! - p[o + j]!;
      s += d * d;
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = (-2 * scale) / n;
    for (let j = 0; j < n; j++) g[o + j] = c * (t[to + j]! - p[o + j]!);
  }
}

/** Mean absolute error: ℓ = (1/n)Σ|y − ŷ|, ∂ℓ/∂ŷ = sign(ŷ − y)/n (0 where equal). */
export class MeanAbsoluteError extends Loss {
  readonly name = 'meanAbsoluteError';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(t[to + j]! - p[o + j]!);
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    for (let j = 0; j < n; j++) g[o + j] = (Math.sign(p[o + j]! - t[to + j]!) * scale) / n;
  }
}

/** Huber: with d = |y − ŷ|, ℓ = (1/n)Σ(½d² where d ≤ δ, else δ(d − ½δ)). */
export class Huber extends Loss {
  readonly name = 'huber';
  /** δ: quadratic below it, linear above. */
  readonly delta: number;
  constructor(options: { delta?: number } = {}) {
    super();
    const delta = checkOptions(options, ['delta'], 'Huber').delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
      throw new NumnetError('INVALID_ARGUMENT', `Huber: delta must be a positive number, got ${describe(delta)}`);
    }
    this.delta = delta;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    const k = this.delta;
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = Math.abs(t[to + j]! - p[o + j]!);
      s += d <= k ? 0.5 * d * d : k * (d - 0.5 * k);
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const k = this.delta;
    for (let j = 0; j < n; j++) {
      const e = p[o + j]! - t[to + j]!;
      g[o + j] = ((Math.abs(e) <= k ? e : k * Math.sign(e)) * scale) / n;
    }
  }
  override getConfig(): Record<string, unknown> {
    return { delta: this.delta };
  }
}

/**
 * Binary crossentropy: ℓ = −(1/n)Σ(y log p + (1 − y) log(1 − p)) with p = ŷ clipped to
 * [ε, 1 − ε]. With `fromLogits`, ŷ is z and ℓ = (1/n)Σ(max(z, 0) − zy + log(1 + e^{−|z|})).
 */
export class BinaryCrossentropy extends Loss {
  readonly name = 'binaryCrossentropy';
  override readonly fromLogits: boolean;
  override readonly fusedActivation: Activation | undefined;
  constructor(options: { fromLogits?: boolean } = {}) {
    super();
    this.fromLogits = checkBoolean(checkOptions(options, ['fromLogits'], 'BinaryCrossentropy').fromLogits, 'BinaryCrossentropy fromLogits', false);
    this.fusedActivation = this.fromLogits ? undefined : sigmoidActivation;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const y = t[to + j]!;
      if (this.fromLogits) {
        const z = p[o + j]!;
        s += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      } else {
        const q = clip(p[o + j]!);
        s -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
      }
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = scale / n;
    for (let j = 0; j < n; j++) {
      const y = t[to + j]!;
      const v = p[o + j]!;
      if (this.fromLogits) g[o + j] = c * (sigmoid(v) - y);
      else g[o + j] = inRange(v) ? c * (-y / v + (1 - y) / (1 - v)) : 0;
    }
  }
}

/**
 * Categorical crossentropy: ℓ = −Σⱼ yⱼ log pⱼ with p = ŷ/Σŷ clipped to [ε, 1 − ε]. With
 * `fromLogits`, ℓ = Σⱼ yⱼ(logΣₖe^{zₖ} − zⱼ) (log-softmax, stable).
 */
export class CategoricalCrossentropy extends Loss {
  readonly name: string = 'categoricalCrossentropy';
  override readonly fromLogits: boolean;
  override readonly fusedActivation: Activation | undefined;
  constructor(options: { fromLogits?: boolean } = {}) {
    super();
    const what = new.target === SparseCategoricalCrossentropy ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy';
    this.fromLogits = checkBoolean(checkOptions(options, ['fromLogits'], what).fromLogits, `${what} fromLogits`, false);
    this.fusedActivation = this.fromLogits ? undefined : softmax;
  }
  /** yⱼ of the row (the one-hot label for the sparse subclass). */
  protected target(t: Float64Array, to: number, j: number): number {
    return t[to + j]!;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    if (this.fromLogits) {
      const lse = logSumExp(p, o, n);
      for (let j = 0; j < n; j++) {
        const y = this.target(t, to, j);
        if (y !== 0) s += y * (lse - p[o + j]!);
      }
      return s;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += p[o + j]!;
    for (let j = 0; j < n; j++) {
      const y = this.target(t, to, j);
      // ŷ all zero (sum 0): every q is 0, clipped to ε, so the loss stays finite (−Σy·log ε).
      if (y !== 0) s -= y * Math.log(clip(sum === 0 ? 0 : p[o + j]! / sum));
    }
    return s;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    if (this.fromLogits) {
      const lse = logSumExp(p, o, n);
      let ySum = 0;
      for (let j = 0; j < n; j++) ySum += this.target(t, to, j);
      for (let j = 0; j < n; j++) g[o + j] = scale * (Math.exp(p[o + j]! - lse) * ySum - this.target(t, to, j));
      return;
    }
    // ℓ = −Σ yⱼ log clip(qⱼ), qⱼ = ŷⱼ/S: ∂ℓ/∂ŷₖ = (aₖ − Σⱼ aⱼqⱼ)/S with aⱼ = −yⱼ/pⱼ inside the clip.
    let sum = 0;
    for (let j = 0; j < n; j++) sum += p[o + j]!;
    if (sum === 0) {
      // Every q = 0 is clipped, where the gradient is 0 (as for any clipped q).
      for (let j = 0; j < n; j++) g[o + j] = 0;
      return;
    }
    let aq = 0;
    for (let j = 0; j < n; j++) {
      const q = p[o + j]! / sum;
      const y = this.target(t, to, j);
      const a = y !== 0 && inRange(q) ? -y / q : 0;
      g[o + j] = a;
      aq += a * q;
    }
    for (let j = 0; j < n; j++) g[o + j] = (scale * (g[o + j]! - aq)) / sum;
  }
}

/**
 * Sparse categorical crossentropy: as categorical, with integer labels (shape [B] or [B, 1]):
 * ℓ = −log p[label].
 */
export class SparseCategoricalCrossentropy extends CategoricalCrossentropy {
  override readonly name: string = 'sparseCategoricalCrossentropy';
  override readonly sparse = true;
  protected override target(t: Float64Array, to: number, j: number): number {
    return t[to] === j ? 1 : 0;
  }
}

function logSumExp(z: Float64Array, o: number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (z[o + j]! > m) m = z[o + j]!;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(z[o + j]! - m);
  return m + Math.log(s);
}

/** One loss class: its saved name (its instances' `name`), Keras's short names, its options. */
export interface LossEntry {
  readonly name: string;
  /** Also taken by `getLoss` (as are snake_case and any case of every name). */
  readonly aliases: readonly string[];
  /** Only instances of exactly this class are saved under `name`. */
  readonly type: new (options?: never) => Loss;
  readonly options: readonly string[];
  /** 'binary' when the metric 'acc' means binary accuracy with this loss. */
  readonly accuracy?: 'binary';
}

/** Every built-in loss: the one table `getLoss`, saving and the metrics resolve losses with. */
export const LOSS_CLASSES: readonly LossEntry[] = Object.freeze([
  { name: 'meanSquaredError', aliases: ['mse'], type: MeanSquaredError, options: [] },
  { name: 'meanAbsoluteError', aliases: ['mae'], type: MeanAbsoluteError, options: [] },
  { name: 'huber', aliases: [], type: Huber, options: ['delta'] },
  { name: 'binaryCrossentropy', aliases: [], type: BinaryCrossentropy, options: ['fromLogits'], accuracy: 'binary' },
  { name: 'categoricalCrossentropy', aliases: [], type: CategoricalCrossentropy, options: ['fromLogits'] },
  { name: 'sparseCategoricalCrossentropy', aliases: [], type: SparseCategoricalCrossentropy, options: ['fromLogits'] },
] satisfies LossEntry[]);

/** The entry whose saved name is exactly `name`, or undefined. */
export function lossEntry(name: string): LossEntry | undefined {
  return LOSS_CLASSES.find((e) => e.name === name);
}

/** Every name `getLoss` takes, each entry's name then its aliases (the order messages list them). */
const LOSS_NAMES: Record<string, LossEntry> = Object.fromEntries(LOSS_CLASSES.flatMap((e) => [e.name, ...e.aliases].map((n) => [n, e])));

/** The loss called `name`, or `loss` itself when it is already a Loss. */
export function getLoss(loss: string | Loss): Loss {
  if (loss instanceof Loss) return loss;
  if (typeof loss === 'object' && loss !== null) {
    throw new NumnetError('INVALID_ARGUMENT', `a loss must be a name ('mse', …) or a Loss instance (new MeanSquaredError(), …), got ${describe(loss)}`);
  }
  return new (lookupName(LOSS_NAMES, loss, 'loss').type)();
}
