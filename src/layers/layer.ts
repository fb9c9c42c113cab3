import { NumnetError, describe, fmtShape, isPlainObject } from '../errors.js';
import { Random } from '../random.js';
import { releaseResident, resident, residentLost } from '../tensor/kernels.js';
import { MAX_RANK, MAX_SIZE, Tensor } from '../tensor/tensor.js';
import type { Activation } from '../activations/activations.js';
import type { LayerConfig, LayerShapes, Parameter, PreparedBuild, WeightShape } from './types.js';

export type { LayerConfig, LayerShapes, Parameter, PreparedBuild, WeightShape } from './types.js';

/**
 * A layer maps a batch x of shape [B, …inputShape] to y of shape [B, …outputShape].
 *
 * A layer class states its math in three methods, as Keras's `call`: `call(x, training)` computes y
 * and keeps what the backward pass needs; `callBackward(dy)` fills each parameter's `grad` with ∂L/∂w
 * and returns ∂L/∂x; `shapes(inputShape)` gives the output shape and the weights it builds (with
 * `initialValues` drawing them). These trust their arguments: the public `forward`/`backward` check
 * them first, and a model checks a batch once at its door and then calls the `…Unchecked` entries.
 * Output and gradient buffers are reused while the batch size stays the same, so a returned tensor
 * is only valid until the next call.
 *
 * Building is "check, then build": `prepareBuild` computes the shapes and draws the weights without
 * touching the layer (it may throw), `commitBuild` adopts the result (it does not throw).
 */
export abstract class Layer {
  /** The class name used in summaries and saved configs ('Dense', …). */
  abstract readonly className: string;
  /** The layer's name, unique in its model (set by the model when not given). */
  name: string;
  /** The shape of one sample given to the first layer of a model (no batch axis), if set. */
  readonly inputShape: number[] | undefined;
  /** The shape of one input sample (no batch axis), known once built. */
  inputSample: number[] = [];
  /** The shape of one output sample (no batch axis), known once built. */
  outputShape: number[] = [];
  /** The weights with their gradient buffers, in `getWeights()` order (non-trainable ones marked). */
  params: Parameter[] = [];
  /** True once `build` has created the weights. */
  built = false;
  private buffers = new Map<string, Tensor>();
  /** The output of the last forward pass: what `backward`'s ∂L/∂y must match. */
  private lastOutput: Tensor | undefined;
  private frozen = false;

