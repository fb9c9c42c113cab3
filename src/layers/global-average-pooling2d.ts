import { PoolGeometry, avgPoolBackward, avgPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, LayerShapes, PreparedBuild, layerOptions } from './layer.js';
import { checkGlobalPooling, globalGeometry } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * The mean of each channel over the whole image: [batch, h, w, c] → [batch, c],
 * y[n,c] = (1/(h·w)) Σ_{i,j} x[n,i,j,c].
 *
 * Backward: ∂L/∂x[n,i,j,c] = ∂L/∂y[n,c] / (h·w).
 */
export class GlobalAveragePooling2D extends Layer {
  /** How GlobalAveragePooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<GlobalAveragePooling2D> = {
    className: 'GlobalAveragePooling2D',
    keys: [],
    fromConfig: (c) => new GlobalAveragePooling2D(c),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'GlobalAveragePooling2D',
      toConfig: (_l, { base }) => [{ class_name: 'GlobalAveragePooling2D', config: { data_format: 'channels_last', ...base } }],
      fromConfig(c) {
        checkGlobalPooling(c);
        return new GlobalAveragePooling2D(c.base);
      },
    },
  };

  readonly className = 'GlobalAveragePooling2D';
  private g: PoolGeometry | undefined;

  constructor(config: LayerConfig = {}) {
    super(layerOptions(config, [], 'GlobalAveragePooling2D'));
  }

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: [globalGeometry(this, inputShape).channels], weights: [] };
  }

  protected override adopt(build: PreparedBuild): void {
    this.g = globalGeometry(this, build.inputShape);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const rows = x.shape[0]!;
    const y = this.batchBuffer('y', rows, this.outputShape);
    avgPoolForward(x.data, y.data, rows, this.g!);
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    const rows = dy.shape[0]!;
    const dx = this.batchBuffer('dx', rows, this.inputSample);
    avgPoolBackward(dy.data, dx.data, rows, this.g!);
    return dx;
  }
}
