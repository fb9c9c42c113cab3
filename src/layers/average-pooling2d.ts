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
  protected readonly reduce = 'average';

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'AveragePooling2D');
  }
}
