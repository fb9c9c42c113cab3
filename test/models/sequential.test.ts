/** Sequential: fit, evaluate, predict, weights, seeds, callbacks, metrics (specification §3, §4, §6). */
import { describe, expect, it, vi } from 'vitest';
import {
  Activation, BinaryCrossentropy, Dense, Dropout, ELU, Flatten, LeakyReLU, PReLU, SGD, Sequential,
  l1, l2, l1l2, setSeed, tensor, randomUniform, Random, Layer,
} from '../../src/index.js';
import { expectClose } from '../helpers/golden.js';

const weightsOf = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

function regressionData(n: number, seed = 5) {
  const rng = new Random(seed);
  const x = Array.from({ length: n }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  const y = x.map((r) => [0.5 * r[0]! - r[1]! + 0.25 * r[2]!]);
  return { x, y };
}

function smallModel(seed: number, dropout = 0) {
  const layers: Layer[] = [new Dense({ units: 4, activation: 'tanh', inputShape: [3] })];
  if (dropout > 0) layers.push(new Dropout({ rate: dropout }));
  layers.push(new Dense({ units: 1 }));
  const m = new Sequential(layers, { seed });
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
  return m;
}

describe('fit', () => {
  it('uses the last partial batch: 10 samples in batches of 4 are 4 + 4 + 2', async () => {
    const { x, y } = regressionData(10);
    const m = smallModel(1);
    const sizes: number[] = [];
    await m.fit(x, y, { epochs: 2, batchSize: 4, callbacks: { onBatchEnd: (_b, logs) => void sizes.push(logs!.size!) } });
    expect(sizes).toEqual([4, 4, 2, 4, 4, 2]);
  });

  it('returns a History with one value per epoch for loss, metrics and validation', async () => {
    const { x, y } = regressionData(40);
    const m = smallModel(2);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25 });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    for (const v of Object.values(h.history)) expect(v).toHaveLength(3);
  });

  it('the reported epoch loss is the batch-size-weighted mean of the batch losses before each update', async () => {
    const { x, y } = regressionData(10);
    const a = smallModel(3);
    const b = smallModel(3);
    const h = await a.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
    let sum = 0;
    for (const [s, e] of [[0, 4], [4, 8], [8, 10]] as const) sum += b.trainOnBatch(x.slice(s, e), y.slice(s, e)).loss! * (e - s);
    expectClose(h.history.loss![0]!, sum / 10);
    expect(weightsOf(a)).toEqual(weightsOf(b));
  });

  it('validationSplit holds out the last fraction before shuffling (val_loss = evaluate on those rows)', async () => {
    const { x, y } = regressionData(20);
    const m = smallModel(4);
    const h = await m.fit(x, y, { epochs: 2, batchSize: 5, validationSplit: 0.2 });
    expectClose(h.history.val_loss![1]!, m.evaluate(x.slice(16), y.slice(16)).loss!);
  });

  it('validationData is evaluated at the end of each epoch', async () => {
    const { x, y } = regressionData(20);
    const v = regressionData(6, 99);
    const m = smallModel(4);
    const h = await m.fit(x, y, { epochs: 2, validationData: [v.x, v.y] });
    expectClose(h.history.val_loss![1]!, m.evaluate(v.x, v.y).loss!);
  });

  it('the same seed gives bit-identical weights after fit with shuffle and dropout; another seed differs', async () => {
    const { x, y } = regressionData(30);
    const runs = await Promise.all([11, 11, 12].map(async (seed) => {
      const m = smallModel(seed, 0.3);
      await m.fit(x, y, { epochs: 3, batchSize: 7, shuffle: true });
      return weightsOf(m);
    }));
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
  });

  it('setSeed makes models without a seed of their own reproducible', () => {
    setSeed(42);
    const a = new Sequential([new Dense({ units: 3, inputShape: [2] })]).getWeights()[0]!.data;
    setSeed(42);
    const b = new Sequential([new Dense({ units: 3, inputShape: [2] })]).getWeights()[0]!.data;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('shuffle: false visits samples in order (same as trainOnBatch on consecutive slices)', async () => {
    const { x, y } = regressionData(6);
    const a = smallModel(5);
    const b = smallModel(5);
    await a.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false });
    for (let s = 0; s < 6; s += 2) b.trainOnBatch(x.slice(s, s + 2), y.slice(s, s + 2));
    expect(weightsOf(a)).toEqual(weightsOf(b));
  });

  it('initialEpoch resumes counting: epochs is the index to stop at', async () => {
    const { x, y } = regressionData(8);
    const m = smallModel(6);
    const h = await m.fit(x, y, { epochs: 5, initialEpoch: 3 });
    expect(h.epoch).toEqual([3, 4]);
  });

  it('epochs: 0 trains nothing', async () => {
    const { x, y } = regressionData(8);
    const m = smallModel(6);
    const before = weightsOf(m);
    const h = await m.fit(x, y, { epochs: 0 });
    expect(h.epoch).toEqual([]);
    expect(weightsOf(m)).toEqual(before);
  });

  it('calls plain-object hooks in order and stops when a callback sets stopTraining', async () => {
    const { x, y } = regressionData(8);
    const m = smallModel(7);
    const calls: string[] = [];
    const h = await m.fit(x, y, {
      epochs: 10,
      batchSize: 4,
      callbacks: [{
        onTrainBegin: () => void calls.push('trainBegin'),
        onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
        onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
        onBatchEnd: (b) => void calls.push(`batchEnd ${b}`),
        onEpochEnd: async (e, logs) => {
          calls.push(`epochEnd ${e} ${typeof logs!.loss}`);
          if (e === 1) m.stopTraining = true;
        },
        onTrainEnd: () => void calls.push('trainEnd'),
      }],
    });
    expect(h.epoch).toEqual([0, 1]);
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 0 number',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 1 number',
      'trainEnd',
    ]);
  });

  it('yields to the event loop while training, so timers run during fit', async () => {
    const { x, y } = regressionData(64);
    const m = smallModel(8);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await m.fit(x, y, { epochs: 5, batchSize: 4 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('learns XOR with a 2-4-1 sigmoid network from a fixed seed', async () => {
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const y = [[0], [1], [1], [0]];
    const m = new Sequential([
      new Dense({ units: 4, activation: 'tanh', inputShape: [2] }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 3 });
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
    await m.fit(x, y, { epochs: 1000, batchSize: 4 });
    expect(m.evaluate(x, y).acc).toBe(1);
  });

  it('y of shape [n] is accepted for a one-unit output', () => {
    const a = smallModel(9);
    const b = smallModel(9);
    const { x, y } = regressionData(4);
    expect(a.trainOnBatch(x, y.map((r) => r[0]!))).toEqual(b.trainOnBatch(x, y));
  });
});

describe('sample and class weights', () => {
  it('sampleWeight scales each sample’s loss: weights [2, 0] on two samples equal one sample alone', () => {
    const { x, y } = regressionData(2);
    const a = smallModel(10);
    const b = smallModel(10);
    const la = a.trainOnBatch(x, y, { sampleWeight: [2, 0] }).loss!;
    const lb = b.trainOnBatch(x.slice(0, 1), y.slice(0, 1)).loss!;
    expectClose(la, lb);
    weightsOf(a).forEach((w, i) => expectClose(w, weightsOf(b)[i]!));
  });

  it('classWeight multiplies by the class of each sample (argmax of one-hot y)', async () => {
    const x = [[1, 0], [0, 1], [1, 1]];
    const y = [[1, 0], [0, 1], [0, 1]];
    const mk = () => {
      const m = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 1 });
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
      return m;
    };
    const a = mk();
    const b = mk();
    await a.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, classWeight: { 0: 3, 1: 0.5 } });
    b.trainOnBatch(x, y, { sampleWeight: [3, 0.5, 0.5] });
    expect(weightsOf(a)).toEqual(weightsOf(b));
  });
});

