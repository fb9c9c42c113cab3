/**
 * Every convolution-family layer together — Conv2D, Conv1D, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D, BatchNormalization, Reshape,
 * ZeroPadding2D, Flatten — in two trained models, through both saving formats: numnet's native
 * format (bit-identical predictions, training resumes identically) and the TF.js layers format
 * against the real @tensorflow/tfjs (pure-JS CPU backend) both ways: numnet → tf.loadLayersModel,
 * and the same architecture built and trained by tfjs-layers → numnet (in-memory IOHandlers), with
 * predictions equal to float32 precision. Both sides train first, so BatchNormalization's moving
 * statistics are far from their initial zeros and ones.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  Adam, AveragePooling2D, BatchNormalization, Conv1D, Conv2D, Dense, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  Random, Reshape, Sequential, ZeroPadding2D, fromTFJS, tensor, toTFJS,
} from '../../src/index.js';
import type { Tensor, TFJSArtifacts } from '../../src/index.js';
import { expectFloat32Close, tfjsArtifacts, useTfjsCpu } from '../helpers/tfjs.js';

useTfjsCpu();

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float64Array.from(a).buffer));
const weightBits = (m: Sequential) => m.getWeights().map((w) => bits(w.data));
const weightsOf = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));
/** tfjs weights layer by layer (tfjs's model.getWeights() puts every trainable weight first). */
const tfWeightsOf = (m: tf.LayersModel) => m.layers.flatMap((l) => l.getWeights()).map((w) => Array.from(w.dataSync()));


const INPUT = [8, 8, 1];

