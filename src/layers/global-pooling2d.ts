import type { PoolGeometry } from '../tensor/pool.js';
import { LayerConfig, layerOptions } from './layer.js';
import { PoolingLayer } from './pooling-layer.js';
import { checkGlobalPooling, globalGeometry } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: no options, samples [h, w, c] (channels
 * last) pooled over the whole image to [c]. Each class says whether it takes the maximum or the
 * mean (the passes are PoolingLayer's).
 */
export abstract class GlobalPooling2D extends PoolingLayer {
  constructor(config: LayerConfig, className: string) {
    super(layerOptions(config, [], className));
  }

  protected geometry(inputShape: readonly number[]): PoolGeometry {
    return globalGeometry(this, inputShape);
  }

  protected outputSample(g: PoolGeometry): number[] {
    return [g.channels];
  }
}

/** The spec of a GlobalPooling2D class: no keys, and TF.js's channels-last config. */
export function globalPooling2DSpec<L extends GlobalPooling2D>(className: string, make: (config: LayerConfig) => L): LayerSpec<L> {
  return {
    className,
    keys: [],
    fromConfig: (c) => make(c),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className,
      toConfig: (_l, { base }) => [{ class_name: className, config: { data_format: 'channels_last', ...base } }],
      fromConfig(c) {
        checkGlobalPooling(c);
        return make(c.base);
      },
    },
  };
}
