/**
 * Each optimizer's one table of hyperparameters (`static hyperparameters`): the defaults are the
 * documented ones (written here by hand from docs/optimizers.md), the base class checks every entry,
 * rejects unknown keys, sets the public fields and builds getConfig from the table — also for a
 * subclass written here. And `slotNames()`, written here from each equation.
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, NumnetError, Optimizer, RMSprop, SGD, Tensor } from '../../src/index.js';
import type { OptimizerConfig, Slots } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { parameter } from './helpers.js';

type Class = (new (config?: Record<string, unknown>) => Optimizer) & { hyperparameters: Record<string, { default: unknown }>; label: string };

/** docs/optimizers.md's defaults, in the order of the docs' table. */
const DOCUMENTED: [Class, string, Record<string, unknown>][] = [
  [SGD as never, 'SGD', { learningRate: 0.01, momentum: 0, nesterov: false }],
  [Adagrad as never, 'Adagrad', { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 }],
  [RMSprop as never, 'RMSprop', { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }],
  [Adadelta as never, 'Adadelta', { learningRate: 1.0, rho: 0.95, epsilon: 1e-7 }],
  [Adam as never, 'Adam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }],
  [AdamW as never, 'AdamW', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, weightDecay: 0.004 }],
  [Adamax as never, 'Adamax', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }],
];

/** A value out of range for each option, by option name. */
const OUT_OF_RANGE: Record<string, unknown[]> = {
  learningRate: [-1, -1e-300, NaN, Infinity, '0.1'], // 0 is accepted, as Keras: the weights hold still
  momentum: [-0.1, 1, NaN, '0'],
  nesterov: ['yes', 1],
  initialAccumulatorValue: [-1, Infinity, NaN],
  epsilon: [0, -1e-7, Infinity, NaN],
  rho: [0, 1, 1.5, NaN],
  centered: ['no', 0],
  beta1: [-0.5, 1, NaN],
  beta2: [-0.5, 1, NaN],
  amsgrad: [1, 'true'],
  weightDecay: [-1, Infinity, NaN],
};

