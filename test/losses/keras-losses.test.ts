/**
 * The Keras 3 losses hinge, squaredHinge, categoricalHinge, klDivergence (kld), poisson, logCosh and
 * cosineSimilarity (src/losses/hinge.ts, probabilistic.ts, regression.ts) against values computed
 * without numnet: Keras 3's docstring examples (keras/src/losses/losses.py,
 * keras/src/metrics/hinge_metrics.py, probabilistic_metrics.py, regression_metrics.py; float32 there,
 * so compared to 1e-7), and the table REF printed by test/losses/keras-reference.py (NumPy float64
 * following keras/src/losses/losses.py; gradients by mpmath numerical differentiation).
 */
import { describe, expect, it } from 'vitest';
import {
  CategoricalHinge, CosineSimilarity, Dense, Hinge, KLDivergence, LogCosh, Loss, Poisson, SGD, Sequential, SquaredHinge, getLoss,
} from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { expectClose, flat } from '../helpers/golden.js';

interface Ref { yTrue: number[][]; yPred: number[][]; perSample: number[]; loss: number; grad: number[][] }

/** Printed by `python3 test/losses/keras-reference.py` (see its header). */
const REF: Record<string, Ref> = {
  hinge_signed: { yTrue: [[-1, 1, 1], [1, -1, -1]], yPred: [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]],
    perSample: [1.4333333333333333, 0.6333333333333333], loss: 1.0333333333333332,
    grad: [[0.16666666666666666, -0.16666666666666666, 0.0], [-0.16666666666666666, 0.16666666666666666, 0.16666666666666666]] },
  hinge_binary: { yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]],
    perSample: [1.4333333333333333, 0.6333333333333333], loss: 1.0333333333333332,
    grad: [[0.16666666666666666, -0.16666666666666666, 0.0], [-0.16666666666666666, 0.16666666666666666, 0.16666666666666666]] },
  hinge_mixed: { yTrue: [[0, 1, -1], [1, 0.5, 0]], yPred: [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]],
    perSample: [2.1666666666666665, 0.7166666666666667], loss: 1.4416666666666667,
    grad: [[0.0, -0.16666666666666666, 0.16666666666666666], [-0.16666666666666666, -0.08333333333333333, 0.0]] },
  squared_hinge_signed: { yTrue: [[-1, 1, 1], [1, -1, -1]], yPred: [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]],
    perSample: [3.563333333333333, 0.5366666666666667], loss: 2.05,
    grad: [[0.43333333333333335, -1.0, 0.0], [-0.06666666666666665, 0.3666666666666667, 0.19999999999999998]] },
  squared_hinge_binary: { yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]],
    perSample: [3.563333333333333, 0.5366666666666667], loss: 2.05,
    grad: [[0.43333333333333335, -1.0, 0.0], [-0.06666666666666665, 0.3666666666666667, 0.19999999999999998]] },
  categorical_hinge: { yTrue: [[0, 1, 0], [1, 0, 0], [0, 0, 1]], yPred: [[0.2, 0.5, 0.9], [3.0, 0.2, 0.4], [-0.3, 0.6, 0.1]],
    perSample: [1.4, 0.0, 1.5], loss: 0.9666666666666667,
    grad: [[0.0, -0.3333333333333333, 0.3333333333333333], [0.0, 0.0, 0.0], [0.0, 0.3333333333333333, -0.3333333333333333]] },
  kl_divergence: { yTrue: [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0], [0.6, 0.4, 0.0]], yPred: [[0.3, 0.3, 0.4], [0.1, 0.7, 0.2], [0.25, 0.5, 0.25]],
    perSample: [0.0880151685258282, 0.35667211152190276, 0.436022348706527], loss: 0.29356987625141934,
    grad: [[-0.22222222222222224, -0.5555555555555556, -0.24999999999999997], [-3.333333333333333e-07, -0.4761904761904762, -1.6666666666666665e-07], [-0.7999999999999999, -0.26666666666666666, -1.3333333333333334e-07]] },
  kl_divergence_clipped: { yTrue: [[0.5, 0.5, 0.0], [1.2, -0.3, 0.1]], yPred: [[1.5, 1e-09, 0.5], [0.4, 0.3, -2.0]],
    perSample: [7.365899102424367, 2.2978402962582978], loss: 4.831869699341333,
    grad: [[0.0, 0.0, -1e-07], [-1.25, -1.6666666666666668e-07, 0.0]] },
  poisson: { yTrue: [[0, 2, 5], [1, 0, 3]], yPred: [[0.5, 1.7, 4.2], [1.3, 0.01, 2.5]],
    perSample: [-0.6122264550885423, 0.26625444766232403], loss: -0.17298600371310915,
    grad: [[0.16666666666666666, -0.029411753171857662, -0.03174602702191998], [0.038461548323470644, 0.16666666666666666, -0.033333325333333656]] },
  log_cosh: { yTrue: [[0.0, 1.0, -2.0], [3.0, 0.0, 0.5]], yPred: [[0.5, -1.0, 50.0], [-800.0, 0.25, 0.5]],
    perSample: [17.5839900245854, 267.4459275410201], loss: 142.51495878280275,
    grad: [[0.07701952621000163, -0.16067126334596948, 0.16666666666666666], [-0.16666666666666666, 0.04081977706728485, 0.0]] },
  cosine_similarity: { yTrue: [[1.0, 2.0, -1.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0], [3.0, -1.0, 2.0]], yPred: [[0.2, 0.7, 0.1], [-1.0, 2.0, 0.3], [1.0, 1.0, 1.0], [2e-08, -3e-08, 1e-08]],
    perSample: [-0.8333333333333335, 0.4432422071779363, -0.0, -0.2939873661036668], loss: -0.171019623064766,
    grad: [[-0.06172839506172839, -0.007716049382716053, 0.17746913580246915], [-0.08904030586236539, -0.043540491864237356, -0.006531073779635603], [0.0, 0.0, 0.0], [-2004459.314343183, 668153.104781061, -1336306.209562122]] },
};

