import type { Random } from '../random.js';
import { PoolGeometry, PoolPadding, maxPoolBackward, maxPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, layerOptions } from './layer.js';
import { POOLING_KEYS, Pooling2DConfig, checkChannelsLast, imageGeometry, indexBuffer, paddingOption, sizePair } from './pooling.js';
import type { LayerSpec } from './spec.js';

const geometry = (l: MaxPooling2D, s: readonly number[]): PoolGeometry => imageGeometry(l, s, l.poolSize, l.strides, l.padding);

/**
 * Max pooling of images [batch, h, w, c]: y[n,i,j,c] = max over a < kh, b < kw of
 * x[n, i·sh + a − padTop, j·sw + b − padLeft, c], cells outside the image being −∞ (padding never
 * wins). Output `valid` ⌊(in − k)/s⌋ + 1, `same` ⌈in/s⌉ with TensorFlow's padding (the extra row
 * and column at the bottom and right).
 *
 * Backward: each ∂L/∂y goes to the input its window's maximum came from — the first maximum in
 * row-major window order when several are equal — and nothing to the others.
 */
export class MaxPooling2D extends Layer {
  /** How MaxPooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<MaxPooling2D> = {
    className: 'MaxPooling2D',
    keys: POOLING_KEYS,
    fromConfig: (c) => new MaxPooling2D(c as Pooling2DConfig),
    toConfig: (l) => l.getConfig(),
    shapes: (l, s) => {
      const g = geometry(l, s);
      return { outputShape: [g.outH, g.outW, g.channels], weights: [] };
    },
    tfjs: {
      className: 'MaxPooling2D',
      toConfig: (l, { base }) => [
        { class_name: 'MaxPooling2D', config: { pool_size: l.poolSize.slice(), padding: l.padding, strides: l.strides.slice(), data_format: 'channels_last', ...base } },
      ],
      fromConfig(c) {
        checkChannelsLast(c);
        return new MaxPooling2D({ ...c.base, poolSize: c.get('pool_size') as number, strides: c.get('strides') as number, padding: c.get('padding') as PoolPadding });
      },
    },
  };

  readonly className = 'MaxPooling2D';
  /** The window [height, width]. */
  readonly poolSize: [number, number];
  /** The step between windows [down, across]. */
  readonly strides: [number, number];
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;
  private g: PoolGeometry | undefined;
  private inputSample: number[] = [];
  private argmax: Int32Array = new Int32Array(0);
  private out: Tensor | undefined;

  constructor(config: Pooling2DConfig = {}) {
    super(layerOptions(config, POOLING_KEYS, 'MaxPooling2D'));
    this.poolSize = sizePair(config.poolSize ?? 2, 'MaxPooling2D: poolSize');
    this.strides = sizePair(config.strides ?? this.poolSize, 'MaxPooling2D: strides');
    this.padding = paddingOption(config.padding, 'MaxPooling2D: padding');
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
    this.argmax = indexBuffer(this.argmax, y.size);
    maxPoolForward(x.data, y.data, this.argmax, rows, this.g!);
    return (this.out = y);
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    this.checkGradient(dy, this.out);
    if (!needInputGradient) return undefined;
    const dx = this.batchBuffer('dx', dy.shape[0]!, this.inputSample);
    maxPoolBackward(dy.data, dx.data, this.argmax, dy.size);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize.slice(), strides: this.strides.slice(), padding: this.padding };
  }
}
