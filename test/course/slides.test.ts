/**
 * Every worked number of the course slides (docs/errata.md), reproduced through the public
 * API. Expected values are the exact float64 figures (docs/errata.md lists them); where the slide prints
 * something else, the test says why (docs/errata.md explains each one).
 */
import { describe, expect, it } from 'vitest';
import {
  Dense, Perceptron, SGD, Sequential, activate, add, matMul, tensor,
} from '../../src/index.js';
import { expectClose } from '../helpers/golden.js';

describe('perceptron on the weather data', () => {
  // (cloud, wind) → rain. One slide shows 8.0 for the first 0.8: a typo.
  const x = [[0.8, 0.6], [0.6, 0.9], [0.1, 0.2], [0.3, 0.1], [0.6, 0.6], [0.4, 0.3], [0.1, 0.2]];
  const y = [1, 1, 0, 0, 1, 0, 0];

  it('the rule wᵢ ← wᵢ + α(y − ŷ)xᵢ with a bias classifies all seven samples', () => {
    const p = new Perceptron({ inputDim: 2, learningRate: 0.1 });
    const h = p.fit(x, y, { epochs: 1000 });
    expect(h.converged).toBe(true);
    expect(h.errors[h.errors.length - 1]).toBe(0);
    expect(Array.from(p.predict(x).data)).toEqual(y);
  });

  it('the first update is the slide’s: sample (0.8, 0.6) is predicted 0 (step(0) = 0), so w += 0.1·(1 − 0)·x', () => {
    const p = new Perceptron({ inputDim: 2, learningRate: 0.1 });
    const h = p.fit(x, y, { epochs: 1, trace: true });
    const first = h.trace[0]!;
    expect(first.yHat).toBe(0);
    expect(first.weights).toEqual([0.1 * 0.8, 0.1 * 0.6]);
    expect(first.bias).toBe(0.1);
  });

  it('without a bias no line through the origin separates the data: (0.4, 0.3) and (0.8, 0.6) point the same way', () => {
    // w·(0.8, 0.6) = 2·w·(0.4, 0.3), so both have the same sign: one of them is always wrong.
    for (const w of [[1, -1], [-1, 1], [0.3, -0.4], [-0.3, 0.4], [1, 1]]) {
      const a = w[0]! * 0.8 + w[1]! * 0.6;
      const b = w[0]! * 0.4 + w[1]! * 0.3;
      expect(a > 0).toBe(b > 0);
    }
    const p = new Perceptron({ inputDim: 2, learningRate: 0.1 });
    p.fit(x, y, { epochs: 1000 });
    expect(p.bias).toBeLessThan(0); // the separating line needs a negative threshold
  });
});

describe('backpropagation, one step (2-2-1 sigmoid, MSE, α = 0.1, y = 1, no biases)', () => {
  const x = [[0.5, 0.7]];
  const y = [[1]];
  const W1 = [[0.5, 0.3], [0.3, 0.6]]; // [[w1, w2], [w3, w4]]
  const W2 = [[0.5], [0.35]]; // [[w5], [w6]]
  const build = () => {
    const model = new Sequential([
      new Dense({ units: 2, activation: 'sigmoid', useBias: false, inputShape: [2] }),
      new Dense({ units: 1, activation: 'sigmoid', useBias: false }),
    ]);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['acc'] });
    model.setWeights([tensor(W1), tensor(W2)]);
    return model;
  };
  const forward = (w1: number[][], w2: number[][]) => {
    const a = matMul(x, w1);
    const h = activate('sigmoid', a);
    const a3 = matMul(h, w2);
    const yHat = activate('sigmoid', a3);
    return { a: a.data, h: h.data, a3: a3.data[0]!, yHat: yHat.data[0]!, E: (1 - yHat.data[0]!) ** 2 };
  };

  it('forward: a1, a2 = 0.46, 0.57 (slide and exact agree)', () => {
    expectClose(forward(W1, W2).a, [0.46, 0.57]);
  });
  it('forward: h1, h2 (slide rounds to 0.613, 0.638)', () => {
    expectClose(forward(W1, W2).h, [0.6130141761393355, 0.6387631751488418]);
  });
  it('forward: a3 = 0.5300741993717624 (the slide’s 0.5298 comes from the rounded h)', () => {
    expectClose(forward(W1, W2).a3, 0.5300741993717624);
    expect(0.613 * 0.5 + 0.638 * 0.35).toBeCloseTo(0.5298, 12); // the rounded h give the slide's 0.5298
  });
  it('forward: ŷ = 0.6295004176265749 and E = (y − ŷ)² = 0.1372699405388824 (slide 0.1376, rounded)', () => {
    const f = forward(W1, W2);
    expectClose(f.yHat, 0.6295004176265749);
    expectClose(f.E, 0.1372699405388824);
  });
  it('trainOnBatch returns the loss before the update and acc 1', () => {
    const logs = build().trainOnBatch(x, y);
    expectClose(logs.loss!, 0.1372699405388824);
    expect(logs.acc).toBe(1);
  });
  it('chain-rule factors ∂E/∂ŷ = −0.7409991647468501, ∂ŷ/∂a3 = 0.23322964183454267', () => {
    const f = forward(W1, W2);
    expectClose(-2 * (1 - f.yHat), -0.7409991647468501);
    expectClose(f.yHat * (1 - f.yHat), 0.23322964183454267);
  });
  it('gradients of every weight from one forward pass (w5 before its update)', () => {
    const { gradients } = build().computeGradients(x, y);
    expectClose(gradients[1]!.data, [-0.10594293044597888, -0.11039294892401431], '∂E/∂w5, ∂E/∂w6');
    // Keras layout [[w1, w2], [w3, w4]]: slide −0.0102, −0.00698, −0.01433, −0.00978 (rounded)
    expectClose(
      gradients[0]!.data,
      [-0.010249603055212553, -0.006978649712171726, -0.014349444277297573, -0.009770109597040416],
      '∂E/∂w1…w4',
    );
  });
  it('new weights after one SGD step (slide: w5 0.51059, w6 0.36103, w1 0.50102)', () => {
    const model = build();
    model.trainOnBatch(x, y);
    const [k1, k2] = model.getWeights();
    expectClose(k2!.data, [0.5105942930445979, 0.3610392948924014]);
    expectClose(k1!.data, [0.5010249603055212, 0.30069786497121714, 0.3014349444277297, 0.600977010959704]);
  });
  it('forward pass after the step (slide slips: a1 0.4604, h1 0.613089, h2 0.639466; E 0.1349)', () => {
    const model = build();
    model.trainOnBatch(x, y);
    const [k1, k2] = model.getWeights();
    const f = forward(k1!.toArray() as number[][], k2!.toArray() as number[][]);
    expectClose(f.a, [0.4615169412521714, 0.5710328401574014]);
    expectClose(f.h, [0.6133739750178098, 0.6390014634522939]);
    expectClose(f.a3, 0.5438898889462023);
    expectClose(f.yHat, 0.6327168401747009);
    expectClose(f.E, 0.13489691949125623);
    expectClose(model.evaluate(x, y).loss!, 0.13489691949125623);
    // The slide's a1 = 0.4604 is not what its own new weights give:
    expect(Math.abs(0.5 * 0.50102 + 0.7 * 0.30143 - 0.4604)).toBeGreaterThan(1e-3);
  });
});

