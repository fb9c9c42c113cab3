/** The native format (specification §7, issue "Save, load, and hand models to TensorFlow.js and Keras"): lossless round trips, refusals, bad files. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, Activation, Adadelta, Adagrad, Adam, AdamW, Adamax, BinaryCrossentropy, CategoricalCrossentropy, Dense,
  Dropout, ELU, Flatten, Huber, Layer, LeakyReLU, Loss, MeanAbsoluteError, MeanSquaredError, NumnetError, Optimizer, PReLU,
  RMSprop, Random, SGD, Sequential, SparseCategoricalCrossentropy, binaryAccuracy, constant, cosineDecay, exponentialDecay,
  l1l2, l2, piecewiseConstantDecay, randomNormalInitializer, randomUniformInitializer, scheduleConfig, scheduleFromConfig,
  setSeed, tensor,
} from '../../src/index.js';
import type { NumnetModelJSON, Tensor, TensorLike } from '../../src/index.js';
import { decodeBase64, encodeBase64, float64ToBase64 } from '../../src/io/base64.js';
import { codeOf } from '../helpers/errors.js';

/** The exact bits of float64 values (so −0, NaN payloads and the last ulp all count). */
const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float64Array.from(a).buffer));
const weightBits = (m: Sequential) => m.getWeights().map((w) => bits(w.data));
const reload = (m: Sequential) => Sequential.fromJSON(JSON.stringify(m));

function data(n: number, inputs: number, seed = 11) {
  const rng = new Random(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: inputs }, () => rng.uniform(-1.5, 1.5)));
  return { x, rng };
}

/** Targets for each kind of loss from the inputs. */
function targets(x: number[][], kind: 'regression' | 'binary' | 'onehot' | 'sparse', outputs: number): number[][] | number[] {
  const score = (r: number[], k: number) => r.reduce((s, v, i) => s + v * Math.sin(1 + i + 2 * k), 0);
  if (kind === 'regression') return x.map((r) => Array.from({ length: outputs }, (_, k) => Math.tanh(score(r, k))));
  if (kind === 'binary') return x.map((r) => Array.from({ length: outputs }, (_, k) => (score(r, k) > 0 ? 1 : 0)));
  const label = (r: number[]) => {
    let best = 0;
    for (let k = 1; k < outputs; k++) if (score(r, k) > score(r, best)) best = k;
    return best;
  };
  if (kind === 'sparse') return x.map(label);
  return x.map((r) => Array.from({ length: outputs }, (_, k) => (label(r) === k ? 1 : 0)));
}

/**
 * Trains `make()` 5 epochs straight, and 3 epochs + save/load + 2 more: weights, losses and the
 * whole saved state (optimizer slots, random generators) must agree bit for bit.
 */
async function expectResumeIdentical(make: () => Sequential, x: TensorLike, y: TensorLike, batchSize = 4, validationSplit = 0) {
  const opts = { batchSize, validationSplit };
  const straight = make();
  const h5 = await straight.fit(x, y, { ...opts, epochs: 5 });
  const first = make();
  const h3 = await first.fit(x, y, { ...opts, epochs: 3 });
  const saved = JSON.stringify(first);
  const resumed = Sequential.fromJSON(saved);
  const h2 = await resumed.fit(x, y, { ...opts, epochs: 5, initialEpoch: 3 });
  expect(weightBits(resumed)).toEqual(weightBits(straight));
  expect(bits([...h3.history.loss!, ...h2.history.loss!])).toEqual(bits(h5.history.loss!));
  expect(JSON.stringify(resumed)).toBe(JSON.stringify(straight));
  // Never saving at all gives the same: fit 3 then fit 2 on one model equals fit 5.
  await first.fit(x, y, { ...opts, epochs: 5, initialEpoch: 3 });
  expect(JSON.stringify(first)).toBe(JSON.stringify(straight));
}

