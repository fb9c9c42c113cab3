import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

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

/**
 * Adam (learningRate α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, amsgrad false):
 * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
 * w ← w − αm̂/(√v̂ + ε). amsgrad: v̂ uses the largest v seen so far.
 * (Keras folds the corrections into α and adds ε to √v, so its ε acts 1/√(1 − β₂ᵗ) times larger.)
 */
export class Adam extends Optimizer {
  readonly name: string = 'adam';
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε added to √v̂. */
  readonly epsilon: number;
  /** Whether it is the AMSGrad variant. */
  readonly amsgrad: boolean;

  constructor(config: AdamConfig = {}, optionNames: readonly string[] = [], label = 'Adam') {
    super(config, 0.001, ['beta1', 'beta2', 'epsilon', 'amsgrad', ...(Array.isArray(optionNames) ? optionNames : [optionNames as never])]);
    if (typeof label !== 'string') label = 'Adam';
    this.beta1 = checkRange(config.beta1 ?? 0.9, `${label} beta1`, 0, 1);
    this.beta2 = checkRange(config.beta2 ?? 0.999, `${label} beta2`, 0, 1);
    this.epsilon = checkRange(config.epsilon ?? 1e-7, `${label} epsilon`, 0, Infinity, true);
    this.amsgrad = config.amsgrad ?? false;
    if (typeof this.amsgrad !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `${label} amsgrad must be true or false, got ${describe(config.amsgrad)}`);
    }
  }

  protected build(size: number): Slots {
    const s: Slots = { m: new Float64Array(size), v: new Float64Array(size) };
    if (this.amsgrad) s.vMax = new Float64Array(size);
    return s;
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number {
    const { beta1, beta2, epsilon } = this;
    const m = s.m!;
    const v = s.v!;
    const vMax = s.vMax;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    let bad = 0; // NaN once some m, v (or vMax) is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! * g[i]!;
      let vi = v[i]!;
      if (vMax) vi = vMax[i] = Math.max(vMax[i]!, vi);
      bad += m[i]! * 0 + vi * 0;
      w[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(vi / c2) + epsilon);
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
