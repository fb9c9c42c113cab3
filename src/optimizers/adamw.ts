import { Adam, AdamConfig } from './adam.js';
import { HyperparameterTable, Slots, hyperparameterChecks as is } from './optimizer.js';

export interface AdamWConfig extends AdamConfig {
  /** λ: each step first does w ← w − αλw (default 0.004). */
  weightDecay?: number;
}

/**
 * AdamW (as Adam, weightDecay λ = 0.004): decoupled weight decay w ← w − αλw first, then the
 * Adam step. (PyTorch's default λ is 0.01.)
 */
export class AdamW extends Adam {
  /** AdamW's options: Adam's and weightDecay. */
  static override readonly hyperparameters = {
    ...Adam.hyperparameters,
    weightDecay: { default: 0.004, check: is.nonNegative },
  } satisfies HyperparameterTable<AdamWConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'AdamW';
  override readonly name = 'adamw';
  /** λ. */
  declare readonly weightDecay: number;

  constructor(config: AdamWConfig = {}) {
    super(config);
  }

  protected override updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): void {
    const weightDecay = this.weightDecay;
    for (let i = 0; i < w.length; i++) w[i]! -= lr * weightDecay * w[i]!;
    super.updateStep(w, g, s, lr, t);
  }
}
