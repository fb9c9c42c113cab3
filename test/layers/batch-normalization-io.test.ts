/**
 * BatchNormalization saved and loaded (specification §7, §11): the native format is lossless, the
 * moving statistics included, and training resumes bit-identically; the TF.js layers format is
 * written as tfjs-layers writes it (class BatchNormalization, snake_case keys, weights gamma, beta,
 * moving_mean, moving_variance) and the real @tensorflow/tfjs loads it and predicts the same to
 * float32 precision; a model built, trained and saved by tfjs-layers imports with its moving
 * statistics as saved.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, Flatten, Random, Sequential, constant, fromTFJS, toTFJS } from '../../src/index.js';
import type { TFJSArtifacts } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';
import { expectFloat32Close, tfjsArtifacts, useTfjsCpu } from '../helpers/tfjs.js';

useTfjsCpu();


const rows = (n: number, width: number, seed: number, lo = -2, hi = 3): number[][] => {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: width }, () => rng.uniform(lo, hi)));
};
const weightsOf = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

/** Dense → BatchNormalization → Dense, compiled with Adam (whose slots must be saved too). */
function denseBNDense(seed = 3): Sequential {
  const m = new Sequential(
    [new Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new BatchNormalization({ momentum: 0.8, epsilon: 0.01 }), new Dense({ units: 2 })],
    { seed, name: 'dense_bn' },
  );
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}
const x = rows(12, 3, 1);
const y = rows(12, 2, 2, -1, 1);

/** Images [n, 3, 3, 2]: BatchNormalization first (rank 4, axis −1 given as 3), then Flatten → Dense. */
function imageModel(): Sequential {
  const m = new Sequential([new BatchNormalization({ inputShape: [3, 3, 2], axis: 3, momentum: 0.5, name: 'bn_img' }), new Flatten(), new Dense({ units: 3 })], { seed: 8 });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
const images = rows(6, 18, 4).map((r) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => r.slice((i * 3 + j) * 2, (i * 3 + j) * 2 + 2))));
const imageTargets = rows(6, 3, 5);

describe('BatchNormalization in the native format', () => {
  it('saves every weight, moving statistics included, and optimizer slots for the trainable ones; loads bit-identically', async () => {
    const m = denseBNDense();
    await m.fit(x, y, { epochs: 3, batchSize: 4 });
    const json = m.toJSON();
    expect(json.weights.map((w) => w.name)).toEqual([
      'dense/kernel', 'dense/bias', 'batch_normalization/gamma', 'batch_normalization/beta',
      'batch_normalization/movingMean', 'batch_normalization/movingVariance', 'dense_1/kernel', 'dense_1/bias',
    ]);
    expect(json.optimizerState!.slots.length).toBe(6);
    expect(json.modelConfig.layers[1]).toEqual({
      className: 'BatchNormalization',
      config: {
        name: 'batch_normalization', axis: -1, momentum: 0.8, epsilon: 0.01, center: true, scale: true,
        gammaInitializer: { name: 'ones' }, betaInitializer: { name: 'zeros' }, movingMeanInitializer: { name: 'zeros' }, movingVarianceInitializer: { name: 'ones' },
      },
    });
    const back = Sequential.fromJSON(JSON.stringify(json));
    expect(weightsOf(back)).toEqual(weightsOf(m));
    expect(weightsOf(m)[5]).not.toEqual([1, 1, 1, 1]); // the moving variance did move
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
  });

  it('resumes training exactly: 2 epochs, save, load, 2 more equals 4 epochs straight (moving statistics included)', async () => {
    for (const make of [denseBNDense, imageModel]) {
      const [inputs, targets] = make === imageModel ? [images, imageTargets] : [x, y];
      const straight = make();
      await straight.fit(inputs, targets, { epochs: 4, batchSize: 4 });
      const first = make();
      await first.fit(inputs, targets, { epochs: 2, batchSize: 4 });
      const resumed = Sequential.fromJSON(JSON.stringify(first.toJSON()));
      await resumed.fit(inputs, targets, { epochs: 4, initialEpoch: 2, batchSize: 4 });
      expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    }
  });

  it('keeps every option: axis, momentum, epsilon, center, scale and the four initializers', () => {
    const l = new BatchNormalization({ axis: 1, momentum: 0.25, epsilon: 0.5, center: false, scale: true, gammaInitializer: constant(3), movingVarianceInitializer: { name: 'constant', value: 2 } });
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] }), l]);
    const back = Sequential.fromJSON(m.toJSON()).layers[1] as BatchNormalization;
    expect(back.getConfig()).toEqual(l.getConfig());
    expect(back.params.map((p) => p.name.split('/')[1])).toEqual(['gamma', 'movingMean', 'movingVariance']);
    expect(weightsOf(Sequential.fromJSON(m.toJSON()))).toEqual(weightsOf(m));
  });

  it('refuses a file whose weights leave out the moving statistics (INVALID_FORMAT)', () => {
    const json = JSON.parse(JSON.stringify(denseBNDense().toJSON()));
    json.weights.splice(4, 2);
    expect(codeOf(() => Sequential.fromJSON(json))).toBe('INVALID_FORMAT');
  });
});

/** Loads numnet's artifacts into tfjs and predicts x of shape [n, …shape]. */
async function tfjsPredict(artifacts: TFJSArtifacts, data: number[], shape: number[]): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  const out = model.predict(tf.tensor(data, shape)) as tf.Tensor;
  const result = out.dataSync() as Float32Array;
  model.dispose();
  return result;
}

