/**
 * specification §8: analytic gradients (backpropagation) against central differences, on random layer
 * stacks, activations, losses, batch sizes and weights, away from kinks. Every property runs with
 * a fixed seed, so the file is deterministic. `GRAD_DEBUG=1` prints, per property, how many cases
 * were checked and skipped (and why) and the worst relative error seen.
 *
 * Numerical note. gradCheck uses the five-point stencil with ε = 3e-4 (error: truncation ~ε⁴·f⁽⁵⁾,
 * rounding ~1e-11) and a relative-error floor of 1e-4, so on smooth stretches its relative error is
 * ~1e-8, far below the bound. With plain central differences at ε = 1e-5 the error reached
 * 1.01e-6 … 1.05e-6 in about 1 of 2,000 cases (truncation ε²·f‴/6 plus rounding of a few ulps of the
 * loss over 2ε), which is why gradCheck defaults to the higher-order stencil. The stencil spans
 * ±2ε in each weight, so samples within KINK_MARGIN = 3e-3 of a kink are skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Activation, BinaryCrossentropy, CategoricalCrossentropy, Dense, Dropout, ELU, EPSILON, Flatten, Huber,
  Layer, LeakyReLU, Loss, MeanAbsoluteError, MeanSquaredError, PReLU, SGD, Sequential,
  SparseCategoricalCrossentropy, Tensor, activate, activationGradient, add, gradCheck, l1, l1l2, l2,
  map, matMul, numericalGradient, relativeError, tensor,
} from '../../src/index.js';

// ------------------------------------------------------------------ configuration

/** The bound of specification §8, not loosened anywhere in this file. */
const BOUND = 1e-6;
/** Distance from a kink (in pre-activation / loss-argument units) below which a sample is skipped. */
const KINK_MARGIN = 3e-3;

const HIDDEN_ACTS = [
  'linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'geluApproximate',
] as const;
const ALL_ACTS = [...HIDDEN_ACTS, 'softmax'] as const;

/**
 * Activations whose derivative (or second derivative) is not smooth at z = 0. relu, leakyRelu,
 * selu and ELU with α ≠ 1 have a jump in φ′; elu (α = 1) and softsign are C¹ but have a jump in φ″,
 * which makes the central difference O(ε) instead of O(ε²) when z is within ε of 0 (at z = 0
 * exactly, softsign's central difference is 1/(1 + ε) ≈ 1 − 1e-5, a relative error of 1e-5).
 */
const KINKED = new Set(['relu', 'leakyRelu', 'elu', 'selu', 'softsign']);

type LossKind =
  | 'mse' | 'mae' | 'huber' | 'bce' | 'cce' | 'cceNonSoftmax' | 'scce' | 'bceLogits' | 'cceLogits' | 'scceLogits';
const LOSS_KINDS: readonly LossKind[] = [
  'mse', 'mae', 'huber', 'bce', 'cce', 'cceNonSoftmax', 'scce', 'bceLogits', 'cceLogits', 'scceLogits',
];

type Reg = { l1?: number; l2?: number } | null;
type Extra =
  | { kind: 'none' }
  | { kind: 'prelu' }
  | { kind: 'leakyReLU'; alpha: number }
  | { kind: 'elu'; alpha: number }
  | { kind: 'activation'; activation: string }
  | { kind: 'dropout'; rate: number };

interface DenseSpec {
  units: number;
  activation: string;
  useBias: boolean;
  reg: Reg;
}
interface HiddenSpec extends DenseSpec {
  extra: Extra;
}
/** How the output activation is attached: on the Dense, as an Activation layer, or before a Dropout. */
type Tail = 'dense' | 'activationLayer' | 'dropout';
interface OutputSpec extends DenseSpec {
  tail: Tail;
  dropoutRate: number;
}
interface Spec {
  loss: LossKind;
  /** One sample's shape: [d] (Dense first) or [a, b] (Flatten first). */
  inputShape: number[];
  hidden: HiddenSpec[];
  output: OutputSpec;
  batch: number;
  /** Sparse labels given as [B, 1] instead of [B]. */
  labelsAsColumn: boolean;
}
interface Case {
  spec: Spec;
  x: number[];
  y: number[];
  weights: number[][];
}

// ------------------------------------------------------------------ arbitraries

