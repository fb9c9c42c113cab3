import { avgPoolBackward, avgPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { GlobalPooling2D, globalPooling2DSpec } from './global-pooling2d.js';
import type { LayerConfig } from './layer.js';
import type { LayerSpec } from './spec.js';

/**
 * The mean of each channel over the whole image: [batch, h, w, c] → [batch, c],
 * y[n,c] = (1/(h·w)) Σ_{i,j} x[n,i,j,c].
 *
 * Backward: ∂L/∂x[n,i,j,c] = ∂L/∂y[n,c] / (h·w).
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  /** How GlobalAveragePooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<GlobalAveragePooling2D> = globalPooling2DSpec('GlobalAveragePooling2D', (c) => new GlobalAveragePooling2D(c));

  readonly className = 'GlobalAveragePooling2D';

  constructor(config: LayerConfig = {}) {
    super(config, 'GlobalAveragePooling2D');
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
