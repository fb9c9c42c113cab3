import { GlobalPooling2D, globalPooling2DSpec } from './global-pooling2d.js';
import type { LayerConfig } from './layer.js';
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
  protected readonly reduce = 'max';

  constructor(config: LayerConfig = {}) {
    super(config, 'GlobalMaxPooling2D');
  }
}
