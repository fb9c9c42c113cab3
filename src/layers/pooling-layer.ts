import { PoolGeometry, avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, LayerShapes, PreparedBuild } from './layer.js';
import { indexBuffer } from './pooling.js';

/**
 * What every pooling layer shares: its geometry (made from the input shape at build) and its two
 * passes, max or average, through the loops of src/tensor/pool.ts (a 1-D or global pooling is the
 * 2-D one on another geometry). A pooling class states its options, its geometry, the shape of its
 * output sample, and whether it takes the maximum or the mean; its doc comment states the equation.
 */
export abstract class PoolingLayer extends Layer {
  /** 'max': each window's maximum (∂L/∂y to the first maximum); 'average': its mean. */
  protected abstract readonly reduce: 'max' | 'average';
  private g: PoolGeometry | undefined;
  private argmax: Int32Array = new Int32Array(0);

  /** The geometry for samples of `inputShape` (SHAPE_MISMATCH when the layer cannot take them). */
  protected abstract geometry(inputShape: readonly number[]): PoolGeometry;
  /** The shape of one output sample for geometry `g`. */
  protected abstract outputSample(g: PoolGeometry): number[];

  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: this.outputSample(this.geometry(inputShape)), weights: [] };
  }

  protected override adopt(build: PreparedBuild): void {
    this.g = this.geometry(build.inputShape);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const rows = x.shape[0]!;
    const y = this.batchBuffer('y', rows, this.outputShape, 0, this.reduce === 'max');
    if (this.reduce === 'max') {
      this.argmax = indexBuffer(this.argmax, y.size);
      maxPoolForward(x.data, y.data, this.argmax, rows, this.g!);
    } else avgPoolForward(x.data, y.data, rows, this.g!);
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    const rows = dy.shape[0]!;
    const dx = this.batchBuffer('dx', rows, this.inputSample, 0, this.reduce === 'max');
    if (this.reduce === 'max') maxPoolBackward(dy.data, dx.data, this.argmax, dy.size, this.g!);
    else avgPoolBackward(dy.data, dx.data, rows, this.g!);
    return dx;
  }
}
