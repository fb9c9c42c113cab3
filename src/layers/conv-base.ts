import { Activation, getActivation, linear, relu } from '../activations/activations.js';
import { NumnetError, describe, fmtShape } from '../errors.js';
import { Random } from '../random.js';
import { ConvGeometry, chunkRows, convAxis, convBackward, convForward, fillBias, isPointwise, patchSize } from '../tensor/conv.js';
import { DzWriter, Patches, convBackwardStaged, convForwardStaged, reluBackwardSum, reluDz } from '../tensor/conv-fused.js';
import { Kept, inKernelMemory, keep, sumRows } from '../tensor/kernels.js';
import { MAX_SIZE, Tensor } from '../tensor/tensor.js';
import { Initializer, InitializerSpec, getInitializer } from './initializers.js';
import { Layer, LayerConfig, LayerShapes, Parameter, PreparedBuild, WeightShape, checkSampleShape, layerOptions } from './layer.js';
import { Regularizer } from './regularizers.js';

/** The options of Conv2D and Conv1D (sizes: a number for every axis, or one per axis). */
export interface ConvConfig extends LayerConfig {
  /** Number of output channels (kernels). */
  filters: number;
  /** The kernel's extent: a number, or one per spatial axis ([h, w] for Conv2D). */
  kernelSize: number | number[];
  /** The step between output positions (default 1). */
  strides?: number | number[];
  /** 'valid' (default: no padding) or 'same' (output ⌈in/s⌉, zeros around the input). */
  padding?: 'valid' | 'same';
  /** The spacing of the kernel's taps (default 1); > 1 only with strides 1, as Keras. */
  dilationRate?: number | number[];
  /** Activation name (default 'linear') or an Activation. */
  activation?: string | Activation;
  /** Whether to add a bias b per filter (default true). */
  useBias?: boolean;
  /** How the kernel is initialized (default 'glorotUniform', fanIn = kernel area·in, fanOut = kernel area·filters). */
  kernelInitializer?: InitializerSpec;
  /** How b is initialized (default 'zeros'). */
  biasInitializer?: InitializerSpec;
  /** A penalty on the kernel: `l1(c)`, `l2(c)`, `l1l2({ l1, l2 })`. */
  kernelRegularizer?: Regularizer;
  /** A penalty on b. */
  biasRegularizer?: Regularizer;
}

/** The option names of the convolution layers (besides name and inputShape). */
export const CONV_KEYS = [
  'filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias',
  'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
];

/** A size option: a positive integer for every axis, or an array of `rank` of them (INVALID_ARGUMENT otherwise). */
function sizes(v: unknown, rank: number, what: string, fallback?: number): number[] {
  const value = v == null && fallback !== undefined ? fallback : v;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_SIZE;
  if (ok(value)) return new Array<number>(rank).fill(value);
  if (Array.isArray(value) && value.length === rank) {
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
      const n: unknown = value[i];
      if (!ok(n)) break;
      out.push(n);
    }
    if (out.length === rank) return out;
  }
  const form = rank === 2 ? 'a positive integer or [height, width] of positive integers' : 'a positive integer (or an array of one)';
  throw new NumnetError('INVALID_ARGUMENT', `${what} must be ${form}, got ${Array.isArray(value) ? fmtShape(value as number[]) : describe(value)}`);
}

/**
 * What Conv2D and Conv1D share: the options, the weights, and the convolution as im2col + GEMM
 * (src/tensor/conv.ts). `rank` is the number of spatial axes; Conv1D runs as a Conv2D of height 1.
 * Forward: z = conv(x, K) + b, y = φ(z); backward from dy: dz = dy ⊙ φ′(z), ∂L/∂K = colsᵀ·dz,
 * ∂L/∂b = Σ dz over every position, ∂L/∂x = col2im(dz·Kᵀ).
 */
