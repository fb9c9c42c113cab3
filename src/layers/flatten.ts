import { Tensor } from '../tensor/tensor.js';
import { Random } from '../random.js';
import { Layer, LayerConfig, layerOptions } from './layer.js';

/** Flattens each sample: [B, d₁, d₂, …] → [B, d₁·d₂·…]. Shares the data, copies nothing. */
export class Flatten extends Layer {
  readonly className = 'Flatten';
  private input: readonly number[] = [];
  private out: Tensor | undefined;

  constructor(config: LayerConfig = {}) {
    super(layerOptions(config, [], 'Flatten'));
  }

  override build(inputShape: number[], rng: Random): void {
    this.checkBuild(inputShape, rng);
    this.input = inputShape.slice();
    this.outputShape = [inputShape.reduce((p, n) => p * n, 1)];
    this.built = true;
  }

  forward(x: Tensor, _training: boolean): Tensor {
    this.checkInput(x, this.input);
    return (this.out = new Tensor(x.data, [x.shape[0]!, this.outputShape[0]!]));
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    this.checkGradient(dy, this.out);
    if (!needInputGradient) return undefined;
    return new Tensor(dy.data, [dy.shape[0]!, ...this.input]);
  }
}
