import { updateInKernel } from '../tensor/kernels.js';
import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

export interface SGDConfig extends OptimizerConfig {
  /** μ in [0, 1); 0 is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum: the step uses the look-ahead μv − αg (default false). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent (learningRate α = 0.01, momentum μ = 0, nesterov false).
 *
 * μ = 0: w ← w − αg. Otherwise v ← μv − αg, then w ← w + v, or with nesterov w ← w + μv − αg.
 * The slides' momentum v ← βv + (1 − β)g, w ← w − α′v is this with μ = β, α = α′(1 − β).
 */
export class SGD extends Optimizer {
  /** SGD's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 0.01, check: is.learningRate },
    momentum: { default: 0, check: is.unitInterval },
    nesterov: { default: false, check: is.boolean },
  } satisfies HyperparameterTable<SGDConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'SGD';
  readonly name = 'sgd';
  /** μ (0: plain gradient descent). */
  declare readonly momentum: number;
  /** Whether the momentum is Nesterov's. */
  declare readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    super(config);
  }

  protected build(size: number): Slots {
    return this.momentum === 0 ? {} : { v: new Float64Array(size) };
  }

  /** Without momentum, sgdStep saves the old w as it reads it (unless a subclass updates otherwise). @internal */
  protected override savedSlots(): readonly string[] | undefined {
    return this.momentum === 0 && this.updateStep === SGD.prototype.updateStep ? [] : undefined;
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number | void {
    const mu = this.momentum;
    let written = 0;
    if (mu === 0) {
      // resident buffers: the same loop in WebAssembly SIMD, saving the old w when asked (see savedSlots)
      const inKernel = this.updateSaving('sgdStep', [w, g], lr);
      if (inKernel !== undefined) return inKernel;
      for (let i = 0; i < w.length; i++) written += w[i] = w[i]! - lr * g[i]!;
      return written;
    }
    const v = s.v!;
    const nesterov = this.nesterov;
    const inKernel = updateInKernel('sgdMomentumStep', [w, g, v], lr, mu, nesterov ? 1 : 0);
    if (inKernel !== undefined) return inKernel;
    for (let i = 0; i < w.length; i++) {
      const vi = (v[i] = mu * v[i]! - lr * g[i]!);
      written += vi + (w[i] = w[i]! + (nesterov ? mu * vi - lr * g[i]! : vi));
    }
    return written;
  }
}
