/**
 * `apply` is a transaction, with no model around it: a gradient that is not finite (checked
 * before clipping), an update that makes a weight or the state non-finite, or any exception during
 * the update leaves the weights, every slot and `iterations` bit-identical to before, for every
 * optimizer and every clipping option — and the next good step is the one an optimizer that never
 * saw the failure takes. A subclass written here gets the same protection without doing anything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, NumnetError, Optimizer, RMSprop, SGD } from '../../src/index.js';
import type { OptimizerConfig, Parameter, Slots } from '../../src/index.js';
import { CLIPPING, VARIANTS, expectNonFinite, network, parameter, setGradients, snapshot, thrown } from './helpers.js';

const RESTORED = 'the weights and optimizer state were restored';
const BAD = [NaN, Infinity, -Infinity];

/** An optimizer and its twin, both after `steps` good updates of their own copy of the network. */
function pair(make: () => Optimizer, steps: number) {
  const a = { o: make(), p: network() };
  const b = { o: make(), p: network() };
  for (let k = 0; k < steps; k++) {
    for (const x of [a, b]) {
      setGradients(x.p, k);
      x.o.apply(x.p);
    }
  }
  return { a, b, steps };
}

/** After a failure of `a` only: one more good step of both must agree bit for bit (t, slots and weights were restored exactly). */
function expectSameNextStep({ a, b, steps }: ReturnType<typeof pair>): void {
  for (const x of [a, b]) {
    setGradients(x.p, steps);
    x.o.apply(x.p);
  }
  expect(a.o.iterations).toBe(steps + 1);
  expect(snapshot(a.o, a.p)).toBe(snapshot(b.o, b.p));
}

describe('a gradient that is not finite: NON_FINITE_LOSS naming the weight, everything restored', () => {
  for (const [name, make] of VARIANTS) {
    for (const [clipping, clip] of CLIPPING) {
      it(`${name}, ${clipping}: NaN, +Inf, −Inf in the first, middle and last weight, before any state exists and after two steps`, () => {
        for (const steps of [0, 2]) {
          for (const bad of BAD) {
            for (const at of [0, 1, 2]) {
              const run = pair(() => make(clip), steps);
              const { o, p } = run.a;
              setGradients(p, steps);
              p[at]!.grad[p[at]!.grad.length - 1] = bad;
              const before = snapshot(o, p);
              expectNonFinite(() => o.apply(p), `the gradient of ${p[at]!.name} is not finite; ${RESTORED}`);
              expect(snapshot(o, p), `${bad} in weight ${at} after ${steps} steps`).toBe(before);
              if (steps === 0) expect(o.getState()).toEqual({ iterations: 0, slots: [] });
              expectSameNextStep(run);
            }
          }
        }
      });
    }
  }

  it('clipValue would turn the infinity into a finite step: the check comes before clipping', () => {
    const o = new SGD({ learningRate: 0.1, clipValue: 1 });
    const [w] = [parameter('w', [1, 2])];
    w.grad.set([Infinity, 0.5]);
    expectNonFinite(() => o.apply([w]), `the gradient of w is not finite; ${RESTORED}`);
    expect(Array.from(w.value.data)).toEqual([1, 2]);
  });
});

