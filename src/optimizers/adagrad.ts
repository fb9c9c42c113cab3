import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface AdagradConfig extends OptimizerConfig {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * AdaGrad (learningRate α = 0.001, initialAccumulatorValue G₀ = 0.1, ε = 1e-7):
 * G ← G + g²; w ← w − αg/√(G + ε) — each weight's step shrinks with its accumulated squared
 * gradients. (PyTorch puts ε outside the root: αg/(√G + ε).)
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(config: AdagradConfig = {}) {
    super(config, 0.001, ['initialAccumulatorValue', 'epsilon']);
    const g0 = config.initialAccumulatorValue ?? 0.1;
    if (typeof g0 !== 'number' || !Number.isFinite(g0) || g0 < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `Adagrad initialAccumulatorValue must be a finite number ≥ 0, got ${describe(g0)}`);
    }
    this.initialAccumulatorValue = g0;
    this.epsilon = checkRange(config.epsilon ?? 1e-7, 'Adagrad epsilon', 0, Infinity, true);
  }

  protected build(size: number): Slots {
    return { G: new Float64Array(size).fill(this.initialAccumulatorValue) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): void {
    const G = s.G!;
    for (let i = 0; i < w.length; i++) {
      G[i]! += g[i]! * g[i]!;
      w[i]! -= (lr * g[i]!) / Math.sqrt(G[i]! + this.epsilon);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
