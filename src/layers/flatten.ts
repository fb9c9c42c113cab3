import { canonicalName } from '../errors.js';
import { nullish } from '../io/tfjs-config.js';
import { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, LayerShapes, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/** Flattens each sample: [B, d₁, d₂, …] → [B, d₁·d₂·…]. Shares the data, copies nothing. */
export class Flatten extends Layer {
  /** How Flatten is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Flatten> = {
    className: 'Flatten',
    keys: [],
    fromConfig: (c) => new Flatten(c),
    toConfig: (f) => f.getConfig(),
    tfjs: {
      className: 'Flatten',
      // A Flatten of samples that are already flat is a no-op, which TF.js refuses: it is left out.
      toConfig: (_f, { inputShape, base }) => (inputShape.length > 1 ? [{ class_name: 'Flatten', config: { ...base } }] : []),
      fromConfig(c) {
        const df = c.get('data_format');
        if (!nullish(df) && canonicalName(String(df)) === 'channelsfirst') {
          throw c.error('data_format', 'is channels_first; numnet flattens channels_last (row-major) only');
        }
        return new Flatten(c.base);
      },
    },
  };

  readonly className = 'Flatten';

  constructor(config: LayerConfig = {}) {
    super(layerOptions(config, [], 'Flatten'));
  }

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: [inputShape.reduce((p, n) => p * n, 1)], weights: [] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return new Tensor(x.data, [x.shape[0]!, this.outputShape[0]!]);
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    return new Tensor(dy.data, [dy.shape[0]!, ...this.inputSample]);
  }
}