describe('gradient descent on ŷ = w·x (α = 0.01, w = 0.2)', () => {
  const xs = [0, 1, 2, 3, 4, 5];
  const ys = [0, 0.8, 2.2, 2.3, 4.3, 4.9];
  const line = (w: number) => {
    const model = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [1] })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
    model.setWeights([[[w]]]);
    return model;
  };
  const col = (v: number[]) => v.map((e) => [e]);
  const w = (m: Sequential) => m.getWeights()[0]!.data[0]!;

  it('MSE at w = 0.2 is 5.658333333333334 (slide 5.66)', () => {
    expectClose(line(0.2).evaluate(col(xs), col(ys)).loss!, 5.658333333333334);
  });
  it('one batch step (batchSize = n): w = 0.3426666666666667 (slide 0.343)', async () => {
    const m = line(0.2);
    await m.fit(col(xs), col(ys), { epochs: 1, batchSize: 6, shuffle: false });
    expectClose(w(m), 0.3426666666666667);
  });
  it('a stochastic step on x = 2: w = 0.272 (the slide prints (2.2 * 0.4) for (2.2 − 0.4))', () => {
    const m = line(0.2);
    m.trainOnBatch([[2]], [[2.2]]);
    expectClose(w(m), 0.272);
  });
  it('the next stochastic step on x = 4: true SGD gives 0.52896; the slide’s 0.552 reuses the stale prediction 0.8', () => {
    const m = line(0.2);
    m.trainOnBatch([[2]], [[2.2]]);
    m.trainOnBatch([[4]], [[4.3]]);
    expectClose(w(m), 0.52896); // ŷ = 0.272·4 = 1.088
    // The slide: 0.272 − 0.01·(−2)·(4.3 − 0.8)·4 with 0.8 = 0.2·4, the prediction before the first step.
    expectClose(0.272 - 0.01 * -2 * (4.3 - 0.8) * 4, 0.552);
  });
  it('mini-batch gradient descent is fit with batchSize k: two steps of 3 samples', async () => {
    const m = line(0.2);
    await m.fit(col(xs), col(ys), { epochs: 1, batchSize: 3, shuffle: false });
    // By hand: w ← w + (2α/3)Σ(y − wx)x over each half.
    let wh = 0.2;
    for (const half of [[0, 1, 2], [3, 4, 5]]) {
      const g = half.reduce((s, i) => s + (-2 / 3) * (ys[i]! - wh * xs[i]!) * xs[i]!, 0);
      wh -= 0.01 * g;
    }
    expectClose(w(m), wh);
  });
});

describe('the MNIST network 784-100-10', () => {
  it('has 79,400 weights and 110 biases: countParams() = 79,510', () => {
    const model = new Sequential([
      new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
    expect(model.countParams()).toBe(79510);
    const [k1, b1, k2, b2] = model.getWeights();
    expect(k1!.size + k2!.size).toBe(79400);
    expect(b1!.size + b2!.size).toBe(110);
    expect(model.summary({ printFn: () => {} })).toContain('Total params: 79,510');
  });
});

describe('a linear hidden layer collapses to one linear map', () => {
  it('Dense(linear)·Dense(linear) equals the single map x·(W1W2) + (b1W2 + b2)', () => {
    const model = new Sequential([
      new Dense({ units: 3, inputShape: [2] }),
      new Dense({ units: 1 }),
    ], { seed: 7 });
    const [W1, b1, W2, b2] = model.getWeights();
    const x = [[0.3, -1.2], [2, 0.5], [-0.7, 0.1]];
    const W = matMul(W1!, W2!);
    const b = add(matMul(b1!.reshape([1, 3]), W2!), b2!);
    expectClose(model.predict(x).data, add(matMul(x, W), b).data);
  });
});