/**
 * Doubles spread evenly over [min, max] by value. fc.double is even over the float64 bit patterns,
 * so most of its draws in [-1, 1] are tiny (1e-200 …) and would put relu & co. on their kinks;
 * here the step is (max − min)/2³¹ and shrinking moves towards the middle of the range.
 */
const N = 2 ** 30;
const uniform = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: -N, max: N })).map((i) => (min + max) / 2 + ((max - min) / 2) * (i / N));
const unit = uniform(-1, 1);
const small = uniform(1e-4, 0.05);
const regArb: fc.Arbitrary<Reg> = fc.oneof(
  fc.constant(null),
  fc.record({ l1: small }),
  fc.record({ l2: small }),
  fc.record({ l1: small, l2: small }),
);
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'prelu' as const }),
  fc.record({ kind: fc.constant('leakyReLU' as const), alpha: uniform(0.01, 0.5) }),
  fc.record({ kind: fc.constant('elu' as const), alpha: uniform(0.2, 2) }),
  fc.record({ kind: fc.constant('activation' as const), activation: fc.constantFrom(...HIDDEN_ACTS) }),
  fc.record({ kind: fc.constant('dropout' as const), rate: uniform(0.05, 0.9) }),
);
const hiddenFields = {
  units: fc.integer({ min: 1, max: 5 }),
  activation: fc.constantFrom(...HIDDEN_ACTS),
  useBias: fc.boolean(),
  reg: regArb,
};
const hiddenArb: fc.Arbitrary<HiddenSpec> = fc.record({ ...hiddenFields, extra: extraArb });

/** The output layer a loss needs: its activation, its width and how it is attached. */
function outputArb(loss: LossKind): fc.Arbitrary<OutputSpec> {
  const categorical = loss === 'cce' || loss === 'cceNonSoftmax' || loss === 'scce' || loss === 'cceLogits' || loss === 'scceLogits';
  const activation: fc.Arbitrary<string> =
    loss === 'mse' || loss === 'mae' || loss === 'huber'
      ? fc.constantFrom(...ALL_ACTS)
      : loss === 'bce'
        ? fc.constant('sigmoid')
        : loss === 'cce' || loss === 'scce'
          ? fc.constant('softmax')
          : loss === 'cceNonSoftmax'
            ? fc.constantFrom('sigmoid', 'softplus')
            : fc.constant('linear');
  const tails: Tail[] = loss.endsWith('Logits') ? ['dense', 'dropout'] : ['dense', 'activationLayer', 'dropout'];
  return fc.record({
    units: fc.integer({ min: categorical ? 2 : 1, max: 5 }),
    activation,
    useBias: fc.boolean(),
    reg: regArb,
    tail: fc.constantFrom(...tails),
    dropoutRate: uniform(0.05, 0.9),
  });
}

function specArb(losses: readonly LossKind[], options: { flatten?: boolean; extras?: boolean } = {}): fc.Arbitrary<Spec> {
  const hidden = options.extras
    ? fc.array(fc.record({ ...hiddenFields, extra: extraArb.filter((e) => e.kind !== 'none') }), { minLength: 1, maxLength: 3 })
    : fc.array(hiddenArb, { minLength: 0, maxLength: 3 });
  return fc.constantFrom(...losses).chain((loss) =>
    fc.record({
      loss: fc.constant(loss),
      inputShape: options.flatten
        ? fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).map(([a, b]) => [a, b])
        : fc.integer({ min: 1, max: 4 }).map((d) => [d]),
      hidden,
      output: outputArb(loss),
      batch: fc.integer({ min: 1, max: 8 }),
      labelsAsColumn: fc.boolean(),
    }),
  );
}

/** Sizes of the weights in getWeights() order (kernel, bias per Dense; alpha per PReLU). */
function paramSizes(spec: Spec): number[] {
  const sizes: number[] = [];
  let width = spec.inputShape.reduce((p, n) => p * n, 1);
  const dense = (d: DenseSpec) => {
    sizes.push(width * d.units);
    if (d.useBias) sizes.push(d.units);
    width = d.units;
  };
  for (const h of spec.hidden) {
    dense(h);
    if (h.extra.kind === 'prelu') sizes.push(width);
  }
  dense(spec.output);
  return sizes;
}

