import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface RMSpropConfig extends OptimizerConfig {
  /** ρ, the decay of the moving average of g² (default 0.9). */
  rho?: number;
  /** ε under the root (default 1e-7). */
  epsilon?: number;
  /** Divide by the variance estimate E[g²] − E[g]² instead (default false). */
  centered?: boolean;
}

/**
 * RMSProp (learningRate α = 0.001, ρ = 0.9, ε = 1e-7, centered false):
 * E ← ρE + (1 − ρ)g²; w ← w − αg/√(E + ε). Centered: m ← ρm + (1 − ρ)g and √(E − m² + ε).
 * (The slides write ρ as β; PyTorch puts ε outside the root.)
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  /** ρ. */
  readonly rho: number;
  /** ε under the root. */
  readonly epsilon: number;
  /** Whether it is the centered variant. */
  readonly centered: boolean;

  constructor(config: RMSpropConfig = {}) {
    super(config, 0.001, ['rho', 'epsilon', 'centered']);
    this.rho = checkRange(config.rho ?? 0.9, 'RMSprop rho', 0, 1, true);
    this.epsilon = checkRange(config.epsilon ?? 1e-7, 'RMSprop epsilon', 0, Infinity, true);
    this.centered = config.centered ?? false;
    if (typeof this.centered !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `RMSprop centered must be true or false, got ${describe(config.centered)}`);
    }
  }

  protected build(size: number): Slots {
    return this.centered ? { E: new Float64Array(size), m: new Float64Array(size) } : { E: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number {
    const { rho, epsilon } = this;
    const E = s.E!;
    const m = s.m;
    let bad = 0; // NaN once some E or m is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      E[i] = rho * E[i]! + (1 - rho) * g[i]! * g[i]!;
      let denominator = E[i]!;
      if (m) {
        m[i] = rho * m[i]! + (1 - rho) * g[i]!;
        denominator -= m[i]! * m[i]!;
      }
      bad += denominator * 0;
      w[i]! -= (lr * g[i]!) / Math.sqrt(denominator + epsilon);
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon, centered: this.centered };
  }
}
