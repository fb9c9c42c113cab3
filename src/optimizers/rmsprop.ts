import { updateInKernel } from '../tensor/kernels.js';
import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

export interface RMSpropConfig extends OptimizerConfig {
  /** ρ, the decay of the moving average of g² (default 0.9). */
  rho?: number;
  /** μ in [0, 1), the decay of the momentum b of the steps (default 0: no momentum). */
  momentum?: number;
  /** ε under the root (default 1e-7). */
  epsilon?: number;
  /** Divide by the variance estimate E[g²] − E[g]² instead (default false). */
  centered?: boolean;
}

/**
 * RMSProp (learningRate α = 0.001, ρ = 0.9, momentum μ = 0, ε = 1e-7, centered false), as Keras 3
 * (keras/src/optimizers/rmsprop.py): E ← ρE + (1 − ρ)g²; w ← w − αg/√(E + ε).
 * Centered: m ← ρm + (1 − ρ)g and √(E − m² + ε).
 * μ > 0: the step goes through a momentum b ← μb + αg/√(…) and w ← w − b (plain, not Nesterov).
 * (The slides write ρ as β; PyTorch puts ε outside the root and keeps α out of b.)
 */
export class RMSprop extends Optimizer {
  /** RMSprop's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 0.001, check: is.learningRate },
    rho: { default: 0.9, check: is.openUnitInterval },
    momentum: { default: 0, check: is.unitInterval },
    epsilon: { default: 1e-7, check: is.positive },
    centered: { default: false, check: is.boolean },
  } satisfies HyperparameterTable<RMSpropConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'RMSprop';
  readonly name = 'rmsprop';
  /** ρ. */
  declare readonly rho: number;
  /** μ (0: no momentum buffer). */
  declare readonly momentum: number;
  /** ε under the root. */
  declare readonly epsilon: number;
  /** Whether it is the centered variant. */
  declare readonly centered: boolean;

  constructor(config: RMSpropConfig = {}) {
    super(config);
  }

  /** E; m when centered; b when μ > 0. */
  protected build(size: number): Slots {
    const s: Slots = { E: new Float64Array(size) };
    if (this.centered) s.m = new Float64Array(size);
    if (this.momentum > 0) s.b = new Float64Array(size);
    return s;
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number | void {
    const { rho, epsilon, momentum } = this;
    const E = s.E!;
    const m = s.m;
    const b = s.b;
    const inKernel = updateInKernel('rmspropStep', [w, g, E, m, b], lr, rho, epsilon, momentum); // resident buffers: the same loop in WebAssembly SIMD
    if (inKernel !== undefined) return inKernel;
    let written = 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const Ei = (E[i] = rho * E[i]! + (1 - rho) * gi * gi);
      let denominator = Ei;
      if (m) {
        const mi = (m[i] = rho * m[i]! + (1 - rho) * gi);
        denominator -= mi * mi;
        written += mi;
      }
      let step = (lr * gi) / Math.sqrt(denominator + epsilon);
      if (b) written += step = b[i] = momentum * b[i]! + step;
      written += Ei + (w[i] = w[i]! - step);
    }
    return written;
  }
}
