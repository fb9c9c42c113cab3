import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

export interface AdamConfig extends OptimizerConfig {
  /** β₁, the decay of the first moment m (default 0.9). */
  beta1?: number;
  /** β₂, the decay of the second moment v (default 0.999). */
  beta2?: number;
  /** ε added to √v̂ (default 1e-7). */
  epsilon?: number;
  /** Use the largest v so far (default false). */
  amsgrad?: boolean;
}

/** The state adamStep saves after the weight, in its order. */
const SAVED_SLOTS = ['m', 'v', 'vMax'];

/**
 * Adam (learningRate α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, amsgrad false):
 * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
 * w ← w − αm̂/(√v̂ + ε). amsgrad: v̂ uses the largest v seen so far.
 * (Keras folds the corrections into α and adds ε to √v, so its ε acts 1/√(1 − β₂ᵗ) times larger.)
 */
export class Adam extends Optimizer {
  /** Adam's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 0.001, check: is.learningRate },
    beta1: { default: 0.9, check: is.unitInterval },
    beta2: { default: 0.999, check: is.unitInterval },
    epsilon: { default: 1e-7, check: is.positive },
    amsgrad: { default: false, check: is.boolean },
  } satisfies HyperparameterTable<AdamConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'Adam';
  readonly name: string = 'adam';
  /** β₁. */
  declare readonly beta1: number;
  /** β₂. */
  declare readonly beta2: number;
  /** ε added to √v̂. */
  declare readonly epsilon: number;
  /** Whether it is the AMSGrad variant. */
  declare readonly amsgrad: boolean;

  constructor(config: AdamConfig = {}) {
    super(config);
  }

  protected build(size: number): Slots {
    const s: Slots = { m: new Float64Array(size), v: new Float64Array(size) };
    if (this.amsgrad) s.vMax = new Float64Array(size);
    return s;
  }

  /** adamStep saves the old w, m, v and vMax as it reads them (unless a subclass updates otherwise). @internal */
  protected override savedSlots(): readonly string[] | undefined {
    return this.updateStep === Adam.prototype.updateStep ? SAVED_SLOTS : undefined;
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number | void {
    const { beta1, beta2, epsilon } = this;
    const m = s.m!;
    const v = s.v!;
    const vMax = s.vMax;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    // resident buffers: the same loop in WebAssembly SIMD (kernels.ts), saving the old w, m, v, vMax
    // when the transaction asks it to (see savedSlots)
    const inKernel = this.updateSaving('adamStep', [w, g, m, v, vMax], lr, beta1, beta2, epsilon, c1, c2);
    if (inKernel !== undefined) return inKernel;
    let written = 0; // (amsgrad: vMax[i] is not finite when v[i] is not)
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
      let vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
      if (vMax) vi = vMax[i] = Math.max(vMax[i]!, vi);
      const wi = (w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon));
      written += wi + mi + vi;
    }
    return written;
  }
}
