import type { Random } from '../random.js';
import { PoolGeometry, PoolPadding, avgPoolBackward, avgPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, layerOptions } from './layer.js';
import { POOLING_KEYS, Pooling2DConfig, checkChannelsLast, imageGeometry, paddingOption, sizePair } from './pooling.js';
import type { LayerSpec } from './spec.js';

const geometry = (l: AveragePooling2D, s: readonly number[]): PoolGeometry => imageGeometry(l, s, l.poolSize, l.strides, l.padding);

/**
 * Average pooling of images [batch, h, w, c]: y[n,i,j,c] = (1/|W|) Σ_{(r,q) ∈ W} x[n, r, q, c], where
 * W is the window of rows i·sh − padTop … + kh − 1 and columns j·sw − padLeft … + kw − 1 clipped to
 * the image: with `same` the border windows average over the cells inside the image only (as
 * TensorFlow). Output sizes as MaxPooling2D.
 *
 * Backward: ∂L/∂x[n,r,q,c] = Σ over the windows W holding (r, q) of ∂L/∂y[n,i,j,c] / |W|.
 */
export class AveragePooling2D extends Layer {
  /** How AveragePooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<AveragePooling2D> = {
    className: 'AveragePooling2D',
    keys: POOLING_KEYS,
    fromConfig: (c) => new AveragePooling2D(c as Pooling2DConfig),
    toConfig: (l) => l.getConfig(),
    shapes: (l, s) => {
      const g = geometry(l, s);
      return { outputShape: [g.outH, g.outW, g.channels], weights: [] };
    },
    tfjs: {
      className: 'AveragePooling2D',
      toConfig: (l, { base }) => [
        { class_name: 'AveragePooling2D', config: { pool_size: l.poolSize.slice(), padding: l.padding, strides: l.strides.slice(), data_format: 'channels_last', ...base } },
      ],
      fromConfig(c) {
        checkChannelsLast(c);
        return new AveragePooling2D({ ...c.base, poolSize: c.get('pool_size') as number, strides: c.get('strides') as number, padding: c.get('padding') as PoolPadding });
      },
    },
  };

  readonly className = 'AveragePooling2D';
  /** The window [height, width]. */
  readonly poolSize: [number, number];
  /** The step between windows [down, across]. */
  readonly strides: [number, number];
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;
  private g: PoolGeometry | undefined;
  private inputSample: number[] = [];
  private out: Tensor | undefined;

  constructor(config: Pooling2DConfig = {}) {
    super(layerOptions(config, POOLING_KEYS, 'AveragePooling2D'));
    this.poolSize = sizePair(config.poolSize ?? 2, 'AveragePooling2D: poolSize');
    this.strides = sizePair(config.strides ?? this.poolSize, 'AveragePooling2D: strides');
    this.padding = paddingOption(config.padding, 'AveragePooling2D: padding');
  }

  override build(inputShape: number[], rng: Random): void {
    this.checkBuild(inputShape, rng);
    const g = (this.g = geometry(this, inputShape));
    this.inputSample = inputShape.slice();
    this.outputShape = [g.outH, g.outW, g.channels];
    this.built = true;
  }

  forward(x: Tensor, _training: boolean): Tensor {
    this.checkInput(x, this.inputSample);
    const rows = x.shape[0]!;
    const y = this.batchBuffer('y', rows, this.outputShape);
    avgPoolForward(x.data, y.data, rows, this.g!);
    return (this.out = y);
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    this.checkGradient(dy, this.out);
    if (!needInputGradient) return undefined;
    const rows = dy.shape[0]!;
    const dx = this.batchBuffer('dx', rows, this.inputSample);
    avgPoolBackward(dy.data, dx.data, rows, this.g!);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize.slice(), strides: this.strides.slice(), padding: this.padding };
  }
}
