import type { Random } from '../random.js';
import { PoolGeometry, avgPoolBackward, avgPoolForward } from '../tensor/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, layerOptions } from './layer.js';
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
    shapes: (l, s) => ({ outputShape: [globalGeometry(l, s).channels], weights: [] }),
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
  private inputSample: number[] = [];
  private out: Tensor | undefined;

  constructor(config: LayerConfig = {}) {
    super(layerOptions(config, [], 'GlobalAveragePooling2D'));
  }

  override build(inputShape: number[], rng: Random): void {
    this.checkBuild(inputShape, rng);
    const g = (this.g = globalGeometry(this, inputShape));
    this.inputSample = inputShape.slice();
    this.outputShape = [g.channels];
    this.built = true;
  }

  forward(x: Tensor, _training: boolean): Tensor {
    this.checkInput(x, this.inputSample);
    const rows = x.shape[0]!;
    const y = this.batchBuffer('y', rows, this.outputShape);
    avgPoolForward(x.data, y.data, rows, this.g!);
    return (this.out = y);
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    this.checkGradient(dy, this.out);
    if (!needInputGradient) return undefined;
    const rows = dy.shape[0]!;
    const dx = this.batchBuffer('dx', rows, this.inputSample);
    avgPoolBackward(dy.data, dx.data, rows, this.g!);
    return dx;
  }
}
