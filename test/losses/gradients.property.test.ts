/**
 * specification §8 for the Keras 3 losses of src/losses/hinge.ts, probabilistic.ts and regression.ts:
 * each analytic gradient ∂L/∂ŷ (with and without sample weights) against numerical differentiation
 * of the loss, and each loss's gradient through a model (gradCheck) against numerical
 * differentiation of the weights. fast-check with a fixed seed per property, as
 * test/gradcheck/gradients.property.test.ts does for the other losses; samples within KINK_MARGIN
 * of a loss's kink (hinge margins, the categorical hinge's max, the KL clip at ŷ = 1) are skipped,
 * and the test requires that few are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CategoricalHinge, CosineSimilarity, Dense, Hinge, KLDivergence, LogCosh, Loss, Poisson, Sequential, SquaredHinge, Tensor,
  gradCheck, numericalGradient, relativeError, tensor,
} from '../../src/index.js';

/** The bound of specification §8. */
const BOUND = 1e-6;
/** The five-point stencil below spans ±2·3e-4: samples nearer a kink than this are skipped. */
const KINK_MARGIN = 3e-3;
const STENCIL = { order: 4 as const, epsilon: 3e-4 };

const N = 2 ** 30;
/** Doubles spread evenly over [min, max] (fc.double crowds near 0). */
const uniform = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: -N, max: N })).map((i) => (min + max) / 2 + ((max - min) / 2) * (i / N));

type Kind = 'hinge' | 'squaredHinge' | 'categoricalHinge' | 'klDivergence' | 'poisson' | 'logCosh' | 'cosineSimilarity';
const KINDS: readonly Kind[] = ['hinge', 'squaredHinge', 'categoricalHinge', 'klDivergence', 'poisson', 'logCosh', 'cosineSimilarity'];
const MAKE: Record<Kind, () => Loss> = {
  hinge: () => new Hinge(),
  squaredHinge: () => new SquaredHinge(),
  categoricalHinge: () => new CategoricalHinge(),
  klDivergence: () => new KLDivergence(),
  poisson: () => new Poisson(),
  logCosh: () => new LogCosh(),
  cosineSimilarity: () => new CosineSimilarity(),
};

/** B × C targets suited to the loss: ±1 or 0/1 labels, one-hot rows, probabilities, counts, reals. */
function targetsArb(kind: Kind, B: number, C: number): fc.Arbitrary<number[]> {
  const n = { minLength: B * C, maxLength: B * C };
  switch (kind) {
    case 'hinge':
    case 'squaredHinge':
      return fc.constantFrom([-1, 1], [0, 1]).chain((labels) => fc.array(fc.constantFrom(...labels), n));
    case 'categoricalHinge':
      return fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: B, maxLength: B }).map((ls) =>
        ls.flatMap((l) => Array.from({ length: C }, (_, j) => (j === l ? 1 : 0))),
      );
    case 'klDivergence':
      return fc.array(fc.oneof(uniform(0, 1), fc.constant(0)), n);
    case 'poisson':
      return fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), uniform(0, 4)), n);
    case 'logCosh':
    case 'cosineSimilarity':
      return fc.array(uniform(-3, 3), n);
  }
}

/** Predictions in the loss's domain, away from where the numerical derivative itself degrades. */
function predictionArb(kind: Kind): fc.Arbitrary<number> {
  if (kind === 'klDivergence') return uniform(0.05, 1.5);
  if (kind === 'poisson') return uniform(0.05, 6);
  return uniform(-3, 3);
}

/** Why ŷ sits within KINK_MARGIN of a kink of the loss (undefined when it is clear of all). */
function kink(kind: Kind, y: ArrayLike<number>, p: ArrayLike<number>, B: number, C: number): string | undefined {
  if (kind === 'hinge' || kind === 'squaredHinge') {
    const binary = Array.from(y).every((v) => v === 0 || v === 1);
    for (let i = 0; i < p.length; i++) {
      const label = binary ? 2 * y[i]! - 1 : y[i]!;
      if (Math.abs(1 - label * p[i]!) < KINK_MARGIN) return 'hinge margin';
    }
  }
  if (kind === 'klDivergence') for (let i = 0; i < p.length; i++) if (Math.abs(p[i]! - 1) < KINK_MARGIN) return 'KL clip at 1';
  if (kind === 'cosineSimilarity') {
    for (let r = 0; r < B; r++) {
      let s = 0;
      for (let j = 0; j < C; j++) s += p[r * C + j]! ** 2;
      if (Math.sqrt(s) < 0.1) return 'short ŷ';
    }
  }
  if (kind === 'categoricalHinge') {
    for (let r = 0; r < B; r++) {
      const m = Array.from({ length: C }, (_, j) => (1 - y[r * C + j]!) * p[r * C + j]!).sort((a, b) => b - a);
      let pos = 0;
      for (let j = 0; j < C; j++) pos += y[r * C + j]! * p[r * C + j]!;
      if (C > 1 && m[0]! - m[1]! < 2 * KINK_MARGIN) return 'max tie';
      if (Math.abs(m[0]! - pos + 1) < 2 * KINK_MARGIN) return 'categorical hinge margin';
    }
  }
  return undefined;
}

interface LossCase { kind: Kind; B: number; C: number; y: number[]; p: number[]; w: number[] }
const lossCaseArb = (kind: Kind): fc.Arbitrary<LossCase> =>
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: kind === 'categoricalHinge' ? 2 : 1, max: 5 })).chain(([B, C]) =>
    fc.record({
      kind: fc.constant(kind),
      B: fc.constant(B),
      C: fc.constant(C),
      y: targetsArb(kind, B, C),
      p: fc.array(predictionArb(kind), { minLength: B * C, maxLength: B * C }),
      w: fc.array(uniform(0, 2), { minLength: B, maxLength: B }),
    }),
  );