describe('an update that overflows', () => {
  // A finite gradient of 1e200 whose square (1e400) is Infinity: the accumulator overflows while the
  // weight itself stays finite (g/√G ≈ 1) — except for centered RMSprop, whose E − m² is then
  // ∞ − ∞ = NaN under the root, so the weight is named first.
  const state = (name: string) => `the update made the ${name} optimizer's state non-finite (a gradient too large to square?); ${RESTORED}`;
  const squaring: [string, () => Optimizer, string][] = [
    ['Adagrad', () => new Adagrad(), state('adagrad')],
    ['RMSprop', () => new RMSprop(), state('rmsprop')],
    ['RMSprop centered', () => new RMSprop({ centered: true }), `the update made dense/bias non-finite; ${RESTORED}`],
    ['RMSprop momentum', () => new RMSprop({ momentum: 0.9 }), state('rmsprop')],
    ['RMSprop momentum weightDecay (the first weight already decayed too)', () => new RMSprop({ momentum: 0.9, weightDecay: 0.5 }), state('rmsprop')],
    ['Adam weightDecay', () => new Adam({ weightDecay: 0.5 }), state('adam')],
    ['Adadelta', () => new Adadelta(), state('adadelta')],
    ['Adam', () => new Adam(), state('adam')],
    ['Adam amsgrad', () => new Adam({ amsgrad: true }), state('adam')],
    ['AdamW', () => new AdamW(), state('adamw')],
  ];
  for (const [name, make, message] of squaring) {
    it(`${name}: g² = Infinity in the middle weight (the first already updated) restores everything`, () => {
      const run = pair(make, 2);
      const { o, p } = run.a;
      setGradients(p, 2);
      p[1]!.grad[0] = 1e200;
      const before = snapshot(o, p);
      expectNonFinite(() => o.apply(p), message);
      expect(snapshot(o, p)).toBe(before);
      expect(o.stateIsFinite()).toBe(true);
      expectSameNextStep(run);
    });
  }

  it('a decay α·λ that overflows makes the weight non-finite: refused, nothing changed (the decay is inside the transaction)', () => {
    // λ = 1e308 is a finite λ ≥ 0; with α = 1, (α·λ)·w overflows for |w| ≥ 2 (the first weight, 1e-310 and 0, decays finitely).
    for (const [name, make] of [['SGD', () => new SGD({ learningRate: 1, weightDecay: 1e308 })], ['RMSprop momentum', () => new RMSprop({ learningRate: 1, momentum: 0.9, weightDecay: 1e308 })]] as const) {
      const o = make();
      const p = [parameter('a', [1e-310, 0]), parameter('b', [3, -1e-300]), parameter('c', [1])];
      setGradients(p, 0);
      const before = snapshot(o, p);
      expectNonFinite(() => o.apply(p), `the update made b non-finite; ${RESTORED}`);
      expect(snapshot(o, p), name).toBe(before);
      expect(o.iterations).toBe(0);
    }
  });

  for (const make of [() => new SGD(), () => new Adamax()]) {
    it(`${make().name}: squares nothing, so a gradient of 1e200 is a finite step`, () => {
      const p = network();
      setGradients(p, 0);
      p[1]!.grad[0] = 1e200;
      const o = make();
      o.apply(p);
      expect(o.iterations).toBe(1);
      for (const x of p) for (const v of x.value.data) expect(Number.isFinite(v)).toBe(true);
      expect(o.stateIsFinite()).toBe(true);
    });
  }

  it('finite values whose sum overflows are still finite (the checks sum before they look value by value)', () => {
    // Weights near the largest double, for every optimizer; and gradients near it for those that
    // square nothing (g² would overflow for the others).
    for (const [name, make] of VARIANTS) {
      const huge = name.startsWith('SGD') || name === 'Adamax' ? 1.7e308 : 1;
      const o = make({ learningRate: 1e-300 });
      const p = [parameter('w', [1.5e308, 1.5e308, 1.5e308, 1.5e308, 1.5e308]), parameter('b', [-1e308, -1.7e308])];
      p[0]!.grad.fill(huge);
      p[1]!.grad.fill(-huge);
      o.apply(p);
      o.apply(p);
      expect(o.iterations, name).toBe(2);
    }
  });

  it('a weight pushed past the largest double names that weight', () => {
    const o = new SGD({ learningRate: 1 });
    const p = [parameter('a', [1, 2]), parameter('b', [1e308]), parameter('c', [3])];
    p[0]!.grad.set([0.5, 0.5]);
    p[1]!.grad.set([-1e308]); // 1e308 − (−1e308) = Infinity
    p[2]!.grad.set([1]);
    const before = snapshot(o, p);
    expectNonFinite(() => o.apply(p), `the update made b non-finite; ${RESTORED}`);
    expect(snapshot(o, p)).toBe(before);
    expect(o.iterations).toBe(0);
  });
});

