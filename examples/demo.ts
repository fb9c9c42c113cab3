/**
 * `npm run demo`: the worked examples of the course slides (docs/errata.md lists them, from the Korean
 * lecture in seed/), each computed live through numnet's public API and printed beside the figure
 * the slide shows. Every numnet value is printed with full float64 precision (String(value)).
 *
 *   a. Perceptron learning on the weather data (퍼셉트론 학습)
 *   b. One backpropagation step of a 2-2-1 sigmoid network (오차역전파)
 *   c. Gradient descent on ŷ = w·x: batch and stochastic steps (경사하강법)
 *   d. The parameter count of the 784-100-10 MNIST network (수치 미분의 한계)
 *
 * Sections a–c live in examples/lib/slides.ts, shared with examples/perceptron-weather.ts,
 * backprop-step.ts and gradient-descent.ts, which go further into each topic.
 */
import { Dense, Sequential } from '../src/index.js';
import { heading } from './lib/print.js';
import { backpropDemo, gradientDescentDemo, perceptronDemo } from './lib/slides.js';

// ============================================================================================
// d. MNIST parameter count
// ============================================================================================
function paramCountDemo(): void {
  heading('d. The 784-100-10 MNIST network (오차역전파: 수치 미분의 한계)');
  const model = new Sequential(
    [
      new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed: 1 },
  );
  const weights = 784 * 100 + 100 * 10;
  const biases = 100 + 10;
  model.summary();
  console.log('');
  console.log(`slide: weights 784*100 + 100*10 = ${weights.toLocaleString('en-US')}, biases 100 + 10 = ${biases}`);
  console.log(`slide total: ${weights.toLocaleString('en-US')} + ${biases} = ${(weights + biases).toLocaleString('en-US')}`);
  console.log(`numnet countParams(): ${model.countParams()} (${model.countParams().toLocaleString('en-US')})`);
  console.log(
    `A forward-difference numerical gradient needs countParams() + 1 = ${(model.countParams() + 1).toLocaleString('en-US')} forward passes per sample`,
  );
  console.log('(the slide\'s 79,511 = 79,400 + 110 + 1); backpropagation gets all of them from one forward and one backward pass.');
}

perceptronDemo();
backpropDemo();
gradientDescentDemo();
paramCountDemo();
console.log('');
console.log('Each DIFFERS row is explained in docs/errata.md.');
