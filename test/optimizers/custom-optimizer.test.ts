/**
 * The optimizer docs/optimizers.md shows ("Writing an optimizer"), written as a user would from the
 * package's exports: its table gives option checks and getConfig, and the base class's transaction
 * refuses an infinite gradient that its equation would turn into a finite step.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Optimizer, Sequential, Tensor, hyperparameterChecks as is, type HyperparameterTable, type OptimizerConfig, type Slots } from '../../src/index.js';

interface SignSGDConfig extends OptimizerConfig { decay?: number }

/** signSGD: w ← w − α·sign(g) − αλw. */
class SignSGD extends Optimizer {
  static override readonly label = 'SignSGD';
  static override readonly hyperparameters = {
    learningRate: { default: 0.01, check: is.learningRate },
    decay: { default: 0, check: is.nonNegative },
  } satisfies HyperparameterTable<SignSGDConfig>;
  readonly name = 'signsgd';
  declare readonly decay: number;
  protected build(_size: number): Slots { return {}; }
  protected updateStep(w: Float64Array, g: Float64Array, _s: Slots, lr: number): void {
    for (let i = 0; i < w.length; i++) w[i]! -= lr * Math.sign(g[i]!) + lr * this.decay * w[i]!;
  }
}

describe('a user-written optimizer (the docs example)', () => {
  it('takes its options from its table, with checks and getConfig', () => {
    const o = new SignSGD({ decay: 0.5 } as SignSGDConfig);
    expect(o.decay).toBe(0.5);
    expect(o.getConfig()).toEqual({ learningRate: 0.01, decay: 0.5 });
    expect(() => new SignSGD({ decay: -1 } as SignSGDConfig)).toThrow(/SignSGD decay must be a finite number ≥ 0/);
    expect(() => new SignSGD({ momentum: 1 } as never)).toThrow(/unknown optimizer option "momentum"/);
  });

  it('updates by the sign of the gradient, and an infinite gradient is refused with nothing changed', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', useBias: false })]);
    m.compile({ optimizer: new SignSGD({ learningRate: 0.25 }), loss: 'mse' });
    m.trainOnBatch([[1]], [[3]]); // ŷ = 0 < 3: the gradient is negative, w moves up by α
    expect(m.getWeights()[0]!.data[0]).toBe(0.25);
    expect(m.optimizer!.iterations).toBe(1);
    // sign(Infinity) = 1 would be a finite step: the transaction's check before the update refuses it.
    const o = new SignSGD({ learningRate: 0.25 });
    const w = { name: 'w', value: new Tensor(Float64Array.of(1, 2), [2]), grad: Float64Array.of(0.5, Infinity) };
    expect(() => o.apply([w])).toThrow(expect.objectContaining({ code: 'NON_FINITE_LOSS', message: expect.stringContaining('the gradient of w is not finite') }));
    expect(Array.from(w.value.data)).toEqual([1, 2]);
    expect(o.iterations).toBe(0);
  });
});
