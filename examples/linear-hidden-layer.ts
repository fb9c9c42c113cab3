/**
 * 중간층 활성화 함수로 선형함수(linear)를 사용하면 다층 구조의 효과를 살릴 수 없다: with linear hidden
 * layers (h(x) = x) a deep network is one linear map, whatever its depth, and cannot learn XOR. The
 * same network with sigmoid or tanh hidden layers learns it. Run: npx tsx examples/linear-hidden-layer.ts
 * (NUMNET_FAST=1: 300 epochs instead of 1000.)
 */
import { Adam, Dense, Sequential, add, matMul, type Tensor } from '../src/index.js';
import { FAST, check, heading, s, table } from './lib/print.js';

const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];
const epochs = FAST ? 300 : 1000;

async function train(hidden: 'linear' | 'sigmoid' | 'tanh'): Promise<{ model: Sequential; loss: number[]; acc: number }> {
  const model = new Sequential(
    [
      new Dense({ units: 8, activation: hidden, inputShape: [2] }),
      new Dense({ units: 8, activation: hidden }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: 3 },
  );
  model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
  const h = await model.fit(x, y, { epochs, batchSize: 4 });
  return { model, loss: h.history.loss!, acc: model.evaluate(x, y).acc! };
}

heading(`XOR with 2-8-8-1 networks, Adam(0.05), binaryCrossentropy, ${epochs} epochs, the same seed`);
const runs = { linear: await train('linear'), sigmoid: await train('sigmoid'), tanh: await train('tanh') };
const marks = [1, 10, 50, 100, 200, 300, 500, 1000].filter((e) => e <= epochs);
table(
  ['hidden activation', ...marks.map((e) => `loss @${e}`), 'accuracy', 'predictions for (0,0) (0,1) (1,0) (1,1)'],
  Object.entries(runs).map(([name, r]) => [
    name,
    ...marks.map((e) => r.loss[e - 1]!.toFixed(4)),
    String(r.acc),
    Array.from(r.model.predict(x).data, (v) => v.toFixed(3)).join('  '),
  ]),
);

heading('Why: linear layers collapse to one linear map');
/** W = W1·W2·W3 and b = (b1·W2 + b2)·W3 + b3 of a 2-8-8-1 network with linear hidden layers. */
function collapse(model: Sequential): { W: Tensor; b: number; gap: number; saddle: number } {
  const [w1, b1, w2, b2, w3, b3] = model.getWeights() as Tensor[];
  // x·W1 + b1, then ·W2 + b2, then ·W3 + b3 is x·(W1·W2·W3) + ((b1·W2 + b2)·W3 + b3).
  const W = matMul(matMul(w1!, w2!), w3!);
  const b = add(matMul(add(matMul(b1!.reshape([1, 8]), w2!), b2!), w3!), b3!).data[0]!;
  const z = (p: number[]) => p[0]! * W.data[0]! + p[1]! * W.data[1]! + b;
  const predicted = model.predict(x).data;
  const gap = Math.max(...x.map((p, i) => Math.abs(1 / (1 + Math.exp(-z(p))) - predicted[i]!)));
  return { W, b, gap, saddle: z([0, 0]) + z([1, 1]) - z([0, 1]) - z([1, 0]) };
}
const untrained = new Sequential(
  [
    new Dense({ units: 8, inputShape: [2] }),
    new Dense({ units: 8 }),
    new Dense({ units: 1, activation: 'sigmoid', biasInitializer: 'ones' }),
  ],
  { seed: 3 },
);
for (const [what, model] of [['untrained (random weights, bias 1 at the output)', untrained], ['after training', runs.linear.model]] as const) {
  const c = collapse(model);
  console.log(`${what}: W = W1*W2*W3 = [${Array.from(c.W.data, (v) => v.toPrecision(6)).join(', ')}]^T, b = ${c.b.toPrecision(6)}`);
  console.log(`  |sigmoid(x*W + b) - model.predict(x)| <= ${c.gap.toExponential(1)};  z(0,0) + z(1,1) - z(0,1) - z(1,0) = ${c.saddle.toExponential(1)}`);
  check(c.gap < 1e-12, 'the 2-8-8-1 linear network is exactly sigmoid(x*W + b) with one 2x1 matrix W');
  check(Math.abs(c.saddle) < 1e-9, 'z(0,0) + z(1,1) = z(0,1) + z(1,0) for the collapsed linear map z');
}
console.log('XOR needs z(0,0), z(1,1) < 0 < z(0,1), z(1,0), which would make that sum negative: impossible, so');
console.log('at most 3 of the 4 points can be right, however deep the linear stack. For the cross-entropy the best');
console.log(`linear fit is the constant 0.5 (loss ln 2 = ${s(Math.LN2)}), where training ends.`);

check(runs.linear.acc <= 0.75, `linear hidden layers cannot learn XOR (accuracy ${runs.linear.acc})`);
check(runs.linear.loss[epochs - 1]! > 0.69, `the linear network's loss stays at about ln 2 (${runs.linear.loss[epochs - 1]!.toFixed(4)})`);
check(runs.sigmoid.acc === 1 && runs.tanh.acc === 1, 'sigmoid and tanh hidden layers learn XOR (accuracy 1)');
check(runs.tanh.loss[epochs - 1]! < 0.05 && runs.sigmoid.loss[epochs - 1]! < 0.1, 'and their loss goes to 0');
console.log('\nlinear-hidden-layer: all claims hold');