const MAKE: Record<string, () => Loss> = {
  hinge: () => new Hinge(),
  squared_hinge: () => new SquaredHinge(),
  categorical_hinge: () => new CategoricalHinge(),
  kl_divergence: () => new KLDivergence(),
  poisson: () => new Poisson(),
  log_cosh: () => new LogCosh(),
  cosine_similarity: () => new CosineSimilarity(),
};
const lossOf = (key: string) => MAKE[Object.keys(MAKE).find((k) => key.startsWith(k))!]!();

describe('the Keras 3 losses against NumPy and mpmath (test/losses/keras-reference.py)', () => {
  for (const [key, ref] of Object.entries(REF)) {
    it(`${key}: per-sample values, the batch loss and ∂L/∂ŷ`, () => {
      const loss = lossOf(key);
      const rows = ref.yPred.length;
      const cols = ref.yPred[0]!.length;
      const out = new Float64Array(rows);
      loss.perSample(Float64Array.from(flat(ref.yTrue)), Float64Array.from(flat(ref.yPred)), rows, cols, out);
      expectClose(out, ref.perSample, `${key} perSample`);
      expectClose(loss.call(ref.yTrue, ref.yPred), ref.loss, `${key} loss`);
      expectClose(loss.gradientOf(ref.yTrue, ref.yPred).data, flat(ref.grad), `${key} gradient`);
    });
  }
  it('covers every new loss', () => {
    expect(new Set(Object.keys(REF).map((k) => lossOf(k).constructor))).toEqual(new Set(Object.values(MAKE).map((m) => m().constructor)));
  });
});

