import type { PoolGeometry, PoolPadding } from '../tensor/pool.js';
import { layerOptions } from './layer.js';
import { PoolingLayer } from './pooling-layer.js';
import { POOLING_KEYS, Pooling2DConfig, checkChannelsLast, imageGeometry, paddingOption, sizePair } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * What MaxPooling2D and AveragePooling2D share: the options (poolSize, strides = poolSize,
 * padding), the image geometry, the config and the spec. Each subclass says whether it takes the
 * maximum or the mean (the passes are PoolingLayer's).
 */
export abstract class Pooling2D extends PoolingLayer {
  /** The window [height, width]. */
  readonly poolSize: [number, number];
  /** The step between windows [down, across]. */
  readonly strides: [number, number];
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;
  constructor(config: Pooling2DConfig, className: string) {
    super(layerOptions(config, POOLING_KEYS, className));
    this.poolSize = sizePair(config.poolSize ?? 2, `${className}: poolSize`);
    this.strides = sizePair(config.strides ?? this.poolSize, `${className}: strides`);
    this.padding = paddingOption(config.padding, `${className}: padding`);
  }

  protected geometry(inputShape: readonly number[]): PoolGeometry {
    return imageGeometry(this, inputShape, this.poolSize, this.strides, this.padding);
  }

  protected outputSample(g: PoolGeometry): number[] {
    return [g.outH, g.outW, g.channels];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize.slice(), strides: this.strides.slice(), padding: this.padding };
  }
}

/** The spec of a Pooling2D class: the same keys, shapes and TF.js mapping (`pool_size`, `strides`, `padding`). */
export function pooling2DSpec<L extends Pooling2D>(className: string, make: (config: Pooling2DConfig) => L): LayerSpec<L> {
  return {
    className,
    keys: POOLING_KEYS,
    fromConfig: (c) => make(c as Pooling2DConfig),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className,
      toConfig: (l, { base }) => [
        { class_name: className, config: { pool_size: l.poolSize.slice(), padding: l.padding, strides: l.strides.slice(), data_format: 'channels_last', ...base } },
      ],
      fromConfig(c) {
        checkChannelsLast(c);
        return make({ ...c.base, poolSize: c.get('pool_size') as number, strides: c.get('strides') as number, padding: c.get('padding') as PoolPadding });
      },
    },
  };
}
