/**
 * 퍼셉트론 학습: the perceptron rule wᵢ ← wᵢ + α(y − ŷ)xᵢ on the slides' weather data, step by step
 * (the table is the one `npm run demo` prints, from examples/lib/slides.ts), then a picture of
 * the decision line, and why the rule needs its bias. Run: npx tsx examples/perceptron-weather.ts
 * (NUMNET_FAST=1 changes nothing: the whole run takes well under a second.)
 */
import { Perceptron } from '../src/index.js';
import { check, heading, s } from './lib/print.js';
import { WEATHER_X, WEATHER_Y, perceptronDemo } from './lib/slides.js';

// ------------------------------------------------------------------ the rule, step by step
const { perceptron: p, history, correct } = perceptronDemo();
const [w1, w2] = p.weights as [number, number];
const b = p.bias;

// ------------------------------------------------------------------ the decision line
heading('The decision line w1*x1 + w2*x2 + b = 0 on [0, 1]^2 (x1 = cloud 구름 across, x2 = wind 바람 up)');
console.log("R = rain (y = 1), o = no rain (y = 0); '#' where the perceptron predicts rain, '.' where it predicts none.");
const cols = 41;
const rows = 21;
const cell = (c: number, r: number): [number, number] => [c / (cols - 1), 1 - r / (rows - 1)];
const grid: string[][] = Array.from({ length: rows }, (_, r) =>
  Array.from({ length: cols }, (_, c) => (p.netInput(cell(c, r)) > 0 ? '#' : '.')),
);
WEATHER_X.forEach(([x1, x2], i) => {
  const c = Math.round(x1! * (cols - 1));
  const r = Math.round((1 - x2!) * (rows - 1));
  grid[r]![c] = WEATHER_Y[i] === 1 ? 'R' : 'o';
});
grid.forEach((row, r) => {
  const x2 = cell(0, r)[1];
  console.log(`${r % 5 === 0 ? x2.toFixed(2) : '    '} | ${row.join('')}`);
});
console.log(`     +-${'-'.repeat(cols)}`);
console.log(`       0${' '.repeat(18)}0.5${' '.repeat(17)}1   (x1)   ((0.1, 0.2) appears twice in the data)`);
console.log('');
console.log(`line: x2 = ${s(-b / w2)} - ${s(w1 / w2)}*x1  (w1 = ${s(w1)}, w2 = ${s(w2)}, b = ${s(b)})`);

check(history.converged && history.errors[history.errors.length - 1] === 0, 'the rule converges (an epoch with no error)');
check(correct === 7, 'all 7 weather samples are classified correctly');
check(history.errors.join(',') === '5,2,0', 'errors per epoch are 5, 2, 0 (docs/errata.md)');
check(w1 === 0.13 && w2 === 0.09999999999999999 && b === -0.1, 'final w = (0.13, 0.09999999999999999), b = -0.1');
const first = history.trace[0]!;
check(
  first.yHat === 0 && first.weights[0] === 0.1 * 0.8 && first.weights[1] === 0.1 * 0.6 && first.bias === 0.1,
  "first update as on the slide: step(0) = 0 for (0.8, 0.6), so w += 0.1*(1 - 0)*x",
);
check(
  WEATHER_X.every(([x1, x2], i) => w1 * x1! + w2 * x2! + b > 0 === (WEATHER_Y[i] === 1)),
  'every rain sample lies above the line, every dry one below',
);

// ------------------------------------------------------------------ why the bias
heading('Why the rule needs the bias (x0 = 1)');
// The same rule with b fixed at 0: a line through the origin. (0.8, 0.6) = 2*(0.4, 0.3), so
// w.(0.8, 0.6) and w.(0.4, 0.3) always have the same sign and one of the two is always wrong.
const noBias = { w: [0, 0], errors: [] as number[] };
for (let epoch = 0; epoch < 1000; epoch++) {
  let errors = 0;
  WEATHER_X.forEach((x, i) => {
    const yHat = noBias.w[0]! * x[0]! + noBias.w[1]! * x[1]! > 0 ? 1 : 0;
    const delta = 0.1 * (WEATHER_Y[i]! - yHat);
    if (delta !== 0) errors++;
    noBias.w[0]! += delta * x[0]!;
    noBias.w[1]! += delta * x[1]!;
  });
  noBias.errors.push(errors);
}
console.log(`without a bias, errors in epochs 1..10: ${noBias.errors.slice(0, 10).join(', ')}; in epoch 1000: ${noBias.errors[999]}`);
const dot = (w: number[], x: number[]) => w[0]! * x[0]! + w[1]! * x[1]!;
console.log(
  `w.(0.8, 0.6) = ${s(dot(noBias.w, [0.8, 0.6]))} and w.(0.4, 0.3) = ${s(dot(noBias.w, [0.4, 0.3]))}: same sign, whatever w is`,
);
check(Math.min(...noBias.errors) > 0, 'without a bias no epoch of 1000 is error-free');
check(
  Math.sign(dot(noBias.w, [0.8, 0.6])) === Math.sign(dot(noBias.w, [0.4, 0.3])),
  '(0.8, 0.6) and (0.4, 0.3) fall on the same side of any line through the origin',
);
const slideTypo = new Perceptron({ inputDim: 2, learningRate: 0.1 });
const typoData = WEATHER_X.map((x, i) => (i === 0 ? [8.0, x[1]!] : x));
const typo = slideTypo.fit(typoData, WEATHER_Y, { epochs: 1000 });
console.log(`with the slide's typo 8.0 for 0.8 the data is still separable: converged = ${typo.converged} after ${typo.epochs} epochs`);
check(typo.converged, 'the typo 8.0 does not change the outcome, only the numbers');
console.log('\nperceptron-weather: all claims hold');
