/**
 * The slides' worked examples, computed through numnet's public API and printed beside the
 * figures the slides show. Shared by `npm run demo` (examples/demo.ts) and the single-topic
 * examples (perceptron-weather.ts, backprop-step.ts, gradient-descent.ts). Each function prints its
 * section and returns the numbers it computed, so that the caller can check them.
 */
import {
  Dense,
  MeanSquaredError,
  Perceptron,
  SGD,
  Sequential,
  activate,
  activationGradient,
  matMul,
  tensor,
  type PerceptronHistory,
  type Tensor,
} from '../../src/index.js';
import { compareRow, heading, s, table } from './print.js';

const sigmoid = (a: number): number => activate('sigmoid', [a]).data[0]!;

/** The weather data (cloud 구름, wind 바람) → rain 날씨 (1 = rain). One slide prints 8.0 for the first 0.8: a typo. */
export const WEATHER_X = [
  [0.8, 0.6],
  [0.6, 0.9],
  [0.1, 0.2],
  [0.3, 0.1],
  [0.6, 0.6],
  [0.4, 0.3],
  [0.1, 0.2],
];
/** The weather labels, 1 = rain. */
export const WEATHER_Y = [1, 1, 0, 0, 1, 0, 0];

// ============================================================================================
// a. Perceptron
// ============================================================================================
/** Section a: the perceptron rule on the weather data, every step, the decision line, 7/7. */
export function perceptronDemo(): { perceptron: Perceptron; history: PerceptronHistory; correct: number } {
  heading('a. Perceptron learning on the weather data (퍼셉트론 학습, docs/errata.md §1)');
  const x = WEATHER_X;
  const y = WEATHER_Y;
  console.log('Rule: w_i <- w_i + alpha*(y - yhat)*x_i, bias b <- b + alpha*(y - yhat) (x0 = 1),');
  console.log('yhat = step(w1*x1 + w2*x2 + b) with step(a) = 1 where a > 0, else 0; weights and bias start at 0.');
  console.log('new Perceptron({ inputDim: 2, learningRate: 0.1 }).fit(x, y, { epochs: 100, trace: true })');
  console.log('');

  const p = new Perceptron({ inputDim: 2, learningRate: 0.1 });
  const history = p.fit(x, y, { epochs: 100, trace: true });

  console.log('Every step (weights and bias after the sample):');
  table(
    ['epoch', 'sample', 'x1', 'x2', 'y', 'yhat', 'w1', 'w2', 'b'],
    history.trace.map((t) => [
      s(t.epoch + 1),
      s(t.sample + 1),
      s(t.x[0]!),
      s(t.x[1]!),
      s(t.y),
      s(t.yHat),
      s(t.weights[0]!),
      s(t.weights[1]!),
      s(t.bias),
    ]),
  );
  console.log('');
  console.log(`epochs run:        ${history.epochs} (converged: ${history.converged})`);
  console.log(`errors per epoch:  ${history.errors.join(', ')}`);
  console.log(`final weights:     w1 = ${s(p.weights[0]!)}, w2 = ${s(p.weights[1]!)}`);
  console.log(`final bias:        b = ${s(p.bias)}`);
  const [w1, w2] = [p.weights[0]!, p.weights[1]!];
  console.log(
    `decision line:     ${s(w1)}*x1 + ${s(w2)}*x2 + (${s(p.bias)}) = 0, i.e. x2 = ${s(-p.bias / w2)} - ${s(w1 / w2)}*x1`,
  );
  console.log('');

  const yHat = p.predict(x).data;
  let correct = 0;
  table(
    ['sample', 'x1 (cloud)', 'x2 (wind)', 'net input a', 'yhat', 'y', 'result'],
    x.map((xi, i) => {
      const ok = yHat[i] === y[i];
      if (ok) correct++;
      return [s(i + 1), s(xi[0]!), s(xi[1]!), s(p.netInput(xi)), s(yHat[i]!), s(y[i]!), ok ? 'correct' : 'WRONG'];
    }),
  );
  console.log(`perceptron correct: ${correct}/${x.length}${correct === x.length ? ' (all seven samples classified correctly)' : ''}`);
  console.log('');
  console.log('Why the bias is needed: (0.8, 0.6) = 2 * (0.4, 0.3) point the same way, so without a bias');
  console.log('w.(0.8, 0.6) = 2 * w.(0.4, 0.3) always has the same sign as w.(0.4, 0.3): no line through the');
  console.log('origin can put (0.8, 0.6) -> 1 and (0.4, 0.3) -> 0. The bias b moves the line off the origin.');
  console.log('Slide typo: one slide prints 8.0 for x1 of the first sample; the data is 0.8 (every other slide).');
  if (correct !== x.length) throw new Error('the perceptron did not classify all seven samples');
  return { perceptron: p, history, correct };
}