describe('the table of hyperparameters', () => {
  for (const [C, label, defaults] of DOCUMENTED) {
    it(`${label}: the table's defaults, the fields and getConfig() are the documented defaults`, () => {
      const table = Object.fromEntries(Object.entries(C.hyperparameters).map(([k, h]) => [k, h.default]));
      expect(table).toEqual(defaults);
      const o = new C() as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(defaults)) expect(o[k], k).toBe(v);
      expect((o as unknown as Optimizer).getConfig()).toEqual(defaults);
      expect(Object.keys((o as unknown as Optimizer).getConfig())).toEqual(Object.keys(defaults));
      expect(C.label).toBe(label);
    });

    it(`${label}: each option given is checked, kept in its field and in getConfig(); a bad one is INVALID_ARGUMENT naming "${label} <option>"`, () => {
      for (const key of Object.keys(defaults)) {
        for (const bad of OUT_OF_RANGE[key]!) {
          const make = () => new C({ [key]: bad });
          expect(codeOf(make), `${key}: ${String(bad)}`).toBe('INVALID_ARGUMENT');
          expect(messageOf(make)).toContain(`${label} ${key} must be`);
        }
      }
      const given = { ...defaults };
      for (const k of Object.keys(given)) given[k] = typeof given[k] === 'boolean' ? !given[k] : k === 'learningRate' || k === 'epsilon' ? 0.5 : 0.25;
      const o = new C(given);
      for (const [k, v] of Object.entries(given)) expect((o as unknown as Record<string, unknown>)[k], k).toBe(v);
      expect(o.getConfig()).toEqual(given);
      expect(new C(o.getConfig()).getConfig()).toEqual(given);
      // undefined and null mean the default, as for every option of numnet
      expect(new C(Object.fromEntries(Object.keys(defaults).map((k, i) => [k, i % 2 ? null : undefined]))).getConfig()).toEqual(defaults);
    });

    it(`${label}: an unknown key is INVALID_ARGUMENT naming it and listing the options`, () => {
      const options = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue', 'weightDecay', ...Object.keys(defaults).filter((k) => k !== 'learningRate' && k !== 'weightDecay')];
      for (const key of ['beta_1', 'learning_rate', 'weight_decay', 'lr', 'decay', '__proto__x']) {
        const make = () => new C({ [key]: 0.5 });
        expect(codeOf(make)).toBe('INVALID_ARGUMENT');
        expect(messageOf(make)).toBe(`unknown optimizer option ${JSON.stringify(key)}; the options are ${options.join(', ')}`);
      }
    });
  }

  it("another optimizer's option is unknown (Adam's beta1 to SGD, RMSprop's centered to Adam, SGD's momentum to Adam)", () => {
    expect(messageOf(() => new SGD({ beta1: 0.9 } as never))).toContain('unknown optimizer option "beta1"');
    expect(messageOf(() => new Adam({ centered: true } as never))).toContain('unknown optimizer option "centered"');
    expect(messageOf(() => new Adam({ momentum: 0.9 } as never))).toContain('unknown optimizer option "momentum"');
  });

  // Keras 3: weight_decay is an argument of the base optimizer (keras/src/optimizers/base_optimizer.py),
  // None unless given, and AdamW's default is 0.004 (adamw.py).
  for (const [C, label, defaults] of DOCUMENTED.filter(([C]) => C !== (AdamW as never))) {
    it(`${label}: weightDecay is a base option, off by default (not in getConfig), checked, kept and listed last when given`, () => {
      expect(new C().weightDecay).toBeUndefined();
      for (const off of [undefined, null]) expect(new C({ weightDecay: off }).getConfig()).toEqual(defaults);
      for (const bad of [-1, -1e-300, Infinity, NaN, '0.1', true, {}]) {
        const make = () => new C({ weightDecay: bad });
        expect(codeOf(make), String(bad)).toBe('INVALID_ARGUMENT');
        expect(messageOf(make)).toContain(`${label} weightDecay must be a finite number ≥ 0`);
      }
      for (const wd of [0, 0.25]) {
        const o = new C({ weightDecay: wd, clipNorm: 1 });
        expect(o.weightDecay).toBe(wd);
        expect(Object.entries(o.getConfig())).toEqual([...Object.entries({ learningRate: defaults.learningRate, clipNorm: 1 }), ...Object.entries(defaults).slice(1), ['weightDecay', wd]]);
        expect(new C(o.getConfig()).getConfig()).toEqual(o.getConfig());
      }
    });
  }

  it("AdamW's table gives weightDecay its default (0.004): null and undefined mean 0.004, 0 turns it off", () => {
    expect(new AdamW().weightDecay).toBe(0.004);
    expect(new AdamW({ weightDecay: null as never }).weightDecay).toBe(0.004);
    expect(new AdamW({ weightDecay: 0 }).getConfig().weightDecay).toBe(0);
    expect(Object.keys(AdamW.hyperparameters)).toContain('weightDecay');
    expect(Object.keys(Adam.hyperparameters)).not.toContain('weightDecay');
  });

  it('a subclass declares its own table: checked, kept, listed, with its own label', () => {
    interface DecayedSGDConfig extends OptimizerConfig {
      decay?: number;
    }
    class DecayedSGD extends Optimizer {
      static override readonly hyperparameters = {
        learningRate: { default: 0.05, check: (v: unknown) => v as number },
        decay: {
          default: 0.5,
          check: (v: unknown, what: string) => {
            if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new NumnetError('INVALID_ARGUMENT', `${what} must be in [0, 1]`);
            return v;
          },
        },
      };
      static override readonly label: string = 'DecayedSGD';
      readonly name = 'decayedsgd';
      declare readonly decay: number;
      constructor(config: DecayedSGDConfig = {}) {
        super(config);
      }
      protected build(): Slots {
        return {};
      }
      protected updateStep(w: Float64Array, g: Float64Array, _s: Slots, lr: number, t: number): void {
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - (lr / (1 + this.decay * (t - 1))) * g[i]!;
      }
    }
    expect(new DecayedSGD().decay).toBe(0.5);
    expect(new DecayedSGD({ decay: 0.25, clipNorm: 2 }).getConfig()).toEqual({ learningRate: 0.05, clipNorm: 2, decay: 0.25 });
    expect(messageOf(() => new DecayedSGD({ decay: 2 }))).toBe('DecayedSGD decay must be in [0, 1]');
    expect(messageOf(() => new DecayedSGD({ momentum: 0.9 } as never))).toContain('unknown optimizer option "momentum"; the options are learningRate, clipNorm, globalClipNorm, clipValue, weightDecay, decay');
    // The base class's weightDecay comes with it: w ← w − αλw before its own update.
    const d = new DecayedSGD({ decay: 0, weightDecay: 0.5 });
    const q = parameter('w', [2]);
    d.apply([q]); // g = 0: only the decay, α = 0.05
    expect(q.value.data[0]).toBe(2 - 0.05 * 0.5 * 2);
    const o = new DecayedSGD({ decay: 1 });
    const p = parameter('w', [1]);
    p.grad[0] = 1;
    o.apply([p]);
    o.apply([p]);
    expect(p.value.data[0]).toBe(1 - 0.05 - 0.05 / 2);
  });

  it('a subclass with no table still takes its default learning rate and option names from super()', () => {
    class Plain extends Optimizer {
      readonly name = 'plain';
      readonly extra: number;
      constructor(config: OptimizerConfig & { extra?: number } = {}) {
        super(config, 0.2, ['extra']);
        this.extra = config.extra ?? 3;
      }
      protected build(): Slots {
        return {};
      }
      protected updateStep(): void {}
    }
    expect(new Plain().learningRate).toBe(0.2);
    expect(new Plain({ extra: 4 }).extra).toBe(4);
    expect(new Plain().getConfig()).toEqual({ learningRate: 0.2 });
    expect(codeOf(() => new Plain({ other: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Plain({ learningRate: -1 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('slotNames(): the state buffers of each weight, from each equation', () => {
  const cases: [string, Optimizer, string[]][] = [
    ['SGD (μ = 0: w ← w − αg, no state)', new SGD(), []],
    ['SGD momentum (v)', new SGD({ momentum: 0.9 }), ['v']],
    ['SGD nesterov (v)', new SGD({ momentum: 0.9, nesterov: true }), ['v']],
    ['Adagrad (G, the sum of g²)', new Adagrad(), ['G']],
    ['RMSprop (E, the mean of g²)', new RMSprop(), ['E']],
    ['RMSprop centered (E, and m, the mean of g)', new RMSprop({ centered: true }), ['E', 'm']],
    ['RMSprop momentum (E, and b, the momentum of the steps)', new RMSprop({ momentum: 0.9 }), ['E', 'b']],
    ['RMSprop centered momentum (E, m, b)', new RMSprop({ centered: true, momentum: 0.5 }), ['E', 'm', 'b']],
    ['SGD weightDecay (no state: the decay keeps none)', new SGD({ weightDecay: 0.1 }), []],
    ['Adadelta (E_g and E_Δ)', new Adadelta(), ['Eg', 'Edelta']],
    ['Adam (m, v)', new Adam(), ['m', 'v']],
    ['Adam amsgrad (m, v, and the largest v)', new Adam({ amsgrad: true }), ['m', 'v', 'vMax']],
    ['AdamW (as Adam)', new AdamW(), ['m', 'v']],
    ['AdamW amsgrad', new AdamW({ amsgrad: true }), ['m', 'v', 'vMax']],
    ['Adamax (m, u)', new Adamax(), ['m', 'u']],
  ];
  for (const [name, o, slots] of cases) {
    it(`${name}: [${slots.join(', ')}], the buffers apply creates, in that order`, () => {
      expect(o.slotNames()).toEqual(slots);
      const p = { name: 'w', value: new Tensor(Float64Array.of(1, 2), [2]), grad: Float64Array.of(0.5, -0.5) };
      o.apply([p]);
      expect(Object.keys(o.getState().slots[0]!)).toEqual(slots);
      expect(o.slotNames()).toEqual(slots); // still, after an update
    });
  }

  it('setState accepts exactly those names', () => {
    const o = new Adam({ amsgrad: true });
    expect(() => o.setState({ iterations: 1, slots: [{ vMax: [0], v: [0], m: [0] }] })).not.toThrow();
    expect(messageOf(() => o.setState({ iterations: 1, slots: [{ m: [0], v: [0] }] }))).toBe('optimizer state slots[0] has [m, v] but adam keeps [m, v, vMax]');
    expect(codeOf(() => new SGD().setState({ iterations: 1, slots: [{ v: [0] }] }))).toBe('INVALID_ARGUMENT');
    expect(() => new SGD().setState({ iterations: 1, slots: [{}] })).not.toThrow();
  });
});
