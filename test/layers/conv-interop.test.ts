/**
 * Conv2D, Conv1D, ZeroPadding2D and Reshape through both formats: the native format loses nothing
 * (predict bit-identical, training resumes identically), and the TF.js layers format against the
 * real @tensorflow/tfjs 4.22 (pure-JS CPU backend) both ways — numnet → tf.loadLayersModel, and a
 * model built and saved by tfjs-layers → numnet — with predictions equal to float32 precision.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  Adam, Conv1D, Conv2D, Dense, Flatten, LeakyReLU, Random, Reshape, Sequential, ZeroPadding2D, constant, fromTFJS, l1l2, l2, tensor, toTFJS,
} from '../../src/index.js';
import type { Tensor, TFJSArtifacts } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { expectFloat32Close, tfjsArtifacts, useTfjsCpu } from '../helpers/tfjs.js';

useTfjsCpu();

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float64Array.from(a).buffer));
const weightBits = (m: Sequential) => m.getWeights().map((w) => bits(w.data));


/** n samples of `shape`, uniform in [−1, 1) from `seed`. */
function batch(n: number, shape: number[], seed: number): Tensor {
  const rng = new Random(seed);
  const size = shape.reduce((p, k) => p * k, 1);
  return tensor(Array.from({ length: n * size }, () => rng.uniform(-1, 1)), [n, ...shape]);
}

/** Every new layer with its options: images padded, convolved, reshaped to a sequence, convolved in 1-D. */
function makeModel(): Sequential {
  const m = new Sequential(
    [
      new ZeroPadding2D({ padding: [[1, 0], [2, 1]], inputShape: [7, 6, 2] }),
      new Conv2D({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heUniform', biasInitializer: constant(0.1), kernelRegularizer: l1l2({ l1: 1e-3, l2: 1e-2 }) }),
      new Conv2D({ filters: 3, kernelSize: 2, dilationRate: [1, 2], activation: 'leakyRelu', biasRegularizer: l2(0.01) }),
      new ZeroPadding2D({ padding: 1 }),
      new Reshape({ targetShape: [-1, 3] }),
      new Conv1D({ filters: 5, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'tanh', kernelInitializer: 'glorotNormal' }),
      new Conv1D({ filters: 2, kernelSize: [2], strides: 2, useBias: false }),
      new Flatten(),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 21, name: 'conv_layers' },
  );
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
  return m;
}

function data(n: number) {
  const x = batch(n, [7, 6, 2], 5);
  const y = Array.from({ length: n }, (_v, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  return { x, y };
}

describe('native format: Conv2D, Conv1D, ZeroPadding2D, Reshape lose nothing', () => {
  it('configs, bit-identical predictions, and training resumed after a save equals training straight through', async () => {
    const { x, y } = data(12);
    const m = makeModel();
    expect(m.layers.map((l) => l.outputShape)).toEqual([[8, 9, 2], [4, 5, 4], [3, 3, 3], [5, 5, 3], [25, 3], [25, 5], [12, 2], [24], [3]]);
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    const loaded = Sequential.fromJSON(JSON.stringify(m));
    expect(loaded.layers.map((l) => [l.className, l.getConfig()])).toEqual(m.layers.map((l) => [l.className, l.getConfig()]));
    expect(bits(loaded.predict(x).data)).toEqual(bits(m.predict(x).data));
    expect(weightBits(loaded)).toEqual(weightBits(m));
    await m.fit(x, y, { epochs: 4, batchSize: 4, initialEpoch: 2 });
    await loaded.fit(x, y, { epochs: 4, batchSize: 4, initialEpoch: 2 });
    expect(weightBits(loaded)).toEqual(weightBits(m));
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(m));
  });

  it('a custom initializer or activation cannot be saved (INVALID_ARGUMENT naming the layer)', () => {
    const m = new Sequential([new Conv2D({ filters: 1, kernelSize: 1, inputShape: [2, 2, 1], kernelInitializer: { config: { name: 'mine' }, init: (n: number) => new Float64Array(n) } })]);
    expect(codeOf(() => m.toJSON())).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => m.toJSON())).toMatch(/layer conv2d: kernelInitializer is a custom initializer/);
  });
});

/** Loads numnet's artifacts into tfjs and predicts x. */
async function tfjsPredict(artifacts: TFJSArtifacts, x: Tensor): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  const out = model.predict(tf.tensor(Array.from(x.data), x.shape as number[])) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  model.dispose();
  return values;
}