describe('evaluate and predict', () => {
  it('predict gives the same outputs for every batch size and does not change the model', () => {
    const { x } = regressionData(13);
    const m = smallModel(12);
    const ref = m.predict(x, { batchSize: 13 }).data;
    for (const bs of [1, 3, 5, 32]) expect(Array.from(m.predict(x, { batchSize: bs }).data)).toEqual(Array.from(ref));
    expect(m.predict(x).shape).toEqual([13, 1]);
  });

  it('evaluate adds the regularization penalty (c·Σw², c·Σ|w|) to the loss, as Keras', () => {
    for (const reg of [l2(0.01), l1(0.02), l1l2({ l1: 0.01, l2: 0.03 })]) {
      const m = new Sequential([new Dense({ units: 2, inputShape: [2], kernelRegularizer: reg })], { seed: 1 });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = [[1, 2]];
      const y = [[0.5, -0.5]];
      const k = m.getWeights()[0]!.data;
      const p = m.predict(x).data;
      const mse = ((y[0]![0]! - p[0]!) ** 2 + (y[0]![1]! - p[1]!) ** 2) / 2;
      const penalty = reg.l1 * k.reduce((s, w) => s + Math.abs(w), 0) + reg.l2 * k.reduce((s, w) => s + w * w, 0);
      expectClose(m.evaluate(x, y).loss!, mse + penalty);
    }
  });

  it('evaluate in batches equals evaluate in one batch', () => {
    const { x, y } = regressionData(11);
    const m = smallModel(13);
    expectClose(m.evaluate(x, y, { batchSize: 3 }).loss!, m.evaluate(x, y, { batchSize: 11 }).loss!);
  });
});