function targetsArb(spec: Spec): fc.Arbitrary<number[]> {
  const { batch: B, loss } = spec;
  const C = spec.output.units;
  const labels = fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: B, maxLength: B });
  switch (loss) {
    case 'mse':
    case 'mae':
      return fc.array(uniform(-1, 1), { minLength: B * C, maxLength: B * C });
    case 'huber': // wide enough to reach both branches, |d| ≤ δ and |d| > δ
      return fc.array(uniform(-2.5, 2.5), { minLength: B * C, maxLength: B * C });
    case 'bce':
    case 'bceLogits':
      return fc.array(fc.constantFrom(0, 1), { minLength: B * C, maxLength: B * C });
    case 'cce':
    case 'cceNonSoftmax':
    case 'cceLogits':
      return labels.map((ls) => ls.flatMap((l) => Array.from({ length: C }, (_, j) => (j === l ? 1 : 0))));
    case 'scce':
    case 'scceLogits':
      return labels;
  }
}

function caseArb(spec: fc.Arbitrary<Spec>): fc.Arbitrary<Case> {
  return spec.chain((s) => {
    const inSize = s.inputShape.reduce((p, n) => p * n, 1);
    return fc.record({
      spec: fc.constant(s),
      x: fc.array(uniform(-2, 2), { minLength: s.batch * inSize, maxLength: s.batch * inSize }),
      y: targetsArb(s),
      weights: fc.tuple(...paramSizes(s).map((n) => fc.array(unit, { minLength: n, maxLength: n }))),
    });
  });
}

// ------------------------------------------------------------------ building the model

function regularizer(r: Reg) {
  if (r === null) return undefined;
  if (r.l1 !== undefined && r.l2 !== undefined) return l1l2({ l1: r.l1, l2: r.l2 });
  return r.l1 !== undefined ? l1(r.l1) : l2(r.l2!);
}

function makeLoss(kind: LossKind): string | Loss {
  switch (kind) {
    case 'mse': return 'mse';
    case 'mae': return 'mae';
    case 'huber': return 'huber';
    case 'bce': return 'binaryCrossentropy';
    case 'cce': return 'categoricalCrossentropy';
    case 'cceNonSoftmax': return new CategoricalCrossentropy();
    case 'scce': return 'sparseCategoricalCrossentropy';
    case 'bceLogits': return new BinaryCrossentropy({ fromLogits: true });
    case 'cceLogits': return new CategoricalCrossentropy({ fromLogits: true });
    case 'scceLogits': return new SparseCategoricalCrossentropy({ fromLogits: true });
  }
}

function buildModel(c: Case): { model: Sequential; x: Tensor; y: Tensor } {
  const { spec } = c;
  const layers: Layer[] = [];
  const flatten = spec.inputShape.length === 2;
  if (flatten) layers.push(new Flatten({ inputShape: spec.inputShape }));
  const first = () => (layers.length === 0 ? { inputShape: spec.inputShape } : {});
  const dense = (d: DenseSpec, activation: string) =>
    new Dense({
      ...first(),
      units: d.units,
      activation,
      useBias: d.useBias,
      ...(d.reg ? { kernelRegularizer: regularizer(d.reg) } : {}),
    });
  for (const h of spec.hidden) {
    layers.push(dense(h, h.activation));
    const e = h.extra;
    if (e.kind === 'prelu') layers.push(new PReLU());
    else if (e.kind === 'leakyReLU') layers.push(new LeakyReLU({ alpha: e.alpha }));
    else if (e.kind === 'elu') layers.push(new ELU({ alpha: e.alpha }));
    else if (e.kind === 'activation') layers.push(new Activation({ activation: e.activation }));
    else if (e.kind === 'dropout') layers.push(new Dropout({ rate: e.rate, seed: 7 }));
  }
  const o = spec.output;
  if (o.tail === 'activationLayer') {
    layers.push(dense(o, 'linear'));
    layers.push(new Activation({ activation: o.activation }));
  } else {
    layers.push(dense(o, o.activation));
    if (o.tail === 'dropout') layers.push(new Dropout({ rate: o.dropoutRate, seed: 11 }));
  }
  const model = new Sequential(layers, { seed: 1 });
  model.compile({ optimizer: new SGD(), loss: makeLoss(spec.loss) });
  model.setWeights(c.weights.map((w, i) => tensor(w, model.parameters[i]!.value.shape)));
  const x = tensor(c.x, [spec.batch, ...spec.inputShape]);
  const sparse = spec.loss === 'scce' || spec.loss === 'scceLogits';
  const y = sparse
    ? tensor(c.y, spec.labelsAsColumn ? [spec.batch, 1] : [spec.batch])
    : tensor(c.y, [spec.batch, o.units]);
  return { model, x, y };
}