describe('any exception during the update restores and is rethrown', () => {
  it.each([
    ['NaN (an exploding schedule)', NaN, 'NON_FINITE_LOSS'],
    ['Infinity (an exploding schedule)', Infinity, 'NON_FINITE_LOSS'],
    ['a negative rate', -0.5, 'INVALID_ARGUMENT'],
    ['not a number', '0.1', 'INVALID_ARGUMENT'],
  ])('a schedule that gives %s: %s, nothing changed', (_what, bad, code) => {
    for (const [, make] of VARIANTS) {
      const run = pair(() => make({ learningRate: (step) => (step < 2 ? 0.01 : (bad as number)) }), 2);
      const { o, p } = run.a;
      setGradients(p, 2);
      const before = snapshot(o, p);
      const e = thrown(() => o.apply(p));
      expect(e).toBeInstanceOf(NumnetError);
      expect((e as NumnetError).code).toBe(code);
      expect(snapshot(o, p)).toBe(before);
    }
  });

  it('a schedule that throws: the same error, nothing changed', () => {
    const boom = new Error('schedule failed');
    const o = new Adam({ learningRate: (step) => { if (step === 1) throw boom; return 0.01; } });
    const p = network();
    setGradients(p, 0);
    o.apply(p);
    setGradients(p, 1);
    const before = snapshot(o, p);
    expect(thrown(() => o.apply(p))).toBe(boom);
    expect(snapshot(o, p)).toBe(before);
  });

  it('an updateStep that throws after writing the first weight, its slot, and half the second', () => {
    const boom = new Error('update failed');
    class Faulty extends Optimizer {
      readonly name = 'faulty';
      constructor() {
        super({}, 0.1);
      }
      protected build(size: number): Slots {
        return { v: new Float64Array(size) };
      }
      protected updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): void {
        for (let i = 0; i < w.length; i++) {
          s.v![i] = s.v![i]! + g[i]!;
          w[i] = w[i]! - lr * s.v![i]!;
          if (t === 3 && w.length === 3 && i === 1) throw boom;
        }
      }
    }
    const run = pair(() => new Faulty(), 2);
    const { o, p } = run.a;
    setGradients(p, 2);
    const before = snapshot(o, p);
    expect(thrown(() => o.apply(p))).toBe(boom);
    expect(snapshot(o, p)).toBe(before);
    expect(o.iterations).toBe(2);
  });
});

describe('a subclass written by a user gets the checks without asking', () => {
  /** signSGD: w ← w − α·sign(g). Its own step is finite for g = ±Infinity. */
  class SignSGD extends Optimizer {
    readonly name = 'signsgd';
    constructor(config: OptimizerConfig = {}) {
      super(config, 0.1);
    }
    protected build(): Slots {
      return {};
    }
    protected updateStep(w: Float64Array, g: Float64Array, _s: Slots, lr: number): void {
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * Math.sign(g[i]!);
    }
  }

  it('its update alone would take ±Infinity as a finite step; apply refuses it and restores', () => {
    expect(Number.isFinite(1 - 0.1 * Math.sign(Infinity))).toBe(true);
    for (const [, clip] of CLIPPING) {
      for (const bad of BAD) {
        const o = new SignSGD(clip);
        const p = network();
        setGradients(p, 0);
        o.apply(p);
        setGradients(p, 1);
        p[2]!.grad[0] = bad;
        const before = snapshot(o, p);
        expectNonFinite(() => o.apply(p), `the gradient of dense_1/kernel is not finite; ${RESTORED}`);
        expect(snapshot(o, p)).toBe(before);
        expect(o.iterations).toBe(1);
      }
    }
  });

  it('and a weight it would make non-finite', () => {
    const o = new SignSGD({ learningRate: 1e308 });
    const p = [parameter('w', [-1e308])];
    p[0]!.grad.set([1]);
    expectNonFinite(() => o.apply(p), `the update made w non-finite; ${RESTORED}`);
    expect(Array.from(p[0]!.value.data)).toEqual([-1e308]);
  });
});