describe('base64 and float64 packing (browser-safe, no Buffer in src)', () => {
  it('the saving code of the core uses no Node built-ins (Buffer, process, node: modules)', () => {
    const dir = new URL('../../src/io/', import.meta.url);
    const files = readdirSync(dir).map((f) => new URL(f, dir)).concat(new URL('../../src/layers/registry.ts', import.meta.url));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const code = (f: URL) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const f of files) expect(code(f), f.pathname).not.toMatch(/\bBuffer\b|\bprocess\.|from 'node:|require\(/);
  });

  it('encodes and decodes every length like Node’s Buffer, and rejects corrupt text', () => {
    const rng = new Random(3);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(text, 'x'))).toEqual(Array.from(bytes));
    }
    for (const bad of ['A', 'AB=', 'A===', '====', 'AB=C', 'AB*D', 'ABCDE===', 'AB==AAAA', 'AB\u00e9D', 'AF==', 'ABF=']) {
      expect(codeOf(() => decodeBase64(bad, 'x')), bad).toBe('INVALID_FORMAT');
    }
  });

  it('packs float64 little-endian, bit for bit (−0, subnormals, extremes)', () => {
    const v = new Float64Array([0, -0, 1, -1.5, Math.PI, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-310, 0.1 + 0.2]);
    const b64 = float64ToBase64(v);
    const bytes = Buffer.from(b64, 'base64');
    for (let i = 0; i < v.length; i++) expect(Object.is(bytes.readDoubleLE(i * 8), v[i])).toBe(true);
  });
});