describe('metrics', () => {
  it("'acc' is binary accuracy for one output unit (threshold 0.5)", () => {
    const m = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [1], useBias: false })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acc'] });
    m.setWeights([[[1]]]);
    // σ(2) > 0.5 → 1 (right), σ(−2) < 0.5 → 0 (wrong for y = 1), σ(−1) → 0 (right)
    expectClose(m.evaluate([[2], [-2], [-1]], [[1], [1], [0]]).acc!, 2 / 3);
  });
  it("'accuracy' is categorical for softmax outputs and sparse for sparse labels", () => {
    const mk = (loss: string) => {
      const m = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [3], useBias: false })]);
      m.compile({ optimizer: 'sgd', loss, metrics: ['accuracy'] });
      m.setWeights([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]]);
      return m;
    };
    const x = [[3, 0, 0], [0, 3, 0], [0, 0, 3], [3, 0, 0]];
    expectClose(mk('categoricalCrossentropy').evaluate(x, [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]).accuracy!, 0.5);
    expectClose(mk('sparseCategoricalCrossentropy').evaluate(x, [0, 1, 2, 0]).accuracy!, 1);
    expectClose(mk('sparseCategoricalCrossentropy').evaluate(x, [[0], [1], [1], [0]]).accuracy!, 0.75);
  });
  it("binaryAccuracy is used with binaryCrossentropy even for several outputs", () => {
    const m = new Sequential([new Dense({ units: 2, activation: 'sigmoid', inputShape: [2], useBias: false })]);
    m.compile({ optimizer: 'sgd', loss: new BinaryCrossentropy(), metrics: ['acc'] });
    m.setWeights([[[1, 0], [0, 1]]]);
    expectClose(m.evaluate([[1, -1]], [[1, 1]]).acc!, 0.5);
  });
});

describe('weights and structure', () => {
  it('getWeights returns copies in kernel, bias order; setWeights takes nested arrays', () => {
    const m = smallModel(14);
    const w = m.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[3, 4], [4], [4, 1], [1]]);
    w[0]!.data[0] = 123;
    expect(m.getWeights()[0]!.data[0]).not.toBe(123);
    m.setWeights(w.map((t) => t.toArray() as number[]));
    expect(m.getWeights()[0]!.data[0]).toBe(123);
  });
  it('a model without inputShape builds on the first data it sees', () => {
    const m = new Sequential([new Dense({ units: 2 }), new Dense({ units: 1 })], { seed: 1 });
    expect(m.built).toBe(false);
    expect(m.predict([[1, 2, 3]]).shape).toEqual([1, 1]);
    expect(m.countParams()).toBe(3 * 2 + 2 + 2 + 1);
  });
  it('names layers as Keras does and lists them in summary()', () => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] }), new Dropout({ rate: 0.1 }), new Dense({ units: 1 })]);
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dense_1']);
    const printed: string[] = [];
    const s = m.summary({ printFn: (t) => printed.push(t) });
    expect(printed).toEqual([s]);
    expect(s).toContain('dense_1 (Dense)');
    expect(s).toContain('(None, 2)');
    expect(s).toContain('Total params: 9');
  });
  it('summary() prints with console.log by default, as Keras prints, and returns the same table', () => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] })]);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const s = m.summary();
      expect(log.mock.calls).toEqual([[s]]);
    } finally {
      log.mockRestore();
    }
    expect(() => m.summary({ printFn: 'yes' as never })).toThrow(/printFn must be a function/);
    expect(() => m.summary({ print_fn: () => {} } as never)).toThrow(/print_fn/);
  });
  it('evaluate takes verbose as Keras: 0 prints nothing, 1 and 2 one line with steps and logs', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = [[1], [2], [3], [4], [5]];
    const y = [[1], [1], [1], [1], [1]];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(m.evaluate(x, y, { verbose: 0 })).toEqual({ loss: 1, mae: 1 });
      expect(write).not.toHaveBeenCalled();
      for (const verbose of [1, 2] as const) {
        write.mockClear();
        expect(m.evaluate(x, y, { verbose, batchSize: 2 })).toEqual({ loss: 1, mae: 1 });
        // 5 samples in batches of 2: 3 steps; zero kernel and bias, so every error is exactly 1.
        expect(write.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/^3\/3 - \d+m?s \d+[mu]?s\/step - loss: 1\.0000 - mae: 1\.0000\n$/)]);
      }
    } finally {
      write.mockRestore();
    }
    expect(() => m.evaluate(x, y, { verbose: 3 as never })).toThrow(/evaluate\(\): verbose must be 0, 1 or 2/);
  });
  it('glorotUniform draws within ±√(6/(fanIn + fanOut)); biases start at zero', () => {
    const m = new Sequential([new Dense({ units: 50, inputShape: [100] })], { seed: 1 });
    const [k, b] = m.getWeights();
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...Array.from(k!.data).map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(k!.data).map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(Array.from(b!.data).every((v) => v === 0)).toBe(true);
  });
  it('initializers by name and with options', () => {
    for (const [init, check] of [
      ['zeros', (d: Float64Array) => d.every((v) => v === 0)],
      ['ones', (d: Float64Array) => d.every((v) => v === 1)],
      [{ name: 'constant', value: 0.5 }, (d: Float64Array) => d.every((v) => v === 0.5)],
      [{ name: 'randomUniform', minval: 2, maxval: 3 }, (d: Float64Array) => d.every((v) => v >= 2 && v < 3)],
      ['heNormal', (d: Float64Array) => d.every((v) => Math.abs(v) <= 2 * Math.sqrt(2 / 40) / 0.8796256610342398 + 1e-12)],
      ['lecunNormal', (d: Float64Array) => d.some((v) => v !== 0)],
      ['glorotNormal', (d: Float64Array) => d.some((v) => v !== 0)],
      ['heUniform', (d: Float64Array) => d.every((v) => Math.abs(v) <= Math.sqrt(6 / 40))],
      [{ name: 'randomNormal', mean: 5, stddev: 0.01 }, (d: Float64Array) => d.every((v) => Math.abs(v - 5) < 0.1)],
    ] as const) {
      const m = new Sequential([new Dense({ units: 30, inputShape: [40], kernelInitializer: init as never })], { seed: 2 });
      expect((check as (d: Float64Array) => boolean)(m.getWeights()[0]!.data), JSON.stringify(init)).toBe(true);
    }
  });
});