// ------------------------------------------------------------------ kinks, from the public API

/**
 * An independent forward pass from the weights with matMul/add/activate, recording every value
 * that sits at the input of a kinked function (pre-activations of relu & co., PReLU/LeakyReLU/ELU
 * inputs), each with a flag saying whether it is *fixed*: exactly the same under any small change of
 * any weight. A dead relu (z < 0) outputs a fixed 0, and a bias-free Dense whose inputs are all
 * fixed zeros has a fixed pre-activation 0. A fixed value on a kink is harmless (the function of the
 * weights does not move across the kink), so only values that can move are required to keep away.
 */
function referenceForward(c: Case): { output: Tensor; kinkInputs: { values: Float64Array; fixed: boolean[] }[] } {
  const { spec } = c;
  const kinkInputs: { values: Float64Array; fixed: boolean[] }[] = [];
  let h: Tensor = tensor(c.x, [spec.batch, spec.inputShape.reduce((p, n) => p * n, 1)]);
  let fixed: boolean[] = new Array<boolean>(h.size).fill(false);
  let k = 0;
  const next = (shape: number[]) => tensor(c.weights[k++]!, shape);
  const elementwise = (activation: string) => {
    if (KINKED.has(activation)) kinkInputs.push({ values: h.data, fixed });
    const z = h;
    h = activate(activation, z);
    if (activation === 'softmax') {
      const C = z.shape[1]!;
      fixed = fixed.map((_, i) => fixed.slice(i - (i % C), i - (i % C) + C).every(Boolean));
    } else if (activation === 'relu') {
      fixed = fixed.map((f, i) => f || z.data[i]! < 0);
    }
  };
  const dense = (d: DenseSpec, activation: string) => {
    const inDim = h.shape[1]!;
    let z = matMul(h, next([inDim, d.units]));
    if (d.useBias) z = add(z, next([d.units]));
    const rowZero = Array.from({ length: spec.batch }, (_, r) =>
      !d.useBias && fixed.slice(r * inDim, (r + 1) * inDim).every((f, j) => f && h.data[r * inDim + j] === 0),
    );
    h = z;
    fixed = Array.from({ length: z.size }, (_, i) => rowZero[Math.floor(i / d.units)]!);
    elementwise(activation);
  };
  for (const hs of spec.hidden) {
    dense(hs, hs.activation);
    const e = hs.extra;
    if (e.kind === 'prelu') {
      const alpha = next([hs.units]);
      kinkInputs.push({ values: h.data, fixed });
      const v = h;
      h = map(v, (x, i) => (x > 0 ? x : alpha.data[i % hs.units]! * x));
      fixed = fixed.map((f, i) => f && v.data[i]! >= 0);
    } else if (e.kind === 'leakyReLU') {
      kinkInputs.push({ values: h.data, fixed });
      h = map(h, (v) => (v > 0 ? v : e.alpha * v));
    } else if (e.kind === 'elu') {
      kinkInputs.push({ values: h.data, fixed });
      h = map(h, (v) => (v > 0 ? v : e.alpha * Math.expm1(v)));
    } else if (e.kind === 'activation') {
      elementwise(e.activation);
    }
  }
  dense(spec.output, spec.output.activation);
  return { output: h, kinkInputs };
}

const logit = (p: number) => Math.log(p) - Math.log1p(-p);
const LOGIT_LO = logit(EPSILON);
const LOGIT_HI = logit(1 - EPSILON);
/** True when p is outside the clip range or within KINK_MARGIN of a clip bound in logit space. */
function nearClip(p: number): boolean {
  if (!(p > EPSILON && p < 1 - EPSILON)) return true;
  const z = logit(p);
  return Math.abs(z - LOGIT_LO) < KINK_MARGIN || Math.abs(z - LOGIT_HI) < KINK_MARGIN;
}

