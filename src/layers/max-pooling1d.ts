import { PoolGeometry, PoolPadding, maxPoolBackward, maxPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, LayerShapes, PreparedBuild, layerOptions } from './layer.js';
import { POOLING_KEYS, Pooling1DConfig, checkChannelsLast, indexBuffer, paddingOption, sequenceGeometry, sizeOne } from './pooling.js';
import type { LayerSpec } from './spec.js';

const geometry = (l: MaxPooling1D, s: readonly number[]): PoolGeometry => sequenceGeometry(l, s, l.poolSize, l.strides, l.padding);

/**
 * Max pooling of sequences [batch, steps, c]: y[n,i,c] = max over a < k of x[n, i·s + a − padLeft, c],
 * steps outside the sequence being −∞. Output `valid` ⌊(steps − k)/s⌋ + 1, `same` ⌈steps/s⌉ with
 * TensorFlow's padding (the extra step at the end): MaxPooling2D's rules in one dimension.
 *
 * Backward: each ∂L/∂y goes to the input its window's maximum came from — the first (earliest) one
 * when several are equal — and nothing to the others.
 */
export class MaxPooling1D extends Layer {
  /** How MaxPooling1D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<MaxPooling1D> = {
    className: 'MaxPooling1D',
    keys: POOLING_KEYS,
    fromConfig: (c) => new MaxPooling1D(c as Pooling1DConfig),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'MaxPooling1D',
      toConfig: (l, { base }) => [{ class_name: 'MaxPooling1D', config: { pool_size: [l.poolSize], padding: l.padding, strides: [l.strides], ...base } }],
      fromConfig(c) {
        checkChannelsLast(c);
        return new MaxPooling1D({ ...c.base, poolSize: c.get('pool_size') as number, strides: c.get('strides') as number, padding: c.get('padding') as PoolPadding });
      },
    },
  };

  readonly className = 'MaxPooling1D';
  /** The window length. */
  readonly poolSize: number;
  /** The step between windows. */
  readonly strides: number;
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;
  private g: PoolGeometry | undefined;
  private argmax: Int32Array = new Int32Array(0);

  constructor(config: Pooling1DConfig = {}) {
    super(layerOptions(config, POOLING_KEYS, 'MaxPooling1D'));
    this.poolSize = sizeOne(config.poolSize ?? 2, 'MaxPooling1D: poolSize');
    this.strides = sizeOne(config.strides ?? this.poolSize, 'MaxPooling1D: strides');
    this.padding = paddingOption(config.padding, 'MaxPooling1D: padding');
  }

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    const g = geometry(this, inputShape);
    return { outputShape: [g.outH, g.channels], weights: [] };
  }

  protected override adopt(build: PreparedBuild): void {
    this.g = geometry(this, build.inputShape);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const rows = x.shape[0]!;
    const y = this.batchBuffer('y', rows, this.outputShape);
    this.argmax = indexBuffer(this.argmax, y.size);
    maxPoolForward(x.data, y.data, this.argmax, rows, this.g!);
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    const dx = this.batchBuffer('dx', dy.shape[0]!, this.inputSample);
    maxPoolBackward(dy.data, dx.data, this.argmax, dy.size);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
