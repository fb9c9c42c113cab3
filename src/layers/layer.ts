import { NumnetError, describe, fmtShape, isPlainObject } from '../errors.js';
import { Random } from '../random.js';
import { MAX_RANK, MAX_SIZE, Tensor } from '../tensor/tensor.js';
import type { Activation } from '../activations/activations.js';
import type { Regularizer } from './regularizers.js';

/** A trainable weight with its gradient buffer (same size), filled by `backward`. */
export interface Parameter {
  /** `layer/kernel`, `layer/bias`, `layer/alpha`: the layer's name and the weight's. */
  readonly name: string;
  /** The current values (updated in place by the optimizer). */
  readonly value: Tensor;
  /** ∂L/∂value from the last backward pass, the same size as `value`. */
  readonly grad: Float64Array;
  /** The penalty added to the loss for this weight, if any. */
  readonly regularizer?: Regularizer;
  /**
   * False for a weight the optimizer does not update — state a layer keeps itself, such as
   * BatchNormalization's moving mean (its grad stays 0). True when omitted.
   */
  readonly trainable?: boolean;
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
  /** The layer's name, unique in its model (set by the model when not given). */
  name: string;
  /** The shape of one sample given to the first layer of a model (no batch axis), if set. */
  readonly inputShape: number[] | undefined;
  /** The shape of one output sample (no batch axis), known once built. */
  outputShape: number[] = [];
  /** The weights with their gradient buffers, in `getWeights()` order (non-trainable ones marked). */
  params: Parameter[] = [];
  /** True once `build` has created the weights. */
  built = false;
  private buffers = new Map<string, Tensor>();

  constructor(config: LayerConfig = {}) {
    if (config === null || typeof config !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `layer config must be an object, got ${describe(config)}`);
    }
    if (config.name != null && (typeof config.name !== 'string' || config.name === '')) {
      throw new NumnetError('INVALID_ARGUMENT', `layer name must be a non-empty string, got ${describe(config.name)}`);
    }
    this.name = config.name ?? '';
    if (config.inputShape != null) this.inputShape = checkSampleShape(config.inputShape, 'inputShape');
  }

  /** Creates the weights for inputs of shape `inputShape` (one sample) and sets `outputShape`. */
  build(inputShape: number[], rng: Random): void {
    this.checkBuild(inputShape, rng);
    this.outputShape = inputShape.slice();
    this.built = true;
  }

  /**
   * The output for a batch x of shape [B, …inputShape]; `training` turns on training-only behaviour
   * (dropout). Keeps what `backward` needs.
   */
  abstract forward(x: Tensor, training: boolean): Tensor;
  /**
   * Given ∂L/∂y for the last `forward`, fills each parameter's `grad` with ∂L/∂w and returns ∂L/∂x
   * (or undefined when `needInputGradient` is false, for the first layer).
   */
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
    if (size > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name}: a batch buffer of shape ${fmtShape(shape)} is more than ${MAX_SIZE} values; use a smaller batchSize`);
    }
    const t = new Tensor(new Float64Array(size), shape);
    this.buffers.set(key, t);
    return t;
  }

  /** Checks `build`'s arguments: a sample shape and a generator (INVALID_ARGUMENT otherwise). */
  protected checkBuild(inputShape: unknown, rng: unknown): void {
    checkSampleShape(inputShape, `layer ${this.name} (${this.className}): build() inputShape`);
    if (!(rng instanceof Random)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): build() needs a Random generator, got ${describe(rng)}`);
    }
  }

  /** Throws unless the layer is built and x is a tensor [B, …expected] (SHAPE_MISMATCH). */
  protected checkInput(x: Tensor, expected: readonly number[]): void {
    if (!this.built) throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}) is not built yet`);
    if (!(x instanceof Tensor)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): forward() takes a Tensor, got ${describe(x)}`);
    }
    let ok = x.rank === expected.length + 1;
    for (let i = 0; ok && i < expected.length; i++) ok = x.shape[i + 1] === expected[i];
    if (!ok) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `layer ${this.name} (${this.className}) expects input [batch, ${expected.join(', ')}], got ${fmtShape(x.shape)}`,
      );
    }
  }

  /**
   * Throws unless `dy` is a tensor of the shape `forward` last returned (`like`): `backward` comes
   * after a `forward` and takes ∂L/∂y of that output (INVALID_ARGUMENT / SHAPE_MISMATCH).
   */
  protected checkGradient(dy: Tensor, like: Tensor | undefined, what = 'backward()'): void {
    if (!like) throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): ${what} comes after forward()`);
    if (!(dy instanceof Tensor)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): ${what} takes a Tensor, got ${describe(dy)}`);
    }
    let ok = dy.rank === like.rank;
    for (let i = 0; ok && i < like.rank; i++) ok = dy.shape[i] === like.shape[i];
    if (!ok) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `layer ${this.name} (${this.className}): ${what} got a gradient of shape ${fmtShape(dy.shape)} for an output of shape ${fmtShape(like.shape)}`,
      );
    }
  }

  /**
   * Makes a weight with its gradient buffer (INVALID_ARGUMENT if an initializer gave non-finite
   * values); `trainable: false` for state the optimizer does not update.
   */
  protected addParam(name: string, shape: number[], values: Float64Array, regularizer?: Regularizer, trainable = true): Parameter {
    if (values instanceof Float64Array) {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) {
          throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name}: the initial ${name} holds ${values[i]} at index ${i}; an initializer must give finite values`);
        }
      }
    }
    const p: Parameter = {
      name: `${this.name}/${name}`,
      value: new Tensor(values, shape),
      grad: new Float64Array(values.length),
      ...(regularizer ? { regularizer } : {}),
      ...(trainable ? {} : { trainable: false }),
    };
    this.params.push(p);
    return p;
  }
}

/** The options of a layer class: a plain object (undefined gives {}) whose keys are `name`, `inputShape` and `keys`. */
export function layerOptions<T extends object>(config: T | undefined, keys: readonly string[], className: string, required = false): T {
  if (config === undefined && !required) return {} as T;
  if (!isPlainObject(config)) {
    throw new NumnetError('INVALID_ARGUMENT', `${className} options must be a plain object, got ${describe(config)}`);
  }
  const allowed = ['name', 'inputShape', ...keys];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new NumnetError('INVALID_ARGUMENT', `${className} has no option ${JSON.stringify(key)}; its options are ${allowed.join(', ')}`);
    }
  }
  return config;
}

/** A copy of a sample shape: 1 to MAX_RANK positive integers, at most MAX_SIZE values in all. */
export function checkSampleShape(s: unknown, what: string): number[] {
  let ok = Array.isArray(s) && s.length > 0 && s.length <= MAX_RANK;
  let size = 1;
  for (let i = 0; ok && i < (s as unknown[]).length; i++) {
    const n: unknown = (s as unknown[])[i];
    ok = typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_SIZE;
    if (ok) size *= n as number;
  }
  if (!ok) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${what} must be an array of 1 to ${MAX_RANK} positive integers (one sample, no batch axis), got ${Array.isArray(s) ? fmtShape(s) : describe(s)}`,
    );
  }
  if (size > MAX_SIZE) throw new NumnetError('INVALID_ARGUMENT', `${what} ${fmtShape(s as number[])} has ${size} values, more than ${MAX_SIZE}`);
  return (s as number[]).slice();
}