  constructor(config: LayerConfig = {}) {
    if (config === null || typeof config !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `layer config must be an object, got ${describe(config)}`);
    }
    if (config.name != null && (typeof config.name !== 'string' || config.name === '')) {
      throw new NumnetError('INVALID_ARGUMENT', `layer name must be a non-empty string, got ${describe(config.name)}`);
    }
    this.name = config.name ?? '';
    if (config.inputShape != null) this.inputShape = checkSampleShape(config.inputShape, 'inputShape');
    if (config.trainable !== undefined) this.trainable = config.trainable;
  }

  /**
   * Keras's `layer.trainable`: false freezes the layer — its weights are left out of training (no
   * gradient step, no regularization penalty; counted as non-trainable by `summary()`), and a
   * BatchNormalization runs in inference mode; the gradient still flows through it to the layers
   * before. Saved in both formats. As in Keras, call `compile()` again (with a new optimizer) after
   * changing it once the model has trained.
   */
  get trainable(): boolean {
    return !this.frozen;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name || this.className}: trainable must be true or false, got ${describe(value)}`);
    }
    if (this.frozen === !value) return;
    this.frozen = !value;
    trainableChanges++;
  }

  // ------------------------------------------------------------------ what a layer class states

  /**
   * The output shape and the weights this layer builds for samples of `inputShape` (a checked sample
   * shape), in build order, without building anything (Keras's `compute_output_shape` with the
   * weight shapes). SHAPE_MISMATCH when the layer cannot take that input. The default keeps the
   * shape and has no weights.
   */
  protected computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: inputShape.slice(), weights: [] };
  }

  /** The initial values of one weight of `shapes(inputShape)`, drawn from `rng` (weights are drawn in order). */
  protected initialValues(weight: WeightShape, _inputShape: readonly number[], _rng: Random): Float64Array {
    throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}) declares a weight ${weight.name} but gives no initialValues for it`);
  }

  /** What the layer keeps besides its weights, made when it is built (Dropout's mask generator). */
  protected prepareState(_inputShape: readonly number[], _rng: Random): unknown {
    return undefined;
  }

  /** Takes a committed build: keeps references to its weights and sizes its scratch buffers. Must not throw. */
  protected adopt(_build: PreparedBuild): void {}

  /** y for a batch x of shape [B, …inputSample] (unchecked); `training` turns on dropout and the like. Keeps what `callBackward` needs. */
  protected abstract call(x: Tensor, training: boolean): Tensor;
  /** Given ∂L/∂y for the last `call` (unchecked): fills each parameter's `grad`, returns ∂L/∂x when `needInputGradient`. */
  protected abstract callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined;
  /** `callBackward` given ∂L/∂z before the output activation (the fused crossentropy gradient); layers with an `outputActivation` implement it. */
  protected callBackwardFromPreActivation(_dz: Tensor, _needInputGradient: boolean): Tensor | undefined {
    throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} has no output activation to fuse`);
  }

  // ------------------------------------------------------------------ building

  /**
   * The output shape and the weights (names, shapes, trainable) this layer builds for samples of
   * `inputShape`, without building anything; SHAPE_MISMATCH when it cannot take that input.
   */
  shapes(inputShape: readonly number[]): LayerShapes {
    checkSampleShape(inputShape, `layer ${this.name || this.className}: inputShape`);
    return this.computeShapes(inputShape);
  }

  /** The output shape for samples of `inputShape` (Keras's `compute_output_shape`); changes nothing. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    return this.shapes(inputShape).outputShape;
  }

  /**
   * The layer's build for samples of `inputShape` — shapes checked, weights drawn from `rng` and
   * named `${name}/…` — without changing the layer. Throws NumnetError when it cannot be built.
   */
  prepareBuild(inputShape: number[], rng: Random, name = this.name): PreparedBuild {
    // The messages name the layer by the name it will have (the model names a layer as it joins).
    const own = this.name;
    this.name = name;
    try {
      this.checkBuild(inputShape, rng);
      const { outputShape, weights } = this.computeShapes(inputShape);
      const params = weights.map((w) => makeParameter(name, w, this.initialValues(w, inputShape, rng)));
      const state = this.prepareState(inputShape, rng);
      const build: PreparedBuild = { inputShape: inputShape.slice(), outputShape, params, ...(state !== undefined ? { state } : {}) };
      PREPARED.set(build, this);
      return build;
    } finally {
      this.name = own;
    }
  }

  /**
   * Adopts a build from this layer's `prepareBuild` (the one place a layer's weights and shapes
   * change); INVALID_ARGUMENT for anything else.
   */
  commitBuild(build: PreparedBuild): void {
    if (PREPARED.get(build) !== this) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name || this.className}: commitBuild() takes a build from this layer's prepareBuild(), got ${describe(build)}`);
    }
    this.params = build.params;
    this.inputSample = build.inputShape;
    this.outputShape = build.outputShape;
    this.lastOutput = undefined;
    this.built = true;
    this.adopt(build);
  }

  /** Creates the weights for inputs of shape `inputShape` (one sample) and sets `outputShape`. */
  build(inputShape: number[], rng: Random): void {
    this.commitBuild(this.prepareBuild(inputShape, rng));
  }

  // ------------------------------------------------------------------ the passes

  /**
   * The output for a batch x of shape [B, …inputShape]; `training` turns on training-only behaviour
   * (dropout). Checks that the layer is built and x has that shape (SHAPE_MISMATCH).
   */
  forward(x: Tensor, training = false): Tensor {
    this.checkInput(x);
    return this.forwardUnchecked(x, training);
  }

  /**
   * Given ∂L/∂y for the last `forward`, fills each parameter's `grad` with ∂L/∂w and returns ∂L/∂x
   * (or undefined when `needInputGradient` is false, for the first layer). Checks dy's shape.
   */
  backward(dy: Tensor, needInputGradient = true): Tensor | undefined {
    this.checkGradient(dy, 'backward()');
    return this.callBackward(dy, needInputGradient);
  }

  /**
   * Like `backward`, but given ∂L/∂z before the output activation (the fused softmax/sigmoid
   * crossentropy gradient). Only layers with an `outputActivation` implement it.
   */
  backwardFromPreActivation(dz: Tensor, needInputGradient = true): Tensor | undefined {
    this.checkGradient(dz, 'backwardFromPreActivation()');
    return this.callBackwardFromPreActivation(dz, needInputGradient);
  }

  /** @internal `forward` without the checks: the model's inner path, after its door checked the batch. */
  forwardUnchecked(x: Tensor, training: boolean): Tensor {
    const y = this.call(x, training);
    this.lastOutput = y;
    return y;
  }

  /** @internal `backward` without the checks (the model's inner path). */
  backwardUnchecked(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    return this.callBackward(dy, needInputGradient);
  }

  /** @internal `backwardFromPreActivation` without the checks (the model's inner path). */
  backwardFromPreActivationUnchecked(dz: Tensor, needInputGradient: boolean): Tensor | undefined {
    return this.callBackwardFromPreActivation(dz, needInputGradient);
  }

  /** The activation this layer applies last (for the fused crossentropy gradient), if any. */
  get outputActivation(): Activation | undefined {
    return undefined;
  }

  /** The options that rebuild this layer. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name };
    if (this.inputShape) c.inputShape = this.inputShape.slice();
    if (this.frozen) c.trainable = false;
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
   * changes; nothing is allocated while the batch size stays the same. `inKernel`: a resident
   * array where there is one (kernels.ts `resident`: in the WebAssembly memory, where the next
   * layer's pass reads it in place), made again if that memory was given back.
   */
  protected batchBuffer(key: string, rows: number, sample: readonly number[], from = 0, inKernel = false): Tensor {
    const b = this.buffers.get(key);
    if (b && b.shape[0] === rows && b.shape.length === sample.length - from + 1 && !(inKernel && residentLost(b.data))) {
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
    if (b) releaseResident(b.data); // replaced: the last call's tensor was valid until this one
    const t = new Tensor((inKernel && resident(size)) || new Float64Array(size), shape);
    this.buffers.set(key, t);
    return t;
  }

  /** Checks `build`'s arguments: a sample shape and a generator (INVALID_ARGUMENT otherwise). */
  private checkBuild(inputShape: unknown, rng: unknown): void {
    checkSampleShape(inputShape, `layer ${this.name} (${this.className}): build() inputShape`);
    if (!(rng instanceof Random)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): build() needs a Random generator, got ${describe(rng)}`);
    }
  }

  /** Throws unless the layer is built and x is a tensor [B, …inputSample] (SHAPE_MISMATCH). */
  private checkInput(x: Tensor): void {
    if (!this.built) throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}) is not built yet`);
    if (!(x instanceof Tensor)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${this.name} (${this.className}): forward() takes a Tensor, got ${describe(x)}`);
    }
    const expected = this.inputSample;
    let ok = x.rank === expected.length + 1 && x.shape[0]! >= 1;
    for (let i = 0; ok && i < expected.length; i++) ok = x.shape[i + 1] === expected[i];
    if (!ok) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `layer ${this.name} (${this.className}) expects input [batch, ${expected.join(', ')}], got ${fmtShape(x.shape)}`,
      );
    }
  }

  /**
   * Throws unless `dy` is a tensor of the shape the last forward pass returned: `backward` comes
   * after a `forward` and takes ∂L/∂y of that output (INVALID_ARGUMENT / SHAPE_MISMATCH).
   */
  private checkGradient(dy: Tensor, what: string): void {
    const like = this.lastOutput;
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
}

/** Counts changes of any layer's `trainable`: a model recollects its trainable weights when it moved. */
let trainableChanges = 0;

/** The number of `trainable` changes so far (a model compares it with the count it collected at). */
export function trainableVersion(): number {
  return trainableChanges;
}

/** The builds `prepareBuild` made, with the layer that made each: `commitBuild` takes only its own. */
const PREPARED = new WeakMap<PreparedBuild, Layer>();

/**
 * A weight `layer/name` with its gradient buffer, from its shape and initial values
 * (INVALID_ARGUMENT if an initializer gave non-finite values or the wrong number of them).
 */
function makeParameter(layer: string, w: WeightShape, values: Float64Array): Parameter {
  let size = 1;
  for (const n of w.shape) size *= n;
  if (!(values instanceof Float64Array) || values.length !== size) {
    throw new NumnetError('INVALID_ARGUMENT', `layer ${layer}: the initial ${w.name} must be a Float64Array of ${size} values, got ${describe(values)}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${layer}: the initial ${w.name} holds ${values[i]} at index ${i}; an initializer must give finite values`);
    }
  }
  // resident where there are such arrays (kernels.ts): the GEMMs read the weight and write its
  // gradient in place, and the optimizer's update runs there
  const value = resident(values.length);
  value?.set(values);
  return {
    name: `${layer}/${w.name}`,
    value: new Tensor(value ?? values, w.shape.slice()),
    grad: resident(values.length) ?? new Float64Array(values.length),
    ...(w.regularizer ? { regularizer: w.regularizer } : {}),
    ...(w.trainable === false ? { trainable: false } : {}),
  };
}

/** The options of a layer class: a plain object (undefined gives {}) whose keys are `name`, `inputShape` and `keys`. */
export function layerOptions<T extends object>(config: T | undefined, keys: readonly string[], className: string, required = false): T {
  if (config === undefined && !required) return {} as T;
  if (!isPlainObject(config)) {
    throw new NumnetError('INVALID_ARGUMENT', `${className} options must be a plain object, got ${describe(config)}`);
  }
  const allowed = ['name', 'inputShape', 'trainable', ...keys];
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
