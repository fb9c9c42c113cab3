/**
 * The TF.js layers format against the real @tensorflow/tfjs 4.22 (pure-JS CPU backend): numnet →
 * tf.loadLayersModel, tf.sequential → numnet, in memory and through files; refusals; bad files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Activation, Dense, Dropout, ELU, Flatten, Layer, LeakyReLU, NumnetError, PReLU, Random, Sequential, constant, fromTFJS, l1l2,
  l2, load, parseTFJSModelJSON, randomNormalInitializer, save, tensor, toTFJS, toTFJSModelJSON,
} from '../../src/node/index.js';
import type { TFJSArtifacts, TFJSArtifactsLike, Tensor } from '../../src/node/index.js';
import { codeOf } from '../helpers/errors.js';
import { expectFloat32Close, tfjsArtifacts } from '../helpers/tfjs.js';

let warn: ReturnType<typeof vi.spyOn>;
const dirs: string[] = [];
beforeAll(async () => {
  // tfjs greets Node users once on stderr; keep the test output clean.
  const original = console.warn.bind(console);
  warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes('TensorFlow.js in Node.js')) original(...a);
  });
  await tf.setBackend('cpu');
  await tf.ready();
});
afterAll(() => {
  warn.mockRestore();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'numnet-tfjs-'));
  dirs.push(d);
  return d;
};

/**
 * Float32 agreement: |a − b| ≤ 1e-5·max(|a|, |b|) + 1e-6 for every element. The absolute 1e-6 is
 * for outputs near zero, where float32 rounding of the larger sums that cancelled (ε ≈ 6e-8 each)
 * dominates any relative measure.
 */

function inputs(n: number, shape: number[], seed = 7): number[][] {
  const rng = new Random(seed);
  const size = shape.reduce((p, k) => p * k, 1);
  return Array.from({ length: n }, () => Array.from({ length: size }, () => rng.uniform(-2, 2)));
}

/** Loads numnet's artifacts into tfjs and predicts x (flat rows reshaped to [n, …shape]). */
async function tfjsPredict(artifacts: TFJSArtifacts, x: number[][], shape: number[]): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  const out = model.predict(tf.tensor(x.flat(), [x.length, ...shape])) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  model.dispose();
  return data;
}

const unflatten = (x: number[][], shape: number[]) => (shape.length === 2 ? x.map((r) => [r.slice(0, shape[1]), r.slice(shape[1])]) : x);

