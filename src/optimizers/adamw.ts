import { Adam, AdamConfig } from './adam.js';
import { Slots, checkRange } from './optimizer.js';

export interface AdamWConfig extends AdamConfig {
  /** λ: each step first does w ← w − αλw (default 0.004). */
  weightDecay?: number;
}

/**
 * AdamW (as Adam, weightDecay λ = 0.004): decoupled weight decay w ← w − αλw first, then the
 * Adam step. (PyTorch's default λ is 0.01.)
 */
export class AdamW extends Adam {
  override readonly name = 'adamw';
  /** λ. */
  readonly weightDecay: number;

  constructor(config: AdamWConfig = {}) {
    super(config, ['weightDecay'], 'AdamW');
    this.weightDecay = checkRange(config.weightDecay ?? 0.004, 'AdamW weightDecay', 0, Infinity);
  }

  protected override updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number {
    for (let i = 0; i < w.length; i++) w[i]! -= lr * this.weightDecay * w[i]!;
    return super.updateStep(w, g, s, lr, t);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
