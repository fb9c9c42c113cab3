import { updateInKernel } from '../tensor/kernels.js';
import { HyperparameterTable, Optimizer, OptimizerConfig, Slots, hyperparameterChecks as is } from './optimizer.js';

export interface AdagradConfig extends OptimizerConfig {
  /** G₀, the starting value of the sum of squared gradients (default 0.1). */
  initialAccumulatorValue?: number;
  /** ε under the root (default 1e-7). */
  epsilon?: number;
}

/**
 * AdaGrad (learningRate α = 0.001, initialAccumulatorValue G₀ = 0.1, ε = 1e-7):
 * G ← G + g²; w ← w − αg/√(G + ε) — each weight's step shrinks with its accumulated squared
 * gradients. (PyTorch puts ε outside the root: αg/(√G + ε).)
 */
export class Adagrad extends Optimizer {
  /** Adagrad's options: each one's default and check. */
  static override readonly hyperparameters = {
    learningRate: { default: 0.001, check: is.learningRate },
    initialAccumulatorValue: { default: 0.1, check: is.nonNegative },
    epsilon: { default: 1e-7, check: is.positive },
  } satisfies HyperparameterTable<AdagradConfig>;
  /** The name in option errors. */
  static override readonly label: string = 'Adagrad';
  readonly name = 'adagrad';
  /** G₀. */
  declare readonly initialAccumulatorValue: number;
  /** ε under the root. */
  declare readonly epsilon: number;

  constructor(config: AdagradConfig = {}) {
    super(config);
  }

  protected build(size: number): Slots {
    return { G: new Float64Array(size).fill(this.initialAccumulatorValue) };
  }

  protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number): number | void {
    const G = s.G!;
    const epsilon = this.epsilon;
    const inKernel = updateInKernel('adagradStep', [w, g, G], lr, epsilon); // resident buffers: the same loop in WebAssembly SIMD
    if (inKernel !== undefined) return inKernel;
    let written = 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const Gi = (G[i] = G[i]! + gi * gi);
      written += Gi + (w[i] = w[i]! - (lr * gi) / Math.sqrt(Gi + epsilon));
    }
    return written;
  }
}