// ============================================================================================
// b. Backpropagation
// ============================================================================================
/** The forward quantities of the 2-2-1 network of the backpropagation slides. */
export interface ForwardPass {
  a1: number;
  a2: number;
  h1: number;
  h2: number;
  a3: number;
  yHat: number;
  E: number;
}

/** Section b: one backpropagation step beside the slide's table, and the forward pass after it. */
export function backpropDemo(): {
  before: ForwardPass;
  after: ForwardPass;
  gradients: Tensor[];
  dEdyHat: number;
  dyHatda3: number;
  newWeights: Tensor[];
} {
  heading('b. One backpropagation step (오차역전파): 2-2-1, sigmoid, MSE, alpha = 0.1, y = 1, no biases');
  const x = [[0.5, 0.7]];
  const y = [[1]];
  const model = new Sequential([
    new Dense({ units: 2, activation: 'sigmoid', useBias: false, inputShape: [2] }),
    new Dense({ units: 1, activation: 'sigmoid', useBias: false }),
  ]);
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  // Keras layout: kernel[i][j] connects input i to unit j.
  // w1 = 0.5, w3 = 0.3 into h1; w2 = 0.3, w4 = 0.6 into h2; w5 = 0.5, w6 = 0.35 into the output.
  model.setWeights([tensor([[0.5, 0.3], [0.3, 0.6]]), tensor([[0.5], [0.35]])]);
  console.log('x = (0.5, 0.7); kernels [[w1, w2], [w3, w4]] = [[0.5, 0.3], [0.3, 0.6]], [[w5], [w6]] = [[0.5], [0.35]]');
  console.log('E = (y - yhat)^2, which is the MSE loss here (one output, one sample).');
  console.log('');

  /** The slides' forward quantities at the model's current weights, through the public API. */
  const forwardPass = (): ForwardPass => {
    const [k1, k2] = model.getWeights() as [Tensor, Tensor];
    const a = matMul(x, k1); // [a1, a2]
    const h = activate('sigmoid', a); // [h1, h2]
    const a3 = matMul(h, k2); // [a3]
    const yHat = model.predict(x).data[0]!;
    const E = model.evaluate(x, y).loss!;
    // The model's ŷ must be σ(a3) of the hand-built pass.
    const yHatFromA3 = activate('sigmoid', a3).data[0]!;
    if (yHatFromA3 !== yHat) throw new Error(`sigmoid(a3) = ${yHatFromA3} but predict gives ${yHat}`);
    return { a1: a.data[0]!, a2: a.data[1]!, h1: h.data[0]!, h2: h.data[1]!, a3: a3.data[0]!, yHat, E };
  };

  const before = forwardPass();
  const { loss, gradients } = model.computeGradients(x, y);
  const [g1, g2] = gradients as [Tensor, Tensor];
  const dEdyHat = new MeanSquaredError().gradientOf(y, [[before.yHat]]).data[0]!;
  const dyHatda3 = activationGradient('sigmoid', [before.a3]).data[0]!;
  const logs = model.trainOnBatch(x, y);
  const [k1, k2] = model.getWeights() as [Tensor, Tensor];
  const after = forwardPass();

  // Numbers for the explanations, computed here from the slide's rounded figures.
  const a3FromRounded = 0.5 * 0.613 + 0.35 * 0.638;
  const yHatFromRoundedA3 = sigmoid(0.5298);
  const eFromRounded = (1 - 0.629) ** 2;
  const w6FromRounded = -0.742 * 0.233 * 0.638;
  const w3FromRounded = -0.742 * 0.233 * 0.5 * 0.237 * 0.7;
  const w4FromRounded = -0.742 * 0.233 * 0.35 * (0.638 * (1 - 0.638)) * 0.7;
  const a3FromSlideH = 0.51059 * 0.613089 + 0.36103 * 0.639466;
  const a1FromSlideWeights = 0.50102 * 0.5 + (0.3 - 0.1 * -0.01433) * 0.7;

  table(
    ['quantity', 'slide', 'numnet (float64)', 'note'],
    [
      compareRow('a1 = w1*x1 + w3*x2', '0.46', before.a1),
      compareRow('a2 = w2*x1 + w4*x2', '0.57', before.a2),
      compareRow('h1 = sigmoid(a1)', '0.613', before.h1),
      compareRow(
        'h2 = sigmoid(a2)',
        '0.638',
        before.h2,
        `the slide truncates ${before.h2.toFixed(5)} to 0.638 (rounding gives 0.639); harmless here, but its a3 uses it`,
      ),
      compareRow(
        'a3 = w5*h1 + w6*h2',
        '0.5298',
        before.a3,
        `rounded intermediates: the slide uses h1 = 0.613, h2 = 0.638: 0.5*0.613 + 0.35*0.638 = ${s(a3FromRounded)}`,
      ),
      compareRow(
        'yhat = sigmoid(a3)',
        '0.629',
        before.yHat,
        `rounded intermediates: sigmoid(0.5298) = ${yHatFromRoundedA3.toFixed(6)}; the exact yhat rounds to 0.630`,
      ),
      compareRow(
        'E = (y - yhat)^2',
        '0.1376',
        before.E,
        `rounded intermediates: (1 - 0.629)^2 = ${eFromRounded.toFixed(6)}; exact 0.13727 (trainOnBatch loss ${s(logs.loss!)})`,
      ),
      compareRow('dE/dyhat = -2(y - yhat)', '-0.742', dEdyHat, 'rounded yhat: -2*(1 - 0.629) = -0.742'),
      compareRow('dyhat/da3 = yhat(1 - yhat)', '0.233', dyHatda3),
      compareRow('dE/dw5', '-0.1059', g2.data[0]!),
      compareRow(
        'dE/dw6',
        '-0.1103',
        g2.data[1]!,
        `rounded intermediates: -0.742*0.233*0.638 = ${w6FromRounded.toFixed(6)}`,
      ),
      compareRow('dE/dw1', '-0.0102', g1.data[0]!),
      compareRow('dE/dw2', '-0.00698', g1.data[1]!),
      compareRow(
        'dE/dw3',
        '-0.01433',
        g1.data[2]!,
        `rounded intermediates (last digit): -0.742*0.233*0.5*0.237*0.7 = ${w3FromRounded.toFixed(6)}`,
      ),
      compareRow(
        'dE/dw4',
        '-0.00978',
        g1.data[3]!,
        `rounded intermediates: -0.742*0.233*0.35*(0.638*0.362)*0.7 = ${w4FromRounded.toFixed(6)}`,
      ),
      compareRow('new w1 (trainOnBatch)', '0.50102', k1.data[0]!),
      compareRow('new w2', undefined, k1.data[1]!),
      compareRow('new w3', undefined, k1.data[2]!),
      compareRow('new w4', undefined, k1.data[3]!),
      compareRow('new w5', '0.51059', k2.data[0]!),
      compareRow('new w6', '0.36103', k2.data[1]!, 'rounded gradient: 0.35 - 0.1*(-0.1103) = 0.36103'),
    ],
  );
  console.log(`(computeGradients loss = ${s(loss)}; kernel layout: dE/dW1 = [[dE/dw1, dE/dw2], [dE/dw3, dE/dw4]])`);
  console.log('All gradients come from one forward pass: dE/dw1 uses da3/dh1 = w5 = 0.5, the value before');
  console.log('its update (수정 되기 전 w5 의 값), exactly as the slide says.');
  console.log('');
  console.log('Forward pass after the step (updated weights):');
  table(
    ['quantity', 'slide', 'numnet (float64)', 'note'],
    [
      compareRow(
        'a1',
        '0.4604',
        after.a1,
        `slip on the slide: even its own new weights give 0.50102*0.5 + 0.301433*0.7 = ${a1FromSlideWeights.toFixed(6)}`,
      ),
      compareRow('a2', '0.5710', after.a2),
      compareRow(
        'h1',
        '0.613089',
        after.h1,
        `slip: sigmoid(0.4604) = ${sigmoid(0.4604).toFixed(6)}, sigmoid of the exact a1 = ${after.h1.toFixed(6)}`,
      ),
      compareRow(
        'h2',
        '0.639466',
        after.h2,
        `slip: sigmoid(0.5710) = ${sigmoid(0.571).toFixed(6)}, not 0.639466`,
      ),
      compareRow(
        'a3',
        '0.543653',
        after.a3,
        `follows the slipped h1, h2 (and 0.51059*0.613089 + 0.36103*0.639466 = ${a3FromSlideH.toFixed(6)} anyway)`,
      ),
      compareRow('yhat', '0.6327', after.yHat),
      compareRow('E', '0.1349', after.E),
    ],
  );
  console.log(`E before -> after: slide 0.1376 -> 0.1349; exact ${s(before.E)} -> ${s(after.E)}`);
  console.log(`(the slide's 0.1376 was itself from the rounded yhat; the exact E drops by ${(before.E - after.E).toFixed(8)})`);
  return { before, after, gradients: [g1, g2], dEdyHat, dyHatda3, newWeights: [k1, k2] };
}

