/**
 * Every code sample of docs/getting-started.md, run as written (the doc imports from 'numnet';
 * this file imports the same names from the source). After each sample, `check` asserts what
 * the doc's comments claim. Run: npx tsx examples/getting-started.ts
 */
import {
  Adam,
  Dense,
  EarlyStopping,
  LeakyReLU,
  NumnetError,
  SGD,
  Sequential,
  activate,
  gradCheck,
  numericalGradient,
  setSeed,
  tensor,
} from '../src/index.js';

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`getting-started: ${what}`);
  console.log(`  ok: ${what}`);
}

// ---------------------------------------------------------------- 1. XOR
console.log('1. XOR');
{
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y = [[0], [1], [1], [0]];
  const model = new Sequential([
    new Dense({ units: 4, activation: 'tanh', inputShape: [2] }),
    new Dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 42 });
  model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
  await model.fit(x, y, { epochs: 1000, batchSize: 4 });
  console.log(model.evaluate(x, y));        // { loss: 0.0054…, acc: 1 }
  console.log(model.predict(x).toArray());  // [[0.0008…], [0.9937…], [0.9937…], [0.0081…]]

  const logs = model.evaluate(x, y);
  check(logs.acc === 1, 'XOR accuracy is 1');
  check(logs.loss! < 0.01, 'XOR loss < 0.01');
}

// ---------------------------------------------------------------- 1b. class labels
console.log('1b. class labels');
{
  // Three classes: which of the three features is the largest.
  const x = [[0.9, 0.1, 0.2], [0.2, 0.8, 0.1], [0.1, 0.3, 0.7], [0.6, 0.2, 0.1], [0.3, 0.9, 0.4], [0.2, 0.1, 0.5]];
  const y = [0, 1, 2, 0, 1, 2];
  const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [3] })], { seed: 1 });
  model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
  await model.fit(x, y, { epochs: 200 });

  const probs = model.predict(x);     // shape [6, 3]: each row the probabilities of the 3 classes
  const labels = probs.argMax(-1);    // shape [6]: the most probable class of each row
  console.log(labels.toArray());      // [0, 1, 2, 0, 1, 2]

  // The label of each row, found by a plain loop over its probabilities.
  const rows = probs.toArray() as number[][];
  const byLoop = rows.map((r) => {
    let best = 0;
    for (let j = 1; j < r.length; j++) if (r[j]! > r[best]!) best = j;
    return best;
  });
  check(labels.shape.length === 1 && labels.shape[0] === 6, 'argMax(-1) of [6, 3] probabilities has shape [6]');
  check(labels.data.every((v, i) => v === byLoop[i]), 'argMax(-1) is the most probable class of each row');
  check(probs.argMax(1).data.every((v, i) => v === byLoop[i]), 'argMax(1) is the same as argMax(-1) for rows');
  check(byLoop.every((v, i) => v === y[i]), 'the labels are the classes of y: [0, 1, 2, 0, 1, 2]');
}

// ---------------------------------------------------------------- 2. the slides' backprop step
console.log('2. the slides\' backpropagation step');
{
  const net = new Sequential([
    new Dense({ units: 2, activation: 'sigmoid', useBias: false, inputShape: [2] }),
    new Dense({ units: 1, activation: 'sigmoid', useBias: false }),
  ]);
  net.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  net.setWeights([tensor([[0.5, 0.3], [0.3, 0.6]]), tensor([[0.5], [0.35]])]);
  console.log(net.trainOnBatch([[0.5, 0.7]], [[1]]));  // { loss: 0.1372699405388824 } (before the update)
  console.log(net.getWeights()[1]!.toArray());         // [[0.5105942930445979], [0.3610392948924014]]

  check(net.evaluate([[0.5, 0.7]], [[1]]).loss === 0.13489691949125623, 'E after the step is 0.13489691949125623');
  const w = net.getWeights()[1]!.data;
  check(w[0] === 0.5105942930445979 && w[1] === 0.3610392948924014, 'new w5, w6 as the exact values of docs/errata.md');
}

// ---------------------------------------------------------------- 3. seeds
console.log('3. seeds');
{
  const layers = () => [new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })];

  const a = new Sequential(layers(), { seed: 7 });
  const b = new Sequential(layers(), { seed: 7 });
  console.log(a.getWeights()[0]!.toArray());  // the same numbers for a and b, on every machine

  setSeed(123);                    // the global seed, for models built without { seed }
  const c = new Sequential(layers());
  setSeed(123);
  const d = new Sequential(layers());

  const same = (p: Sequential, q: Sequential) =>
    p.getWeights().every((t, i) => t.data.every((v, j) => v === q.getWeights()[i]!.data[j]));
  check(same(a, b), 'same { seed } gives bit-identical weights');
  check(same(c, d), 'same setSeed gives bit-identical weights');
  check(!same(a, new Sequential(layers(), { seed: 8 })), 'another seed gives other weights');
}

