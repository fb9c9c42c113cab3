import { Activation, softmax } from '../activations/activations.js';
import { NumnetError, describe, fmtShape } from '../errors.js';
import { MAX_SIZE, Tensor, TensorLike, toTensor } from '../tensor/tensor.js';

/** The clipping bound of the crossentropies and the other clipped losses (Keras's backend.epsilon()). */
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