/** Why this case sits at (or too near) a kink, or undefined when it is safely away from all. */
function kinkReason(c: Case, yHat: Tensor): string | undefined {
  const { spec } = c;
  const { kinkInputs } = referenceForward(c);
  for (const { values, fixed } of kinkInputs) {
    for (let i = 0; i < values.length; i++) {
      if (!fixed[i] && Math.abs(values[i]!) < KINK_MARGIN) return `activation input ${values[i]}`;
    }
  }
  // L1 penalties: |w| has a kink at 0.
  let k = 0;
  const regOf: Reg[] = [];
  for (const h of spec.hidden) {
    regOf[k++] = h.reg;
    if (h.useBias) regOf[k++] = null;
    if (h.extra.kind === 'prelu') regOf[k++] = null;
  }
  regOf[k++] = spec.output.reg;
  for (let i = 0; i < c.weights.length; i++) {
    const r = regOf[i];
    if (r && r.l1 !== undefined && c.weights[i]!.some((w) => Math.abs(w) < KINK_MARGIN)) return 'L1 weight near 0';
  }
  const C = spec.output.units;
  const p = yHat.data;
  switch (spec.loss) {
    case 'mae':
      for (let i = 0; i < p.length; i++) if (Math.abs(c.y[i]! - p[i]!) < KINK_MARGIN) return 'mae at y = ŷ';
      break;
    case 'huber':
      for (let i = 0; i < p.length; i++) if (Math.abs(Math.abs(c.y[i]! - p[i]!) - 1) < KINK_MARGIN) return 'huber at |d| = δ';
      break;
    case 'bce':
      for (let i = 0; i < p.length; i++) if (nearClip(p[i]!)) return `bce clip at ${p[i]}`;
      break;
    case 'cce':
    case 'cceNonSoftmax':
    case 'scce':
      for (let r = 0; r < spec.batch; r++) {
        let s = 0;
        for (let j = 0; j < C; j++) s += p[r * C + j]!;
        const label = spec.loss === 'scce' ? c.y[r]! : c.y.slice(r * C, (r + 1) * C).indexOf(1);
        // Only the target class enters the loss, so only its clip matters.
        if (nearClip(p[r * C + label]! / s)) return `crossentropy clip at ${p[r * C + label]! / s}`;
      }
      break;
  }
  return undefined;
}

// ------------------------------------------------------------------ the check

let checked = 0;
let worst = 0;
let skipped = 0;
const reasons = new Map<string, number>();

/** Builds the case, skips it near kinks, and requires gradCheck ≤ BOUND. */
function checkCase(c: Case): void {
  const { model, x, y } = buildModel(c);
  const yHat = model.predict(x);
  // The reference pass the kinks are read from must describe this very model.
  const ref = referenceForward(c).output;
  for (let i = 0; i < yHat.size; i++) {
    if (Math.abs(yHat.data[i]! - ref.data[i]!) > 1e-12 * Math.max(1, Math.abs(ref.data[i]!))) {
      throw new Error(`reference forward differs from predict at ${i}: ${yHat.data[i]} vs ${ref.data[i]}`);
    }
  }
  const reason = kinkReason(c, yHat);
  if (reason !== undefined) {
    skipped++;
    const key = reason.replace(/[-0-9.e]+$/, '');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  fc.pre(reason === undefined);
  checked++;
  const res = gradCheck(model, x, y);
  worst = Math.max(worst, res.maxRelativeError);
  if (!(res.maxRelativeError <= BOUND)) {
    const details = res.perParameter.map((p) => {
      let at = 0;
      let e = -1;
      for (let i = 0; i < p.analytic.size; i++) {
        const r = relativeError(p.analytic.data[i]!, p.numerical.data[i]!);
        if (r > e) [e, at] = [r, i];
      }
      return `${p.name}: rel ${p.maxRelativeError.toExponential(3)} at [${at}] analytic ${p.analytic.data[at]} numerical ${p.numerical.data[at]}`;
    });
    throw new Error(`gradCheck maxRelativeError ${res.maxRelativeError} > ${BOUND}\n${details.join('\n')}`);
  }
  // gradCheck restores the weights it perturbs.
  model.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(c.weights[i]));
}

function run(name: string, arb: fc.Arbitrary<Case>, seed: number, numRuns: number): void {
  it(`${name} (seed ${seed}, ${numRuns} runs)`, () => {
    checked = 0;
    skipped = 0;
    worst = 0;
    reasons.clear();
    try {
      fc.assert(fc.property(arb, checkCase), { seed, numRuns });
    } finally {
      if (process.env.GRAD_DEBUG) console.log(`${name}: ${checked} checked, worst ${worst.toExponential(2)}; ${skipped} skipped`, [...reasons]);
    }
    // The kink filter must not hollow the property out.
    expect(checked).toBeGreaterThanOrEqual(numRuns);
    expect(skipped).toBeLessThan(numRuns / 4);
  });
}