/** n images [8, 8, 1], uniform in [−1, 1) from `seed`. */
function images(n: number, seed: number): Tensor {
  const rng = new Random(seed);
  return tensor(Array.from({ length: n * 64 }, () => rng.uniform(-1, 1)), [n, ...INPUT]);
}
/** One-hot targets of 3 classes. */
const targets = (n: number) => Array.from({ length: n }, (_v, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
const toTf = (x: Tensor) => tf.tensor(Array.from(x.data), x.shape as number[]);

interface Architecture {
  numnet: () => Sequential;
  tfjs: () => tf.Sequential;
  classes: string[];
  shapes: number[][];
}

/** The two architectures; between them every layer of the family, each with non-default options. */
const ARCHITECTURES: Record<string, Architecture> = {
  'ZeroPadding2D → Conv2D → BN → MaxPooling2D → AveragePooling2D same → Reshape → Conv1D → MaxPooling1D → Reshape → GlobalAveragePooling2D → Dense': {
    numnet: () => new Sequential(
      [
        new ZeroPadding2D({ padding: 1, inputShape: INPUT }),
        new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }),
        new BatchNormalization({ momentum: 0.7, epsilon: 0.01 }),
        new MaxPooling2D({ poolSize: 2 }),
        new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
        new Reshape({ targetShape: [16, 4] }),
        new Conv1D({ filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh' }),
        new MaxPooling1D({ poolSize: 2 }),
        new Reshape({ targetShape: [2, 4, 6] }),
        new GlobalAveragePooling2D(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 17, name: 'all_gap' },
    ),
    tfjs: () => {
      const m = tf.sequential({ name: 'tf_all_gap' });
      m.add(tf.layers.zeroPadding2d({ padding: 1, inputShape: INPUT }));
      m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }));
      m.add(tf.layers.batchNormalization({ momentum: 0.7, epsilon: 0.01 }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
      m.add(tf.layers.reshape({ targetShape: [16, 4] }));
      m.add(tf.layers.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh' }));
      m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
      m.add(tf.layers.reshape({ targetShape: [2, 4, 6] }));
      m.add(tf.layers.globalAveragePooling2d({}));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      return m;
    },
    classes: ['ZeroPadding2D', 'Conv2D', 'BatchNormalization', 'MaxPooling2D', 'AveragePooling2D', 'Reshape', 'Conv1D', 'MaxPooling1D', 'Reshape', 'GlobalAveragePooling2D', 'Dense'],
    shapes: [[10, 10, 1], [8, 8, 4], [8, 8, 4], [4, 4, 4], [4, 4, 4], [16, 4], [16, 6], [8, 6], [2, 4, 6], [6], [3]],
  },
  'ZeroPadding2D asymmetric → Conv2D strided same → BN → AveragePooling2D → MaxPooling2D same → Flatten → Reshape → Conv1D → MaxPooling1D same → Reshape → Conv2D → GlobalMaxPooling2D → Dense': {
    numnet: () => new Sequential(
      [
        new ZeroPadding2D({ padding: [[1, 0], [2, 1]], inputShape: INPUT }),
        new Conv2D({ filters: 3, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'relu' }),
        new BatchNormalization({ momentum: 0.5 }),
        new AveragePooling2D({ poolSize: [2, 1] }),
        new MaxPooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
        new Flatten(),
        new Reshape({ targetShape: [12, 6] }),
        new Conv1D({ filters: 4, kernelSize: 2, strides: 2, dilationRate: 1 }),
        new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
        new Reshape({ targetShape: [3, 1, 4] }),
        new Conv2D({ filters: 5, kernelSize: [2, 1], activation: 'tanh' }),
        new GlobalMaxPooling2D(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 23, name: 'all_gmp' },
    ),
    tfjs: () => {
      const m = tf.sequential({ name: 'tf_all_gmp' });
      m.add(tf.layers.zeroPadding2d({ padding: [[1, 0], [2, 1]], inputShape: INPUT }));
      m.add(tf.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'relu' }));
      m.add(tf.layers.batchNormalization({ momentum: 0.5 }));
      m.add(tf.layers.averagePooling2d({ poolSize: [2, 1] }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.reshape({ targetShape: [12, 6] }));
      m.add(tf.layers.conv1d({ filters: 4, kernelSize: 2, strides: 2 }));
      m.add(tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }));
      m.add(tf.layers.reshape({ targetShape: [3, 1, 4] }));
      m.add(tf.layers.conv2d({ filters: 5, kernelSize: [2, 1], activation: 'tanh' }));
      m.add(tf.layers.globalMaxPooling2d({}));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      return m;
    },
    classes: ['ZeroPadding2D', 'Conv2D', 'BatchNormalization', 'AveragePooling2D', 'MaxPooling2D', 'Flatten', 'Reshape', 'Conv1D', 'MaxPooling1D', 'Reshape', 'Conv2D', 'GlobalMaxPooling2D', 'Dense'],
    shapes: [[9, 11, 1], [9, 6, 3], [9, 6, 3], [4, 6, 3], [4, 6, 3], [72], [12, 6], [6, 4], [3, 4], [3, 1, 4], [2, 1, 5], [5], [3]],
  },
};
const NAMES = Object.keys(ARCHITECTURES);

function compiled(name: string): Sequential {
  const m = ARCHITECTURES[name]!.numnet();
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
  return m;
}

/** The BatchNormalization weights [gamma, beta, movingMean, movingVariance] of a numnet model. */
function bnWeights(m: Sequential): number[][] {
  const i = m.layers.findIndex((l) => l instanceof BatchNormalization);
  const before = m.layers.slice(0, i).reduce((n, l) => n + l.params.length, 0);
  return weightsOf(m).slice(before, before + 4);
}
/** The moving statistics moved away from their initial zeros and ones. */
function expectMovedStatistics([, , mean, variance]: number[][]) {
  expect(mean!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  expect(variance!.some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
}

/** Loads numnet's artifacts into tfjs. */
const tfjsLoad = (artifacts: TFJSArtifacts) => tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));

describe('together the two architectures hold every convolution-family layer', () => {
  it('every class appears, and numnet and tfjs-layers infer the same shapes', () => {
    const all = new Set(NAMES.flatMap((n) => ARCHITECTURES[n]!.classes));
    for (const c of ['Conv2D', 'Conv1D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'MaxPooling1D', 'BatchNormalization', 'Reshape', 'ZeroPadding2D', 'Flatten']) {
      expect(all.has(c), c).toBe(true);
    }
    for (const name of NAMES) {
      const { numnet, tfjs, classes, shapes } = ARCHITECTURES[name]!;
      const m = numnet();
      const tm = tfjs();
      expect(m.layers.map((l) => l.className)).toEqual(classes);
      expect(tm.layers.map((l) => l.getClassName())).toEqual(classes);
      expect(m.layers.map((l) => l.outputShape)).toEqual(shapes);
      expect(tm.layers.map((l) => (l.outputShape as number[]).slice(1))).toEqual(shapes);
      expect(m.getWeights().map((w) => w.shape)).toEqual(tm.layers.flatMap((l) => l.getWeights()).map((w) => w.shape));
      tm.dispose();
    }
  });
});

describe('native format: save, load, predict bit-identically, train on identically', () => {
  it.each(NAMES)('%s', async (name) => {
    const x = images(12, 5);
    const y = targets(12);
    const m = compiled(name);
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    expectMovedStatistics(bnWeights(m));
    const loaded = Sequential.fromJSON(JSON.stringify(m));
    expect(loaded.layers.map((l) => [l.className, l.getConfig()])).toEqual(m.layers.map((l) => [l.className, l.getConfig()]));
    expect(weightBits(loaded)).toEqual(weightBits(m));
    const probe = images(7, 99);
    expect(bits(loaded.predict(probe).data)).toEqual(bits(m.predict(probe).data));
    // Training resumed after the save equals training on without one, and equals 4 epochs straight.
    await m.fit(x, y, { epochs: 4, batchSize: 4, initialEpoch: 2 });
    await loaded.fit(x, y, { epochs: 4, batchSize: 4, initialEpoch: 2 });
    expect(weightBits(loaded)).toEqual(weightBits(m));
    const straight = compiled(name);
    await straight.fit(x, y, { epochs: 4, batchSize: 4 });
    expect(weightBits(loaded)).toEqual(weightBits(straight));
    expect(bits(loaded.predict(probe).data)).toEqual(bits(straight.predict(probe).data));
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(m));
  });
});

describe('numnet → TF.js: a trained numnet model loads into tf.loadLayersModel and predicts the same', () => {
  it.each(NAMES)('%s', async (name) => {
    const m = compiled(name);
    await m.fit(images(12, 6), targets(12), { epochs: 3, batchSize: 4 });
    expectMovedStatistics(bnWeights(m));
    const artifacts = toTFJS(m);
    expect(artifacts.modelTopology.config.layers.map((l) => l.class_name)).toEqual(ARCHITECTURES[name]!.classes);
    const tm = await tfjsLoad(artifacts);
    expect(tm.layers.map((l) => l.getClassName())).toEqual(ARCHITECTURES[name]!.classes);
    expect(tm.layers.map((l) => (l.outputShape as number[]).slice(1))).toEqual(ARCHITECTURES[name]!.shapes);
    // tfjs holds numnet's weights rounded to float32, moving statistics included.
    expect(tfWeightsOf(tm)).toEqual(weightsOf(m).map((w) => Array.from(Float32Array.from(w))));
    const probe = images(9, 31);
    const out = tm.predict(toTf(probe)) as tf.Tensor;
    expect(out.shape).toEqual([9, 3]);
    expectFloat32Close(out.dataSync(), m.predict(probe).data);
    // And within numnet the export reads back as the same model.
    const back = fromTFJS(artifacts);
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    expectFloat32Close(back.predict(probe).data, m.predict(probe).data);
    tm.dispose();
  });
});

describe('TF.js → numnet: the same architecture built and trained by tfjs-layers imports and predicts the same', () => {
  it.each(NAMES)('%s', async (name) => {
    const tm = ARCHITECTURES[name]!.tfjs();
    tm.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const x = images(12, 8);
    await tm.fit(toTf(x), tf.tensor(targets(12)), { epochs: 3, batchSize: 4, verbose: 0, shuffle: false });
    const tfWeights = tfWeightsOf(tm);
    const probe = images(9, 41);
    const expected = (tm.predict(toTf(probe)) as tf.Tensor).dataSync();
    const m = fromTFJS(await tfjsArtifacts(tm));
    expect(m.layers.map((l) => l.className)).toEqual(ARCHITECTURES[name]!.classes);
    expect(m.layers.map((l) => l.outputShape)).toEqual(ARCHITECTURES[name]!.shapes);
    expect(weightsOf(m)).toEqual(tfWeights);
    expectMovedStatistics(bnWeights(m));
    const bn = m.layers.find((l) => l instanceof BatchNormalization) as BatchNormalization;
    const tfBn = tm.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getConfig();
    expect([bn.momentum, bn.epsilon]).toEqual([tfBn.momentum, tfBn.epsilon]);
    expectFloat32Close(m.predict(probe).data, expected);
    // Full circle: numnet's export of the import loads back into tfjs with the same predictions.
    const again = await tfjsLoad(toTFJS(m));
    expectFloat32Close((again.predict(toTf(probe)) as tf.Tensor).dataSync(), expected);
    // The import trains on in numnet and survives a native save/load bit-identically.
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await m.fit(x, targets(12), { epochs: 1, batchSize: 4 });
    expect(weightsOf(m)).not.toEqual(tfWeights);
    const reloaded = Sequential.fromJSON(JSON.stringify(m));
    expect(bits(reloaded.predict(probe).data)).toEqual(bits(m.predict(probe).data));
    again.dispose();
    tm.dispose();
  });
});