export abstract class ConvBase extends Layer {
  /** Number of output channels. */
  readonly filters: number;
  /** The kernel's extent along each spatial axis. */
  readonly kernelSize: readonly number[];
  /** The strides along each spatial axis. */
  readonly strides: readonly number[];
  /** 'valid' or 'same'. */
  readonly padding: 'valid' | 'same';
  /** The dilation rates along each spatial axis. */
  readonly dilationRate: readonly number[];
  /** φ, applied to z. */
  readonly activation: Activation;
  /** Whether the layer adds a bias b. */
  readonly useBias: boolean;
  /** How the kernel is initialized. */
  readonly kernelInitializer: Initializer;
  /** How b is initialized. */
  readonly biasInitializer: Initializer;
  /** The penalty on the kernel, if any. */
  readonly kernelRegularizer: Regularizer | undefined;
  /** The penalty on b, if any. */
  readonly biasRegularizer: Regularizer | undefined;
  /** The kernel, [kh, kw, in, filters] (Conv2D) or [k, in, filters] (Conv1D), once built. */
  kernel!: Parameter;
  /** b, of shape [filters] (once built, with `useBias`). */
  bias: Parameter | undefined;
  private geometry: ConvGeometry | undefined;
  private x: Tensor | undefined;
  private z: Tensor | undefined;
  /** Where the forward kept the batch's patches for the backward (one chunk only), or undefined. */
  private patches: Patches | undefined;
  /** The patches in the GEMM's memory (kept there from forward to backward), when it has room. */
  private region: Kept | undefined;
  /** relu's output y in the GEMM's memory too (its backward reads it there), when it has room. */
  private yRegion: Kept | undefined;
  /** Whether yRegion holds this batch's y. */
  private yKept = false;
  /** im2col work space of one chunk (patches in forward, ∂L/∂cols in backward); grows, never shrinks. */
  private cols = new Float64Array(0);