describe("Keras 3's docstring examples", () => {
  // keras/src/metrics/*: update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) and, with
  // sample_weight=[1, 0], the first sample's value alone. The metrics are the losses' functions.
  const y = [[0, 1], [0, 0]];
  const p = [[0.6, 0.4], [0.4, 0.6]];
  const first = (loss: Loss, yt = y, yp = p) => loss.call([yt[0]!], [yp[0]!]);
  it('Hinge 1.3 (1.1 for the first sample), SquaredHinge 1.86 (1.46), CategoricalHinge 1.4000001 (1.2)', () => {
    expect(new Hinge().call(y, p)).toBeCloseTo(1.3, 7);
    expect(new SquaredHinge().call(y, p)).toBeCloseTo(1.86, 7);
    expect(new CategoricalHinge().call(y, p)).toBeCloseTo(1.4000001, 6);
    // One sample [0, 1]: still 0/1 labels, converted to [−1, 1].
    expect(first(new Hinge())).toBeCloseTo(1.1, 7);
    expect(first(new SquaredHinge())).toBeCloseTo(1.46, 7);
    expect(first(new CategoricalHinge())).toBeCloseTo(1.2, 7);
  });
  it('KLDivergence 0.45814306 (0.9162892)', () => {
    expect(new KLDivergence().call(y, p)).toBeCloseTo(0.45814306, 7);
    expect(first(new KLDivergence())).toBeCloseTo(0.9162892, 6);
  });
  it('Poisson on [[1, 1], [0, 0]]: 0.49999997 (0.99999994)', () => {
    const q = [[1, 1], [0, 0]];
    expect(new Poisson().call(y, q)).toBeCloseTo(0.49999997, 7);
    expect(first(new Poisson(), y, q)).toBeCloseTo(0.99999994, 7);
  });
  it('log_cosh([[0, 1], [0, 0]], [[1, 1], [0, 0]]) = 0.108 (LogCoshError 0.10844523, 0.21689045 for the first sample)', () => {
    const q = [[1, 1], [0, 0]];
    expect(new LogCosh().call(y, q)).toBeCloseTo(0.10844523, 7);
    expect(first(new LogCosh(), y, q)).toBeCloseTo(0.21689045, 7);
  });
  it('cosine_similarity([[0, 1], [1, 1], [1, 1]], [[1, 0], [1, 1], [−1, −1]]) = [−0, −0.99999994, 0.99999994]', () => {
    const out = new Float64Array(3);
    new CosineSimilarity().perSample(Float64Array.of(0, 1, 1, 1, 1, 1), Float64Array.of(1, 0, 1, 1, -1, -1), 3, 2, out);
    expect(Object.is(out[0], -0)).toBe(true);
    expect(out[1]).toBeCloseTo(-0.99999994, 6); // float32 in Keras: −1 to within 6e-8
    expect(out[2]).toBeCloseTo(0.99999994, 6);
  });
});

describe('by name, as Keras 3 names them', () => {
  it("compile({ loss }) takes Keras's function and class names, snake_case or not, and kld / kullback_leibler_divergence", () => {
    const names: [string, new () => Loss][] = [
      ['hinge', Hinge], ['Hinge', Hinge], ['squared_hinge', SquaredHinge], ['SquaredHinge', SquaredHinge],
      ['categorical_hinge', CategoricalHinge], ['CategoricalHinge', CategoricalHinge],
      ['kl_divergence', KLDivergence], ['KLDivergence', KLDivergence], ['kld', KLDivergence], ['KLD', KLDivergence],
      ['kullback_leibler_divergence', KLDivergence], ['kullbackLeiblerDivergence', KLDivergence],
      ['poisson', Poisson], ['Poisson', Poisson], ['log_cosh', LogCosh], ['LogCosh', LogCosh], ['logcosh', LogCosh],
      ['cosine_similarity', CosineSimilarity], ['CosineSimilarity', CosineSimilarity],
    ];
    for (const [n, type] of names) {
      expect(getLoss(n).constructor, n).toBe(type);
      const m = new Sequential([new Dense({ units: 2, inputShape: [2] })]);
      m.compile({ optimizer: 'sgd', loss: n });
      expect(m.getCompileConfig()!.loss.constructor, n).toBe(type);
    }
  });
});

