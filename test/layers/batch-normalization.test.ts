/**
 * BatchNormalization (specification §11, Keras 3): the forward pass in training and inference mode
 * against a reference written here from the equations, the moving statistics (updated by a training
 * batch, untouched by predict/evaluate/validation, restored when a batch is refused), parameter
 * counts as Keras, the center/scale variants, the options and their errors, and the gradients —
 * analytic against numerical — for x, γ and β (fast-check, fixed seeds), in the layer and in a
 * model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchNormalization, Dense, Flatten, NumnetError, Random, SGD, Sequential, Tensor, constant, gradCheck, numericalGradient,
  relativeError, tensor,
} from '../../src/index.js';
import { backprop, forward } from '../../src/training/step.js';
import { codeOf } from '../helpers/errors.js';

// ------------------------------------------------------------------ the reference, from the equations

interface Reference {
  y: number[];
  mean: number[];
  variance: number[];
}

/**
 * y = γ(x − μ)/√(σ² + ε) + β per channel (the last axis, `C` values per row of `x`), written from
 * specification §11 with plain loops over each channel's values: μ and σ² (biased) of the batch,
 * or the given statistics (inference). γ = 1 and β = 0 when not given.
 */
function reference(x: ArrayLike<number>, C: number, o: { epsilon: number; gamma?: ArrayLike<number>; beta?: ArrayLike<number>; mean?: ArrayLike<number>; variance?: ArrayLike<number> }): Reference {
  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < C; c++) {
    const values: number[] = [];
    for (let i = c; i < x.length; i += C) values.push(x[i]!);
    const mu = o.mean ? o.mean[c]! : values.reduce((s, v) => s + v, 0) / values.length;
    mean.push(mu);
    variance.push(o.variance ? o.variance[c]! : values.reduce((s, v) => s + (v - mu) ** 2, 0) / values.length);
  }
  const y = Array.from(x, (v, i) => {
    const c = i % C;
    return (o.gamma ? o.gamma[c]! : 1) * ((v - mean[c]!) / Math.sqrt(variance[c]! + o.epsilon)) + (o.beta ? o.beta[c]! : 0);
  });
  return { y, mean, variance };
}

const draw = (rng: Random, n: number, lo = -2, hi = 2): number[] => Array.from({ length: n }, () => rng.uniform(lo, hi));
const size = (shape: readonly number[]) => shape.reduce((p, k) => p * k, 1);

/** |a − b| ≤ 1e-12·max(1, |a|, |b|) for every element (two float64 evaluations of one equation). */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)))) bad.push(`[${i}] ${a} vs ${b}`);
  }
  expect(bad, what).toEqual([]);
}

/** A built layer for samples `sample` with γ, β and the moving statistics drawn from `rng`. */
function builtLayer(sample: number[], rng: Random, options: ConstructorParameters<typeof BatchNormalization>[0] = {}): BatchNormalization {
  const l = new BatchNormalization({ name: 'bn', ...options });
  l.build(sample, new Random(1));
  const C = sample[sample.length - 1]!;
  l.gamma?.value.data.set(draw(rng, C, 0.5, 2));
  l.beta?.value.data.set(draw(rng, C, -1, 1));
  l.movingMean.value.data.set(draw(rng, C, -1, 1));
  l.movingVariance.value.data.set(draw(rng, C, 0.2, 3));
  return l;
}

const SHAPES: number[][] = [[3], [5], [2, 3, 4], [3, 2, 1], [1, 1, 2]];

// ------------------------------------------------------------------ forward

