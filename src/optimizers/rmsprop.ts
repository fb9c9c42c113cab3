import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface RMSpropConfig extends OptimizerConfig {
  rho?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSProp (learningRate α = 0.001, ρ = 0.9, ε = 1e-7, centered false):
 * E ← ρE + (1 − ρ)g²; w ← w − αg/√(E + ε). Centered: m ← ρm + (1 − ρ)g and √(E − m² + ε).
 * (The slides write ρ as β; PyTorch puts ε outside the root.)
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly epsilon: number;
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

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): void {
    const { rho, epsilon } = this;
    const E = s.E!;
    const m = s.m;
    for (let i = 0; i < w.length; i++) {
      E[i] = rho * E[i]! + (1 - rho) * g[i]! * g[i]!;
      let denominator = E[i]!;
      if (m) {
        m[i] = rho * m[i]! + (1 - rho) * g[i]!;
        denominator -= m[i]! * m[i]!;
      }
      w[i]! -= (lr * g[i]!) / Math.sqrt(denominator + epsilon);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon, centered: this.centered };
  }
}
