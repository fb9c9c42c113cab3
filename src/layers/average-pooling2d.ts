import { avgPoolBackward, avgPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Pooling2DConfig } from './pooling.js';
import { Pooling2D, pooling2DSpec } from './pooling2d.js';
import type { LayerSpec } from './spec.js';

/**
 * Average pooling of images [batch, h, w, c]: y[n,i,j,c] = (1/|W|) Σ_{(r,q) ∈ W} x[n, r, q, c], where
 * W is the window of rows i·sh − padTop … + kh − 1 and columns j·sw − padLeft … + kw − 1 clipped to
 * the image: with `same` the border windows average over the cells inside the image only (as
 * TensorFlow). Output sizes as MaxPooling2D.
 *
 * Backward: ∂L/∂x[n,r,q,c] = Σ over the windows W holding (r, q) of ∂L/∂y[n,i,j,c] / |W|.
 */
export class AveragePooling2D extends Pooling2D {
  /** How AveragePooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<AveragePooling2D> = pooling2DSpec('AveragePooling2D', (c) => new AveragePooling2D(c));

  readonly className = 'AveragePooling2D';

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'AveragePooling2D');
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