  constructor(
    /** The number of spatial axes (2 for Conv2D, 1 for Conv1D). */
    readonly rank: 1 | 2,
    config: ConvConfig,
    label: string,
  ) {
    super(layerOptions(config, CONV_KEYS, label, true));
    const f = config.filters;
    if (typeof f !== 'number' || !Number.isInteger(f) || f < 1 || f > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `${label}: filters must be a positive integer (at most ${MAX_SIZE}), got ${describe(f)}`);
    }
    this.filters = f;
    this.kernelSize = sizes(config.kernelSize, rank, `${label}: kernelSize`);
    this.strides = sizes(config.strides, rank, `${label}: strides`, 1);
    this.dilationRate = sizes(config.dilationRate, rank, `${label}: dilationRate`, 1);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${label}: strides ${fmtShape(this.strides)} > 1 together with dilationRate ${fmtShape(this.dilationRate)} > 1 is not supported (as in Keras); use one of them`,
      );
    }
    const padding: unknown = config.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') {
      throw new NumnetError('INVALID_ARGUMENT', `${label}: padding must be 'valid' or 'same', got ${describe(padding)}`);
    }
    this.padding = padding;
    this.activation = getActivation(config.activation ?? 'linear');
    const useBias: unknown = config.useBias ?? true;
    if (typeof useBias !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `${label}: useBias must be true or false, got ${describe(useBias)}`);
    this.useBias = useBias;
    this.kernelInitializer = getInitializer(config.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(config.biasInitializer ?? 'zeros');
    for (const key of ['kernelRegularizer', 'biasRegularizer'] as const) {
      const r: unknown = config[key];
      if (r != null && !(r instanceof Regularizer)) {
        throw new NumnetError('INVALID_ARGUMENT', `${label}: ${key} must be l1(c), l2(c) or l1l2({...}), got ${describe(r)}`);
      }
    }
    this.kernelRegularizer = config.kernelRegularizer ?? undefined;
    this.biasRegularizer = config.biasRegularizer ?? undefined;
  }

  /** The output shape and weights for samples of `inputShape` (SHAPE_MISMATCH / INVALID_ARGUMENT when it cannot take them). */
  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return this.plan(inputShape).shapes;
  }

  /** The geometry for samples of `inputShape` and the weight shapes. */
  private plan(inputShape: readonly number[]): { geometry: ConvGeometry; shapes: LayerShapes } {
    const where = `${this.className} layer ${this.name || '(unnamed)'}`;
    checkSampleShape(inputShape, `${where}: input shape`);
    if (inputShape.length !== this.rank + 1) {
      const form = this.rank === 2 ? '[height, width, channels]' : '[steps, channels]';
      throw new NumnetError('SHAPE_MISMATCH', `${where} takes samples of shape ${form}, got ${fmtShape(inputShape)}`);
    }
    const spatial = this.rank === 2 ? inputShape.slice(0, 2) : [1, inputShape[0]!];
    const k = this.rank === 2 ? this.kernelSize : [1, this.kernelSize[0]!];
    const s = this.rank === 2 ? this.strides : [1, this.strides[0]!];
    const d = this.rank === 2 ? this.dilationRate : [1, this.dilationRate[0]!];
    const h = convAxis(spatial[0]!, k[0]!, s[0]!, d[0]!, this.padding);
    const w = convAxis(spatial[1]!, k[1]!, s[1]!, d[1]!, this.padding);
    if (h.out < 1 || w.out < 1) {
      const extent = this.kernelSize.map((n, i) => (n - 1) * this.dilationRate[i]! + 1);
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `${where}: the kernel ${fmtShape(this.kernelSize)} (dilation ${fmtShape(this.dilationRate)}, extent ${fmtShape(extent)}) is larger than its input ${fmtShape(inputShape)} with padding 'valid'; use padding 'same', a smaller kernel or a larger input`,
      );
    }
    const inC = inputShape[this.rank]!;
    const kernelShape = [...this.kernelSize, inC, this.filters];
    const outputShape = this.rank === 2 ? [h.out, w.out, this.filters] : [w.out, this.filters];
    for (const [what, shape] of [['kernel', kernelShape], ['output sample', outputShape]] as const) {
      if (shape.reduce((p, n) => p * n, 1) > MAX_SIZE) {
        throw new NumnetError('INVALID_ARGUMENT', `${where}: a ${what} of shape ${fmtShape(shape)} is more than ${MAX_SIZE} values`);
      }
    }
    const geometry: ConvGeometry = {
      inH: spatial[0]!, inW: spatial[1]!, inC, outH: h.out, outW: w.out, filters: this.filters,
      kh: k[0]!, kw: k[1]!, sh: s[0]!, sw: s[1]!, dh: d[0]!, dw: d[1]!, padTop: h.padBefore, padLeft: w.padBefore,
    };
    const weights: WeightShape[] = [{ name: 'kernel', shape: kernelShape, ...(this.kernelRegularizer ? { regularizer: this.kernelRegularizer } : {}) }];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.filters], ...(this.biasRegularizer ? { regularizer: this.biasRegularizer } : {}) });
    return { geometry, shapes: { outputShape, weights } };
  }

  /** W from the kernel initializer and b from the bias initializer, with fans of the kernel's receptive field (as Keras). */
  protected override initialValues(w: WeightShape, inputShape: readonly number[], rng: Random): Float64Array {
    const area = this.kernelSize.reduce((p, n) => p * n, 1);
    const fanIn = area * inputShape[this.rank]!;
    const fanOut = area * this.filters;
    if (w.name === 'kernel') return this.kernelInitializer.init(fanIn * this.filters, fanIn, fanOut, rng);
    return this.biasInitializer.init(this.filters, fanIn, fanOut, rng);
  }

  protected override adopt(build: PreparedBuild): void {
    this.kernel = this.params[0]!;
    this.bias = this.useBias ? this.params[1] : undefined;
    this.geometry = this.plan(build.inputShape).geometry;
  }

  override get outputActivation(): Activation {
    return this.activation;
  }

  /** True when the batch's patches fit one chunk (the forward keeps them for the backward). */
  private oneChunk(rows: number): boolean {
    return !isPointwise(this.geometry!) && rows <= chunkRows(this.geometry!);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const g = this.geometry!;
    const rows = x.shape[0]! * g.outH * g.outW;
    const z = this.batchBuffer('z', x.shape[0]!, this.outputShape);
    const y = this.activation === linear ? z : this.batchBuffer('y', x.shape[0]!, this.outputShape, 0, this.activation === relu);
    this.x = x;
    this.z = z;
    this.patches = undefined;
    const K = this.kernel.value.data;
    if (this.oneChunk(rows)) {
      // One chunk: the patches stay in the GEMM's memory when it has room (else in `cols`), and z is
      // computed there — relu(z) by the GEMM itself, into y where y is resident (else into a region
      // kept for the backward and read out once).
      this.region = keep(rows * patchSize(g), this, this.region);
      const isRelu = this.activation === relu;
      const yIn = isRelu && inKernelMemory(y.data);
      if (isRelu && !yIn) this.yRegion = keep(rows * this.filters, this, this.yRegion);
      const patches = this.region ?? this.workspace(rows);
      const into = yIn ? y.data : isRelu ? this.yRegion : undefined;
      const staged = convForwardStaged(x.data, K, this.bias?.value.data, g, rows, patches, isRelu, into, (zs, inRegion) => {
        this.yKept = inRegion && !yIn;
        if (!(inRegion && yIn)) (isRelu ? y.data : z.data).set(zs);
        if (!isRelu && this.activation !== linear) this.activation.forward(z.data, y.data, this.filters);
      });
      if (staged) {
        this.patches = patches;
        return y;
      }
    }
    if (this.bias) fillBias(z.data, this.bias.value.data, rows, this.filters);
    const cols = this.workspace(rows);
    convForward(x.data, K, g, rows, z.data, cols, this.bias !== undefined);
    if (this.oneChunk(rows)) this.patches = cols;
    if (this.activation !== linear) this.activation.forward(z.data, y.data, this.filters);
    return y;
  }

  /** `cols`, large enough for one chunk of a batch of `rows` output positions (pointwise: not needed). */
  private workspace(rows: number): Float64Array {
    const g = this.geometry!;
    const need = isPointwise(g) ? 0 : Math.min(rows, chunkRows(g)) * patchSize(g);
    if (this.cols.length < need) this.cols = new Float64Array(need);
    return this.cols;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    const z = this.z!;
    if (this.activation === linear) return this.callBackwardFromPreActivation(dy, needInputGradient);
    const n = z.shape[0]!;
    const rows = n * this.geometry!.outH * this.geometry!.outW;
    const db = this.bias?.grad;
    const y = this.batchBuffer('y', n, this.outputShape, 0, this.activation === relu);
    if (this.activation === relu) {
      // relu's derivative (y > 0 exactly where z > 0) and the bias gradient in one pass, into the GEMM's memory when staged.
      const dx = this.backwardStaged(n, needInputGradient, reluDz(y.data, dy.data, rows, this.filters, db, this.yKept ? this.yRegion : undefined));
      if (dx !== false) return dx;
      const dz = this.batchBuffer('dz', n, this.outputShape);
      reluBackwardSum(y.data, dy.data, dz.data, rows, this.filters, db);
      return this.backwardFrom(dz, needInputGradient);
    }
    const dz = this.batchBuffer('dz', n, this.outputShape);
    this.activation.backward(z.data, y.data, dy.data, dz.data, this.filters);
    return this.callBackwardFromPreActivation(dz, needInputGradient);
  }

  protected override callBackwardFromPreActivation(dz: Tensor, needInputGradient: boolean): Tensor | undefined {
    const rows = dz.shape[0]! * this.geometry!.outH * this.geometry!.outW;
    if (this.bias) sumRows(dz.data, this.bias.grad, rows, this.filters);
    const dx = this.backwardStaged(dz.shape[0]!, needInputGradient, { scratch: 0, write: (dzs) => dzs.set(dz.data) });
    return dx !== false ? dx : this.backwardFrom(dz, needInputGradient);
  }

  /** ∂L/∂K and ∂L/∂x with dz staged by `writeDz` (see convBackwardStaged), or false when not staged. */
  private backwardStaged(n: number, needInputGradient: boolean, writeDz: DzWriter): Tensor | undefined | false {
    const x = this.x!;
    const rows = n * this.geometry!.outH * this.geometry!.outW;
    if (!this.oneChunk(rows)) return false;
    const dx = needInputGradient ? this.batchBuffer('dx', n, x.shape, 1, true) : undefined;
    const done = convBackwardStaged(x.data, this.kernel.value.data, this.geometry!, rows, writeDz, this.kernel.grad, dx?.data, this.patches);
    if (done === false) return false;
    if (!done.kept) this.patches = undefined;
    return dx;
  }

  /** ∂L/∂K and ∂L/∂x from dz in a JS buffer (the bias gradient is already summed). */
  private backwardFrom(dz: Tensor, needInputGradient: boolean): Tensor | undefined {
    const x = this.x!;
    const g = this.geometry!;
    const rows = x.shape[0]! * g.outH * g.outW;
    const dx = needInputGradient ? this.batchBuffer('dx', x.shape[0]!, x.shape, 1) : undefined;
    const cols = this.workspace(rows);
    const kept = convBackward(x.data, this.kernel.value.data, g, rows, dz.data, this.kernel.grad, dx?.data, cols, this.patches === cols);
    this.patches = kept ? cols : undefined;
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    const one = (v: readonly number[]) => (this.rank === 1 ? v[0]! : v.slice());
    const c: Record<string, unknown> = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: one(this.kernelSize),
      strides: one(this.strides),
      padding: this.padding,
      dilationRate: one(this.dilationRate),
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
