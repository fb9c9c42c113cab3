import { NumnetError, describe, fmtShape } from '../errors.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Activation } from '../activations/activations.js';
import type { Regularizer } from './regularizers.js';

/** A trainable weight with its gradient buffer (same size), filled by `backward`. */
export interface Parameter {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Float64Array;
  readonly regularizer?: Regularizer;
}

/** Options every layer takes. */
export interface LayerConfig {
  /** Unique name in the model; defaults to the snake_case class name with a counter. */
  name?: string;
  /** The shape of one sample (no batch axis), on the first layer of a model. */
  inputShape?: number[];
}

/**
 * A layer maps a batch x of shape [B, …inputShape] to y of shape [B, …outputShape].
 * `forward` keeps what `backward` needs; `backward(dy)` fills each parameter's `grad` with ∂L/∂w
 * and returns ∂L/∂x. Output and gradient buffers are reused while the batch size stays the same,
 * so a returned tensor is only valid until the next call.
 */
export abstract class Layer {
  /** The class name used in summaries and saved configs ('Dense', …). */
  abstract readonly className: string;
  name: string;
  readonly inputShape: number[] | undefined;
  outputShape: number[] = [];
  params: Parameter[] = [];
  built = false;
  private buffers = new Map<string, Tensor>();

  constructor(config: LayerConfig = {}) {
    if (config === null || typeof config !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `layer config must be an object, got ${describe(config)}`);
    }
    if (config.name !== undefined && (typeof config.name !== 'string' || config.name === '')) {
      throw new NumnetError('INVALID_ARGUMENT', `layer name must be a non-empty string, got ${describe(config.name)}`);
    }
    this.name = config.name ?? '';
    if (config.inputShape !== undefined) {
      const s = config.inputShape;
      if (!Array.isArray(s) || s.length === 0 || s.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `inputShape must be a non-empty array of positive integers (one sample, no batch axis), got ${JSON.stringify(s)}`,
        );
      }
      this.inputShape = s.slice();
    }
  }

  /** Creates the weights for inputs of shape `inputShape` (one sample) and sets `outputShape`. */
  build(inputShape: number[], _rng: Random): void {
    this.outputShape = inputShape.slice();
    this.built = true;
  }

  abstract forward(x: Tensor, training: boolean): Tensor;
  abstract backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined;

  /** The activation this layer applies last (for the fused crossentropy gradient), if any. */
  get outputActivation(): Activation | undefined {
    return undefined;
  }

  /**
   * Like `backward`, but given ∂L/∂z before the output activation (the fused softmax/sigmoid
   * crossentropy gradient). Only layers with an `outputActivation` implement it.
   */
  backwardFromPreActivation(_dz: Tensor, _needInputGradient: boolean): Tensor | undefined {
    throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} has no output activation to fuse`);
  }

  /** The options that rebuild this layer. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name };
    if (this.inputShape) c.inputShape = this.inputShape.slice();
    return c;
  }

  /** Number of trainable values. */
  countParams(): number {
    return this.params.reduce((n, p) => n + p.value.size, 0);
  }

  /** A reusable buffer of `shape`, reallocated only when the shape changes. */
  protected buffer(key: string, shape: readonly number[]): Tensor {
    return this.batchBuffer(key, shape[0]!, shape, 1);
  }

  /**
   * A reusable buffer of shape [rows, …sample.slice(from)], reallocated only when that shape
   * changes; nothing is allocated while the batch size stays the same.
   */
  protected batchBuffer(key: string, rows: number, sample: readonly number[], from = 0): Tensor {
    const b = this.buffers.get(key);
    if (b && b.shape[0] === rows && b.shape.length === sample.length - from + 1) {
      let same = true;
      for (let i = from; i < sample.length; i++) if (b.shape[i - from + 1] !== sample[i]) same = false;
      if (same) return b;
    }
    const shape = [rows, ...sample.slice(from)];
    let size = 1;
    for (const n of shape) size *= n;
    const t = new Tensor(new Float64Array(size), shape);
    this.buffers.set(key, t);
    return t;
  }

  /** Throws SHAPE_MISMATCH unless x is [B, …expected]. */
  protected checkInput(x: Tensor, expected: readonly number[]): void {
    const ok = x.rank === expected.length + 1 && expected.every((n, i) => x.shape[i + 1] === n);
    if (!ok) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `layer ${this.name} (${this.className}) expects input [batch, ${expected.join(', ')}], got ${fmtShape(x.shape)}`,
      );
    }
  }

  /** Makes a parameter with its gradient buffer. */
  protected addParam(name: string, shape: number[], values: Float64Array, regularizer?: Regularizer): Parameter {
    const p: Parameter = {
      name: `${this.name}/${name}`,
      value: new Tensor(values, shape),
      grad: new Float64Array(values.length),
      ...(regularizer ? { regularizer } : {}),
    };
    this.params.push(p);
    return p;
  }
}