describe('Random and schedule state', () => {
  it('Random.getState/setState continue the same stream, including a pending normal draw', () => {
    const a = new Random(42);
    a.normal();
    const s = a.getState();
    expect(s.spareNormal).toBeTypeOf('number');
    const b = new Random(1);
    b.setState(JSON.parse(JSON.stringify(s)));
    expect(bits([b.normal(), b.next(), b.normal(), b.uniform()])).toEqual(bits([a.normal(), a.next(), a.normal(), a.uniform()]));
    for (const bad of [null, {}, { state: -1 }, { state: 2 ** 32 }, { state: 1.5 }, { state: 1, spareNormal: NaN }, { state: '1' }]) {
      expect(codeOf(() => new Random(1).setState(bad as never))).toBe('INVALID_ARGUMENT');
    }
  });

  it('built-in schedules carry a config that rebuilds them; a function of your own has none', () => {
    const schedules = [
      exponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5, staircase: true }),
      piecewiseConstantDecay({ boundaries: [2, 5], values: [0.1, 0.05, 0.01] }),
      cosineDecay({ initialLearningRate: 0.2, decaySteps: 7, alpha: 0.1 }),
    ];
    for (const s of schedules) {
      const c = scheduleConfig(s)!;
      expect(c).toEqual(s.config);
      const r = scheduleFromConfig(JSON.parse(JSON.stringify(c)));
      for (let t = 0; t < 10; t++) expect(Object.is(r(t), s(t))).toBe(true);
    }
    const own = Object.assign((t: number) => 0.1 / (1 + t), { config: { name: 'cosineDecay', initialLearningRate: 1, decaySteps: 1, alpha: 0 } });
    expect(scheduleConfig(own)).toBeUndefined();
    expect(codeOf(() => scheduleFromConfig({ name: 'linearDecay' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => scheduleFromConfig({ name: 'cosineDecay', initialLearningRate: 1, decaySteps: 2, warmup: 3 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('round trips: bit-identical predictions and training', () => {
  it('every layer with its options (Dense initializers and regularizers, PReLU, LeakyReLU, ELU, Dropout, Flatten, Activation)', async () => {
    const make = () => {
      const m = new Sequential(
        [
          new Flatten({ inputShape: [2, 3] }),
          new Dense({
            units: 5, activation: 'relu', kernelInitializer: 'heNormal', biasInitializer: constant(0.1),
            kernelRegularizer: l1l2({ l1: 0.001, l2: 0.01 }), biasRegularizer: l2(0.02),
          }),
          new PReLU({ alphaInitializer: 0.1 }),
          new Dropout({ rate: 0.2, seed: 3 }),
          new Dense({ units: 4, activation: 'leakyRelu', kernelInitializer: randomNormalInitializer(0, 0.3) }),
          new LeakyReLU({ alpha: 0.2 }),
          new Dense({ units: 4, useBias: false, kernelInitializer: randomUniformInitializer(-0.5, 0.5) }),
          new ELU({ alpha: 0.7 }),
          new Activation({ activation: 'tanh' }),
          new Dropout({ rate: 0.1 }),
          new Dense({ units: 3, activation: 'sigmoid', kernelInitializer: { name: 'glorotNormal' }, biasInitializer: 'ones' }),
          new Dense({ units: 2, kernelInitializer: 'lecunNormal', biasInitializer: 'zeros', name: 'out' }),
        ],
        { seed: 5, name: 'every_layer' },
      );
      m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
      return m;
    };
    const { x } = data(24, 6);
    const x3 = x.map((r) => [r.slice(0, 3), r.slice(3)]);
    const y = targets(x, 'regression', 2);
    const m = make();
    const loaded = reload(m);
    expect(loaded.name).toBe('every_layer');
    expect(loaded.layers.map((l) => [l.className, l.getConfig()])).toEqual(m.layers.map((l) => [l.className, l.getConfig()]));
    expect(bits(loaded.predict(x3).data)).toEqual(bits(m.predict(x3).data));
    expect(loaded.evaluate(x3, y)).toEqual(m.evaluate(x3, y));
    await expectResumeIdentical(make, x3, y, 5, 0.25);
  });

  const activationNames = [...Object.keys(ACTIVATIONS)];
  it.each(activationNames)('activation %s', async (name) => {
    const make = () => {
      const m = new Sequential([new Dense({ units: 3, activation: name, inputShape: [2] }), new Dense({ units: 2, activation: name === 'step' ? 'step' : 'linear' })], { seed: 9 });
      m.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse' });
      return m;
    };
    const { x } = data(16, 2);
    const m = make();
    expect(bits(reload(m).predict(x).data)).toEqual(bits(m.predict(x).data));
    if (name !== 'step') await expectResumeIdentical(make, x, targets(x, 'regression', 2));
  });

  const losses: [string, () => Loss | string, 'regression' | 'binary' | 'onehot' | 'sparse', string, string[]][] = [
    ['mse', () => 'mse', 'regression', 'linear', ['mae']],
    ['mae', () => new MeanAbsoluteError(), 'regression', 'linear', ['mse']],
    ['huber (delta 0.5)', () => new Huber({ delta: 0.5 }), 'regression', 'linear', []],
    ['binaryCrossentropy', () => 'binaryCrossentropy', 'binary', 'sigmoid', ['acc']],
    ['binaryCrossentropy fromLogits', () => new BinaryCrossentropy({ fromLogits: true }), 'binary', 'linear', ['binaryAccuracy']],
    ['categoricalCrossentropy', () => 'categorical_crossentropy', 'onehot', 'softmax', ['accuracy']],
    ['categoricalCrossentropy fromLogits', () => new CategoricalCrossentropy({ fromLogits: true }), 'onehot', 'linear', ['categoricalAccuracy']],
    ['sparseCategoricalCrossentropy', () => 'sparseCategoricalCrossentropy', 'sparse', 'softmax', ['acc']],
    ['sparseCategoricalCrossentropy fromLogits', () => new SparseCategoricalCrossentropy({ fromLogits: true }), 'sparse', 'linear', ['sparseCategoricalAccuracy']],
    ['meanSquaredError instance', () => new MeanSquaredError(), 'regression', 'tanh', []],
  ];
  it.each(losses)('loss %s', async (_label, loss, kind, outAct, metrics) => {
    const outputs = kind === 'binary' ? 1 : 3;
    const make = () => {
      const m = new Sequential([new Dense({ units: 6, activation: 'tanh', inputShape: [3] }), new Dense({ units: outputs, activation: outAct })], { seed: 2 });
      m.compile({ optimizer: 'adam', loss: loss(), metrics });
      return m;
    };
    const { x } = data(20, 3);
    const y = targets(x, kind, outputs);
    const m = make();
    const loaded = reload(m);
    expect(loaded.loss!.constructor).toBe(m.loss!.constructor);
    expect(loaded.loss!.getConfig()).toEqual(m.loss!.getConfig());
    expect(loaded.evaluate(x, y)).toEqual(m.evaluate(x, y));
    await expectResumeIdentical(make, x, y);
  });

  const optimizers: [string, () => Optimizer][] = [
    ['sgd', () => new SGD({ learningRate: 0.05 })],
    ['sgd nesterov + clipValue', () => new SGD({ learningRate: 0.03, momentum: 0.8, nesterov: true, clipValue: 0.5 })],
    ['sgd + exponentialDecay', () => new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.8 }), momentum: 0.5 })],
    ['adagrad + globalClipNorm', () => new Adagrad({ learningRate: 0.05, initialAccumulatorValue: 0.2, globalClipNorm: 1 })],
    ['rmsprop centered', () => new RMSprop({ learningRate: 0.01, rho: 0.8, centered: true })],
    ['rmsprop + piecewiseConstantDecay', () => new RMSprop({ learningRate: piecewiseConstantDecay({ boundaries: [5, 12], values: [0.02, 0.01, 0.005] }) })],
    ['adadelta', () => new Adadelta({ rho: 0.9 })],
    ['adam amsgrad + clipNorm', () => new Adam({ learningRate: 0.02, amsgrad: true, clipNorm: 1 })],
    ['adam + cosineDecay', () => new Adam({ learningRate: cosineDecay({ initialLearningRate: 0.05, decaySteps: 20, alpha: 0.1 }) })],
    ['adamw', () => new AdamW({ learningRate: 0.02, weightDecay: 0.01 })],
    ['adamax', () => new Adamax({ learningRate: 0.02, beta1: 0.8 })],
    ['rmsprop centered momentum + weightDecay', () => new RMSprop({ learningRate: 0.01, momentum: 0.9, centered: true, weightDecay: 0.05 })],
    ['sgd weightDecay + exponentialDecay', () => new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.8 }), weightDecay: 0.1 })],
    ['adam weightDecay', () => new Adam({ learningRate: 0.02, weightDecay: 0.02 })],
    ['by name', () => 'RMSprop' as unknown as Optimizer],
  ];
  it.each(optimizers)('optimizer %s (with Dropout, shuffling and validationSplit)', async (_label, optimizer) => {
    const make = () => {
      const m = new Sequential(
        [new Dense({ units: 6, activation: 'relu', inputShape: [3] }), new Dropout({ rate: 0.25 }), new Dense({ units: 2 })],
        { seed: 21 },
      );
      m.compile({ optimizer: optimizer(), loss: 'mse', metrics: ['mae'] });
      return m;
    };
    const { x } = data(26, 3);
    const y = targets(x, 'regression', 2);
    const m = make();
    await m.fit(x, y, { epochs: 1, batchSize: 8 });
    const loaded = reload(m);
    expect(loaded.optimizer!.constructor).toBe(m.optimizer!.constructor);
    expect(loaded.optimizer!.getConfig()).toEqual(m.optimizer!.getConfig());
    expect(loaded.optimizer!.weightDecay).toBe(m.optimizer!.weightDecay);
    expect(loaded.optimizer!.getState()).toEqual(m.optimizer!.getState());
    await expectResumeIdentical(make, x, y, 5, 0.2);
  });

  it('trainOnBatch continues identically after a reload (optimizer step count and slots)', () => {
    const m = new Sequential([new Dense({ units: 2, activation: 'sigmoid', useBias: false, inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid', useBias: false })], { seed: 1 });
    m.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'mse', metrics: ['acc'] });
    m.setWeights([tensor([[0.5, 0.3], [0.3, 0.6]]), tensor([[0.5], [0.35]])]);
    m.trainOnBatch([[0.5, 0.7]], [[1]]);
    const c = reload(m);
    for (let i = 0; i < 4; i++) expect(c.trainOnBatch([[0.5, 0.7]], [[1]])).toEqual(m.trainOnBatch([[0.5, 0.7]], [[1]]));
    expect(weightBits(c)).toEqual(weightBits(m));
    expect(c.optimizer!.iterations).toBe(5);
  });

  it('a model built from data (no inputShape) and a model not built at all', async () => {
    const { x } = data(12, 3);
    const y = targets(x, 'regression', 1);
    const make = () => {
      const m = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dropout({ rate: 0.3 }), new Dense({ units: 1 })], { seed: 8 });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      return m;
    };
    // Not built: nothing but configs and the generator; the loaded model builds the same weights.
    const a = make();
    const unbuilt = a.toJSON();
    expect(unbuilt.weights).toEqual([]);
    const b = Sequential.fromJSON(unbuilt);
    expect(b.built).toBe(false);
    await a.fit(x, y, { epochs: 2, batchSize: 5 });
    await b.fit(x, y, { epochs: 2, batchSize: 5 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // Built from data: the saved first layer records the input shape.
    const json = a.toJSON();
    expect(json.modelConfig.layers[0]!.config.inputShape).toEqual([3]);
    expect(reload(a).built).toBe(true);
    await expectResumeIdentical(make, x, y, 5);
  });

  it('an uncompiled model saves and loads without compileConfig; JSON.stringify(model) is toJSON()', () => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [3] })], { seed: 1 });
    const json = m.toJSON();
    expect(json.compileConfig).toBeUndefined();
    expect(json.optimizerState).toBeUndefined();
    expect(JSON.stringify(m)).toBe(JSON.stringify(json));
    const c = Sequential.fromJSON(json);
    expect(c.optimizer).toBeUndefined();
    expect(weightBits(c)).toEqual(weightBits(m));
    expect(json).toMatchObject({ format: 'numnet', version: 1, modelConfig: { className: 'Sequential', name: 'sequential' } });
    expect(json.weights.map((w) => [w.name, w.shape, w.dtype])).toEqual([['dense/kernel', [3, 2], 'float64'], ['dense/bias', [2], 'float64']]);
  });

  it('built-in Metric objects are saved by name', () => {
    const m = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: [binaryAccuracy, 'mse'] });
    expect(m.toJSON().compileConfig!.metrics).toEqual(['binaryAccuracy', 'mse']);
    const x = [[0.1, 0.2], [0.5, -1]];
    expect(reload(m).evaluate(x, [[1], [0]])).toEqual(m.evaluate(x, [[1], [0]]));
  });
});

