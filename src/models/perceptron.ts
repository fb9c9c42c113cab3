import { NumnetError, checkBoolean, checkOptions, describe, fmtShape, isNumericTypedArray } from '../errors.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';

/** One application of the perceptron rule, recorded when `fit` is called with `trace: true`. */
export interface PerceptronUpdate {
  /** The epoch, from 0. */
  epoch: number;
  /** The sample's index, from 0. */
  sample: number;
  /** The sample. */
  x: number[];
  /** Its label, 0 or 1. */
  y: number;
  /** The prediction before the update, 0 or 1. */
  yHat: number;
  /** The weights after the update. */
  weights: number[];
  /** The bias after the update. */
  bias: number;
}

/** What `Perceptron.fit` returns. */
export interface PerceptronHistory {
  /** Misclassified samples in each epoch (the last is 0 when it converged). */
  errors: number[];
  /** Epochs run. */
  epochs: number;
  /** True when an epoch passed with no error. */
  converged: boolean;
  /** Every sample's step, when `trace: true`. */
  trace: PerceptronUpdate[];
}

/**
 * Rosenblatt's perceptron: ŷ = step(Σᵢ wᵢxᵢ + b) with step(a) = 1 where a > 0, else 0, trained one
 * sample at a time by the rule wᵢ ← wᵢ + α(y − ŷ)xᵢ and b ← b + α(y − ŷ) (the bias is a weight on
 * x₀ = 1). Weights and bias start at 0 unless given.
 */
export class Perceptron {
  /** The number of inputs. */
  readonly inputDim: number;
  /** α of the rule. */
  readonly learningRate: number;
  /** w₁ … wₙ. */
  weights: number[];
  /** b, the weight of x₀ = 1. */
  bias: number;