// ------------------------------------------------------------------ the properties

describe('gradCheck: backpropagation equals central differences (specification §8), ≤ 1e-6 away from kinks', () => {
  const seeds: Record<LossKind, number> = {
    mse: 101, mae: 102, huber: 103, bce: 104, cce: 105, cceNonSoftmax: 106, scce: 107,
    bceLogits: 108, cceLogits: 109, scceLogits: 110,
  };
  for (const loss of LOSS_KINDS) run(`random Dense stacks with loss ${loss}`, caseArb(specArb([loss])), seeds[loss], 1000);

  run('Flatten first (2-D samples), every loss', caseArb(specArb(LOSS_KINDS, { flatten: true })), 201, 1000);

  run(
    'stacks with PReLU / LeakyReLU / ELU / Activation / Dropout after every hidden Dense',
    caseArb(specArb(LOSS_KINDS, { extras: true })),
    202,
    1000,
  );

  it('Dropout with rate > 0 is off in gradCheck: the same gradients as the model without it', () => {
    fc.assert(
      fc.property(caseArb(specArb(LOSS_KINDS)), uniform(0.1, 0.9), (c, rate) => {
        const withDrop: Case = {
          ...c,
          spec: {
            ...c.spec,
            hidden: c.spec.hidden.map((h) => ({ ...h, extra: h.extra.kind === 'prelu' ? h.extra : { kind: 'dropout', rate } })),
            output: { ...c.spec.output, tail: c.spec.output.tail === 'activationLayer' ? 'activationLayer' : 'dropout', dropoutRate: rate },
          },
        };
        const without: Case = {
          ...c,
          spec: {
            ...withDrop.spec,
            hidden: withDrop.spec.hidden.map((h) => ({ ...h, extra: h.extra.kind === 'dropout' ? { kind: 'none' } : h.extra })),
            output: { ...withDrop.spec.output, tail: withDrop.spec.output.tail === 'dropout' ? 'dense' : withDrop.spec.output.tail },
          },
        };
        checkCase(withDrop);
        const a = buildModel(withDrop);
        const b = buildModel(without);
        const ga = a.model.computeGradients(a.x, a.y);
        const gb = b.model.computeGradients(b.x, b.y);
        expect(ga.loss).toBe(gb.loss);
        expect(ga.gradients.length).toBe(gb.gradients.length);
        // Through Dropout the softmax/sigmoid crossentropy is not fused, so allow rounding only.
        ga.gradients.forEach((g, i) => {
          for (let j = 0; j < g.size; j++) {
            expect(relativeError(g.data[j]!, gb.gradients[i]!.data[j]!, 1e-12)).toBeLessThanOrEqual(1e-9);
          }
        });
      }),
      { seed: 301, numRuns: 300 },
    );
  });
});