describe('numnet → TF.js: tf.loadLayersModel predicts the same to float32 precision', () => {
  it('every new layer, with Keras class names and snake_case configs', async () => {
    const m = makeModel();
    const { x, y } = data(6);
    await m.fit(x, y, { epochs: 1, batchSize: 3 }); // trained-looking weights
    const artifacts = toTFJS(m);
    const layers = artifacts.modelTopology.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(['ZeroPadding2D', 'Conv2D', 'Conv2D', 'LeakyReLU', 'ZeroPadding2D', 'Reshape', 'Conv1D', 'Conv1D', 'Flatten', 'Dense']);
    expect(layers[0]!.config).toMatchObject({ padding: [[1, 0], [2, 1]], data_format: 'channels_last', batch_input_shape: [null, 7, 6, 2] });
    expect(layers[1]!.config).toMatchObject({
      filters: 4, kernel_size: [3, 2], strides: [2, 2], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true,
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 1e-3, l2: 1e-2 } },
    });
    expect(layers[2]!.config).toMatchObject({ activation: 'linear', dilation_rate: [1, 2] });
    // Reshape's −1 is written resolved: tfjs-layers infers it only at run time, too late for the layers after it.
    expect(layers[5]!.config).toMatchObject({ target_shape: [25, 3] });
    expect(layers[6]!.config).toMatchObject({ filters: 5, kernel_size: [3], strides: [1], dilation_rate: [2], padding: 'same' });
    expect(layers[6]!.config).not.toHaveProperty('data_format');
    expect(artifacts.weightSpecs.map((w) => [w.name, w.shape])).toEqual([
      ['conv2d/kernel', [3, 2, 2, 4]], ['conv2d/bias', [4]], ['conv2d_1/kernel', [2, 2, 4, 3]], ['conv2d_1/bias', [3]],
      ['conv1d/kernel', [3, 3, 5]], ['conv1d/bias', [5]], ['conv1d_1/kernel', [2, 5, 2]], ['dense/kernel', [24, 3]], ['dense/bias', [3]],
    ]);
    const xs = batch(9, [7, 6, 2], 31);
    expectFloat32Close(await tfjsPredict(artifacts, xs), m.predict(xs).data);
    // And back: the export reads as the same model (float32 weights).
    const back = fromTFJS(artifacts);
    expect(back.layers.map((l) => l.className)).toEqual(['ZeroPadding2D', 'Conv2D', 'Conv2D', 'LeakyReLU', 'ZeroPadding2D', 'Reshape', 'Conv1D', 'Conv1D', 'Flatten', 'Dense']);
    expectFloat32Close(back.predict(xs).data, m.predict(xs).data);
  });

  it('valid padding, strides larger than the kernel, 1×1 kernels, no bias', async () => {
    const m = new Sequential(
      [
        new Conv2D({ filters: 3, kernelSize: 2, strides: 3, inputShape: [8, 7, 3] }),
        new Conv2D({ filters: 2, kernelSize: 1, useBias: false, activation: 'sigmoid' }),
        new Reshape({ targetShape: [3, 4] }),
        new Conv1D({ filters: 2, kernelSize: 2, activation: 'elu' }),
      ],
      { seed: 4 },
    );
    const xs = batch(5, [8, 7, 3], 8);
    expectFloat32Close(await tfjsPredict(toTFJS(m), xs), m.predict(xs).data);
  });
});

