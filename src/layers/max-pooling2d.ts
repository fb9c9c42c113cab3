import type { Pooling2DConfig } from './pooling.js';
import { Pooling2D, pooling2DSpec } from './pooling2d.js';
import type { LayerSpec } from './spec.js';

/**
 * Max pooling of images [batch, h, w, c]: y[n,i,j,c] = max over a < kh, b < kw of
 * x[n, i·sh + a − padTop, j·sw + b − padLeft, c], cells outside the image being −∞ (padding never
 * wins). Output `valid` ⌊(in − k)/s⌋ + 1, `same` ⌈in/s⌉ with TensorFlow's padding (the extra row
 * and column at the bottom and right).
 *
 * Backward: each ∂L/∂y goes to the input its window's maximum came from — the first maximum in
 * row-major window order when several are equal — and nothing to the others.
 */
export class MaxPooling2D extends Pooling2D {
  /** How MaxPooling2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<MaxPooling2D> = pooling2DSpec('MaxPooling2D', (c) => new MaxPooling2D(c));

  readonly className = 'MaxPooling2D';
  protected readonly reduce = 'max';

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'MaxPooling2D');
  }
}