describe('layers', () => {
  const run = (layer: import('../../src/index.js').Layer, x: number[][]) => {
    const m = new Sequential([layer]);
    return Array.from(m.predict(x).data);
  };
  it('PReLU starts with α = 0.25 per feature and learns it', () => {
    expect(run(new PReLU({ inputShape: [2] }), [[-2, 3]])).toEqual([-0.5, 3]);
    const m = new Sequential([new PReLU({ inputShape: [1] })]);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    m.trainOnBatch([[-1]], [[-1]]); // ŷ = −0.25, dL/dα = −2(−1 + 0.25)·(−1) = −1.5 → α = 0.4
    expectClose(m.getWeights()[0]!.data, [0.4]);
  });
  it('LeakyReLU (layer default α = 0.3, as Keras) and ELU', () => {
    expect(run(new LeakyReLU({ inputShape: [2] }), [[-2, 3]])).toEqual([-0.6, 3]);
    expect(run(new LeakyReLU({ alpha: 0.1, inputShape: [1] }), [[-2]])).toEqual([-0.2]);
    expectClose(run(new ELU({ inputShape: [2] }), [[-1, 2]]), [Math.expm1(-1), 2]);
    expectClose(run(new ELU({ alpha: 2, inputShape: [1] }), [[-1]]), [2 * Math.expm1(-1)]);
  });
  it('Activation layer and the fused softmax gradient give the same training as a Dense softmax', () => {
    const x = [[0.2, -0.4], [1, 0.3]];
    const y = [[0, 1, 0], [1, 0, 0]];
    const a = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 4 });
    const b = new Sequential([new Dense({ units: 3, inputShape: [2] }), new Activation({ activation: 'softmax' })], { seed: 4 });
    for (const m of [a, b]) m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categoricalCrossentropy' });
    for (let k = 0; k < 3; k++) expectClose(a.trainOnBatch(x, y).loss!, b.trainOnBatch(x, y).loss!);
    weightsOf(a).forEach((w, i) => expectClose(w, weightsOf(b)[i]!));
  });
  it('Dropout is inverted (kept values scaled by 1/(1 − rate)) during training and off in predict', () => {
    const m = new Sequential([new Dropout({ rate: 0.5, seed: 1, inputShape: [1000] })]);
    const x = [new Array(1000).fill(1)];
    expect(Array.from(m.predict(x).data).every((v) => v === 1)).toBe(true);
    const y = m.layers[0]!.forward(tensor(x), true).data;
    expect(Array.from(y).every((v) => v === 0 || v === 2)).toBe(true);
    const mean = y.reduce((s, v) => s + v, 0) / 1000;
    expect(Math.abs(mean - 1)).toBeLessThan(0.1);
  });
  it('Flatten reshapes [B, 2, 3] to [B, 6]', () => {
    const x = randomUniform([2, 2, 3], 0, 1, { seed: 1 });
    expect(Array.from(new Sequential([new Flatten({ inputShape: [2, 3] })]).predict(x).data)).toEqual(Array.from(x.data));
  });
});
