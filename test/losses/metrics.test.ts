/**
 * The metrics Keras 3 has for the new losses (keras/src/metrics/__init__.py resolves each class's
 * name and its snake_case: hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
 * log_cosh_error, cosine_similarity), with the values of Keras's docstring examples
 * (keras/src/metrics/hinge_metrics.py, probabilistic_metrics.py, regression_metrics.py; float32
 * there, so compared to ~1e-7) reached through compile and evaluate, sample weights included.
 */
import { describe, expect, it } from 'vitest';
import { Dense, MeanSquaredError, Sequential, getMetric } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';

/**
 * A model whose output is its input (an identity kernel, no bias), compiled with `metrics` as
 * `weightedMetrics` — Keras's `update_state(y, ŷ, sample_weight)` is a weighted metric's update
 * (compile metrics ignore sample weights, as Keras's CompileMetrics).
 */
function identity(metrics: string[]): Sequential {
  const m = new Sequential([new Dense({ units: 2, useBias: false, inputShape: [2] })]);
  m.setWeights([[[1, 0], [0, 1]]]);
  m.compile({ optimizer: 'sgd', loss: 'mse', weightedMetrics: metrics });
  return m;
}

describe('the Keras 3 metrics of the new losses, by name', () => {
  it("resolve under Keras 3's class names and their snake_case, and report under the name given", () => {
    const names = [
      'hinge', 'Hinge', 'squared_hinge', 'SquaredHinge', 'categorical_hinge', 'CategoricalHinge', 'kl_divergence', 'KLDivergence',
      'poisson', 'Poisson', 'log_cosh_error', 'LogCoshError', 'logCoshError', 'cosine_similarity', 'CosineSimilarity',
    ];
    for (const n of names) expect(getMetric(n, new MeanSquaredError(), 2).name).toBe(n);
  });

  it("are UNKNOWN_NAME where Keras 3's metrics.get has no such name ('kld', 'log_cosh', 'logcosh')", () => {
    for (const n of ['kld', 'log_cosh', 'logcosh']) expect(codeOf(() => getMetric(n, new MeanSquaredError(), 2)), n).toBe('UNKNOWN_NAME');
    expect(messageOf(() => getMetric('kld', new MeanSquaredError(), 2))).toContain('klDivergence');
  });

  it('check their buffers as the other metrics do', () => {
    const m = getMetric('cosine_similarity', new MeanSquaredError(), 2);
    expect(messageOf(() => m.perSample(new Float64Array(1), new Float64Array(4), 2, 2, new Float64Array(2)))).toContain('metric cosineSimilarity');
  });
});

describe("the Keras docstring examples through evaluate (update_state(y, ŷ) and with sample_weight)", () => {
  const y = [[0, 1], [0, 0]];
  const p = [[0.6, 0.4], [0.4, 0.6]];
  const cases: [string, number[][], number, number][] = [
    // name, ŷ, result(), result() with sample_weight = [1, 0]
    ['hinge', p, 1.3, 1.1],
    ['squared_hinge', p, 1.86, 1.46],
    ['categorical_hinge', p, 1.4000001, 1.2],
    ['kl_divergence', p, 0.45814306, 0.9162892],
    ['poisson', [[1, 1], [0, 0]], 0.49999997, 0.99999994],
    ['log_cosh_error', [[1, 1], [0, 0]], 0.10844523, 0.21689045],
  ];
  for (const [name, yHat, plain, weighted] of cases) {
    it(`${name}: ${plain}, and ${weighted} with sample weights [1, 0]`, () => {
      const m = identity([name]);
      expect(m.evaluate(yHat, y)[name]).toBeCloseTo(plain, 6);
      expect(m.evaluate(yHat, y, { sampleWeight: [1, 0] })[name]).toBeCloseTo(weighted, 6);
    });
  }

  it('cosine_similarity is +cos (the loss is −cos): 0.49999997, and 0.6999999 with sample weights [0.3, 0.7]', () => {
    const m = identity(['cosine_similarity']);
    const yc = [[0, 1], [1, 1]];
    const pc = [[1, 0], [1, 1]];
    expect(m.evaluate(pc, yc).cosine_similarity).toBeCloseTo(0.49999997, 6);
    expect(m.evaluate(pc, yc, { sampleWeight: [0.3, 0.7] }).cosine_similarity).toBeCloseTo(0.6999999, 6);
  });

  it('are saved by name in the native format and resolve again on load', () => {
    const names = ['hinge', 'kl_divergence', 'LogCoshError', 'cosine_similarity'];
    const m = identity(names);
    const back = Sequential.fromJSON(JSON.stringify(m.toJSON()));
    expect(back.getCompileConfig()!.weightedMetrics).toEqual(names);
    const x = [[0.6, 0.4], [0.4, 0.6]];
    const y = [[0, 1], [1, 0]];
    expect(back.evaluate(x, y)).toEqual(m.evaluate(x, y));
  });
});