describe('numnet → TF.js: tf.loadLayersModel predicts the same to float32 precision', () => {
  const activations = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'silu', 'gelu', 'softmax'];
  it.each(activations)('Dense with activation %s', async (act) => {
    const m = new Sequential([new Dense({ units: 5, activation: act, inputShape: [4] }), new Dense({ units: 3, activation: act })], { seed: 3 });
    const x = inputs(9, [4]);
    expectFloat32Close(await tfjsPredict(toTFJS(m), x, [4]), m.predict(x).data);
  });

  it('every layer: Flatten, Dense (initializers, regularizers), PReLU, LeakyReLU, ELU, Dropout, Activation', async () => {
    const m = new Sequential(
      [
        new Flatten({ inputShape: [2, 3] }),
        new Dense({ units: 8, activation: 'relu', kernelInitializer: 'heNormal', biasInitializer: constant(0.05), kernelRegularizer: l1l2({ l1: 1e-3, l2: 1e-2 }) }),
        new PReLU({ alphaInitializer: 0.1 }),
        new Dense({ units: 6, kernelInitializer: randomNormalInitializer(0, 0.4), biasRegularizer: l2(0.1) }),
        new LeakyReLU({ alpha: 0.2 }),
        new Dropout({ rate: 0.3, seed: 5 }),
        new Dense({ units: 6, useBias: false, kernelInitializer: 'lecunNormal' }),
        new ELU(),
        new Flatten(), // a no-op on flat samples: left out of the TF.js model
        new Dense({ units: 4, activation: 'leakyRelu', kernelInitializer: 'glorotNormal', biasInitializer: 'ones' }),
        new Dense({ units: 3, kernelInitializer: 'heUniform' }),
        new Activation({ activation: 'softmax' }),
      ],
      { seed: 11, name: 'every_layer' },
    );
    const { alpha } = m.layers[2] as PReLU;
    alpha.value.data.set([0.1, -0.2, 0.3, 0.05, 0.5, 0.25, 0, 1]); // trained-looking alphas
    const x = inputs(12, [2, 3]);
    const x3 = unflatten(x, [2, 3]);
    const artifacts = toTFJS(m);
    expectFloat32Close(await tfjsPredict(artifacts, x, [2, 3]), m.predict(x3).data);

    // The format: Keras names, snake_case, batch_input_shape first, weights <layer>/<name>.
    const topo = artifacts.modelTopology;
    expect(topo.class_name).toBe('Sequential');
    expect(topo.config.name).toBe('every_layer');
    expect(topo.config.layers.map((l) => l.class_name)).toEqual([
      'Flatten', 'Dense', 'PReLU', 'Dense', 'LeakyReLU', 'Dropout', 'Dense', 'ELU', 'Dense', 'LeakyReLU', 'Dense', 'Activation',
    ]);
    expect(topo.config.layers[0]!.config).toMatchObject({ batch_input_shape: [null, 2, 3], dtype: 'float32', name: 'flatten' });
    expect(topo.config.layers[1]!.config).toMatchObject({
      units: 8, activation: 'relu', use_bias: true,
      kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null } },
      bias_initializer: { class_name: 'Constant', config: { value: 0.05 } },
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 1e-3, l2: 1e-2 } },
      bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    });
    expect(topo.config.layers[9]).toEqual({ class_name: 'LeakyReLU', config: { alpha: 0.01, name: 'dense_3_leaky_re_lu', trainable: true } });
    expect(topo.config.layers[8]!.config.activation).toBe('linear');
    expect(artifacts.weightSpecs.map((s) => `${s.name} ${JSON.stringify(s.shape)} ${s.dtype}`)).toEqual([
      'dense/kernel [6,8] float32', 'dense/bias [8] float32', 'p_re_lu/alpha [8] float32', 'dense_1/kernel [8,6] float32',
      'dense_1/bias [6] float32', 'dense_2/kernel [6,6] float32', 'dense_3/kernel [6,4] float32', 'dense_3/bias [4] float32',
      'dense_4/kernel [4,3] float32', 'dense_4/bias [3] float32',
    ]);
    expect(artifacts.weightData.byteLength).toBe(4 * m.countParams());
    expect(artifacts.format).toBe('layers-model');
    // float32, little-endian, in weightSpecs order.
    const f = new DataView(artifacts.weightData);
    expect(f.getFloat32(4 * (48 + 8 + 1), true)).toBe(Math.fround(-0.2)); // p_re_lu/alpha[1], after dense/kernel (48) and dense/bias (8)
  });

  it('through files: save(…, { format: "tfjs" }) gives model.json + weights.bin that tfjs loads', async () => {
    const m = new Sequential([new Dense({ units: 6, activation: 'gelu', inputShape: [3] }), new Dropout({ rate: 0.5 }), new Dense({ units: 2, activation: 'sigmoid' })], { seed: 4 });
    const dir = tempDir();
    await save(m, dir, { format: 'tfjs' });
    const modelJSON = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(modelJSON.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: toTFJS(m).weightSpecs }]);
    expect(modelJSON.format).toBe('layers-model');
    expect(readFileSync(join(dir, 'weights.bin')).length).toBe(4 * m.countParams());
    // A file handler for pure-JS tfjs (tfjs-node's file:// is not available): tfjs parses model.json itself.
    const handler: tf.io.IOHandler = {
      load: () =>
        tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
          const bufs = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dir, p)))));
          const all = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
          let o = 0;
          for (const b of bufs) all.set(b, (o += b.length) - b.length);
          return [manifest.flatMap((g) => g.weights), all.buffer];
        }),
    };
    const tm = await tf.loadLayersModel(handler);
    const x = inputs(7, [3]);
    expectFloat32Close((tm.predict(tf.tensor(x)) as tf.Tensor).dataSync(), m.predict(x).data);
    tm.dispose();
  });

  it('numnet → TF.js → numnet is exact up to the float32 rounding of the weights', () => {
    const m = new Sequential([new Dense({ units: 5, activation: 'tanh', inputShape: [3] }), new PReLU(), new Dense({ units: 2, activation: 'softmax' })], { seed: 8 });
    const back = fromTFJS(toTFJS(m));
    m.setWeights(m.getWeights().map((w) => new (w.constructor as typeof Tensor)(w.data.map(Math.fround), w.shape)));
    const x = inputs(6, [3]);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
  });

  it('refuses what TF.js cannot load, clearly (INVALID_ARGUMENT)', () => {
    const step = new Sequential([new Dense({ units: 1, activation: 'step', inputShape: [2] })]);
    expect(codeOf(() => toTFJS(step))).toBe('INVALID_ARGUMENT');
    expect(() => toTFJS(step)).toThrow(/activation 'step' cannot be expressed in TF\.js/);
    const stepLayer = new Sequential([new Activation({ activation: 'step', inputShape: [2] })]);
    expect(() => toTFJS(stepLayer)).toThrow(/step/);
    expect(() => toTFJS(new Sequential([new ELU({ alpha: 0.5, inputShape: [2] })]))).toThrow(/ELU layers only with alpha 1/);
    expect(() => toTFJS(new Sequential([new Dense({ units: 1 })]))).toThrow(/not built/);
    class Square extends Layer {
      readonly className = 'Square';
      protected call(x: Tensor) { return x; }
      protected callBackward(dy: Tensor) { return dy; }
    }
    expect(() => toTFJS(new Sequential([new Square({ inputShape: [2] })]))).toThrow(/not a built-in layer class/);
    const big = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    big.setWeights([tensor([[1e39]]), tensor([0])]);
    expect(() => toTFJS(big)).toThrow(/dense\/kernel\[0\] = 1e\+39 is beyond the float32 range/);
    for (const m of [step, big]) expect(codeOf(() => toTFJS(m))).toBe('INVALID_ARGUMENT');
  });
});

