import { maxPoolBackward, maxPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { indexBuffer } from './pooling.js';
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
  private argmax: Int32Array = new Int32Array(0);

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'MaxPooling2D');
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