describe('property (fast-check, fixed seed): any finite network, one bad gradient value anywhere', () => {
  const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });
  it('restores bit for bit and the next step equals that of an optimizer that never failed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: VARIANTS.length - 1 }),
        fc.integer({ min: 0, max: CLIPPING.length - 1 }),
        fc.array(fc.array(finite, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.constantFrom(...BAD),
        (v, c, weights, steps, where, bad) => {
          const make = () => VARIANTS[v]![1](CLIPPING[c]![1]);
          const net = (): Parameter[] => weights.map((w, i) => parameter(`w${i}`, w));
          const a = { o: make(), p: net() };
          const b = { o: make(), p: net() };
          const grads = (p: Parameter[], k: number) => p.forEach((x, i) => x.grad.forEach((_, j) => (x.grad[j] = Math.cos(k + i + 2 * j) * weights[i]![j]!)));
          for (let k = 0; k < steps; k++) for (const x of [a, b]) { grads(x.p, k); x.o.apply(x.p); }
          grads(a.p, steps);
          const at = where % weights.length;
          a.p[at]!.grad[where % weights[at]!.length] = bad;
          const before = snapshot(a.o, a.p);
          expectNonFinite(() => a.o.apply(a.p), `the gradient of w${at} is not finite; ${RESTORED}`);
          expect(snapshot(a.o, a.p)).toBe(before);
          for (const x of [a, b]) { grads(x.p, steps); x.o.apply(x.p); }
          expect(snapshot(a.o, a.p)).toBe(snapshot(b.o, b.p));
        },
      ),
      { seed: 20240611, numRuns: 300 },
    );
  });
});

describe('Adamax and the rest keep their names in the state message', () => {
  it('the message names the optimizer by its name', () => {
    // Adamax's u ← max(β₂u, |g|) cannot overflow from a finite g, and m is a convex combination: a
    // subclass of Adamax whose update writes Infinity into m shows the state check still runs.
    class Broken extends Adamax {
      protected override updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): void {
        super.updateStep(w, g, s, lr, t);
        s.m![0] = Infinity;
      }
    }
    const o = new Broken();
    const p = [parameter('w', [1, 2])];
    p[0]!.grad.set([0.5, 0.5]);
    expectNonFinite(() => o.apply(p), `the update made the adamax optimizer's state non-finite (a gradient too large to square?); ${RESTORED}`);
    expect(o.getState()).toEqual({ iterations: 0, slots: [] });
    expect(Array.from(p[0]!.value.data)).toEqual([1, 2]);
  });
});

describe('the check fused into each update: a finite sum of what it wrote means every value is finite', () => {
  // apply takes updateStep's returned sum as the check of the update (a sum is finite only when each
  // term is) and checks every value itself otherwise; this holds only if the sum has every value the
  // update wrote — the weight's and every state buffer's. Values near the overflow limit make each
  // buffer overflow alone in some draws.
  const value = fc.oneof(
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.constantFrom(0, -0, 1e-300, 1e154, -1e154, 1e200, -1e200, 1e300, -1e300, 1.7e308, -1.7e308),
  );
  type Step = (w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number) => number | void;
  for (const [name, make] of VARIANTS) {
    it(`${name}: returns a number, finite only when the weight and every state buffer are (seed 1305)`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0.01, 1, 1e300), fc.integer(), (n, t, lr, seed) => {
          const o = make() as unknown as { build(n: number): Slots; updateStep: Step };
          const draw = (k: number) => Float64Array.from(fc.sample(value, { numRuns: n, seed: seed + k }));
          const s = o.build(n);
          Object.keys(s).forEach((k, i) => s[k]!.set(draw(i + 2).map((x) => Math.abs(x))));
          const w = draw(0);
          const written = o.updateStep(w, draw(1), s, lr, t);
          expect(typeof written).toBe('number');
          if (Number.isFinite(written)) {
            expect(w.every(Number.isFinite), 'w').toBe(true);
            for (const [k, x] of Object.entries(s)) expect(x.every(Number.isFinite), k).toBe(true);
          }
        }),
        { seed: 1305, numRuns: 300 },
      );
    });
  }
});