describe('hinge labels: converted per batch, as Keras converts per call', () => {
  it('0/1 become −1/1 only when every target of the batch is 0 or 1 (ops.all over yTrue)', () => {
    // Row [0, 1] against [0.5, 0.5]: converted, max(1 + 0.5, 0) and max(1 − 0.5, 0): mean 1.
    // Beside a row holding −1 it is not converted: max(1 − 0, 0) and max(1 − 0.5, 0): mean 0.75.
    const hinge = new Hinge();
    const out = new Float64Array(2);
    hinge.perSample(Float64Array.of(0, 1), Float64Array.of(0.5, 0.5), 1, 2, out);
    expect(out[0]).toBe(1);
    hinge.perSample(Float64Array.of(0, 1, -1, 1), Float64Array.of(0.5, 0.5, 0.5, 0.5), 2, 2, out);
    expect(Array.from(out)).toEqual([0.75, 1]);
    // The gradient decides the same way: −y/n inside the margin.
    expect(Array.from(hinge.gradientOf([[0, 1]], [[0.5, 0.5]]).data)).toEqual([0.5, -0.5]);
    expect(Array.from(hinge.gradientOf([[0, 1], [-1, 1]], [[0.5, 0.5], [0.5, 0.5]]).data)).toEqual([-0, -0.25, 0.25, -0.25]);
    // Squared hinge: the same rule.
    expect(new SquaredHinge().call([[0, 1], [-1, 1]], [[0.5, 0.5], [0.5, 0.5]])).toBe((0.625 + 1.25) / 2);
  });
});

describe('bad input', () => {
  const all = Object.values(MAKE);
  it('every new loss: yTrue and yPred of different shapes are SHAPE_MISMATCH naming both shapes; empty yPred INVALID_ARGUMENT', () => {
    for (const make of all) {
      const loss = make();
      expect(codeOf(() => loss.call([[1, 0]], [[0.5, 0.5, 0.5]]))).toBe('SHAPE_MISMATCH');
      expect(messageOf(() => loss.gradientOf([[1, 0], [0, 1]], [[0.5, 0.5]]))).toContain('yTrue [2, 2] and yPred [1, 2]');
      expect(codeOf(() => loss.call([], []))).toBe('INVALID_ARGUMENT');
    }
  });

  it('every new loss: the buffer methods check their buffers before reading them', () => {
    for (const make of all) {
      const loss = make();
      const out = new Float64Array(2);
      expect(codeOf(() => loss.perSample(new Float64Array(1), new Float64Array(4), 2, 2, out))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => loss.gradient(new Float64Array(4), new Float64Array(4), 2, 2, new Float64Array(4), new Float64Array(1)))).toBe('INVALID_ARGUMENT');
      expect(messageOf(() => loss.perSample(null as never, new Float64Array(4), 2, 2, out))).toContain(`${loss.name}.perSample()`);
    }
  });

  it('poisson: ŷ ≤ −ε (no log(ŷ + ε)) is refused by call and gradientOf, naming the value and shape; −ε/2 is fine', () => {
    const p = new Poisson();
    expect(codeOf(() => p.call([[1, 2]], [[0.5, -0.5]]))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => p.gradientOf([[1, 2]], [[0.5, -1e-7]]))).toBe(
      'poisson: yPred must be a rate > −1e-7 (Keras takes log(yPred + 1e-7)), got -1e-7 at flat index 1 of yPred [1, 2]',
    );
    expect(codeOf(() => p.call([[1]], [[NaN]]))).toBe('INVALID_ARGUMENT');
    // ŷ − 0·log(ŷ + ε) = −5e-8 for the first, 1 − log(1 + 1e-7) for the second.
    expect(p.call([[0, 1]], [[-5e-8, 1]])).toBeCloseTo((-5e-8 + 1 - Math.log1p(1e-7)) / 2, 15);
  });

  it('poisson in training: a negative output makes a non-finite loss, refused (NON_FINITE_LOSS) with the weights unchanged', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'poisson' });
    const before = m.getWeights().map((w) => Array.from(w.data));
    expect(codeOf(() => m.trainOnBatch([[-2]], [[1]]))).toBe('NON_FINITE_LOSS');
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });
});