describe('what cannot be saved is refused (INVALID_ARGUMENT), naming it', () => {
  const base = () => new Sequential([new Dense({ units: 2, inputShape: [2] })], { seed: 1 });
  it('a learning rate that is a function of your own', () => {
    const m = base();
    m.compile({ optimizer: new SGD({ learningRate: (t) => 0.1 / (1 + t) }), loss: 'mse' });
    expect(codeOf(() => m.toJSON())).toBe('INVALID_ARGUMENT');
    expect(() => m.toJSON()).toThrow(/function of your own/);
    m.optimizer!.learningRate = 0.05; // set a number, and it saves
    expect(reload(m).optimizer!.learningRate).toBe(0.05);
  });

  it('custom activations, initializers, layers, losses, metrics and optimizers', () => {
    const custom = { name: 'cube', differentiable: true, forward: (z: Float64Array, y: Float64Array) => z.forEach((v, i) => (y[i] = v ** 3)), backward: () => {} };
    expect(() => new Sequential([new Dense({ units: 2, activation: custom, inputShape: [2] })]).toJSON()).toThrow(/custom activation/);
    const relu = { ...ACTIVATIONS.relu! }; // same name, another object: still custom
    expect(codeOf(() => new Sequential([new Activation({ activation: relu, inputShape: [2] })]).toJSON())).toBe('INVALID_ARGUMENT');
    const init = { config: { name: 'myInit' }, init: (n: number) => new Float64Array(n).fill(0.5) };
    expect(() => new Sequential([new Dense({ units: 2, kernelInitializer: init, inputShape: [2] })]).toJSON()).toThrow(/custom initializer/);
    class Square extends Layer {
      readonly className = 'Square';
      protected call(x: Tensor) { return x; }
      protected callBackward(dy: Tensor) { return dy; }
    }
    expect(() => new Sequential([new Square({ inputShape: [2] })]).toJSON()).toThrow(/not a built-in layer class/);
    class MyDense extends Dense {}
    expect(codeOf(() => new Sequential([new MyDense({ units: 1, inputShape: [2] })]).toJSON())).toBe('INVALID_ARGUMENT');

    class MyLoss extends MeanSquaredError {}
    const m1 = base();
    m1.compile({ optimizer: 'sgd', loss: new MyLoss() });
    expect(() => m1.toJSON()).toThrow(/not a built-in loss/);
    const m2 = base();
    m2.compile({ optimizer: 'sgd', loss: 'mse', metrics: [{ name: 'zero', perSample: (_t, _p, rows, _c, out) => out.fill(0, 0, rows) }] });
    expect(() => m2.toJSON()).toThrow(/Metric object of your own/);
    class MySGD extends SGD {}
    const m3 = base();
    m3.compile({ optimizer: new MySGD(), loss: 'mse' });
    expect(() => m3.toJSON()).toThrow(/not a built-in optimizer/);
    for (const m of [m1, m2, m3]) expect(codeOf(() => m.toJSON())).toBe('INVALID_ARGUMENT');
  });
});

