import { Activation, getActivation, linear } from '../activations/activations.js';
import { NumnetError, describe, fmtShape } from '../errors.js';
import { kernelLayerFromTFJS, kernelLayerToTFJS } from '../io/tfjs-config.js';
import { Random } from '../random.js';
import { gemm, gemmBiasRelu, sumRows } from '../tensor/kernels.js';
import { MAX_SIZE, Tensor } from '../tensor/tensor.js';
import { Initializer, InitializerSpec, getInitializer } from './initializers.js';
import { kernelLayerConfig, kernelLayerOptions } from './config.js';
import { Layer, LayerConfig, LayerShapes, Parameter, WeightShape, layerOptions } from './layer.js';
import { Regularizer } from './regularizers.js';
import type { LayerSpec } from './spec.js';

export interface DenseConfig extends LayerConfig {
  /** Number of outputs. */
  units: number;
  /** Activation name (default 'linear') or an Activation. */
  activation?: string | Activation;
  /** Whether to add a bias b (default true). */
  useBias?: boolean;
  /** How W is initialized (default 'glorotUniform'). */
  kernelInitializer?: InitializerSpec;
  /** How b is initialized (default 'zeros'). */
  biasInitializer?: InitializerSpec;
  /** A penalty on W: `l1(c)`, `l2(c)`, `l1l2({ l1, l2 })`. */
  kernelRegularizer?: Regularizer;
  /** A penalty on b. */
  biasRegularizer?: Regularizer;
}

const DENSE_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'];

/**
 * A fully connected layer: z = x·W + b, y = φ(z), with W of shape [inputDim, units] (Keras
 * layout: W[i][j] connects input i to unit j) and b of shape [units].
 *
 * Backward, from dy = ∂L/∂y: dz = dy ⊙ φ′(z); ∂L/∂W = xᵀ·dz; ∂L/∂b = Σ_batch dz; ∂L/∂x = dz·Wᵀ.
 */
export class Dense extends Layer {
  /** How Dense is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Dense> = {
    className: 'Dense',
    keys: DENSE_KEYS,
    fromConfig: (c) => new Dense(kernelLayerOptions(c) as unknown as DenseConfig),
    toConfig: (d) => kernelLayerConfig(d),
    tfjs: {
      className: 'Dense',
      toConfig: (d, ctx) => kernelLayerToTFJS(d, { units: d.units }, ctx),
      fromConfig: (c) => new Dense({ ...c.base, units: c.integer('units', 1), ...kernelLayerFromTFJS(c) }),
    },
  };

  readonly className = 'Dense';
  /** Number of outputs. */
  readonly units: number;
  /** φ, applied to z = x·W + b. */
  readonly activation: Activation;
  /** Whether the layer adds a bias b. */
  readonly useBias: boolean;
  /** How W is initialized. */
  readonly kernelInitializer: Initializer;
  /** How b is initialized. */
  readonly biasInitializer: Initializer;
  /** The penalty on W, if any. */
  readonly kernelRegularizer: Regularizer | undefined;
  /** The penalty on b, if any. */
  readonly biasRegularizer: Regularizer | undefined;
  /** W, of shape [inputDim, units] (once built). */
  kernel!: Parameter;
  /** b, of shape [units] (once built, with `useBias`). */
  bias: Parameter | undefined;
  private x: Tensor | undefined;
  private z: Tensor | undefined;

