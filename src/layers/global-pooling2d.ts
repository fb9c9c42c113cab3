import type { PoolGeometry } from '../tensor/pool.js';
import { Layer, LayerConfig, LayerShapes, PreparedBuild, layerOptions } from './layer.js';
import { checkGlobalPooling, globalGeometry } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: no options, samples [h, w, c] (channels
 * last) pooled over the whole image to [c], the geometry made at build. Each class is its forward
 * and backward.
 */
export abstract class GlobalPooling2D extends Layer {
  protected g: PoolGeometry | undefined;

  constructor(config: LayerConfig, className: string) {
    super(layerOptions(config, [], className));
  }

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: [globalGeometry(this, inputShape).channels], weights: [] };
  }

  protected override adopt(build: PreparedBuild): void {
    this.g = globalGeometry(this, build.inputShape);
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
