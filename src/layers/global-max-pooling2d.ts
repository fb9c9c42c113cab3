import { maxPoolBackward, maxPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { GlobalPooling2D, globalPooling2DSpec } from './global-pooling2d.js';
import type { LayerConfig } from './layer.js';
import { indexBuffer } from './pooling.js';
import type { LayerSpec } from './spec.js';

/**
 * The maximum of each channel over the whole image: [batch, h, w, c] → [batch, c],
 * y[n,c] = max_{i,j} x[n,i,j,c].
 *
 * Backward: ∂L/∂y[n,c] goes to the input the maximum came from — the first maximum in row-major
 * (i, j) order when several are equal — and nothing to the others.
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  /** How GlobalMaxPooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<GlobalMaxPooling2D> = globalPooling2DSpec('GlobalMaxPooling2D', (c) => new GlobalMaxPooling2D(c));

  readonly className = 'GlobalMaxPooling2D';
  private argmax: Int32Array = new Int32Array(0);

  constructor(config: LayerConfig = {}) {
    super(config, 'GlobalMaxPooling2D');
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
}
