import { updateInKernel } from '../tensor/kernels.js';
import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

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
  /** Adamax's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 0.001, check: is.learningRate },
    beta1: { default: 0.9, check: is.unitInterval },
    beta2: { default: 0.999, check: is.unitInterval },
    epsilon: { default: 1e-7, check: is.positive },
  } satisfies HyperparameterTable<AdamaxConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'Adamax';
  readonly name = 'adamax';
  /** β₁. */
  declare readonly beta1: number;
  /** β₂. */
  declare readonly beta2: number;
  /** ε added to u. */
  declare readonly epsilon: number;

  constructor(config: AdamaxConfig = {}) {
    super(config);
  }

  protected build(size: number): Slots {
    return { m: new Float64Array(size), u: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number | void {
    const { beta1, beta2, epsilon } = this;
    const m = s.m!;
    const u = s.u!;
    const step = lr / (1 - beta1 ** t);
    const inKernel = updateInKernel('adamaxStep', [w, g, m, u], step, beta1, beta2, epsilon); // resident buffers: the same loop in WebAssembly SIMD
    if (inKernel !== undefined) return inKernel;
    let written = 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
      const ui = (u[i] = Math.max(beta2 * u[i]!, Math.abs(gi)));
      written += mi + ui + (w[i] = w[i]! - (step * mi) / (ui + epsilon));
    }
    return written;
  }
}
