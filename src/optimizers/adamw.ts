import { Adam, AdamConfig } from './adam.js';
import { HyperparameterTable, hyperparameterChecks as is } from './optimizer.js';

export interface AdamWConfig extends AdamConfig {
  /** λ: each step first does w ← w − αλw (default 0.004 for AdamW). */
  weightDecay?: number;
}

/**
 * AdamW (as Adam, weightDecay λ = 0.004): decoupled weight decay w ← w − αλw first, then the
 * Adam step. The decay is the base class's, which every optimizer takes (Keras 3's
 * base_optimizer.py); AdamW only gives it a default, as Keras's AdamW does. (PyTorch's default λ
 * is 0.01.)
 */
export class AdamW extends Adam {
  /** AdamW's options: Adam's, and the default of weightDecay. */
  static override readonly hyperparameters = {
    ...Adam.hyperparameters,
    weightDecay: { default: 0.004, check: is.nonNegative },
  } satisfies HyperparameterTable<AdamWConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'AdamW';
  override readonly name = 'adamw';
  /** λ (always set for AdamW). */
  declare readonly weightDecay: number;

  constructor(config: AdamWConfig = {}) {
    super(config);
  }
}
