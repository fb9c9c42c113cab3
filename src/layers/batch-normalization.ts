import { NumnetError, describe, fmtShape } from '../errors.js';
import { initializerToTFJS } from '../io/tfjs-config.js';
import type { TFJSConfig } from '../io/tfjs-config.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { initializerConfig, initializerFromConfig } from './config.js';
import { Initializer, InitializerSpec, getInitializer } from './initializers.js';
import { Layer, LayerConfig, LayerShapes, Parameter, WeightShape, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/** The options of {@link BatchNormalization} (Keras's names and defaults). */
export interface BatchNormalizationConfig extends LayerConfig {
  /**
   * The channel axis: only the last one is supported, as −1 (the default) or its positive index
   * (3 for images [batch, h, w, c]); any other axis is INVALID_ARGUMENT.
   */
  axis?: number;
  /** m in movingMean ← movingMean·m + μ·(1 − m) (default 0.99), in [0, 1]. */
  momentum?: number;
  /** ε added to the variance (default 1e-3), > 0. */
  epsilon?: number;
  /** Whether to add the learned offset β (default true). */
  center?: boolean;
  /** Whether to multiply by the learned scale γ (default true). */
  scale?: boolean;
  /** How γ starts (default 'ones'). */
  gammaInitializer?: InitializerSpec;
  /** How β starts (default 'zeros'). */
  betaInitializer?: InitializerSpec;
  /** How the moving mean starts (default 'zeros'). */
  movingMeanInitializer?: InitializerSpec;
  /** How the moving variance starts (default 'ones'). */
  movingVarianceInitializer?: InitializerSpec;
}

const INITIALIZER_KEYS = ['gammaInitializer', 'betaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer'] as const;
const INITIALIZER_DEFAULTS = { gammaInitializer: 'ones', betaInitializer: 'zeros', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones' };
const BN_KEYS = ['axis', 'momentum', 'epsilon', 'center', 'scale', ...INITIALIZER_KEYS];
type InitializerKey = (typeof INITIALIZER_KEYS)[number];
/** numnet initializer option → Keras config key. */
const TFJS_INITIALIZER_KEYS: Record<InitializerKey, string> = {
  gammaInitializer: 'gamma_initializer',
  betaInitializer: 'beta_initializer',
  movingMeanInitializer: 'moving_mean_initializer',
  movingVarianceInitializer: 'moving_variance_initializer',
};

/**
 * Batch normalization over the last axis (the channels), as Keras 3's `BatchNormalization`; any
 * rank: [batch, features] after Dense, [batch, h, w, c] after Conv2D. Per channel c, over every
 * other axis (R = the number of values of channel c in the batch):
 *
 * - training (`fit`, `trainOnBatch`, unless the layer is frozen: then inference): μ = Σx/R, σ² = Σ(x − μ)²/R (biased), x̂ = (x − μ)/√(σ² + ε),
 *   y = γ·x̂ + β; then movingMean ← movingMean·momentum + μ·(1 − momentum), and likewise
 *   movingVariance with σ² (the step puts them back when the batch is refused);
 * - inference (`predict`, `evaluate`, validation): x̂ = (x − movingMean)/√(movingVariance + ε),
 *   y = γ·x̂ + β.
 *
 * Backward from dy, training (the gradient flows through μ and σ²):
 * ∂L/∂x = (γ/√(σ² + ε))·(dy − mean(dy) − x̂·mean(dy·x̂)); ∂L/∂γ = Σ dy·x̂; ∂L/∂β = Σ dy.
 * Inference: ∂L/∂x = dy·γ/√(movingVariance + ε), ∂L/∂γ and ∂L/∂β as above.
 * Without `scale` γ is 1, without `center` β is 0 (and the weight does not exist).
 * Weights, in `getWeights()` order: gamma, beta, movingMean, movingVariance; only gamma and beta are
 * trained; `countParams()` counts all four, as Keras.
 */
export class BatchNormalization extends Layer {
  /** How BatchNormalization is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<BatchNormalization> = {
    className: 'BatchNormalization',
    keys: BN_KEYS,
    fromConfig(c) {
      const options: Record<string, unknown> = { ...c };
      for (const k of INITIALIZER_KEYS) if (c[k] !== undefined) options[k] = initializerFromConfig(c[k], k);
      return new BatchNormalization(options as BatchNormalizationConfig);
    },
    toConfig(l) {
      const c = l.getConfig();
      for (const k of INITIALIZER_KEYS) c[k] = initializerConfig(l[k], `layer ${l.name}: ${k}`);
      return c;
    },
    tfjs: {
      className: 'BatchNormalization',
      weights: { movingMean: 'moving_mean', movingVariance: 'moving_variance' },
      toConfig(l, { where, base }) {
        const config: Record<string, unknown> = { axis: l.axis, momentum: l.momentum, epsilon: l.epsilon, center: l.center, scale: l.scale };
        for (const k of INITIALIZER_KEYS) config[TFJS_INITIALIZER_KEYS[k]] = initializerToTFJS(l[k], `${where}: ${k}`);
        Object.assign(config, { beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, ...base });
        return [{ class_name: 'BatchNormalization', config }];
      },
      fromConfig: (c) => new BatchNormalization(tfjsOptions(c)),
    },
  };

  readonly className = 'BatchNormalization';
  /** The channel axis as given: −1, or the last axis's positive index. */
  readonly axis: number;
  /** The moving statistics' momentum. */
  readonly momentum: number;
  /** ε added to the variance. */
  readonly epsilon: number;
  /** Whether β is added. */
  readonly center: boolean;
  /** Whether γ multiplies. */
  readonly scale: boolean;
  /** How γ starts. */
  readonly gammaInitializer: Initializer;
  /** How β starts. */
  readonly betaInitializer: Initializer;
  /** How the moving mean starts. */
  readonly movingMeanInitializer: Initializer;
  /** How the moving variance starts. */
  readonly movingVarianceInitializer: Initializer;
  /** γ, shape [channels] (once built, with `scale`). */
  gamma: Parameter | undefined;
  /** β, shape [channels] (once built, with `center`). */
  beta: Parameter | undefined;
  /** The moving mean, shape [channels], not trained (once built). */
  movingMean!: Parameter;
  /** The moving variance, shape [channels], not trained (once built). */
  movingVariance!: Parameter;
  private channels = 0;
  /** Per channel: μ of the last training batch (or the moving mean), 1/√(σ² + ε), Σdy, Σdy·x̂, γ/√(σ² + ε). */
  private mean = new Float64Array(0);
  private invStd = new Float64Array(0);
  private sumDy = new Float64Array(0);
  private sumDyXhat = new Float64Array(0);
  private scratch = new Float64Array(0);
  private xhat: Tensor | undefined;
  private y: Tensor | undefined;
  private trainingPass = false;

  constructor(config: BatchNormalizationConfig = {}) {
    super(layerOptions(config, BN_KEYS, 'BatchNormalization'));
    const axis = config.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis === 0 || axis < -1) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `BatchNormalization: axis must be -1 (the last axis, the channels) or the last axis's positive index; other axes are not supported, got ${describe(axis)}`,
      );
    }
    this.axis = axis;
    const momentum = config.momentum ?? 0.99;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
      throw new NumnetError('INVALID_ARGUMENT', `BatchNormalization: momentum must be a number in [0, 1], got ${describe(momentum)}`);
    }
    this.momentum = momentum;
    const epsilon = config.epsilon ?? 1e-3;
    if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new NumnetError('INVALID_ARGUMENT', `BatchNormalization: epsilon must be a finite number > 0, got ${describe(epsilon)}`);
    }
    this.epsilon = epsilon;
    this.center = checkBoolean(config.center, 'center');
    this.scale = checkBoolean(config.scale, 'scale');
    this.gammaInitializer = getInitializer(config.gammaInitializer ?? INITIALIZER_DEFAULTS.gammaInitializer);
    this.betaInitializer = getInitializer(config.betaInitializer ?? INITIALIZER_DEFAULTS.betaInitializer);
    this.movingMeanInitializer = getInitializer(config.movingMeanInitializer ?? INITIALIZER_DEFAULTS.movingMeanInitializer);
    this.movingVarianceInitializer = getInitializer(config.movingVarianceInitializer ?? INITIALIZER_DEFAULTS.movingVarianceInitializer);
  }

  /**
   * The number of channels of samples of shape `sample` (its last axis). INVALID_ARGUMENT when
   * `axis` is a positive index that is not the last axis of [batch, …sample].
   */
  private channelsOf(sample: readonly number[]): number {
    if (!Array.isArray(sample) || sample.length === 0) {
      throw new NumnetError('SHAPE_MISMATCH', `BatchNormalization layer ${this.name} takes samples with a channel axis, got ${Array.isArray(sample) ? fmtShape(sample) : describe(sample)}`);
    }
    if (this.axis !== -1 && this.axis !== sample.length) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `BatchNormalization layer ${this.name}: axis ${this.axis} is not the last axis of inputs [batch, ${sample.join(', ')}] (that is ${sample.length}, or -1); only the last axis is supported`,
      );
    }
    return sample[sample.length - 1]!;
  }

  /** The weights for the channels of `inputShape`, in build order; the output keeps the input's shape. */
  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    const c = this.channelsOf(inputShape);
    const w: WeightShape[] = [];
    if (this.scale) w.push({ name: 'gamma', shape: [c] });
    if (this.center) w.push({ name: 'beta', shape: [c] });
    w.push({ name: 'movingMean', shape: [c], trainable: false }, { name: 'movingVariance', shape: [c], trainable: false });
    return { outputShape: inputShape.slice(), weights: w };
  }

  protected override initialValues(w: WeightShape, _inputShape: readonly number[], rng: Random): Float64Array {
    const c = w.shape[0]!;
    return this[`${w.name}Initializer` as InitializerKey].init(c, c, c, rng);
  }

  protected override adopt(): void {
    let i = 0;
    this.gamma = this.scale ? this.params[i++] : undefined;
    this.beta = this.center ? this.params[i++] : undefined;
    this.movingMean = this.params[i++]!;
    this.movingVariance = this.params[i]!;
    const c = this.movingMean.value.size;
    this.channels = c;
    this.mean = new Float64Array(c);
    this.invStd = new Float64Array(c);
    this.sumDy = new Float64Array(c);
    this.sumDyXhat = new Float64Array(c);
    this.scratch = new Float64Array(c);
  }

  protected call(x: Tensor, trainingCall: boolean): Tensor {
    // A frozen layer (trainable false) runs in inference mode, as Keras 3's.
    const training = trainingCall && this.trainable;
    const rows = x.shape[0]!;
    const xhat = this.batchBuffer('xhat', rows, this.outputShape);
    const y = this.batchBuffer('y', rows, this.outputShape);
    if (training) this.batchStatistics(x.data);
    else this.movingStatistics();
    const C = this.channels;
    const mean = this.mean;
    const invStd = this.invStd;
    const g = this.gamma?.value.data;
    const b = this.beta?.value.data;
    const xd = x.data;
    const xh = xhat.data;
    const yd = y.data;
    for (let o = 0; o < xd.length; o += C) {
      for (let c = 0; c < C; c++) {
        const v = (xd[o + c]! - mean[c]!) * invStd[c]!;
        xh[o + c] = v;
        yd[o + c] = (g ? g[c]! * v : v) + (b ? b[c]! : 0);
      }
    }
    this.xhat = xhat;
    this.y = y;
    this.trainingPass = training;
    return y;
  }

  /**
   * μ and 1/√(σ² + ε) of the batch (two passes: the mean, then the biased variance), and the moving
   * update — refused, before anything changes, when the statistics or the new moving ones are not finite.
   */
  private batchStatistics(xd: Float64Array): void {
    const C = this.channels;
    const count = xd.length / C;
    const mean = this.mean;
    const v = this.invStd; // the variance first, then 1/√(σ² + ε)
    mean.fill(0);
    v.fill(0);
    for (let o = 0; o < xd.length; o += C) for (let c = 0; c < C; c++) mean[c]! += xd[o + c]!;
    for (let c = 0; c < C; c++) mean[c]! /= count;
    for (let o = 0; o < xd.length; o += C) {
      for (let c = 0; c < C; c++) {
        const d = xd[o + c]! - mean[c]!;
        v[c]! += d * d;
      }
    }
    const m = this.momentum;
    const mm = this.movingMean.value.data;
    const mv = this.movingVariance.value.data;
    for (let c = 0; c < C; c++) {
      v[c]! /= count;
      const finite = Number.isFinite(v[c]!) && Number.isFinite(mm[c]! * m + mean[c]! * (1 - m)) && Number.isFinite(mv[c]! * m + v[c]! * (1 - m));
      if (!finite) this.refuseStatistics(c);
    }
    for (let c = 0; c < C; c++) {
      mm[c] = mm[c]! * m + mean[c]! * (1 - m);
      mv[c] = mv[c]! * m + v[c]! * (1 - m);
      v[c] = 1 / Math.sqrt(v[c]! + this.epsilon);
    }
  }

  /** NON_FINITE_LOSS: the batch's statistics of channel c overflow (the moving statistics are left as they were). */
  private refuseStatistics(c: number): never {
    throw new NumnetError(
      'NON_FINITE_LOSS',
      `layer ${this.name} (BatchNormalization): the batch's mean or variance of channel ${c} is not finite (mean ${this.mean[c]}, variance ${this.invStd[c]}); the weights and moving statistics were not updated`,
    );
  }

  /** The moving mean and 1/√(movingVariance + ε), for inference. */
  private movingStatistics(): void {
    const mm = this.movingMean.value.data;
    const mv = this.movingVariance.value.data;
    for (let c = 0; c < this.channels; c++) {
      this.mean[c] = mm[c]!;
      this.invStd[c] = 1 / Math.sqrt(mv[c]! + this.epsilon);
    }
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    const C = this.channels;
    const xh = this.xhat!.data;
    const dyd = dy.data;
    const sumDy = this.sumDy;
    const sumDyXhat = this.sumDyXhat;
    sumDy.fill(0);
    sumDyXhat.fill(0);
    for (let o = 0; o < dyd.length; o += C) {
      for (let c = 0; c < C; c++) {
        const d = dyd[o + c]!;
        sumDy[c]! += d;
        sumDyXhat[c]! += d * xh[o + c]!;
      }
    }
    if (this.gamma) this.gamma.grad.set(sumDyXhat);
    if (this.beta) this.beta.grad.set(sumDy);
    if (!needInputGradient) return undefined;
    const dx = this.batchBuffer('dx', dy.shape[0]!, this.outputShape);
    const g = this.gamma?.value.data;
    const invStd = this.invStd;
    const dxd = dx.data;
    if (!this.trainingPass) {
      for (let o = 0; o < dyd.length; o += C) for (let c = 0; c < C; c++) dxd[o + c] = dyd[o + c]! * (g ? g[c]! : 1) * invStd[c]!;
      return dx;
    }
    // The fused gradient through μ and σ²: with k = γ/√(σ² + ε), dx = k·(dy − Σdy/R − x̂·Σdy·x̂/R).
    const count = dyd.length / C;
    const k = this.scratch;
    for (let c = 0; c < C; c++) {
      sumDy[c]! /= count;
      sumDyXhat[c]! /= count;
      k[c] = (g ? g[c]! : 1) * invStd[c]!;
    }
    for (let o = 0; o < dyd.length; o += C) {
      for (let c = 0; c < C; c++) dxd[o + c] = k[c]! * (dyd[o + c]! - sumDy[c]! - xh[o + c]! * sumDyXhat[c]!);
    }
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
    for (const k of INITIALIZER_KEYS) c[k] = { ...this[k].config };
    return c;
  }
}

