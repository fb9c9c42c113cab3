import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

export interface AdadeltaConfig extends OptimizerConfig {
  /** ρ, the decay of both moving averages (default 0.95). */
  rho?: number;
  /** ε under both roots (default 1e-7). */
  epsilon?: number;
}

/**
 * AdaDelta (learningRate α = 1.0, ρ = 0.95, ε = 1e-7):
 * E_g ← ρE_g + (1 − ρ)g²; Δ ← −√(E_Δ + ε)/√(E_g + ε)·g; E_Δ ← ρE_Δ + (1 − ρ)Δ²; w ← w + αΔ.
 * (Keras defaults α to 0.001, which barely moves; the slides and PyTorch use 1.0.)
 */
export class Adadelta extends Optimizer {
  readonly name = 'adadelta';
  /** ρ. */
  readonly rho: number;
  /** ε under both roots. */
  readonly epsilon: number;

  constructor(config: AdadeltaConfig = {}) {
    super(config, 1.0, ['rho', 'epsilon']);
    this.rho = checkRange(config.rho ?? 0.95, 'Adadelta rho', 0, 1, true);
    this.epsilon = checkRange(config.epsilon ?? 1e-7, 'Adadelta epsilon', 0, Infinity, true);
  }

  protected build(size: number): Slots {
    return { Eg: new Float64Array(size), Edelta: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number {
    const { rho, epsilon } = this;
    const Eg = s.Eg!;
    const Ed = s.Edelta!;
    let bad = 0; // NaN once some Eg or Edelta is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      Eg[i] = rho * Eg[i]! + (1 - rho) * g[i]! * g[i]!;
      const delta = (-Math.sqrt(Ed[i]! + epsilon) / Math.sqrt(Eg[i]! + epsilon)) * g[i]!;
      Ed[i] = rho * Ed[i]! + (1 - rho) * delta * delta;
      bad += Eg[i]! * 0 + Ed[i]! * 0;
      w[i]! += lr * delta;
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