  constructor(config: DenseConfig) {
    super(layerOptions(config, DENSE_KEYS, 'Dense', true));
    const units = config.units;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1 || units > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `Dense: units must be a positive integer (at most ${MAX_SIZE}), got ${describe(units)}`);
    }
    this.units = units;
    this.activation = getActivation(config.activation ?? 'linear');
    this.useBias = config.useBias ?? true;
    if (typeof this.useBias !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `Dense: useBias must be true or false, got ${describe(config.useBias)}`);
    }
    this.kernelInitializer = getInitializer(config.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(config.biasInitializer ?? 'zeros');
    for (const key of ['kernelRegularizer', 'biasRegularizer'] as const) {
      const r = config[key];
      if (r != null && !(r instanceof Regularizer)) {
        throw new NumnetError('INVALID_ARGUMENT', `Dense: ${key} must be l1(c), l2(c) or l1l2({...}), got ${describe(r)}`);
      }
    }
    this.kernelRegularizer = config.kernelRegularizer ?? undefined;
    this.biasRegularizer = config.biasRegularizer ?? undefined;
  }

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    if (inputShape.length !== 1) {
      throw new NumnetError('SHAPE_MISMATCH', `Dense layer ${this.name} takes inputs of shape [features], got ${fmtShape(inputShape)}: put a Flatten layer before it`);
    }
    const inputDim = inputShape[0]!;
    if (inputDim * this.units > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `Dense layer ${this.name}: a kernel of ${inputDim}×${this.units} = ${inputDim * this.units} weights is more than ${MAX_SIZE}`);
    }
    const weights: WeightShape[] = [{ name: 'kernel', shape: [inputDim, this.units], ...(this.kernelRegularizer ? { regularizer: this.kernelRegularizer } : {}) }];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.units], ...(this.biasRegularizer ? { regularizer: this.biasRegularizer } : {}) });
    return { outputShape: [this.units], weights };
  }

  protected override initialValues(w: WeightShape, inputShape: readonly number[], rng: Random): Float64Array {
    const inputDim = inputShape[0]!;
    const init = w.name === 'kernel' ? this.kernelInitializer : this.biasInitializer;
    return init.init(w.name === 'kernel' ? inputDim * this.units : this.units, inputDim, this.units, rng);
  }

  protected override adopt(): void {
    this.kernel = this.params[0]!;
    this.bias = this.useBias ? this.params[1] : undefined;
  }

  override get outputActivation(): Activation {
    return this.activation;
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const inputDim = this.kernel.value.shape[0]!;
    const rows = x.shape[0]!;
    // z, y, dz and dx are resident where they can be: the next GEMM or pass reads them in place.
    const z = this.batchBuffer('z', rows, this.outputShape, 0, true);
    // The bias is fused into the GEMM: each row of z starts at b and accumulates x·W onto it.
    gemmBiasRelu(false, false, rows, this.units, inputDim, x.data, this.kernel.value.data, z.data, this.bias?.value.data, false);
    this.x = x;
    this.z = z;
    if (this.activation === linear) return z;
    const y = this.batchBuffer('y', rows, this.outputShape, 0, true);
    this.activation.forward(z.data, y.data, this.units);
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    const z = this.z!;
    if (this.activation === linear) return this.callBackwardFromPreActivation(dy, needInputGradient);
    const rows = z.shape[0]!;
    const dz = this.batchBuffer('dz', rows, this.outputShape, 0, true);
    const y = this.batchBuffer('y', rows, this.outputShape, 0, true);
    this.activation.backward(z.data, y.data, dy.data, dz.data, this.units);
    return this.callBackwardFromPreActivation(dz, needInputGradient);
  }

  protected override callBackwardFromPreActivation(dz: Tensor, needInputGradient: boolean): Tensor | undefined {
    const x = this.x!;
    const rows = x.shape[0]!;
    const inputDim = this.kernel.value.shape[0]!;
    gemm(true, false, inputDim, this.units, rows, x.data, dz.data, this.kernel.grad);
    if (this.bias) sumRows(dz.data, this.bias.grad, rows, this.units);
    if (!needInputGradient) return undefined;
    const dx = this.batchBuffer('dx', rows, x.shape, 1, true);
    gemm(false, true, rows, inputDim, this.units, dz.data, this.kernel.value.data, dx.data);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config,
      biasInitializer: this.biasInitializer.config,
    };
    if (this.kernelRegularizer) c.kernelRegularizer = this.kernelRegularizer.getConfig();
    if (this.biasRegularizer) c.biasRegularizer = this.biasRegularizer.getConfig();
    return c;
  }
}