describe('TF.js → numnet: a model built and saved by tfjs-layers imports and predicts the same', () => {
  function tfjsModel(): tf.Sequential {
    const m = tf.sequential({ name: 'tfjs_conv' });
    m.add(tf.layers.zeroPadding2d({ padding: [[2, 1], [0, 1]], inputShape: [6, 5, 2] }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: [2, 1], dilationRate: [2, 1], kernelInitializer: 'heNormal', biasInitializer: 'ones' }));
    m.add(tf.layers.zeroPadding2d({ padding: 1 }));
    m.add(tf.layers.reshape({ targetShape: [25, 3] }));
    m.add(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }));
    m.add(tf.layers.conv1d({ filters: 2, kernelSize: 2, strides: 2, useBias: false }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    m.setWeights(m.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', 200 + i)));
    return m;
  }

  it('in memory (tf.io.withSaveHandler artifacts), weights exactly the float32 values, predictions to float32 precision', async () => {
    const tm = tfjsModel();
    const xs = batch(7, [6, 5, 2], 3);
    const expected = (tm.predict(tf.tensor(Array.from(xs.data), [7, 6, 5, 2])) as tf.Tensor).dataSync();
    const m = fromTFJS(await tfjsArtifacts(tm));
    expect(m.layers.map((l) => l.className)).toEqual(['ZeroPadding2D', 'Conv2D', 'Conv2D', 'ZeroPadding2D', 'Reshape', 'Conv1D', 'Conv1D', 'Flatten', 'Dense']);
    expect(m.layers.map((l) => l.outputShape)).toEqual(tm.layers.map((l) => (l.outputShape as number[]).slice(1)));
    const [pad, conv, conv2] = m.layers as [ZeroPadding2D, Conv2D, Conv2D];
    expect(pad.padding).toEqual([[2, 1], [0, 1]]);
    expect([conv.strides, conv.padding, conv.activation.name, conv.kernelRegularizer!.getConfig()]).toEqual([[2, 2], 'same', 'relu', { l1: 0, l2: 0.01 }]);
    expect([conv2.kernelSize, conv2.dilationRate, conv2.kernelInitializer.config.name, conv2.biasInitializer.config.name]).toEqual([[2, 1], [2, 1], 'heNormal', 'ones']);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(tm.getWeights().map((w) => Array.from(w.dataSync())));
    expectFloat32Close(m.predict(xs).data, expected);
    // A Keras file may hold target_shape with −1 (tfjs-layers could not build the layers after it): numnet reads it.
    const a = await tfjsArtifacts(tm);
    const topology = JSON.parse(JSON.stringify(a.modelTopology)) as { config: { layers: { config: Record<string, unknown> }[] } };
    topology.config.layers[4]!.config.target_shape = [-1, 3];
    const inferred = fromTFJS({ ...a, modelTopology: topology });
    expect((inferred.layers[4] as Reshape).targetShape).toEqual([-1, 3]);
    expect(bits(inferred.predict(xs).data)).toEqual(bits(m.predict(xs).data));
    tm.dispose();
  });

  it('what numnet cannot read is INVALID_FORMAT naming the field: channels_first, causal padding, groups', async () => {
    const artifacts = await tfjsArtifacts(tfjsModel());
    const edit = (i: number, patch: Record<string, unknown>) => {
      const a = JSON.parse(JSON.stringify({ ...artifacts, weightData: undefined })) as { modelTopology: { config: { layers: { config: Record<string, unknown> }[] } } };
      Object.assign(a.modelTopology.config.layers[i]!.config, patch);
      return { ...a, weightData: artifacts.weightData, weightSpecs: artifacts.weightSpecs } as never;
    };
    for (const [i, patch, message] of [
      [1, { data_format: 'channels_first' }, /layers\[1\]\.config\.data_format: is "channels_first"; numnet reads channels_last/],
      [0, { data_format: 'channels_first' }, /layers\[0\]\.config\.data_format/],
      [5, { padding: 'causal' }, /layers\[5\]\.config\.padding: is "causal"; numnet reads 'valid' and 'same' \(no causal padding\)/],
      [2, { groups: 2 }, /layers\[2\]\.config\.groups: is 2; numnet has no grouped convolutions/],
      [2, { kernel_size: [2, 0] }, /layers\[2\]\.config\.kernel_size: must be an integer ≥ 1 or an array of 2 of them/],
      [4, { target_shape: [-1, -1] }, /layers\[4\]\.config\.target_shape/],
      [3, { padding: [[1, 1]] }, /layers\[3\]\.config\.padding/],
    ] as [number, Record<string, unknown>, RegExp][]) {
      expect(codeOf(() => fromTFJS(edit(i, patch))), JSON.stringify(patch)).toBe('INVALID_FORMAT');
      expect(messageOf(() => fromTFJS(edit(i, patch)))).toMatch(message);
    }
  });

  it('a leakyRelu Conv2D is exported as Conv2D + LeakyReLU and comes back as two layers with the same predictions', async () => {
    const m = new Sequential([new Conv2D({ filters: 2, kernelSize: 2, activation: 'leakyRelu', inputShape: [3, 3, 1] })], { seed: 1 });
    const back = fromTFJS(toTFJS(m));
    expect(back.layers.map((l) => l.className)).toEqual(['Conv2D', 'LeakyReLU']);
    expect((back.layers[1] as LeakyReLU).alpha).toBe(0.01);
    const xs = batch(3, [3, 3, 1], 2);
    expectFloat32Close(back.predict(xs).data, m.predict(xs).data);
  });
});
