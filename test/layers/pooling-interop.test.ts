/**
 * The pooling layers through both saving formats: numnet's native format (save, load, predict
 * bit-identically, train on), the TF.js layers format both ways within numnet, the real
 * @tensorflow/tfjs 4.22 (pure-JS CPU backend) loading numnet's export and predicting the same to
 * float32 precision, and numnet importing models tfjs-layers built and saved (in-memory
 * IOHandlers, as test/io/tfjs.test.ts does).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  AveragePooling2D, Dense, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, Layer, MaxPooling1D, MaxPooling2D, Random, Sequential,
  Tensor, fromTFJS, toTFJS,
} from '../../src/index.js';
import type { TFJSArtifacts } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';
import { expectFloat32Close, tfjsArtifacts, useTfjsCpu } from '../helpers/tfjs.js';

useTfjsCpu();


/** n samples of `shape` as a flat array, uniform in [−2, 2) from a seeded generator. */
function inputs(n: number, shape: number[], seed = 7): { flat: number[]; shape: number[] } {
  const rng = new Random(seed);
  const size = n * shape.reduce((p, k) => p * k, 1);
  return { flat: Array.from({ length: size }, () => rng.uniform(-2, 2)), shape: [n, ...shape] };
}
const asTensor = (x: { flat: number[]; shape: number[] }) => tf.tensor(x.flat, x.shape);
const predictFlat = (m: Sequential, x: { flat: number[]; shape: number[] }) => m.predict(new Tensor(Float64Array.from(x.flat), x.shape)).data;

/** The models of this file: every pooling layer and option, with a Dense so there are weights. */
const MODELS: Record<string, { input: number[]; layers: () => Layer[] }> = {
  'MaxPooling2D same [3, 2]/[2, 1] → AveragePooling2D same 3/1 (border counts) → MaxPooling2D valid 2/3': {
    input: [7, 6, 2],
    layers: () => [
      new MaxPooling2D({ poolSize: [3, 2], strides: [2, 1], padding: 'same', inputShape: [7, 6, 2] }),
      new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }),
      new MaxPooling2D({ poolSize: 2, strides: 3 }),
      new Flatten(),
      new Dense({ units: 3, activation: 'tanh' }),
    ],
  },
  'AveragePooling2D valid 2 (odd size) → GlobalMaxPooling2D': {
    input: [5, 5, 3],
    layers: () => [new AveragePooling2D({ poolSize: 2, inputShape: [5, 5, 3] }), new GlobalMaxPooling2D(), new Dense({ units: 2 })],
  },
  'AveragePooling2D same [2, 3]/2 (even and odd) → GlobalAveragePooling2D': {
    input: [6, 7, 2],
    layers: () => [new AveragePooling2D({ poolSize: [2, 3], strides: 2, padding: 'same', inputShape: [6, 7, 2] }), new GlobalAveragePooling2D(), new Dense({ units: 2 })],
  },
  'MaxPooling1D same 3/2 → MaxPooling1D valid 2': {
    input: [9, 2],
    layers: () => [new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same', inputShape: [9, 2] }), new MaxPooling1D(), new Flatten(), new Dense({ units: 3 })],
  },
};

const build = (name: string) => new Sequential(MODELS[name]!.layers(), { seed: 11, name: 'pooled' });

describe('native format: save and load', () => {
  it.each(Object.keys(MODELS))('%s: same configs, predicts bit-identically', (name) => {
    const m = build(name);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const back = Sequential.fromJSON(json);
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    expect(back.layers.map((l) => l.constructor)).toEqual(m.layers.map((l) => l.constructor));
    const x = inputs(5, MODELS[name]!.input);
    expect(Array.from(predictFlat(back, x))).toEqual(Array.from(predictFlat(m, x)));
  });

  it('saves the options as written by the constructor (sizes as [h, w], 1-D sizes as numbers)', () => {
    const one = build('MaxPooling1D same 3/2 → MaxPooling1D valid 2');
    expect(one.toJSON().modelConfig.layers[0]).toEqual({ className: 'MaxPooling1D', config: { name: one.layers[0]!.name, inputShape: [9, 2], poolSize: 3, strides: 2, padding: 'same' } });
    const two = build('MaxPooling2D same [3, 2]/[2, 1] → AveragePooling2D same 3/1 (border counts) → MaxPooling2D valid 2/3');
    expect(two.toJSON().modelConfig.layers[1]!.config).toEqual({ name: two.layers[1]!.name, poolSize: [3, 3], strides: [1, 1], padding: 'same' });
    const global = build('AveragePooling2D valid 2 (odd size) → GlobalMaxPooling2D');
    expect(global.toJSON().modelConfig.layers[1]).toEqual({ className: 'GlobalMaxPooling2D', config: { name: global.layers[1]!.name } });
  });

  it('a saved config with a bad pooling option is refused when loaded', () => {
    const json = JSON.parse(JSON.stringify(build('AveragePooling2D valid 2 (odd size) → GlobalMaxPooling2D').toJSON()));
    json.modelConfig.layers[0].config.padding = 'full';
    expect(codeOf(() => Sequential.fromJSON(json))).toBe('INVALID_FORMAT');
    expect(() => Sequential.fromJSON(json)).toThrow(/padding must be 'valid' or 'same', got "full"/);
  });
});