describe('numerically stable at extreme inputs', () => {
  it('logCosh at errors of ±1000 (cosh overflows past 710) is |x| − log 2, its gradient ±1/n', () => {
    const lc = new LogCosh();
    expect(lc.call([[0, 0]], [[1000, -1000]])).toBe(1000 - Math.LN2);
    expect(Array.from(lc.gradientOf([[0, 0]], [[1000, -1000]]).data)).toEqual([0.5, -0.5]);
    // Near 0, Keras's form x + softplus(−2x) − log 2 keeps an absolute error of about an ulp of log 2
    // (log cosh 1e-9 = 5e-19 is below it); as in Keras.
    expect(Math.abs(lc.call([[0]], [[1e-9]]) - 5e-19)).toBeLessThan(3e-16);
  });

  it('cosineSimilarity of vectors near 1e300 (whose squares overflow) and of a zero or tiny ŷ is finite', () => {
    const cs = new CosineSimilarity();
    expect(cs.call([[3e300, 4e300]], [[6e300, 8e300]])).toBeCloseTo(-1, 14);
    for (const v of cs.gradientOf([[3e300, 4e300]], [[6e300, -8e300]]).data) expect(Number.isFinite(v)).toBe(true);
    // ŷ = 0: normalised to 0 (Keras's max(‖ŷ‖, ε)), the loss 0; below ε the gradient is −t̂/ε, t̂ = y/‖y‖.
    expect(cs.call([[3, 4]], [[0, 0]]) === 0).toBe(true);
    expectClose(cs.gradientOf([[3, 4]], [[0, 0]]).data, [-0.6e7, -0.8e7]);
  });

  it('klDivergence at ŷ = 0 and y = 0 is finite (both clipped to [ε, 1])', () => {
    const kl = new KLDivergence();
    // 1·log(1/ε) + ε·log(ε/1)
    expect(kl.call([[1, 0]], [[0, 1]])).toBeCloseTo(-Math.log(1e-7) + 1e-7 * Math.log(1e-7), 12);
    for (const v of kl.gradientOf([[1, 0]], [[0, 1]]).data) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('training with each new loss', () => {
  it('fit lowers each loss on a small problem its targets suit (Adam, 60 epochs)', async () => {
    const x = [[0, 1], [1, 0], [1, 1], [0.5, 0.2]];
    const cases: [string, number[][], string][] = [
      ['hinge', [[1], [0], [1], [0]], 'tanh'],
      ['squaredHinge', [[-1], [1], [1], [-1]], 'tanh'],
      ['categoricalHinge', [[0, 1], [1, 0], [0, 1], [1, 0]], 'linear'],
      ['kld', [[0.2, 0.8], [0.9, 0.1], [0.5, 0.5], [0.3, 0.7]], 'softmax'],
      ['poisson', [[1], [3], [0], [2]], 'softplus'],
      ['logCosh', [[1.5], [-0.5], [2], [0]], 'linear'],
      ['cosineSimilarity', [[1, 2], [-1, 0.5], [0.3, 0.3], [2, -1]], 'linear'],
    ];
    for (const [loss, y, activation] of cases) {
      const m = new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [2] }), new Dense({ units: y[0]!.length, activation })], { seed: 7 });
      m.compile({ optimizer: 'adam', loss });
      const h = await m.fit(x, y, { epochs: 60, batchSize: 4, verbose: 0 });
      const l = h.history.loss!;
      expect(l.every(Number.isFinite), loss).toBe(true);
      expect(l[l.length - 1]!, loss).toBeLessThan(l[0]! - 0.05 * Math.abs(l[0]!) - 1e-3);
    }
  });
});