// ============================================================================================
// c. Gradient descent
// ============================================================================================
/** Section c: the batch step and two stochastic steps on ŷ = w·x, with the 0.552 vs 0.52896 explanation. */
export function gradientDescentDemo(): { mse: number; wBatch: number; wSgd1: number; wSgd2: number; slideStep: number } {
  heading('c. Gradient descent on yhat = w*x (경사하강법): alpha = 0.01, w = 0.2, loss MSE');
  const xs = [0, 1, 2, 3, 4, 5];
  const ys = [0, 0.8, 2.2, 2.3, 4.3, 4.9];
  const X = xs.map((v) => [v]);
  const model = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [1] })]);
  model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
  const setW = (w: number) => model.setWeights([[[w]]]);
  const getW = () => model.getWeights()[0]!.data[0]!;
  console.log(`x = ${xs.join(', ')};  y = ${ys.join(', ')}`);
  console.log("new Dense({ units: 1, useBias: false, inputShape: [1] }), new SGD({ learningRate: 0.01 }), loss 'mse'");
  console.log('');

  setW(0.2);
  const mse = model.evaluate(X, ys).loss!;
  model.trainOnBatch(X, ys);
  const wBatch = getW();

  setW(0.2);
  model.trainOnBatch([[2]], [2.2]);
  const wSgd1 = getW();
  const predAt4 = model.predict([[4]]).data[0]!;
  model.trainOnBatch([[4]], [4.3]);
  const wSgd2 = getW();

  const slideStep = 0.272 - 0.01 * -2 * (4.3 - 0.8) * 4;
  const trueStep = 0.272 - 0.01 * -2 * (4.3 - predAt4) * 4;

  table(
    ['quantity', 'slide', 'numnet (float64)', 'note'],
    [
      compareRow('MSE at w = 0.2', '5.66', mse),
      compareRow('batch step: w (trainOnBatch on all 6)', '0.343', wBatch),
      compareRow('stochastic step on x = 2 from w = 0.2', '0.272', wSgd1),
      compareRow(
        'next stochastic step on x = 4 from w = 0.272',
        '0.552',
        wSgd2,
        'the slide uses the stale prediction 0.8 (from w = 0.2), see below',
      ),
    ],
  );
  console.log('');
  console.log('Stochastic step on x = 2: w = 0.2 - 0.01*(-2)*(2.2 - 0.4)*2 = 0.272. The slide prints (2.2 * 0.4),');
  console.log(`a misprint of (2.2 - 0.4): taken literally it would give ${s(0.2 - 0.01 * -2 * (2.2 * 0.4) * 2)}.`);
  console.log('');
  console.log('Next stochastic step on x = 4, from w = 0.272:');
  console.log(`  true SGD predicts yhat = 0.272*4 = ${s(predAt4)} (model.predict), so`);
  console.log(`  w = 0.272 - 0.01*(-2)*(4.3 - ${s(predAt4)})*4 = ${s(trueStep)}   (numnet trainOnBatch: ${s(wSgd2)})`);
  console.log('  the slide instead reuses the prediction of the old weight w = 0.2, yhat = 0.2*4 = 0.8:');
  console.log(`  w = 0.272 - 0.01*(-2)*(4.3 - 0.8)*4 = ${s(slideStep)}   (the slide's 0.552; it prints (4.3 * 0.8) for (4.3 - 0.8))`);
  console.log('  Each stochastic step must predict with the current weight; 0.552 is not an SGD step.');
  return { mse, wBatch, wSgd1, wSgd2, slideStep };
}