// ---------------------------------------------------------------- 4. errors
console.log('4. errors');
{
  const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
  try {
    await model.fit([[1, 2]], [[3]]);
  } catch (e) {
    if (e instanceof NumnetError) console.log(e.code, '-', e.message);
    // NOT_COMPILED - fit(): call model.compile({ optimizer, loss }) first
  }
  try {
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredErr' });
  } catch (e) {
    if (e instanceof NumnetError) console.log(e.code);  // UNKNOWN_NAME (the message lists the valid names)
  }
  try {
    model.predict([[1, 2, 3]]);
  } catch (e) {
    if (e instanceof NumnetError) console.log(e.code);  // SHAPE_MISMATCH
  }

  const codeOf = async (f: () => unknown): Promise<string | undefined> => {
    try {
      await f();
    } catch (e) {
      return e instanceof NumnetError ? e.code : 'not a NumnetError';
    }
    return undefined;
  };
  check((await codeOf(() => model.fit([[1, 2]], [[3]]))) === 'NOT_COMPILED', 'fit before compile is NOT_COMPILED');
  check(
    (await codeOf(() => model.compile({ optimizer: 'sgd', loss: 'meanSquaredErr' }))) === 'UNKNOWN_NAME',
    'a misspelt loss is UNKNOWN_NAME',
  );
  check((await codeOf(() => model.predict([[1, 2, 3]]))) === 'SHAPE_MISMATCH', 'a wrong input width is SHAPE_MISMATCH');
}

// ---------------------------------------------------------------- 5. gradient checking
console.log('5. gradient checking');
{
  const g = numericalGradient((t) => t.data[0]! ** 2 + 3 * t.data[1]!, [2, 5]);
  console.log(g.toArray());  // ≈ [4, 3] (central differences, epsilon 1e-5)

  const model = new Sequential([
    new Dense({ units: 3, activation: 'tanh', inputShape: [2] }),
    new Dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 1 });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const { maxRelativeError } = gradCheck(model, [[0.5, -1], [2, 0.3]], [[1], [0]]);
  console.log(maxRelativeError);  // about 1e-10: backpropagation agrees with numerical differentiation

  check(Math.abs(g.data[0]! - 4) < 1e-8 && Math.abs(g.data[1]! - 3) < 1e-8, 'numericalGradient ≈ [4, 3]');
  check(maxRelativeError < 1e-6, 'gradCheck maxRelativeError < 1e-6');
}

// ---------------------------------------------------------------- optimizers and callbacks
console.log('optimizers and callbacks');
{
  const xs = Array.from({ length: 64 }, (_, i) => [i / 64]);
  const ys = xs.map(([v]) => [2 * v! - 1]);
  const reg = new Sequential([new Dense({ units: 8, activation: 'tanh', inputShape: [1] }), new Dense({ units: 1 })], { seed: 5 });
  reg.compile({ loss: 'mse', optimizer: 'Adam', metrics: ['mae'] });       // Adam with its defaults
  reg.compile({ loss: 'mse', optimizer: new Adam({ learningRate: 0.01 }) }); // or with options
  const stop = new EarlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true });
  const hist = await reg.fit(xs, ys, { epochs: 500, batchSize: 16, validationSplit: 0.25, callbacks: [stop] });
  console.log(hist.epoch.length < 500, reg.evaluate(xs, ys).loss < 0.01);  // true true (stopped early, fitted)

  check(reg.optimizer instanceof Adam, "optimizer: 'Adam' resolves to the Adam class");
  check(hist.epoch.length < 500, 'EarlyStopping ended training before 500 epochs');
  check(reg.evaluate(xs, ys).loss! < 0.01, 'the regression fits (loss < 0.01)');
}

// ---------------------------------------------------------------- 6. choices where Keras differs
console.log('6. choices');
{
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const model = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 3 });
  model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['acc'] });

  // y of shape [n] is accepted for a 1-unit output (read as [n, 1]).
  await model.fit(x, [0, 1, 1, 1], { epochs: 200 });    // quiet: verbose defaults to 0
  await model.fit(x, [0, 1, 1, 1], { epochs: 2, verbose: 2 });  // Epoch 1/2 - loss: … - acc: 1.0000

  // LeakyReLU: the layer's alpha defaults to 0.3 (as Keras's layer); the 'leakyRelu' activation uses 0.01.
  console.log(new LeakyReLU().alpha);                 // 0.3
  console.log(activate('leakyRelu', [-1]).toArray()); // [-0.01]

  // validationSplit keeps the first floor(n·(1 − split)) samples for training, the rest for validation.
  const x10 = Array.from({ length: 10 }, (_, i) => [i / 10, 1 - i / 10]);
  const y10 = x10.map(([a]) => (a! > 0.45 ? 1 : 0));
  let trained = 0;
  const history = await model.fit(x10, y10, {
    epochs: 1,
    validationSplit: 0.25,
    callbacks: [{ onBatchEnd: (_batch, logs) => { trained += logs!.size!; } }],
  });
  console.log(trained, Object.keys(history.history));  // 7 [ 'loss', 'acc', 'val_loss', 'val_acc' ]

  check(model.evaluate(x, [0, 1, 1, 1]).acc === 1, 'y of shape [n] trains a 1-unit output (OR reaches acc 1)');
  check(new LeakyReLU().alpha === 0.3, 'LeakyReLU layer alpha defaults to 0.3');
  check(activate('leakyRelu', [-1]).data[0] === -0.01, "'leakyRelu' activation alpha is 0.01");
  check(trained === 7, 'validationSplit 0.25 of 10 samples trains on floor(7.5) = 7');
  check('val_loss' in history.history, 'validationSplit reports val_loss');
}

console.log('getting-started: all samples ran');