describe('TF.js → numnet: a model built and saved by tfjs imports and predicts the same', () => {
  function tfjsModel(): tf.Sequential {
    const m = tf.sequential({ name: 'from_tfjs' });
    m.add(tf.layers.flatten({ inputShape: [2, 3] }));
    m.add(tf.layers.dense({ units: 8, activation: 'relu', kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.02 }) }));
    m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
    m.add(tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.2 }) }));
    m.add(tf.layers.dense({ units: 6, activation: 'elu', kernelInitializer: 'heNormal', biasInitializer: 'ones' }));
    m.add(tf.layers.elu());
    m.add(tf.layers.dense({ units: 6, activation: 'selu', kernelInitializer: 'leCunNormal' }));
    m.add(tf.layers.dropout({ rate: 0.3 }));
    m.add(tf.layers.dense({ units: 5, activation: 'softplus', kernelInitializer: tf.initializers.randomUniform({ minval: -0.6, maxval: 0.6 }) }));
    m.add(tf.layers.dense({ units: 5, activation: 'softsign', kernelInitializer: 'glorotNormal' }));
    m.add(tf.layers.dense({ units: 5, activation: 'swish' }));
    m.add(tf.layers.dense({ units: 5, activation: 'gelu', biasRegularizer: tf.regularizers.l2({ l2: 0.1 }) }));
    m.add(tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.5 }) }));
    m.add(tf.layers.dense({ units: 4, activation: 'sigmoid', useBias: false }));
    m.add(tf.layers.dense({ units: 3 }));
    m.add(tf.layers.activation({ activation: 'softmax' }));
    // Non-zero biases and alphas, so every weight matters.
    m.setWeights(m.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', 100 + i)));
    return m;
  }

  it('in memory (tf.io.withSaveHandler artifacts) with exactly the float32 weights', async () => {
    const tm = tfjsModel();
    const x = inputs(10, [2, 3]);
    const expected = (tm.predict(tf.tensor(x.flat(), [10, 2, 3])) as tf.Tensor).dataSync();
    const m = fromTFJS(await tfjsArtifacts(tm)); // tfjs's ModelArtifacts type is accepted as is
    expect(m.name).toBe('from_tfjs');
    expect(m.layers.map((l) => l.className)).toEqual([
      'Flatten', 'Dense', 'LeakyReLU', 'PReLU', 'Dense', 'ELU', 'Dense', 'Dropout', 'Dense', 'Dense', 'Dense', 'Dense', 'Dense', 'Dense', 'Dense', 'Activation',
    ]);
    expect(m.getInputShape()).toEqual([2, 3]);
    const dense = m.layers.filter((l) => l instanceof Dense) as Dense[];
    expect(dense.map((d) => d.activation.name)).toEqual(['relu', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'tanh', 'sigmoid', 'linear']);
    expect(dense[0]!.kernelRegularizer!.getConfig()).toEqual({ l1: 0.01, l2: 0.02 });
    expect(dense.map((d) => d.kernelInitializer.config.name)).toEqual([
      // tfjs's default kernel initializer is glorotNormal (Keras's is glorotUniform)
      'glorotNormal', 'heNormal', 'lecunNormal', 'randomUniform', 'glorotNormal', 'glorotNormal', 'glorotNormal', 'randomNormal', 'glorotNormal', 'glorotNormal',
    ]);
    expect((m.layers[2] as LeakyReLU).alpha).toBe(0.1);
    expect((m.layers[3] as PReLU).alphaInitial).toBe(0.2);
    const tfWeights = tm.getWeights().map((w) => Array.from(w.dataSync()));
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(tfWeights);
    expectFloat32Close(m.predict(unflatten(x, [2, 3])).data, expected);
    // It trains on in numnet.
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['acc'] });
    const h = await m.fit(unflatten(x, [2, 3]), x.map((_r, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]), { epochs: 2, batchSize: 4 });
    expect(Number.isFinite(h.history.loss![1]!)).toBe(true);
    tm.dispose();
  });

  it('through files, as tfjs-node writes them (one weights.bin, or shards)', async () => {
    const tm = tfjsModel();
    const a = await tfjsArtifacts(tm);
    const x = inputs(5, [2, 3]);
    const expected = (tm.predict(tf.tensor(x.flat(), [5, 2, 3])) as tf.Tensor).dataSync();
    const bytes = new Uint8Array(a.weightData as ArrayBuffer);
    const topo = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy };

    const one = tempDir();
    writeFileSync(join(one, 'model.json'), JSON.stringify({ ...topo, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
    writeFileSync(join(one, 'weights.bin'), bytes);
    expectFloat32Close((await load(one)).predict(unflatten(x, [2, 3])).data, expected);

    const sharded = tempDir();
    const cut = 100;
    writeFileSync(join(sharded, 'model.json'), JSON.stringify({ ...topo, weightsManifest: [{ paths: ['./group1-shard1of2.bin', './group1-shard2of2.bin'], weights: a.weightSpecs }] }));
    writeFileSync(join(sharded, 'group1-shard1of2.bin'), bytes.subarray(0, cut));
    writeFileSync(join(sharded, 'group1-shard2of2.bin'), bytes.subarray(cut));
    expectFloat32Close((await load(join(sharded, 'model.json'))).predict(unflatten(x, [2, 3])).data, expected);
    tm.dispose();
  });

  it('reads an InputLayer, a Keras-converter model_config wrapper and weights with a name prefix', () => {
    const m = new Sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })], { seed: 2 });
    const a = toTFJS(m);
    const layers = a.modelTopology.config.layers.map((l) => structuredClone(l));
    delete layers[0]!.config.batch_input_shape;
    const keras = {
      modelTopology: {
        keras_version: '2.15.0', backend: 'tensorflow',
        model_config: { class_name: 'Sequential', config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'input_1' } }, ...layers] } },
      },
      weightSpecs: a.weightSpecs.map((s) => ({ ...s, name: `seq/${s.name}` })),
      weightData: [a.weightData.slice(0, 8), a.weightData.slice(8)],
    };
    const back = fromTFJS(keras);
    const x = inputs(4, [2]);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(fromTFJS(a).predict(x).data));
    expect(back.name).toBe('seq');
  });
});