/** L(ŷ) = Σᵢ wᵢℓᵢ / B from perSample: the function the weighted gradient is the derivative of. */
function weightedLoss(loss: Loss, y: Float64Array, B: number, C: number, w: number[]): (q: Tensor) => number {
  const per = new Float64Array(B);
  return (q) => {
    loss.perSample(y, q.data, B, C, per);
    let s = 0;
    for (let i = 0; i < B; i++) s += w[i]! * per[i]!;
    return s / B;
  };
}

function expectWithin(analytic: ArrayLike<number>, numerical: ArrayLike<number>, what: string): void {
  for (let i = 0; i < analytic.length; i++) {
    const e = relativeError(analytic[i]!, numerical[i]!);
    if (!(e <= BOUND)) throw new Error(`${what}: [${i}] analytic ${analytic[i]} numerical ${numerical[i]} (relative error ${e})`);
  }
}

describe('the Keras 3 losses: ∂L/∂ŷ equals numerical differentiation (≤ 1e-6, away from kinks)', () => {
  const seeds: Record<Kind, number> = {
    hinge: 611, squaredHinge: 612, categoricalHinge: 613, klDivergence: 614, poisson: 615, logCosh: 616, cosineSimilarity: 617,
  };
  for (const kind of KINDS) {
    it(`${kind}: gradientOf and the weighted gradient (seed ${seeds[kind]}, 300 runs)`, () => {
      let checked = 0;
      let skipped = 0;
      fc.assert(
        fc.property(lossCaseArb(kind), ({ B, C, y, p, w }) => {
          const far = kink(kind, y, p, B, C) === undefined;
          if (!far) skipped++;
          fc.pre(far);
          checked++;
          const loss = MAKE[kind]();
          const yt = tensor(y, [B, C]);
          const pt = tensor(p, [B, C]);
          const numerical = numericalGradient((q) => loss.call(yt, q), pt, STENCIL);
          expectWithin(loss.gradientOf(yt, pt).data, numerical.data, `${kind} gradientOf`);
          const g = new Float64Array(B * C);
          loss.gradient(yt.data, pt.data, B, C, g, Float64Array.from(w));
          expectWithin(g, numericalGradient(weightedLoss(loss, yt.data, B, C, w), pt, STENCIL).data, `${kind} weighted gradient`);
        }),
        { seed: seeds[kind], numRuns: 300 },
      );
      expect(checked).toBeGreaterThanOrEqual(300);
      expect(skipped).toBeLessThan(75);
    });
  }
});

/** The output activation that gives each loss predictions in its domain (none of them fuses). */
const OUTPUT: Record<Kind, string[]> = {
  hinge: ['linear', 'tanh'],
  squaredHinge: ['linear', 'tanh'],
  categoricalHinge: ['linear', 'sigmoid'],
  klDivergence: ['softmax', 'sigmoid'],
  poisson: ['softplus', 'sigmoid'],
  logCosh: ['linear', 'tanh', 'swish'],
  cosineSimilarity: ['linear', 'tanh'],
};

describe('the Keras 3 losses through a model: gradCheck of compile({ loss: name }) (≤ 1e-6, away from kinks)', () => {
  const seeds: Record<Kind, number> = {
    hinge: 621, squaredHinge: 622, categoricalHinge: 623, klDivergence: 624, poisson: 625, logCosh: 626, cosineSimilarity: 627,
  };
  for (const kind of KINDS) {
    it(`${kind}: Dense (smooth activations) stacks, every weight (seed ${seeds[kind]}, 100 runs)`, () => {
      let checked = 0;
      const arb = fc
        .record({
          d: fc.integer({ min: 1, max: 4 }),
          hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 4 }), activation: fc.constantFrom('tanh', 'sigmoid', 'softplus', 'gelu') }), { maxLength: 2 }),
          out: fc.constantFrom(...OUTPUT[kind]),
          seed: fc.integer({ min: 1, max: 10_000 }),
        })
        .chain((s) =>
          fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: kind === 'categoricalHinge' ? 2 : 1, max: 4 })).chain(([B, C]) =>
            fc.record({
              s: fc.constant(s),
              B: fc.constant(B),
              C: fc.constant(C),
              x: fc.array(uniform(-2, 2), { minLength: B * s.d, maxLength: B * s.d }),
              y: targetsArb(kind, B, C),
            }),
          ),
        );
      fc.assert(
        fc.property(arb, ({ s, B, C, x, y }) => {
          const layers = [
            ...s.hidden.map((h, i) => new Dense({ units: h.units, activation: h.activation, ...(i === 0 ? { inputShape: [s.d] } : {}) })),
            new Dense({ units: C, activation: s.out, ...(s.hidden.length === 0 ? { inputShape: [s.d] } : {}) }),
          ];
          const model = new Sequential(layers, { seed: s.seed });
          model.compile({ optimizer: 'sgd', loss: kind });
          const xt = tensor(x, [B, s.d]);
          const yt = tensor(y, [B, C]);
          const yHat = model.predict(xt).data;
          fc.pre(kink(kind, y, yHat, B, C) === undefined && (kind !== 'poisson' || yHat.every((v) => v > 0.01)));
          checked++;
          const res = gradCheck(model, xt, yt);
          if (!(res.maxRelativeError <= BOUND)) throw new Error(`${kind}: gradCheck maxRelativeError ${res.maxRelativeError}`);
        }),
        { seed: seeds[kind], numRuns: 100 },
      );
      expect(checked).toBeGreaterThanOrEqual(100);
    });
  }
});