describe('numericalGradient directly', () => {
  it('∂loss/∂W of one weight tensor, as a function of W alone, equals computeGradients', () => {
    fc.assert(
      fc.property(caseArb(specArb(LOSS_KINDS)), fc.nat(), (c, pick) => {
        const { model, x, y } = buildModel(c);
        fc.pre(kinkReason(c, model.predict(x)) === undefined);
        const k = pick % c.weights.length;
        const base = model.getWeights();
        const lossOf = (w: Tensor): number => {
          const ws = base.slice();
          ws[k] = w;
          model.setWeights(ws);
          return model.evaluate(x, y, { batchSize: c.spec.batch }).loss!;
        };
        const numerical = numericalGradient(lossOf, base[k]!);
        model.setWeights(base);
        const analytic = model.computeGradients(x, y).gradients[k]!;
        expect(numerical.shape).toEqual(analytic.shape);
        for (let i = 0; i < analytic.size; i++) {
          expect(relativeError(analytic.data[i]!, numerical.data[i]!)).toBeLessThanOrEqual(BOUND);
        }
      }),
      { seed: 401, numRuns: 300 },
    );
  });

  it('numericalGradient of a known function: f(x) = Σ x³ gives 3x² (up to ε²)', () => {
    const x = tensor([[0.5, -1.5], [2, 0.25]]);
    const g = numericalGradient((t) => t.data.reduce((s, v) => s + v * v * v, 0), x);
    expect(g.shape).toEqual([2, 2]);
    // Central difference of x³: 3x² + ε² exactly, so the error is ε² = 1e-10 plus rounding.
    g.data.forEach((v, i) => expect(Math.abs(v - 3 * x.data[i]! ** 2)).toBeLessThan(1e-9));
    // The caller's tensor is not perturbed.
    expect(x.toArray()).toEqual([[0.5, -1.5], [2, 0.25]]);
  });

  it('every loss: gradientOf(y, ŷ) equals numericalGradient of call(y, ŷ) w.r.t. ŷ', () => {
    const lossArb = fc.constantFrom<[LossKind, () => Loss]>(
      ['mse', () => new MeanSquaredError()],
      ['mae', () => new MeanAbsoluteError()],
      ['huber', () => new Huber()],
      ['bce', () => new BinaryCrossentropy()],
      ['cceNonSoftmax', () => new CategoricalCrossentropy()],
      ['scce', () => new SparseCategoricalCrossentropy()],
      ['bceLogits', () => new BinaryCrossentropy({ fromLogits: true })],
      ['cceLogits', () => new CategoricalCrossentropy({ fromLogits: true })],
      ['scceLogits', () => new SparseCategoricalCrossentropy({ fromLogits: true })],
    );
    const arb = fc
      .tuple(lossArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 5 }))
      .chain(([[kind, make], B, C]) => {
        const probs = kind === 'bce' || kind === 'cceNonSoftmax' || kind === 'scce';
        const yHat = fc.array(probs ? uniform(0.01, 0.99) : uniform(-3, 3), {
          minLength: B * C,
          maxLength: B * C,
        });
        const spec = { loss: kind, batch: B, output: { units: C } } as Spec;
        return fc.record({ kind: fc.constant(kind), make: fc.constant(make), B: fc.constant(B), C: fc.constant(C), yHat, y: targetsArb(spec) });
      });
    fc.assert(
      fc.property(arb, ({ kind, make, B, C, yHat, y }) => {
        const sparse = kind === 'scce' || kind === 'scceLogits';
        const yt = tensor(y, sparse ? [B] : [B, C]);
        const p = tensor(yHat, [B, C]);
        if (kind === 'mae') fc.pre(yHat.every((v, i) => Math.abs(v - y[i]!) > KINK_MARGIN));
        if (kind === 'huber') fc.pre(yHat.every((v, i) => Math.abs(Math.abs(v - y[i]!) - 1) > KINK_MARGIN));
        const loss = make();
        const analytic = loss.gradientOf(yt, p);
        const numerical = numericalGradient((q) => loss.call(yt, q), p);
        for (let i = 0; i < analytic.size; i++) {
          expect(relativeError(analytic.data[i]!, numerical.data[i]!)).toBeLessThanOrEqual(BOUND);
        }
      }),
      { seed: 402, numRuns: 300 },
    );
  });

  it('every differentiable activation: activationGradient equals numericalGradient of Σ upstream·φ(x)', () => {
    const arb = fc
      .tuple(fc.constantFrom(...ALL_ACTS), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }))
      .chain(([name, r, cols]) =>
        fc.record({
          name: fc.constant(name),
          shape: fc.constant([r, cols]),
          x: fc.array(uniform(-4, 4), { minLength: r * cols, maxLength: r * cols }),
          up: fc.array(uniform(-2, 2), { minLength: r * cols, maxLength: r * cols }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ name, shape, x, up }) => {
        if (KINKED.has(name)) fc.pre(x.every((v) => Math.abs(v) > KINK_MARGIN));
        const xt = tensor(x, shape);
        const upstream = tensor(up, shape);
        const analytic = activationGradient(name, xt, upstream);
        const numerical = numericalGradient((t) => {
          const y = activate(name, t);
          let s = 0;
          for (let i = 0; i < y.size; i++) s += up[i]! * y.data[i]!;
          return s;
        }, xt);
        for (let i = 0; i < analytic.size; i++) {
          expect(relativeError(analytic.data[i]!, numerical.data[i]!)).toBeLessThanOrEqual(BOUND);
        }
      }),
      { seed: 403, numRuns: 300 },
    );
  });
});