function checkBoolean(v: unknown, key: string): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `BatchNormalization: ${key} must be true or false, got ${describe(v)}`);
  return v;
}

/** The options of a Keras/TF.js BatchNormalization config (INVALID_FORMAT naming the field). */
function tfjsOptions(c: TFJSConfig): BatchNormalizationConfig {
  for (const k of ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint']) c.mustBeNull(k, `BatchNormalization ${k.replace('_', ' ')}`);
  c.mustBeNull('virtual_batch_size', 'BatchNormalization virtual batch size');
  if (c.get('trainable') === false) throw c.error('trainable', 'is false; numnet has no frozen BatchNormalization (Keras runs one in inference mode)');
  if (c.get('renorm') === true) throw c.error('renorm', 'is true; numnet has no batch renormalization');
  let axis = c.get('axis') ?? -1;
  if (Array.isArray(axis) && axis.length === 1) axis = axis[0]; // Keras 2 writes [3] after building
  const options: BatchNormalizationConfig = { ...c.base, axis: axis as number };
  for (const k of ['momentum', 'epsilon'] as const) {
    const v = c.get(k);
    if (v !== undefined && v !== null) {
      if (typeof v !== 'number') throw c.error(k, `must be a number, got ${describe(v)}`);
      options[k] = v;
    }
  }
  for (const k of ['center', 'scale'] as const) {
    const v = c.get(k);
    if (v !== undefined && v !== null) {
      if (typeof v !== 'boolean') throw c.error(k, `must be true or false, got ${describe(v)}`);
      options[k] = v;
    }
  }
  for (const k of INITIALIZER_KEYS) options[k] = c.initializer(TFJS_INITIALIZER_KEYS[k], INITIALIZER_DEFAULTS[k]);
  return options;
}