describe('BatchNormalization in the TF.js layers format', () => {
  it('is written as tfjs-layers writes it and read back to the same float32 weights', async () => {
    const m = denseBNDense();
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    const a = toTFJS(m);
    expect(a.modelTopology.config.layers[1]).toEqual({
      class_name: 'BatchNormalization',
      config: {
        axis: -1, momentum: 0.8, epsilon: 0.01, center: true, scale: true,
        gamma_initializer: { class_name: 'Ones', config: {} }, beta_initializer: { class_name: 'Zeros', config: {} },
        moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        name: 'batch_normalization', trainable: true,
      },
    });
    expect(a.weightSpecs.map((w) => w.name).slice(2, 6)).toEqual([
      'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',
    ]);
    const back = fromTFJS(a);
    const bn = back.layers[1] as BatchNormalization;
    expect([bn.momentum, bn.epsilon, bn.center, bn.scale, bn.axis]).toEqual([0.8, 0.01, true, true, -1]);
    expect(weightsOf(back)).toEqual(weightsOf(m).map((w) => Array.from(Float32Array.from(w))));
    expectFloat32Close(back.predict(x).data, m.predict(x).data);
  });

  it('@tensorflow/tfjs loads the export of Dense → BatchNormalization → Dense and predicts the same to float32 precision', async () => {
    const m = denseBNDense();
    await m.fit(x, y, { epochs: 3, batchSize: 4 });
    const probe = rows(9, 3, 11);
    expectFloat32Close(await tfjsPredict(toTFJS(m), probe.flat(), [9, 3]), m.predict(probe).data);
  });

  it('@tensorflow/tfjs loads images through BatchNormalization (rank 4, axis 3) and center/scale false variants', async () => {
    const m = imageModel();
    await m.fit(images, imageTargets, { epochs: 2, batchSize: 3 });
    expectFloat32Close(await tfjsPredict(toTFJS(m), images.flat(3), [6, 3, 3, 2]), m.predict(images).data);
    for (const [center, scale] of [[false, true], [true, false], [false, false]] as const) {
      const v = new Sequential([new Dense({ units: 3, inputShape: [3] }), new BatchNormalization({ center, scale, movingMeanInitializer: constant(0.3), movingVarianceInitializer: constant(2) }), new Dense({ units: 2 })], { seed: 6 });
      const a = toTFJS(v);
      expect(a.weightSpecs.length).toBe(4 + 2 + Number(center) + Number(scale));
      expectFloat32Close(await tfjsPredict(a, x.flat(), [12, 3]), v.predict(x).data);
      expectFloat32Close(fromTFJS(a).predict(x).data, v.predict(x).data);
    }
  });

  it('imports a model built, trained and saved by tfjs-layers, with its moving statistics as saved', async () => {
    const tm = tf.sequential({ name: 'tfjs_bn' });
    tm.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }));
    tm.add(tf.layers.batchNormalization({ momentum: 0.7, epsilon: 0.005 }));
    tm.add(tf.layers.dense({ units: 2 }));
    tm.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await tm.fit(tf.tensor(x), tf.tensor(y), { epochs: 3, batchSize: 4, verbose: 0 }); // tfjs moves its statistics
    // Layer by layer (tfjs's model.getWeights() puts every trainable weight first).
    const tfWeights = tm.layers.flatMap((l) => l.getWeights()).map((w) => Array.from(w.dataSync()));
    expect(tfWeights[4]).not.toEqual([0, 0, 0, 0, 0]); // moving mean
    const probe = rows(7, 3, 12);
    const expected = (tm.predict(tf.tensor(probe)) as tf.Tensor).dataSync();
    const m = fromTFJS(await tfjsArtifacts(tm));
    expect(m.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Dense']);
    const bn = m.layers[1] as BatchNormalization;
    expect([bn.momentum, bn.epsilon, bn.center, bn.scale]).toEqual([0.7, 0.005, true, true]);
    expect(weightsOf(m)).toEqual(tfWeights);
    expect(m.state.map((p) => Array.from(p.value.data))).toEqual(tfWeights.slice(4, 6));
    expectFloat32Close(m.predict(probe).data, expected);
    tm.dispose();
  });

  it("reads Keras 2's axis [n] and refuses what numnet lacks (INVALID_FORMAT naming the field)", () => {
    const base = toTFJS(imageModel());
    const withConfig = (patch: Record<string, unknown>) => {
      const a = JSON.parse(JSON.stringify({ ...base, weightData: undefined })) as TFJSArtifacts;
      Object.assign(a.modelTopology.config.layers[0]!.config, patch);
      return { ...a, weightData: base.weightData };
    };
    expect((fromTFJS(withConfig({ axis: [3] })).layers[0] as BatchNormalization).axis).toBe(3);
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ axis: 1 }, /layer bn_img: .*axis 1 is not the last axis of inputs \[batch, 3, 3, 2\]/],
      [{ axis: [1, 2] }, /axis must be -1/],
      [{ trainable: false }, /trainable: is false; numnet has no frozen BatchNormalization/],
      [{ renorm: true }, /renorm: is true; numnet has no batch renormalization/],
      [{ gamma_regularizer: { class_name: 'L2', config: { l2: 0.1 } } }, /gamma_regularizer: .*numnet has no BatchNormalization gamma regularizer/],
      [{ momentum: 'fast' }, /momentum: must be a number/],
      [{ center: 1 }, /center: must be true or false/],
    ];
    for (const [patch, message] of refused) {
      expect(codeOf(() => fromTFJS(withConfig(patch))), JSON.stringify(patch)).toBe('INVALID_FORMAT');
      expect(() => fromTFJS(withConfig(patch))).toThrow(message);
    }
  });
});
