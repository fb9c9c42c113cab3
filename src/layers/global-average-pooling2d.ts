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
  protected readonly reduce = 'average';

  constructor(config: LayerConfig = {}) {
    super(config, 'GlobalAveragePooling2D');
  }
}
