import { updateInKernel } from '../tensor/kernels.js';
import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

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
  /** Adadelta's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 1.0, check: is.learningRate },
    rho: { default: 0.95, check: is.openUnitInterval },
    epsilon: { default: 1e-7, check: is.positive },
  } satisfies HyperparameterTable<AdadeltaConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'Adadelta';
  readonly name = 'adadelta';
  /** ρ. */
  declare readonly rho: number;
  /** ε under both roots. */
  declare readonly epsilon: number;

  constructor(config: AdadeltaConfig = {}) {
    super(config);
  }

  protected build(size: number): Slots {
    return { Eg: new Float64Array(size), Edelta: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number | void {
    const { rho, epsilon } = this;
    const Eg = s.Eg!;
    const Ed = s.Edelta!;
    const inKernel = updateInKernel('adadeltaStep', [w, g, Eg, Ed], lr, rho, epsilon); // resident buffers: the same loop in WebAssembly SIMD
    if (inKernel !== undefined) return inKernel;
    let written = 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const egi = (Eg[i] = rho * Eg[i]! + (1 - rho) * gi * gi);
      const delta = (-Math.sqrt(Ed[i]! + epsilon) / Math.sqrt(egi + epsilon)) * gi;
      const edi = (Ed[i] = rho * Ed[i]! + (1 - rho) * delta * delta);
      written += egi + edi + (w[i] = w[i]! + lr * delta);
    }
    return written;
  }
}
