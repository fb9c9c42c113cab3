import { NumnetError, describe } from '../errors.js';
import { Optimizer, OptimizerConfig, Slots, checkRange } from './optimizer.js';

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
  readonly name = 'sgd';
  /** μ (0: plain gradient descent). */
  readonly momentum: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    super(config, 0.01, ['momentum', 'nesterov']);
    this.momentum = checkRange(config.momentum ?? 0, 'SGD momentum', 0, 1);
    this.nesterov = config.nesterov ?? false;
    if (typeof this.nesterov !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `SGD nesterov must be true or false, got ${describe(config.nesterov)}`);
    }
  }

  protected build(size: number): Slots {
    return this.momentum === 0 ? {} : { v: new Float64Array(size) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number {
    const mu = this.momentum;
    if (mu === 0) {
      for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!;
      return 0;
    }
    const v = s.v!;
    let bad = 0; // NaN once some v is not finite (x·0 is 0 for finite x)
    for (let i = 0; i < w.length; i++) {
      v[i] = mu * v[i]! - lr * g[i]!;
      bad += v[i]! * 0;
      w[i]! += this.nesterov ? mu * v[i]! - lr * g[i]! : v[i]!;
    }
    return bad;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