describe('BatchNormalization forward', () => {
  it.each(SHAPES)('training mode normalizes by the batch statistics and moves the moving ones (samples %j…)', (...sample: number[]) => {
    const rng = new Random(sample.length * 10 + sample[0]!);
    const C = sample[sample.length - 1]!;
    const l = builtLayer(sample, rng, { momentum: 0.8, epsilon: 1e-2 });
    const x = new Tensor(Float64Array.from(draw(rng, 4 * size(sample), -3, 5)), [4, ...sample]);
    const mm0 = Array.from(l.movingMean.value.data);
    const mv0 = Array.from(l.movingVariance.value.data);
    const ref = reference(x.data, C, { epsilon: 1e-2, gamma: l.gamma!.value.data, beta: l.beta!.value.data });
    const y = l.forward(x, true);
    expect(y.shape).toEqual([4, ...sample]);
    expectNear(y.data, ref.y, 'y');
    expectNear(l.movingMean.value.data, mm0.map((m, c) => m * 0.8 + ref.mean[c]! * (1 - 0.8)), 'moving mean');
    expectNear(l.movingVariance.value.data, mv0.map((v, c) => v * 0.8 + ref.variance[c]! * (1 - 0.8)), 'moving variance');
  });

  it.each(SHAPES)('inference mode uses the moving statistics and leaves them as they are (samples %j…)', (...sample: number[]) => {
    const rng = new Random(7 + sample.length);
    const C = sample[sample.length - 1]!;
    const l = builtLayer(sample, rng);
    const x = new Tensor(Float64Array.from(draw(rng, 3 * size(sample))), [3, ...sample]);
    const mm = l.movingMean.value.data.slice();
    const mv = l.movingVariance.value.data.slice();
    const ref = reference(x.data, C, { epsilon: 1e-3, gamma: l.gamma!.value.data, beta: l.beta!.value.data, mean: mm, variance: mv });
    expectNear(l.forward(x, false).data, ref.y, 'y');
    expect(l.movingMean.value.data).toEqual(mm);
    expect(l.movingVariance.value.data).toEqual(mv);
  });

  it('center: false has no β and scale: false no γ; y is the reference with β = 0 or γ = 1', () => {
    for (const [center, scale] of [[false, true], [true, false], [false, false]] as const) {
      const rng = new Random(3);
      const l = builtLayer([3], rng, { center, scale });
      expect(l.params.map((p) => p.name)).toEqual([...(scale ? ['bn/gamma'] : []), ...(center ? ['bn/beta'] : []), 'bn/movingMean', 'bn/movingVariance']);
      expect(l.params.map((p) => p.trainable !== false)).toEqual([...(scale ? [true] : []), ...(center ? [true] : []), false, false]);
      const x = new Tensor(Float64Array.from(draw(rng, 15)), [5, 3]);
      const o = { epsilon: 1e-3, ...(scale ? { gamma: l.gamma!.value.data } : {}), ...(center ? { beta: l.beta!.value.data } : {}) };
      const inference = reference(x.data, 3, { ...o, mean: l.movingMean.value.data.slice(), variance: l.movingVariance.value.data.slice() });
      expectNear(l.forward(x, false).data, inference.y, `inference, center ${center}, scale ${scale}`);
      expectNear(l.forward(x, true).data, reference(x.data, 3, o).y, `training, center ${center}, scale ${scale}`);
    }
  });

  it('the initial weights: γ = 1, β = 0, moving mean 0, moving variance 1 by default, or the initializers given', () => {
    const l = new BatchNormalization();
    l.build([2, 2, 3], new Random(1));
    expect(l.params.map((p) => [p.name.split('/')[1], Array.from(p.value.data)])).toEqual([
      ['gamma', [1, 1, 1]], ['beta', [0, 0, 0]], ['movingMean', [0, 0, 0]], ['movingVariance', [1, 1, 1]],
    ]);
    const k = new BatchNormalization({ gammaInitializer: constant(2), betaInitializer: 'ones', movingMeanInitializer: { name: 'constant', value: -1 }, movingVarianceInitializer: constant(4) });
    k.build([2], new Random(1));
    expect(k.params.map((p) => Array.from(p.value.data))).toEqual([[2, 2], [1, 1], [-1, -1], [4, 4]]);
  });

  it('a training batch whose statistics overflow is NON_FINITE_LOSS and leaves the moving statistics as they were', () => {
    const l = builtLayer([2], new Random(4));
    const before = l.params.map((p) => Array.from(p.value.data));
    const x = new Tensor(Float64Array.from([1e200, 1, -1e200, 2]), [2, 2]);
    expect(codeOf(() => l.forward(x, true))).toBe('NON_FINITE_LOSS');
    expect(() => l.forward(x, true)).toThrow(/layer bn \(BatchNormalization\): the batch's mean or variance of channel 0 is not finite/);
    expect(l.params.map((p) => Array.from(p.value.data))).toEqual(before);
    expect(Array.from(l.forward(x, false).data).every(Number.isFinite)).toBe(true); // inference: the moving statistics
  });

  it('reuses its buffers while the batch size stays the same (nothing allocated per batch)', () => {
    const l = builtLayer([2, 2, 3], new Random(2));
    const x = (seed: number) => new Tensor(Float64Array.from(draw(new Random(seed), 4 * 12)), [4, 2, 2, 3]);
    const y1 = l.forward(x(1), true);
    const dx1 = l.backward(y1, true);
    const y2 = l.forward(x(2), false);
    expect(y2).toBe(y1);
    expect(l.backward(y2, true)).toBe(dx1);
  });
});

// ------------------------------------------------------------------ in a model

/** Dense(2 → 2, W = I, b = 0) → BatchNormalization(momentum 0.9): the Dense passes x through. */
function identityThenBN(): Sequential {
  const m = new Sequential([new Dense({ units: 2, inputShape: [2], kernelInitializer: 'zeros' }), new BatchNormalization({ momentum: 0.9 })], { seed: 1 });
  const w = m.getWeights();
  w[0] = tensor([[1, 0], [0, 1]]);
  m.setWeights(w);
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  return m;
}

describe('BatchNormalization in a model', () => {
  it('one trainOnBatch: the loss of the batch-normalized output and the moving statistics, computed by hand', () => {
    const m = identityThenBN();
    // x = [[1, 2], [3, 6]]: μ = [2, 4], σ² = [1, 4]; x̂ = ±1/√(1.001), ±2/√(4.001); target 0.
    const logs = m.trainOnBatch([[1, 2], [3, 6]], [[0, 0], [0, 0]]);
    expect(logs.loss).toBeCloseTo((2 / 1.001 + 2 * (4 / 4.001)) / 4, 14);
    const [, , gamma, beta, movingMean, movingVariance] = m.getWeights().map((w) => Array.from(w.data));
    // movingMean = 0·0.9 + μ·0.1; movingVariance = 1·0.9 + σ²·0.1.
    expect(movingMean![0]).toBeCloseTo(0.2, 15);
    expect(movingMean![1]).toBeCloseTo(0.4, 15);
    expect(movingVariance![0]).toBeCloseTo(1.0, 15);
    expect(movingVariance![1]).toBeCloseTo(1.3, 15);
    // ∂L/∂γ = Σ dy·x̂ with dy = 2ŷ/4 = x̂/2: γ ← 1 − 0.1·Σx̂²/2; ∂L/∂β = Σ dy = 0.
    expect(gamma![0]).toBeCloseTo(1 - 0.1 * (2 / 1.001) / 2, 14);
    expect(gamma![1]).toBeCloseTo(1 - 0.1 * (8 / 4.001) / 2, 14);
    expect(beta![0]).toBeCloseTo(0, 15);
    expect(beta![1]).toBeCloseTo(0, 15);
  });

  it('predict and evaluate use the moving statistics and leave them as they were; validation data does not move them', async () => {
    const m = identityThenBN();
    const x = [[1, 2], [3, 6], [-1, 0]];
    const before = m.getWeights().map((w) => Array.from(w.data));
    // Inference with movingMean 0, movingVariance 1, γ 1, β 0: y = x/√1.001.
    expectNear(m.predict(x).data, x.flat().map((v) => v / Math.sqrt(1.001)), 'predict');
    m.evaluate(x, [[0, 0], [0, 0], [0, 0]]);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    // One epoch of one batch, with validation data far from it: the moving statistics move by the batch only.
    await m.fit([[1, 2], [3, 6]], [[0, 0], [0, 0]], { epochs: 1, batchSize: 2, shuffle: false, validationData: [[[100, -50], [7, 9]], [[1, 1], [1, 1]]] });
    const w = m.getWeights().map((t) => Array.from(t.data));
    expect(w[4]![0]).toBeCloseTo(0.2, 15);
    expect(w[5]![1]).toBeCloseTo(1.3, 15);
  });

  it('a refused batch leaves the moving statistics (and every weight) bit-identical: NaN target, exploding optimizer', () => {
    const m = new Sequential([new Dense({ units: 3, inputShape: [2] }), new BatchNormalization({ momentum: 0.5 }), new Dense({ units: 1 })], { seed: 4 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    m.trainOnBatch([[1, 2], [0, 1], [2, -1]], [[1], [0], [2]]); // moving statistics away from their initial values
    const snapshot = () => m.getWeights().map((w) => Array.from(w.data));
    const before = snapshot();
    // A NaN target is refused at the door; a finite one whose squared error overflows, after the
    // training forward pass has moved the statistics.
    expect(codeOf(() => m.trainOnBatch([[5, 7], [9, -3]], [[Number.NaN], [1]]))).toBe('NON_FINITE_INPUT');
    expect(snapshot()).toEqual(before);
    expect(codeOf(() => m.trainOnBatch([[5, 7], [9, -3]], [[1e200], [1]]))).toBe('NON_FINITE_LOSS');
    expect(snapshot()).toEqual(before);
    // The same with an input whose variance overflows (the statistics themselves become non-finite).
    expect(codeOf(() => m.trainOnBatch([[1e200, 7], [-1e200, -3]], [[1], [1]]))).toBe('NON_FINITE_LOSS');
    expect(snapshot()).toEqual(before);
    // A finite loss whose update overflows: the optimizer refuses it, the step restores the statistics.
    m.compile({ optimizer: new SGD({ learningRate: 1e308 }), loss: 'mse' });
    expect(codeOf(() => m.trainOnBatch([[5, 7], [9, -3]], [[1e3], [-1e3]]))).toBe('NON_FINITE_LOSS');
    expect(snapshot()).toEqual(before);
    // The same batch, accepted, does move them.
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    m.trainOnBatch([[5, 7], [9, -3]], [[1], [-1]]);
    expect(snapshot()[4]).not.toEqual(before[4]);
  });

  it('countParams and summary count every weight; the moving statistics are non-trainable (Keras: 4 channels → 16 params, 8 non-trainable)', () => {
    const m = new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization(), new Dense({ units: 2 })]);
    expect(m.layers[1]!.countParams()).toBe(16);
    expect(m.countParams()).toBe(16 + 16 + 10);
    expect(m.parameters.map((p) => p.name)).toEqual(['dense/kernel', 'dense/bias', 'batch_normalization/gamma', 'batch_normalization/beta', 'dense_1/kernel', 'dense_1/bias']);
    expect(m.state.map((p) => p.name)).toEqual(['batch_normalization/movingMean', 'batch_normalization/movingVariance']);
    const table = m.summary({ printFn: () => {} });
    expect(table).toMatch(/│ batch_normalization +│ \(None, 4\) +│ +16 │\n│ \(BatchNormalization\) /);
    expect(table).toContain('Total params: 42');
    expect(table).toContain('Trainable params: 34');
    expect(table).toContain('Non-trainable params: 8');
    const bare = new Sequential([new BatchNormalization({ inputShape: [4, 4, 4], center: false, scale: false })]);
    expect(bare.countParams()).toBe(8);
    expect(bare.parameters).toEqual([]);
  });

  it('trains on images [batch, h, w, c] (channels last) and on [batch, features]: the loss falls', async () => {
    const rng = new Random(5);
    const x = Array.from({ length: 16 }, () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => draw(rng, 2, 0, 4))));
    const y = x.map((img) => [img.flat(2).reduce((s, v) => s + v, 0) / 18 > 2 ? 1 : 0]);
    const m = new Sequential([new BatchNormalization({ inputShape: [3, 3, 2] }), new Flatten(), new Dense({ units: 4, activation: 'tanh' }), new BatchNormalization(), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 2 });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const h = await m.fit(x, y, { epochs: 20, batchSize: 4 });
    expect(h.history.loss![19]!).toBeLessThan(h.history.loss![0]!);
  });
});

