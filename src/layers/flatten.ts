import { Tensor } from '../tensor/tensor.js';
import { Random } from '../random.js';
import { Layer } from './layer.js';

/** Flattens each sample: [B, d₁, d₂, …] → [B, d₁·d₂·…]. Shares the data, copies nothing. */
export class Flatten extends Layer {
  readonly className = 'Flatten';
  private input: readonly number[] = [];

  override build(inputShape: number[], _rng: Random): void {
    this.input = inputShape.slice();
    this.outputShape = [inputShape.reduce((p, n) => p * n, 1)];
    this.built = true;
  }

  forward(x: Tensor, _training: boolean): Tensor {
    this.checkInput(x, this.input);
    return new Tensor(x.data, [x.shape[0]!, this.outputShape[0]!]);
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    return new Tensor(dy.data, [dy.shape[0]!, ...this.input]);
  }
}