describe('bad TF.js models: INVALID_FORMAT naming what is wrong', () => {
  const base = () => toTFJS(new Sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new PReLU(), new Dense({ units: 1 })], { seed: 1 }));
  type Mut = (a: any) => unknown;
  const cases: [string, Mut, RegExp][] = [
    ['an unknown layer class', (a) => { a.modelTopology.config.layers[1].class_name = 'Conv3D'; return a; }, /layers\[1\]\.class_name: unknown layer class "Conv3D"; numnet reads Dense, Activation/],
    ['an unknown activation', (a) => { a.modelTopology.config.layers[0].config.activation = 'relu6'; return a; }, /layers\[0\]\.config\.activation: unknown activation "relu6"; numnet reads linear, sigmoid/],
    ["Keras's leaky_relu activation string", (a) => { a.modelTopology.config.layers[0].config.activation = 'leaky_relu'; return a; }, /slope 0\.2, numnet's 0\.01: use a LeakyReLU layer/],
    ['a functional model', (a) => { a.modelTopology.class_name = 'Functional'; return a; }, /class_name: is "Functional"; numnet reads Sequential models only/],
    ['a weight of the wrong shape', (a) => { a.weightSpecs[0].shape = [3, 2]; return a; }, /weightSpecs\[0\]\.shape: is \[3, 2\] but dense\/kernel has shape \[2, 3\]/],
    ['weights.bin too short', (a) => { a.weightData = a.weightData.slice(0, 20); return a; }, /weightData: holds 20 bytes but the weight specs need 64 \(5 float32 weights\); is weights.bin truncated/],
    ['weights.bin too long', (a) => { const b = new Uint8Array(68); b.set(new Uint8Array(a.weightData)); a.weightData = b.buffer; return a; }, /holds 68 bytes but the weight specs need 64/],
    ['NaN in the weights', (a) => { new DataView(a.weightData).setFloat32(8, NaN, true); return a; }, /weightData: dense\/kernel\[2\] is NaN/],
    ['a missing weight', (a) => { const s = a.weightSpecs.pop(); a.weightData = a.weightData.slice(0, a.weightData.byteLength - 4 * s.shape[0]); return a; }, /weightSpecs: has no weight "dense_1\/bias" \[1\]/],
    ['an extra weight', (a) => { a.weightSpecs.push({ name: 'extra/w', shape: [1], dtype: 'float32' }); const b = new Uint8Array(68); b.set(new Uint8Array(a.weightData)); a.weightData = b.buffer; return a; }, /weightSpecs: has weights no layer uses: extra\/w/],
    ['a weight count mismatch by name', (a) => { a.weightSpecs[1].name = 'dense/bias2'; return a; }, /has no weight "dense\/bias"/],
    ['quantized weights', (a) => { a.weightSpecs[0].quantization = { dtype: 'uint8', min: 0, scale: 1 }; return a; }, /dense\/kernel is quantized/],
    ['int32 weights', (a) => { a.weightSpecs[2].dtype = 'int32'; return a; }, /weightSpecs\[2\]\.dtype: is "int32"/],
    ['PReLU shared_axes', (a) => { a.modelTopology.config.layers[1].config.shared_axes = [1]; return a; }, /shared_axes: is \[1\]; numnet has no PReLU shared_axes/],
    ['a kernel constraint', (a) => { a.modelTopology.config.layers[0].config.kernel_constraint = { class_name: 'MaxNorm', config: {} }; return a; }, /kernel_constraint: is .*numnet has no kernel constraints/],
    ['no input shape', (a) => { delete a.modelTopology.config.layers[0].config.batch_input_shape; return a; }, /batch_input_shape is missing/],
    ['a bad Dropout rate', (a) => { a.modelTopology.config.layers.splice(1, 0, { class_name: 'Dropout', config: { rate: 2, name: 'd' } }); return a; }, /layers\[1\]: Dropout: rate must be a number in \[0, 1\)/],
    ['no modelTopology', () => ({ weightSpecs: [] }), /modelTopology.*is missing/],
  ];
  it.each(cases)('%s', (_label, mutate, message) => {
    const a = base();
    const bad = mutate({ ...a, modelTopology: structuredClone(a.modelTopology), weightSpecs: structuredClone(a.weightSpecs), weightData: a.weightData.slice(0) });
    let err: unknown;
    try {
      fromTFJS(bad as TFJSArtifactsLike);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NumnetError);
    expect((err as NumnetError).code).toBe('INVALID_FORMAT');
    expect((err as NumnetError).message).toMatch(message);
  });

  it('model.json parsing: truncated text, a graph model, a numnet file, a bad manifest', () => {
    const json = JSON.stringify(toTFJSModelJSON(base()));
    expect(parseTFJSModelJSON(json).paths).toEqual(['weights.bin']);
    expect(() => parseTFJSModelJSON(json.slice(0, 50))).toThrow(/not valid JSON.*truncated/);
    expect(() => parseTFJSModelJSON({ modelTopology: {}, format: 'graph-model' })).toThrow(/only TF\.js layers models/);
    expect(() => parseTFJSModelJSON({ format: 'numnet', version: 1 })).toThrow(/this is a numnet model/);
    expect(() => parseTFJSModelJSON({ modelTopology: {}, weightsManifest: [{ paths: 'weights.bin', weights: [] }] })).toThrow(/weightsManifest\[0\]\.paths: must be an array/);
    for (const bad of [json.slice(0, 50), { modelTopology: {}, format: 'graph-model' }]) expect(codeOf(() => parseTFJSModelJSON(bad))).toBe('INVALID_FORMAT');
  });
});
