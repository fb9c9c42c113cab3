import type { PoolGeometry, PoolPadding } from '../tensor/pool.js';
import { layerOptions } from './layer.js';
import { PoolingLayer } from './pooling-layer.js';
import { POOLING_KEYS, Pooling1DConfig, checkChannelsLast, paddingOption, sequenceGeometry, sizeOne } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * Max pooling of sequences [batch, steps, c]: y[n,i,c] = max over a < k of x[n, i·s + a − padLeft, c],
 * steps outside the sequence being −∞. Output `valid` ⌊(steps − k)/s⌋ + 1, `same` ⌈steps/s⌉ with
 * TensorFlow's padding (the extra step at the end): MaxPooling2D's rules in one dimension.
 *
 * Backward: each ∂L/∂y goes to the input its window's maximum came from — the first (earliest) one
 * when several are equal — and nothing to the others.
 */
export class MaxPooling1D extends PoolingLayer {
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
  protected readonly reduce = 'max';
  /** The window length. */
  readonly poolSize: number;
  /** The step between windows. */
  readonly strides: number;
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;

  constructor(config: Pooling1DConfig = {}) {
    super(layerOptions(config, POOLING_KEYS, 'MaxPooling1D'));
    this.poolSize = sizeOne(config.poolSize ?? 2, 'MaxPooling1D: poolSize');
    this.strides = sizeOne(config.strides ?? this.poolSize, 'MaxPooling1D: strides');
    this.padding = paddingOption(config.padding, 'MaxPooling1D: padding');
  }

  protected geometry(inputShape: readonly number[]): PoolGeometry {
    return sequenceGeometry(this, inputShape, this.poolSize, this.strides, this.padding);
  }

  protected outputSample(g: PoolGeometry): number[] {
    return [g.outH, g.channels];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