describe('TF.js format: numnet → numnet, and numnet → tf.loadLayersModel', () => {
  it('writes the Keras class names and keys', () => {
    const a = toTFJS(build('MaxPooling2D same [3, 2]/[2, 1] → AveragePooling2D same 3/1 (border counts) → MaxPooling2D valid 2/3'));
    const layers = a.modelTopology.config.layers;
    expect(layers[0]).toEqual({
      class_name: 'MaxPooling2D',
      config: { pool_size: [3, 2], padding: 'same', strides: [2, 1], data_format: 'channels_last', name: layers[0]!.config.name, trainable: true, batch_input_shape: [null, 7, 6, 2], dtype: 'float32' },
    });
    expect(layers[1]).toEqual({ class_name: 'AveragePooling2D', config: { pool_size: [3, 3], padding: 'same', strides: [1, 1], data_format: 'channels_last', name: layers[1]!.config.name, trainable: true } });
    const g = toTFJS(build('AveragePooling2D same [2, 3]/2 (even and odd) → GlobalAveragePooling2D')).modelTopology.config.layers[1]!;
    expect(g).toEqual({ class_name: 'GlobalAveragePooling2D', config: { data_format: 'channels_last', name: g.config.name, trainable: true } });
    const p = toTFJS(build('MaxPooling1D same 3/2 → MaxPooling1D valid 2')).modelTopology.config.layers[1]!;
    expect(p).toEqual({ class_name: 'MaxPooling1D', config: { pool_size: [2], padding: 'valid', strides: [2], name: p.config.name, trainable: true } });
  });

  it.each(Object.keys(MODELS))('%s: fromTFJS(toTFJS(m)) has the same layers and predicts the same', (name) => {
    const m = build(name);
    const back = fromTFJS(toTFJS(m));
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    const x = inputs(4, MODELS[name]!.input);
    // The weights went through float32: compare to that precision.
    expectFloat32Close(predictFlat(back, x), predictFlat(m, x));
  });

  it.each(Object.keys(MODELS))('%s: tf.loadLayersModel predicts the same to float32 precision', async (name) => {
    const m = build(name);
    const artifacts: TFJSArtifacts = toTFJS(m);
    const tm = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    expect(tm.layers.map((l) => l.getClassName())).toEqual(m.layers.map((l) => l.className));
    const x = inputs(6, MODELS[name]!.input, 21);
    const expected = predictFlat(m, x);
    const out = tm.predict(asTensor(x)) as tf.Tensor;
    expect(out.shape).toEqual([6, ...m.outputShape]);
    expectFloat32Close(out.dataSync(), expected);
    tm.dispose();
  });
});

