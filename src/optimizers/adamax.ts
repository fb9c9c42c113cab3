import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface AdamaxConfig extends OptimizerConfig {
  /** β₁, the decay of the first moment m (default 0.9). */
  beta1?: number;
  /** β₂, the decay of the infinity norm u (default 0.999). */
  beta2?: number;
  /** ε added to u (default 1e-7). */
  epsilon?: number;
}

/**
 * Adamax (learningRate α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7), Adam with the infinity norm:
 * m ← β₁m + (1 − β₁)g; u ← max(β₂u, |g|); w ← w − (α/(1 − β₁ᵗ))·m/(u + ε).
 */
export class Adamax extends Optimizer {
  readonly name = 'adamax';
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε added to u. */
  readonly epsilon: number;

  constructor(config: AdamaxConfig = {}) {
    super(config, 0.001, ['beta1', 'beta2', 'epsilon']);
    this.beta1 = checkRange(config.beta1 ?? 0.9, 'Adamax beta1', 0, 1);
    this.beta2 = checkRange(config.beta2 ?? 0.999, 'Adamax beta2', 0, 1);
    this.epsilon = checkRange(config.epsilon ?? 1e-7, 'Adamax epsilon', 0, Infinity, true);
  }

  protected build(size: number): Slots {
    return { m: new Float64Array(size), u: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number {
    const { beta1, beta2, epsilon } = this;
    const m = s.m!;
    const u = s.u!;
    const step = lr / (1 - beta1 ** t);
    let bad = 0; // NaN once some m or u is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      u[i] = Math.max(beta2 * u[i]!, Math.abs(g[i]!));
      bad += m[i]! * 0 + u[i]! * 0;
      w[i]! -= (step * m[i]!) / (u[i]! + epsilon);
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
