/**
 * Hostile and careless callers (the adversarial audit of 0.5.0): each class of defect with several
 * variants — sizes checked before allocation, no flag left set by a rejected fit, user-chosen keys
 * ("__proto__", "constructor", …) read as own keys only, tensors whose data cannot be swapped,
 * safe-integer batch sizes, and an exploding learning rate that is a NON_FINITE_LOSS.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  Dense, Dropout, EarlyStopping, ReduceLROnPlateau, Sequential, SGD, Tensor, TerminateOnNaN, tensor, type Metric,
} from '../../src/index.js';
import { ModelCheckpoint } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'numnet-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = (lr = 0.1) => {
  const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
  m.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'mse' });
  return m;
};

describe('sizes are checked before the allocation they guard', () => {
  it.each([
    ['Uint8Array', () => new Uint8Array(2 ** 28 + 1)],
    ['Int8Array', () => new Int8Array(2 ** 28 + 7)],
    ['Uint8ClampedArray', () => new Uint8ClampedArray(2 ** 28 + 100)],
  ])('tensor(%s over the 2^28 limit) is refused without allocating its float64 copy', (_what, make) => {
    const big = make();
    const before = process.memoryUsage().arrayBuffers;
    const t0 = Date.now();
    expect(() => tensor(big)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // A float64 copy would be 2 GiB and take seconds to fill.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('a rejected fit leaves no flag set', () => {
  const hostile: [string, () => object][] = [
    ['a hook getter that throws', () => ({ get onEpochEnd() { throw new Error('getter'); } })],
    ['a batch hook getter that throws', () => ({ get onBatchEnd() { throw new Error('getter'); } })],
    ['a Proxy whose get trap throws', () => new Proxy({}, { get() { throw new Error('trap'); } })],
    ['a Proxy whose has trap throws', () => new Proxy({}, { has() { throw new Error('trap'); } })],
    ['a hook that throws at train begin', () => ({ onTrainBegin() { throw new Error('hook'); } })],
  ];
  it.each(hostile)('%s: then fit, compile and add work', async (_what, make) => {
    const m = model();
    await m.fit([[1]], [[1]], { callbacks: [make() as never] }).catch(() => undefined);
    await expect(m.fit([[1]], [[1]])).resolves.toBeDefined();
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse' })).not.toThrow();
    expect(() => m.add(new Dense({ units: 1 }))).not.toThrow();
    expect(() => m.trainOnBatch([[1]], [[1]])).not.toThrow();
  });
});

describe('user-chosen names are own keys, never members of Object.prototype', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a Dropout named %s keeps its random state through save and load', async (name) => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [1] }), new Dropout({ rate: 0.5, name }), new Dense({ units: 1 })], { seed: 3 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = [[1], [2], [3], [4]];
    const y = [[1], [2], [3], [4]];
    await m.fit(x, y, { epochs: 1 });
    const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(m)));
    const a = await m.fit(x, y, { epochs: 3 });
    const b = await copy.fit(x, y, { epochs: 3 });
    expect(b.history.loss).toEqual(a.history.loss);
  });

  it.each(['__proto__', 'constructor', 'toString'])('a metric named %s is logged and recorded as an own key', async (name) => {
    const metric: Metric = { name, perSample: (_t, _p, rows, _c, out) => out.fill(0.5, 0, rows) };
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [metric] });
    const h = await m.fit([[1], [2]], [[1], [2]], { epochs: 2, validationData: [[[3]], [[3]]] });
    expect(Object.prototype.hasOwnProperty.call(h.history, name)).toBe(true);
    expect(h.history[name]).toEqual([0.5, 0.5]);
    expect(h.history[`val_${name}`]).toEqual([0.5, 0.5]);
    expect(Object.getPrototypeOf(m.trainOnBatch([[1]], [[1]]))).toBe(Object.prototype);
  });

  it.each(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'])('monitor %s is not a logged value: EarlyStopping, ReduceLROnPlateau and ModelCheckpoint leave training alone', async (key) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const m = model();
      const reduce = new ReduceLROnPlateau({ monitor: key, patience: 0, factor: 0.5, mode: 'min' });
      const stop = new EarlyStopping({ monitor: key, patience: 0, mode: 'min' });
      const h = await m.fit([[1], [2]], [[1], [2]], { epochs: 4, callbacks: [reduce, stop, new ModelCheckpoint(join(dir, `m-${key}`), { monitor: key, saveBestOnly: true })] });
      expect(h.epoch).toEqual([0, 1, 2, 3]); // not stopped
      expect(m.optimizer!.learningRate).toBe(0.1); // not cut
      expect(readdirSync(dir).filter((f) => f === `m-${key}`)).toEqual([]); // nothing saved
    } finally {
      warn.mockRestore();
    }
  });

  it.each(['{constructor}', '{constructor:.2f}', '{toString}', '{__proto__:.3e}'])('ModelCheckpoint path %s: INVALID_ARGUMENT, no folder named after a function', async (placeholder) => {
    const m = model();
    await expect(m.fit([[1]], [[1]], { callbacks: [new ModelCheckpoint(join(dir, `ck-${placeholder}`))] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('is not in the logs'),
    });
    expect(readdirSync(dir).filter((f) => f.includes('function'))).toEqual([]);
  });
});

describe('a tensor is read as it was made', () => {
  it('data and shape cannot be swapped after construction (the elements stay writable)', () => {
    const t = new Tensor(new Float64Array([1, 2]), [1, 2]);
    expect(() => ((t as { data: Float64Array }).data = new Float64Array([10, 20, 30]))).toThrow(TypeError);
    expect(() => ((t as unknown as { shape: number[] }).shape = [3])).toThrow(TypeError);
    t.data[0] = 5;
    const m = new Sequential([new Dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
    expect(m.predict(t).data[0]).toBe(7);
  });

  it.each([0, 1])('a row (at %i) whose length changes between reads is read once or refused, never shifted', (at) => {
    let reads = 0;
    const row = new Proxy([1, 2], { get: (target, k) => (k === 'length' ? (++reads > 1 ? 1 : 2) : Reflect.get(target, k)) });
    const m = new Sequential([new Dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
    const rows = at === 0 ? [row, [3, 4]] : [[3, 4], row];
    let out: number[] | undefined;
    try {
      out = Array.from(m.predict(rows as never).data);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('SHAPE_MISMATCH');
    }
    if (out) expect(out).toEqual(at === 0 ? [3, 7] : [7, 3]);
  });
});

describe('batch sizes are safe integers', () => {
  it.each([2 ** 53, 2 ** 60, 1e300, Infinity, 0, -1, 1.5])('batchSize %s: INVALID_ARGUMENT in fit, evaluate and predict', async (batchSize) => {
    const m = model();
    await expect(m.fit([[1]], [[1]], { batchSize })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => m.evaluate([[1]], [[1]], { batchSize })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => m.predict([[1]], { batchSize })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('an exploding learning rate is a non-finite loss', () => {
  it.each([
    ['overflows to Infinity', (step: number) => (step < 1 ? 0.1 : 1e308 * 10 ** step)],
    ['becomes NaN', (step: number) => (step < 1 ? 0.1 : NaN)],
  ])('a schedule that %s: NON_FINITE_LOSS, and TerminateOnNaN stops fit cleanly', async (_what, schedule) => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
    m.compile({ optimizer: new SGD({ learningRate: schedule }), loss: 'mse' });
    await expect(m.fit([[1], [2]], [[1], [2]], { epochs: 2, batchSize: 1 })).rejects.toMatchObject({ code: 'NON_FINITE_LOSS' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const n = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
      n.compile({ optimizer: new SGD({ learningRate: schedule }), loss: 'mse' });
      const before = n.getWeights()[0]!.data[0];
      const h = await n.fit([[1], [2]], [[1], [2]], { epochs: 2, batchSize: 1, callbacks: [new TerminateOnNaN()] });
      expect(h.epoch).toEqual([0]);
      expect(n.optimizer!.iterations).toBe(1); // the first step ran; the refused one changed nothing
      expect(n.getWeights()[0]!.data[0]).not.toBe(before);
    } finally {
      log.mockRestore();
    }
  });
});

describe('a saved model cannot hold more than MAX_LAYERS layers', () => {
  it('native and TF.js files with MAX_LAYERS + 1 layers are INVALID_FORMAT before any layer is built', async () => {
    const { MAX_LAYERS, fromTFJS } = await import('../../src/index.js');
    const small = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    const native = JSON.parse(JSON.stringify(small));
    const layer = native.modelConfig.layers[0];
    native.modelConfig.layers = Array.from({ length: MAX_LAYERS + 1 }, () => layer);
    const t0 = Date.now();
    expect(() => Sequential.fromJSON(native)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT', message: expect.stringContaining(`at most ${MAX_LAYERS}`) }));
    const { toTFJS } = await import('../../src/index.js');
    const artifacts = toTFJS(small);
    const topology = artifacts.modelTopology as { config: { layers: unknown[] } };
    topology.config.layers = Array.from({ length: MAX_LAYERS + 1 }, () => topology.config.layers[0]);
    expect(() => fromTFJS(artifacts)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT', message: expect.stringContaining(`at most ${MAX_LAYERS}`) }));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('callback and plot options are plain objects of known keys', () => {
  it.each([
    ['EarlyStopping', (o: unknown) => new EarlyStopping(o as never)],
    ['ReduceLROnPlateau', (o: unknown) => new ReduceLROnPlateau(o as never)],
    ['ModelCheckpoint', (o: unknown) => new ModelCheckpoint(join(dir, 'opts'), o as never)],
  ])('%s refuses a Map, an array, a class instance and an unknown (or snake_case) key', (_name, make) => {
    for (const bad of [new Map([['patience', 1]]), [], new (class O { patience = 1; })(), { restore_best_weights: true }, { patiance: 2 }]) {
      expect(() => make(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('plots refuse options that are not plain objects', async () => {
    const { plotHistory, plotActivations } = await import('../../src/plot/index.js');
    for (const bad of [new Map(), [], new (class O {})()]) {
      expect(() => plotHistory({ history: { loss: [1, 0.5] } } as never, bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => plotActivations(['relu'], bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