// ------------------------------------------------------------------ options

describe('BatchNormalization options', () => {
  it('axis: -1 or the last axis given positively; any other axis is INVALID_ARGUMENT naming the layer, axis and shapes', () => {
    const rank4 = new BatchNormalization({ axis: 3, name: 'bn4' });
    rank4.build([4, 4, 2], new Random(1));
    expect(rank4.movingMean.value.shape).toEqual([2]);
    const rank2 = new BatchNormalization({ axis: 1 });
    rank2.build([5], new Random(1));
    expect(rank2.movingMean.value.shape).toEqual([5]);
    const wrong = new BatchNormalization({ axis: 1, name: 'bn_axis' });
    expect(codeOf(() => wrong.build([4, 4, 2], new Random(1)))).toBe('INVALID_ARGUMENT');
    expect(() => wrong.build([4, 4, 2], new Random(1))).toThrow(/BatchNormalization layer bn_axis: axis 1 is not the last axis of inputs \[batch, 4, 4, 2\] \(that is 3, or -1\); only the last axis is supported/);
    expect(codeOf(() => new Sequential([new BatchNormalization({ axis: 2, inputShape: [4, 4, 2] })]))).toBe('INVALID_ARGUMENT');
    for (const axis of [0, -2, -4, 1.5, '3', Number.NaN]) {
      expect(codeOf(() => new BatchNormalization({ axis: axis as number }))).toBe('INVALID_ARGUMENT');
    }
    expect(() => new BatchNormalization({ axis: -2 })).toThrow(/BatchNormalization: axis must be -1 \(the last axis, the channels\)/);
  });

  it('refuses bad options with INVALID_ARGUMENT (UNKNOWN_NAME for an unknown initializer)', () => {
    const bad: Record<string, unknown>[] = [
      { momentum: 1.5 }, { momentum: -0.1 }, { momentum: Number.NaN }, { momentum: '0.9' },
      { epsilon: 0 }, { epsilon: -1e-3 }, { epsilon: Number.POSITIVE_INFINITY }, { epsilon: '1e-3' },
      { center: 'yes' }, { scale: 1 }, { units: 3 }, { gammaInitializer: 42 },
    ];
    for (const o of bad) expect(codeOf(() => new BatchNormalization(o as never)), JSON.stringify(o)).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new BatchNormalization({ betaInitializer: 'nope' }))).toBe('UNKNOWN_NAME');
    expect(codeOf(() => new BatchNormalization(null as never))).toBe('INVALID_ARGUMENT');
    expect(() => new BatchNormalization({ momentum: 2 })).toThrow(/BatchNormalization: momentum must be a number in \[0, 1\], got 2/);
  });

  it('checks its input and gradient shapes (SHAPE_MISMATCH) and refuses backward before forward', () => {
    const l = builtLayer([2, 3], new Random(1));
    expect(() => l.backward(new Tensor(new Float64Array(6), [1, 2, 3]), true)).toThrow(NumnetError);
    expect(codeOf(() => l.forward(new Tensor(new Float64Array(6), [1, 3, 2]), true))).toBe('SHAPE_MISMATCH');
    l.forward(new Tensor(new Float64Array(12), [2, 2, 3]), true);
    expect(codeOf(() => l.backward(new Tensor(new Float64Array(6), [1, 2, 3]), true))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => new BatchNormalization({ axis: 2 }).shapes([3, 3, 3]))).toBe('INVALID_ARGUMENT');
  });
});