describe('bad files: INVALID_FORMAT naming the field', () => {
  async function savedModel(): Promise<NumnetModelJSON> {
    const m = new Sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })], { seed: 4 });
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    const { x } = data(8, 2);
    await m.fit(x, targets(x, 'regression', 1), { epochs: 1, batchSize: 4 });
    return m.toJSON();
  }
  const nanData = (count: number, at: number) => {
    const v = new Float64Array(count).fill(0.5);
    v[at] = NaN;
    return float64ToBase64(v);
  };
  const cases: [string, (j: any) => unknown, RegExp][] = [
    ['truncated JSON', (j) => JSON.stringify(j).slice(0, 200), /not valid JSON.*truncated/],
    ['not an object', () => '[1, 2]', /top level.*must be an object/],
    ['wrong format', (j) => ({ ...j, format: 'keras' }), /format: must be "numnet"/],
    ['a TF.js model.json', () => ({ modelTopology: {}, weightsManifest: [] }), /TF\.js model\.json.*fromTFJS/],
    ['a newer version', (j) => ({ ...j, version: 2 }), /version: is 2, written by a newer numnet/],
    ['version as a string', (j) => ({ ...j, version: '1' }), /version: must be 1/],
    ['an unknown top-level field', (j) => ({ ...j, wieghts: [] }), /unknown field "wieghts"/],
    ['unknown layer class', (j) => { j.modelConfig.layers[1].className = 'Conv3D'; return j; }, /modelConfig\.layers\[1\]\.className: unknown layer class "Conv3D"; the layer classes are Dense, .*Flatten/],
    ['unknown activation', (j) => { j.modelConfig.layers[0].config.activation = 'relu6'; return j; }, /modelConfig\.layers\[0\]\.config: Unknown activation "relu6". Valid names: linear, step/],
    ['unknown layer option', (j) => { j.modelConfig.layers[0].config.unitz = 3; return j; }, /layers\[0\]\.config: Dense has no option "unitz"/],
    ['bad layer option', (j) => { j.modelConfig.layers[1].config.rate = 1.5; return j; }, /layers\[1\]\.config: Dropout: rate must be/],
    ['unknown initializer', (j) => { j.modelConfig.layers[0].config.kernelInitializer = { name: 'orthogonal' }; return j; }, /Unknown initializer "orthogonal"/],
    ['duplicate layer names', (j) => { j.modelConfig.layers[2].config.name = 'dense'; return j; }, /layers\[2\]\.config\.name: "dense" is used by two layers/],
    ['weight count', (j) => { j.weights.pop(); return j; }, /weights: holds 3 weights but the layers have 4 \(dense\/kernel \[2, 3\]/],
    ['weight shape', (j) => { j.weights[0].shape = [3, 2]; return j; }, /weights\[0\]\.shape: is \[3, 2\] but dense\/kernel has shape \[2, 3\]/],
    ['layer units vs weights', (j) => { j.modelConfig.layers[0].config.units = 4; return j; }, /weights\[0\]\.shape: is \[2, 3\] but dense\/kernel has shape \[2, 4\]/],
    ['weight name', (j) => { j.weights[1].name = 'dense/kernel'; return j; }, /weights\[1\]\.name: is "dense\/kernel" but weight 1 of the model is "dense\/bias"/],
    ['weight dtype', (j) => { j.weights[1].dtype = 'float32'; return j; }, /weights\[1\]\.dtype: must be "float64"/],
    ['NaN in a weight', (j) => { j.weights[0].data = nanData(6, 4); return j; }, /weights\[0\]\.data \(dense\/kernel\) holds NaN at index 4/],
    ['Infinity in a weight', (j) => { const v = new Float64Array(3).fill(1); v[2] = -Infinity; j.weights[1].data = float64ToBase64(v); return j; }, /holds -Infinity at index 2/],
    ['weight data too short', (j) => { j.weights[0].data = j.weights[0].data.slice(0, 16); return j; }, /weights\[0\]\.data \(dense\/kernel\) holds 16 characters of base64, but 6 float64 values need 64/],
    ['weight data padding overwritten', (j) => { j.weights[3].data = j.weights[3].data.replace(/=$/, 'A'); return j; }, /weights\[3\]\.data \(dense_1\/bias\) decodes to 9 bytes, but 1 float64 value take 8 bytes/],
    ['weight data not base64', (j) => { j.weights[1].data = j.weights[1].data.replace(/^./, '*'); return j; }, /weights\[1\]\.data.*not valid base64/],
    ['unknown optimizer', (j) => { j.compileConfig.optimizer.name = 'lion'; return j; }, /compileConfig\.optimizer: Unknown optimizer "lion"/],
    ['bad optimizer option', (j) => { j.compileConfig.optimizer.config.beta_1 = 0.9; return j; }, /unknown optimizer option "beta_1"/],
    ['unknown loss', (j) => { j.compileConfig.loss.name = 'dice'; return j; }, /compileConfig\.loss\.name: unknown loss "dice"/],
    ['unknown metric', (j) => { j.compileConfig.metrics = ['auc']; return j; }, /compileConfig\.metrics\[0\]: Unknown metric "auc"/],
    ['optimizer slots of another optimizer', (j) => { j.optimizerState.slots[0] = { v: j.optimizerState.slots[0].v }; return j; }, /optimizerState\.slots\[0\]: has the slots \[v\] but this optimizer keeps \[m, v\]/],
    ['optimizer slot length', (j) => { j.optimizerState.slots[1].m = j.weights[0].data; return j; }, /optimizerState\.slots\[1\]\.m \(dense\/bias\) holds 64 characters/],
    ['optimizer state for fewer weights', (j) => { j.optimizerState.slots.pop(); return j; }, /optimizerState\.slots: holds state for 3 weights but the model has 4/],
    ['negative iterations', (j) => { j.optimizerState.iterations = -1; return j; }, /optimizerState\.iterations: must be an integer ≥ 0/],
    ['optimizer state without compileConfig', (j) => { delete j.compileConfig; return j; }, /optimizerState: is given without a compileConfig/],
    ['bad random state', (j) => { j.randomState.model.state = 2 ** 33; return j; }, /randomState\.model: Random state\.state must be an integer/],
    ['random state of a layer that is not Dropout', (j) => { j.randomState.layers.dense = { state: 1 }; return j; }, /randomState\.layers\.dense: names no Dropout layer/],
    ['missing weights', (j) => { delete j.weights; return j; }, /field "weights" is missing/],
  ];
  it.each(cases)('%s', async (_label, corrupt, message) => {
    const json = await savedModel();
    const bad = corrupt(structuredClone(json));
    let err: unknown;
    try {
      Sequential.fromJSON(bad as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NumnetError);
    expect((err as NumnetError).code).toBe('INVALID_FORMAT');
    expect((err as NumnetError).message).toMatch(message);
  });

  it('loading never modifies its input, the saved model, or the global random generator', async () => {
    const json = await savedModel();
    const deepFreeze = (o: any): any => {
      Object.values(o).forEach((v) => v && typeof v === 'object' && deepFreeze(v));
      return Object.freeze(o);
    };
    const frozen = deepFreeze(structuredClone(json));
    const loaded = Sequential.fromJSON(frozen);
    await loaded.fit([[1, 2], [3, 4]], [[1], [2]], { epochs: 2 });
    expect(frozen).toEqual(json);

    const drawAfter = (f: () => void) => {
      setSeed(123);
      f();
      return new Sequential([new Dense({ units: 2, inputShape: [2] })]).getWeights()[0]!.toArray();
    };
    const bad = structuredClone(json) as any;
    bad.weights[0].shape = [9, 9];
    const untouched = drawAfter(() => {});
    expect(drawAfter(() => expect(codeOf(() => Sequential.fromJSON(bad))).toBe('INVALID_FORMAT'))).toEqual(untouched);
    expect(drawAfter(() => Sequential.fromJSON(json))).toEqual(untouched);
  });
});