  constructor(config: { inputDim: number; learningRate?: number; weights?: number[]; bias?: number }) {
    if (config === null || typeof config !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron takes { inputDim, learningRate? }, got ${describe(config)}`);
    }
    checkOptions(config, ['inputDim', 'learningRate', 'weights', 'bias'], 'Perceptron');
    const { inputDim } = config;
    // The weights are a plain number[] (readable, as on the slides): at most 2²⁴ of them.
    if (typeof inputDim !== 'number' || !Number.isInteger(inputDim) || inputDim < 1 || inputDim > 2 ** 24) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron: inputDim must be a positive integer up to 2^24, got ${describe(inputDim)}`);
    }
    const lr = config.learningRate ?? 0.1;
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron: learningRate must be a number > 0, got ${describe(lr)}`);
    }
    const weights = config.weights ?? new Array<number>(inputDim).fill(0);
    if (!Array.isArray(weights) || weights.length !== inputDim || Array.from(weights).some((w) => typeof w !== 'number' || !Number.isFinite(w))) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron: weights must be ${inputDim} finite numbers, got ${describe(weights)}`);
    }
    const bias = config.bias ?? 0;
    if (typeof bias !== 'number' || !Number.isFinite(bias)) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron: bias must be a finite number, got ${describe(bias)}`);
    }
    this.inputDim = inputDim;
    this.learningRate = lr;
    this.weights = weights.slice();
    this.bias = bias;
  }

  /** The net input a = Σᵢ wᵢxᵢ + b of one sample. */
  netInput(x: ArrayLike<number>): number {
    if (!Array.isArray(x) && !isNumericTypedArray(x)) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron.netInput() takes one sample (${this.inputDim} numbers), got ${describe(x)}`);
    }
    for (let i = 0; i < this.inputDim; i++) {
      if (typeof x[i] !== 'number') {
        throw new NumnetError('INVALID_ARGUMENT', `Perceptron.netInput(): x[${i}] is ${describe(x[i])}; one sample has ${this.inputDim} numbers`);
      }
    }
    return this.net(x);
  }

  /** netInput without the checks (fit and predict pass rows they checked). */
  private net(x: ArrayLike<number>): number {
    let a = this.bias;
    for (let i = 0; i < this.inputDim; i++) a += this.weights[i]! * x[i]!;
    return a;
  }

  private samples(x: TensorLike, where: string): Tensor {
    const t = toTensor(x, `${where}: x`);
    if (t.rank !== 2 || t.shape[1] !== this.inputDim) {
      throw new NumnetError('SHAPE_MISMATCH', `${where}: x must have shape [samples, ${this.inputDim}], got ${fmtShape(t.shape)}`);
    }
    for (let i = 0; i < t.size; i++) {
      if (!Number.isFinite(t.data[i]!)) {
        throw new NumnetError('NON_FINITE_INPUT', `${where}: x holds ${t.data[i]} in row ${Math.floor(i / this.inputDim)}`);
      }
    }
    return t;
  }

  /** 0/1 predictions, shape [samples]. */
  predict(x: TensorLike): Tensor {
    const t = this.samples(x, 'Perceptron.predict()');
    const n = t.shape[0]!;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.net(t.data.subarray(i * this.inputDim)) > 0 ? 1 : 0;
    return new Tensor(out, [n]);
  }

  /**
   * Applies the rule sample by sample, in order, for up to `epochs` epochs (default 100), stopping
   * after the first epoch with no misclassification. y holds 0/1 labels, shape [n] or [n, 1].
   */
  fit(x: TensorLike, y: TensorLike, options: { epochs?: number; trace?: boolean } = {}): PerceptronHistory {
    checkOptions(options, ['epochs', 'trace'], 'Perceptron.fit()');
    const trace = checkBoolean(options.trace, 'Perceptron.fit(): trace', false);
    const t = this.samples(x, 'Perceptron.fit()');
    const n = t.shape[0]!;
    const yt = toTensor(y, 'Perceptron.fit(): y');
    if (yt.size !== n || yt.shape[0] !== n || (yt.rank === 2 && yt.shape[1] !== 1) || yt.rank > 2) {
      throw new NumnetError('SHAPE_MISMATCH', `Perceptron.fit(): y must have shape [${n}] or [${n}, 1], got ${fmtShape(yt.shape)}`);
    }
    for (let i = 0; i < n; i++) {
      const v = yt.data[i]!;
      if (v !== 0 && v !== 1) {
        throw new NumnetError('INVALID_ARGUMENT', `Perceptron.fit(): label ${describe(v)} of sample ${i} must be 0 or 1`);
      }
    }
    const epochs = options.epochs ?? 100;
    if (typeof epochs !== 'number' || !Number.isSafeInteger(epochs) || epochs < 1) {
      throw new NumnetError('INVALID_ARGUMENT', `Perceptron.fit(): epochs must be a positive integer, got ${describe(epochs)}`);
    }
    const history: PerceptronHistory = { errors: [], epochs: 0, converged: false, trace: [] };
    for (let epoch = 0; epoch < epochs; epoch++) {
      let errors = 0;
      for (let i = 0; i < n; i++) {
        const xi = t.data.subarray(i * this.inputDim, (i + 1) * this.inputDim);
        const yHat = this.net(xi) > 0 ? 1 : 0;
        const delta = this.learningRate * (yt.data[i]! - yHat);
        if (delta !== 0) {
          errors++;
          // An update that would overflow is refused before it is applied (the weights stay finite).
          let finite = Number.isFinite(this.bias + delta);
          for (let j = 0; j < this.inputDim; j++) if (!Number.isFinite(this.weights[j]! + delta * xi[j]!)) finite = false;
          if (!finite) {
            throw new NumnetError(
              'NON_FINITE_LOSS',
              `Perceptron.fit(): epoch ${epoch + 1}, sample ${i}: the update would make the weights non-finite; they are as before this sample`,
            );
          }
          for (let j = 0; j < this.inputDim; j++) this.weights[j]! += delta * xi[j]!;
          this.bias += delta;
        }
        if (trace) {
          history.trace.push({ epoch, sample: i, x: Array.from(xi), y: yt.data[i]!, yHat, weights: this.weights.slice(), bias: this.bias });
        }
      }
      history.errors.push(errors);
      history.epochs = epoch + 1;
      if (errors === 0) {
        history.converged = true;
        break;
      }
    }
    return history;
  }
}