describe('TF.js → numnet: models built and saved by tfjs-layers import and predict the same', () => {
  const tfModels: Record<string, { input: number[]; make: () => tf.Sequential; classes: string[] }> = {
    '2-D pooling': {
      input: [7, 6, 2],
      make: () => {
        const m = tf.sequential({ name: 'tf_pool2d' });
        m.add(tf.layers.maxPooling2d({ inputShape: [7, 6, 2], poolSize: [3, 2], strides: [2, 1], padding: 'same' }));
        m.add(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }));
        m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
        m.add(tf.layers.averagePooling2d({ poolSize: [1, 2], strides: [1, 3] }));
        m.add(tf.layers.globalMaxPooling2d({}));
        m.add(tf.layers.dense({ units: 3 }));
        return m;
      },
      classes: ['MaxPooling2D', 'AveragePooling2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'Dense'],
    },
    'global average pooling': {
      input: [5, 4, 3],
      make: () => {
        const m = tf.sequential({ name: 'tf_gap' });
        m.add(tf.layers.globalAveragePooling2d({ inputShape: [5, 4, 3] }));
        m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
        return m;
      },
      classes: ['GlobalAveragePooling2D', 'Dense'],
    },
    '1-D pooling': {
      input: [9, 2],
      make: () => {
        const m = tf.sequential({ name: 'tf_pool1d' });
        m.add(tf.layers.maxPooling1d({ inputShape: [9, 2], poolSize: 3, strides: 2, padding: 'same' }));
        m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
        m.add(tf.layers.flatten());
        m.add(tf.layers.dense({ units: 3 }));
        return m;
      },
      classes: ['MaxPooling1D', 'MaxPooling1D', 'Flatten', 'Dense'],
    },
  };

  it.each(Object.keys(tfModels))('%s', async (name) => {
    const { input, make, classes } = tfModels[name]!;
    const tm = make();
    tm.setWeights(tm.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', 50 + i)));
    const x = inputs(5, input, 3);
    const expected = (tm.predict(asTensor(x)) as tf.Tensor).dataSync();
    const m = fromTFJS(await tfjsArtifacts(tm));
    expect(m.layers.map((l) => l.className)).toEqual(classes);
    expect(m.layers.map((l) => l.outputShape)).toEqual(tm.layers.map((l) => (l.outputShape as number[]).slice(1)));
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(tm.getWeights().map((w) => Array.from(w.dataSync())));
    expectFloat32Close(predictFlat(m, x), expected);
    tm.dispose();
  });

  it('reads the options tfjs wrote (pool sizes and strides as arrays, 1-D ones as [n])', async () => {
    const tm = tfModels['1-D pooling']!.make();
    const m = fromTFJS(await tfjsArtifacts(tm));
    expect([(m.layers[0] as MaxPooling1D).poolSize, (m.layers[0] as MaxPooling1D).strides, (m.layers[0] as MaxPooling1D).padding]).toEqual([3, 2, 'same']);
    const t2 = tfModels['2-D pooling']!.make();
    const m2 = fromTFJS(await tfjsArtifacts(t2));
    expect((m2.layers[3] as AveragePooling2D).getConfig()).toMatchObject({ poolSize: [1, 2], strides: [1, 3], padding: 'valid' });
    tm.dispose();
    t2.dispose();
  });

  it('refuses channels_first, keepdims and bad sizes with INVALID_FORMAT naming the field', () => {
    const base = toTFJS(build('AveragePooling2D valid 2 (odd size) → GlobalMaxPooling2D'));
    const edit = (f: (layers: { class_name: string; config: Record<string, unknown> }[]) => void) => {
      const a = structuredClone(base);
      f(a.modelTopology.config.layers as never);
      return () => fromTFJS(a);
    };
    const cases: [() => unknown, RegExp][] = [
      [edit((l) => (l[0]!.config.data_format = 'channels_first')), /layers\[0\]\.config\.data_format: is "channels_first"; numnet pools channels_last images only/],
      [edit((l) => (l[1]!.config.data_format = 'channels_first')), /layers\[1\]\.config\.data_format/],
      [edit((l) => (l[1]!.config.keepdims = true)), /layers\[1\]\.config\.keepdims: is true; numnet's GlobalAveragePooling2D and GlobalMaxPooling2D give \[batch, channels\] only/],
      [edit((l) => (l[0]!.config.pool_size = [0, 2])), /layers\[0\].*poolSize must be a positive integer or \[height, width\]/],
      [edit((l) => (l[0]!.config.padding = 'causal')), /layers\[0\].*padding must be 'valid' or 'same', got "causal"/],
      [edit((l) => (l[0]!.config.pool_size = [9, 9])), /poolSize \[9, 9\] is larger than its input \[5, 5, 3\]/],
    ];
    for (const [f, message] of cases) {
      expect(codeOf(f)).toBe('INVALID_FORMAT');
      expect(f).toThrow(message);
    }
    // keepdims false (Keras 3 writes it) and data_format absent are accepted.
    expect(edit((l) => {
      l[1]!.config.keepdims = false;
      delete l[0]!.config.data_format;
    })()).toBeInstanceOf(Sequential);
  });
});

describe('a loaded pooling model trains on', () => {
  it('native save mid-training, load, continue: the same weights as training straight through', async () => {
    const make = () => {
      const m = build('MaxPooling2D same [3, 2]/[2, 1] → AveragePooling2D same 3/1 (border counts) → MaxPooling2D valid 2/3');
      m.compile({ optimizer: 'adam', loss: 'mse' });
      return m;
    };
    const rng = new Random(9);
    const x = Array.from({ length: 6 }, () => Array.from({ length: 7 }, () => Array.from({ length: 6 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)])));
    const y = x.map((_s, i) => [i % 2, 0.5, -0.5]);
    const straight = make();
    await straight.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0 });
    const first = make();
    await first.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const resumed = Sequential.fromJSON(JSON.stringify(first.toJSON()));
    await resumed.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 4, verbose: 0 });
    expect(resumed.getWeights().map((w) => Array.from(w.data))).toEqual(straight.getWeights().map((w) => Array.from(w.data)));
  });
});
