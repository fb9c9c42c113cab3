import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface AdagradConfig extends OptimizerConfig {
  /** G₀, the starting value of the sum of squared gradients (default 0.1). */
  initialAccumulatorValue?: number;
  /** ε under the root (default 1e-7). */
  epsilon?: number;
}

/**
 * AdaGrad (learningRate α = 0.001, initialAccumulatorValue G₀ = 0.1, ε = 1e-7):
 * G ← G + g²; w ← w − αg/√(G + ε) — each weight's step shrinks with its accumulated squared
 * gradients. (PyTorch puts ε outside the root: αg/(√G + ε).)
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  /** G₀. */
  readonly initialAccumulatorValue: number;
  /** ε under the root. */
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

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number {
    const G = s.G!;
    let bad = 0; // NaN once some G is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      G[i]! += g[i]! * g[i]!;
      bad += G[i]! * 0;
      w[i]! -= (lr * g[i]!) / Math.sqrt(G[i]! + this.epsilon);
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