// ------------------------------------------------------------------ gradients

/** Every 1e-6 bound below is specification §8's; the worst errors seen are printed with GRAD_DEBUG=1. */
const BOUND = 1e-6;
const worst = { layerTraining: 0, layerInference: 0, model: 0 };
const numeric = { order: 4 as const, epsilon: 3e-4 };

function maxRelativeError(analytic: ArrayLike<number>, numerical: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < analytic.length; i++) e = Math.max(e, relativeError(analytic[i]!, numerical[i]!));
  return e;
}

/** A sample shape: [C] (rank 2 with the batch) or [H, W, C] (rank 4); C in 1…5; a batch of 2…4. */
const caseArb = fc.record({
  rank4: fc.boolean(),
  h: fc.integer({ min: 1, max: 3 }),
  w: fc.integer({ min: 1, max: 3 }),
  channels: fc.integer({ min: 1, max: 5 }),
  batch: fc.integer({ min: 2, max: 4 }),
  center: fc.boolean(),
  scale: fc.boolean(),
  epsilon: fc.constantFrom(1e-3, 1e-2, 0.5),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** The layer, x and an upstream gradient dy for a case; the loss is L = Σ dy·y. */
function setUp(c: Case) {
  const sample = c.rank4 ? [c.h, c.w, c.channels] : [c.channels];
  const rng = new Random(c.seed);
  const l = builtLayer(sample, rng, { center: c.center, scale: c.scale, epsilon: c.epsilon });
  const n = c.batch * size(sample);
  const shift = rng.uniform(-3, 3);
  const x = new Tensor(Float64Array.from(draw(rng, n, shift - 2, shift + 2)), [c.batch, ...sample]);
  const dy = new Tensor(Float64Array.from(draw(rng, n)), x.shape);
  return { l, x, dy, C: c.channels };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

describe('BatchNormalization gradients: analytic against central differences (specification §8)', () => {
  it('training mode: ∂L/∂x (through μ and σ²), ∂L/∂γ, ∂L/∂β against the reference forward, rank 2 and 4', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { l, x, dy, C } = setUp(c);
        const gamma = l.gamma?.value.data.slice();
        const beta = l.beta?.value.data.slice();
        const loss = (xv: ArrayLike<number>, g: ArrayLike<number> | undefined = gamma, b: ArrayLike<number> | undefined = beta) => dot(dy.data, reference(xv, C, { epsilon: c.epsilon, ...(g ? { gamma: g } : {}), ...(b ? { beta: b } : {}) }).y);
        l.forward(x, true);
        const dx = l.backward(dy, true)!;
        let e = maxRelativeError(dx.data, numericalGradient((t) => loss(t.data), x.clone(), numeric).data);
        if (gamma) e = Math.max(e, maxRelativeError(l.gamma!.grad, numericalGradient((t) => loss(x.data, t.data), tensor(Array.from(gamma)), numeric).data));
        if (beta) e = Math.max(e, maxRelativeError(l.beta!.grad, numericalGradient((t) => loss(x.data, gamma, t.data), tensor(Array.from(beta)), numeric).data));
        worst.layerTraining = Math.max(worst.layerTraining, e);
        expect(e).toBeLessThanOrEqual(BOUND);
      }),
      { seed: 20261129, numRuns: 150 },
    );
  });

  it('inference mode: ∂L/∂x = dy·γ/√(movingVariance + ε), ∂L/∂γ, ∂L/∂β against the reference forward', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { l, x, dy, C } = setUp(c);
        const gamma = l.gamma?.value.data.slice();
        const beta = l.beta?.value.data.slice();
        const stats = { mean: l.movingMean.value.data.slice(), variance: l.movingVariance.value.data.slice() };
        const loss = (xv: ArrayLike<number>, g: ArrayLike<number> | undefined = gamma, b: ArrayLike<number> | undefined = beta) => dot(dy.data, reference(xv, C, { epsilon: c.epsilon, ...stats, ...(g ? { gamma: g } : {}), ...(b ? { beta: b } : {}) }).y);
        l.forward(x, false);
        const dx = l.backward(dy, true)!;
        let e = maxRelativeError(dx.data, numericalGradient((t) => loss(t.data), x.clone(), numeric).data);
        if (gamma) e = Math.max(e, maxRelativeError(l.gamma!.grad, numericalGradient((t) => loss(x.data, t.data), tensor(Array.from(gamma)), numeric).data));
        if (beta) e = Math.max(e, maxRelativeError(l.beta!.grad, numericalGradient((t) => loss(x.data, gamma, t.data), tensor(Array.from(beta)), numeric).data));
        worst.layerInference = Math.max(worst.layerInference, e);
        expect(e).toBeLessThanOrEqual(BOUND);
      }),
      { seed: 1129, numRuns: 100 },
    );
  });

  it("in a model, training mode (the step's path): every trainable weight, the moving statistics restored between evaluations", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), (seed, batch, image) => {
        const first = image ? new BatchNormalization({ inputShape: [2, 2, 3], momentum: 0.7 }) : new Dense({ units: 3, inputShape: [3], activation: 'tanh' });
        const m = new Sequential([first, ...(image ? [new Flatten()] : [new BatchNormalization({ momentum: 0.7 })]), new Dense({ units: 2, activation: 'tanh' }), new BatchNormalization({ epsilon: 0.01 }), new Dense({ units: 2 })], { seed });
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        const rng = new Random(seed);
        const x = new Tensor(Float64Array.from(draw(rng, batch * (image ? 12 : 3))), image ? [batch, 2, 2, 3] : [batch, 3]);
        const y = new Tensor(Float64Array.from(draw(rng, batch * 2)), [batch, 2]);
        const state = m.state.map((p) => p.value.data.slice());
        const restore = () => m.state.forEach((p, i) => p.value.data.set(state[i]!));
        const lossAt = () => {
          const yHat = forward(m, x, true);
          restore();
          return yHat.data.reduce((s, v, i) => s + (v - y.data[i]!) ** 2, 0) / yHat.size;
        };
        backprop(m, m.loss!, forward(m, x, true), y, undefined, m.batchBuffers(batch).grad);
        restore();
        let e = 0;
        for (const p of m.parameters) {
          const w = p.value.data;
          const original = w.slice();
          const n = numericalGradient((t) => (w.set(t.data), lossAt()), p.value.clone(), numeric);
          w.set(original);
          e = Math.max(e, maxRelativeError(p.grad, n.data));
        }
        worst.model = Math.max(worst.model, e);
        expect(e).toBeLessThanOrEqual(BOUND);
      }),
      { seed: 77, numRuns: 40 },
    );
    if (process.env.GRAD_DEBUG) console.log('worst relative errors', worst);
  });

  it('gradCheck (inference mode, as computeGradients and evaluate) agrees on a model with BatchNormalization', () => {
    const m = new Sequential([new Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new BatchNormalization(), new Dense({ units: 2 })], { seed: 9 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const rng = new Random(9);
    const x = [0, 1, 2, 3, 4].map(() => draw(rng, 3));
    m.trainOnBatch(x, x.map((r) => [r[0]!, r[1]! - r[2]!])); // moving statistics away from 0 and 1
    const { maxRelativeError: e } = gradCheck(m, x, x.map((r) => [r[0]!, r[1]!]));
    expect(e).toBeLessThanOrEqual(BOUND);
  });
});
