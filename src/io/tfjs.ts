import { NumnetError, canonicalName, describe, withinLimits } from '../errors.js';
import { Activation, ELU, LeakyReLU } from '../layers/activation.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Flatten } from '../layers/flatten.js';
import { Initializer, InitializerSpec } from '../layers/initializers.js';
import { Layer } from '../layers/layer.js';
import { PReLU } from '../layers/prelu.js';
import { Regularizer } from '../layers/regularizers.js';
import { WeightShape, activationName, layerEntry } from '../layers/registry.js';
import { Sequential } from '../models/sequential.js';
import { Tensor } from '../tensor/tensor.js';
import { FormatReader, fmtShape, product, sameShape } from './format.js';

/**
 * The TensorFlow.js layers format: `model.json` (Keras topology, snake_case) and `weights.bin`
 * (float32, little-endian, in `weightSpecs` order). `toTFJS` / `fromTFJS` work on the in-memory
 * artifacts that `tf.io.fromMemory` takes and `tf.io.withSaveHandler` gives; `numnet/node`'s
 * `save`/`load` put them in files. See docs/saving.md.
 */

/** One weight of the TF.js manifest. */
export interface TFJSWeightSpec {
  /** `layer/kernel`, `layer/bias` or `layer/alpha`. */
  name: string;
  /** The weight's shape. */
  shape: number[];
  /** Always 'float32'. */
  dtype: 'float32';
}

/** What `toTFJS` returns: TF.js `ModelArtifacts` of a layers model (pass it to `tf.io.fromMemory`). */
export interface TFJSArtifacts {
  /** `{ class_name: 'Sequential', config: { name, layers }, keras_version, backend }`. */
  modelTopology: {
    /** Always 'Sequential'. */
    class_name: 'Sequential';
    /** The model's name and layers. */
    config: {
      /** The model's name. */
      name: string;
      /** Each layer as Keras writes it: class name and snake_case config. */
      layers: {
        /** The Keras class name ('Dense', …). */
        class_name: string;
        /** The layer's Keras config. */
        config: Record<string, unknown>;
      }[];
    };
    /** The writer's version, as TF.js records it. */
    keras_version: string;
    /** Always 'tensor_flow.js'. */
    backend: string;
  };
  /** The weights' names, shapes and dtype, in `weightData` order. */
  weightSpecs: TFJSWeightSpec[];
  /** Every weight as float32, little-endian, concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
  /** Always 'layers-model'. */
  format: 'layers-model';
  /** The writer (numnet and the tfjs-layers version it targets). */
  generatedBy: string;
  /** Always null (not converted from Python). */
  convertedBy: null;
}

/** What `fromTFJS` reads: `toTFJS` output, or the `ModelArtifacts` of `tf.io.withSaveHandler`. */
export interface TFJSArtifactsLike {
  /** The Keras model topology (a Sequential, or a converted Keras model). */
  modelTopology?: unknown;
  /** The weights' names, shapes and dtypes. */
  weightSpecs?: unknown;
  /** One buffer, or the shards in order (as TF.js allows). */
  weightData?: ArrayBuffer | ArrayBuffer[] | ArrayBufferView;
}

/** The `model.json` file of the TF.js layers format. */
export interface TFJSModelJSON {
  /** The Keras model topology. */
  modelTopology: unknown;
  /** 'layers-model'. */
  format?: string;
  /** The writer. */
  generatedBy?: string;
  /** The converter, when converted from Python (else null). */
  convertedBy?: string | null;
  /** The weight files (shards) and the weights they hold, in order. */
  weightsManifest: {
    /** The shard files, relative to model.json. */
    paths: string[];
    /** The weights in these shards. */
    weights: TFJSWeightSpec[];
  }[];
  [field: string]: unknown;
}

/** The tfjs-layers version whose format is written (and the one tested against). */
const TFJS_LAYERS_VERSION = 'tfjs-layers 4.22.0';

/** numnet activation → TF.js activation string. leakyRelu and step have none (see `toTFJS`). */
const ACTIVATION_TO_TFJS: Record<string, string> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  gelu: 'gelu',
  softmax: 'softmax',
};

/** TF.js / Keras activation (canonical: lower case, no underscores) → numnet activation: the reverse of the map above, plus Keras's `silu`. */
const ACTIVATION_FROM_TFJS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ACTIVATION_TO_TFJS).map(([numnet, tfjs]) => [tfjs.toLowerCase(), numnet])),
  silu: 'swish',
};

// ------------------------------------------------------------------------------------- export

/**
 * The TF.js artifacts of a built model: Keras class names and snake_case configs,
 * `batch_input_shape: [null, …]` on the first layer, weights `<layer>/kernel`, `<layer>/bias`,
 * `<layer>/alpha` rounded to float32. What TF.js cannot load is refused with INVALID_ARGUMENT:
 * the `step` activation, an ELU layer with alpha ≠ 1 (tfjs-layers 4.22 supports only 1), a custom
 * layer, activation, initializer or regularizer, and weights beyond the float32 range. A
 * `leakyRelu` activation (TF.js has no such activation string) becomes a separate `LeakyReLU`
 * layer with alpha 0.01 after its layer; a Flatten of samples that are already flat (a no-op,
 * which TF.js refuses) is left out. Optimizer, loss and training state are not exported.
 */
export function toTFJS(model: Sequential): TFJSArtifacts {
  return withinLimits('toTFJS(): the model', () => toTFJSArtifacts(model));
}

function toTFJSArtifacts(model: Sequential): TFJSArtifacts {
  if (!(model instanceof Sequential)) {
    throw new NumnetError('INVALID_ARGUMENT', `toTFJS() takes a Sequential model, got ${describe(model)}`);
  }
  const inputShape = model.getInputShape();
  if (!inputShape || !model.built) {
    throw new NumnetError('INVALID_ARGUMENT', 'toTFJS(): the model is not built yet: give the first layer an inputShape, or call fit/predict first');
  }
  const used = new Set(model.layers.map((l) => l.name));
  const unique = (base: string): string => {
    for (let k = 0; ; k++) {
      const n = k === 0 ? base : `${base}_${k}`;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
  const layers: { class_name: string; config: Record<string, unknown> }[] = [];
  const specs: TFJSWeightSpec[] = [];
  const values: Float32Array[] = [];
  const addWeight = (layer: Layer, name: string, data: Float64Array, shape: readonly number[]) => {
    const f = Float32Array.from(data);
    for (let i = 0; i < f.length; i++) {
      if (!Number.isFinite(f[i]!)) {
        throw new NumnetError('INVALID_ARGUMENT', `toTFJS(): ${layer.name}/${name}[${i}] = ${data[i]} is beyond the float32 range`);
      }
    }
    specs.push({ name: `${layer.name}/${name}`, shape: shape.slice(), dtype: 'float32' });
    values.push(f);
  };
  let sample: readonly number[] = inputShape;
  for (const layer of model.layers) {
    const where = `toTFJS(): layer ${layer.name} (${layer.className})`;
    const outputShape = layer.outputShape;
    const base = { name: layer.name, trainable: true };
    if (layer.constructor === Dense) {
      const d = layer as Dense;
      const act = tfjsActivation(activationName(d.activation, `${where}: activation`), where);
      layers.push({
        class_name: 'Dense',
        config: {
          units: d.units,
          activation: act ?? 'linear',
          use_bias: d.useBias,
          kernel_initializer: initializerToTFJS(d.kernelInitializer, `${where}: kernelInitializer`),
          bias_initializer: initializerToTFJS(d.biasInitializer, `${where}: biasInitializer`),
          kernel_regularizer: regularizerToTFJS(d.kernelRegularizer, `${where}: kernelRegularizer`),
          bias_regularizer: regularizerToTFJS(d.biasRegularizer, `${where}: biasRegularizer`),
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          ...base,
        },
      });
      addWeight(d, 'kernel', d.kernel.value.data, d.kernel.value.shape);
      if (d.bias) addWeight(d, 'bias', d.bias.value.data, d.bias.value.shape);
      if (act === undefined) layers.push({ class_name: 'LeakyReLU', config: { alpha: 0.01, name: unique(`${d.name}_leaky_re_lu`), trainable: true } });
    } else if (layer.constructor === Activation) {
      const a = layer as Activation;
      const act = tfjsActivation(activationName(a.activation, `${where}: activation`), where);
      layers.push(act === undefined ? { class_name: 'LeakyReLU', config: { alpha: 0.01, ...base } } : { class_name: 'Activation', config: { activation: act, ...base } });
    } else if (layer.constructor === LeakyReLU) {
      layers.push({ class_name: 'LeakyReLU', config: { alpha: (layer as LeakyReLU).alpha, ...base } });
    } else if (layer.constructor === ELU) {
      const alpha = (layer as ELU).alpha;
      if (alpha !== 1) {
        throw new NumnetError('INVALID_ARGUMENT', `${where}: alpha is ${alpha}, but TF.js (tfjs-layers 4.22) loads ELU layers only with alpha 1; use alpha 1 or the 'elu' activation`);
      }
      layers.push({ class_name: 'ELU', config: { alpha, ...base } });
    } else if (layer.constructor === PReLU) {
      const p = layer as PReLU;
      layers.push({
        class_name: 'PReLU',
        config: {
          alpha_initializer: { class_name: 'Constant', config: { value: p.alphaInitial } },
          alpha_regularizer: null,
          alpha_constraint: null,
          shared_axes: null,
          ...base,
        },
      });
      addWeight(p, 'alpha', p.alpha.value.data, p.alpha.value.shape);
    } else if (layer.constructor === Dropout) {
      const d = layer as Dropout;
      layers.push({ class_name: 'Dropout', config: { rate: d.rate, noise_shape: null, seed: d.seed ?? null, ...base } });
    } else if (layer.constructor === Flatten) {
      if (sample.length > 1) layers.push({ class_name: 'Flatten', config: { ...base } });
    } else {
      throw new NumnetError('INVALID_ARGUMENT', `${where} is not a built-in layer class; TF.js export takes Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten`);
    }
    sample = outputShape;
  }
  // A model of flat Flattens only: keep one identity layer so the topology is not empty.
  if (layers.length === 0) layers.push({ class_name: 'Activation', config: { activation: 'linear', name: model.layers[0]!.name, trainable: true } });
  layers[0]!.config = { ...layers[0]!.config, batch_input_shape: [null, ...inputShape], dtype: 'float32' };

  const total = values.reduce((n, v) => n + v.length, 0);
  const weightData = new ArrayBuffer(total * 4);
  const view = new DataView(weightData);
  let o = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++, o += 4) view.setFloat32(o, v[i]!, true);
  }
  return {
    modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: TFJS_LAYERS_VERSION, backend: 'tensor_flow.js' },
    weightSpecs: specs,
    weightData,
    format: 'layers-model',
    generatedBy: 'numnet',
    convertedBy: null,
  };
}

/** The TF.js activation string, undefined for leakyRelu (exported as a LeakyReLU layer), or INVALID_ARGUMENT. */
function tfjsActivation(name: string, where: string): string | undefined {
  if (name === 'leakyRelu') return undefined;
  const t = ACTIVATION_TO_TFJS[name];
  if (t === undefined) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${where}: activation '${name}' cannot be expressed in TF.js${name === 'step' ? " (the step function has no TF.js activation; it is the Perceptron's; use 'sigmoid')" : ''}; TF.js export takes ${[...Object.keys(ACTIVATION_TO_TFJS), 'leakyRelu'].join(', ')}`,
    );
  }
  return t;
}

const varianceScaling = (scale: number, mode: string, distribution: string) => ({
  class_name: 'VarianceScaling',
  config: { scale, mode, distribution, seed: null },
});

function initializerToTFJS(init: Initializer, what: string): { class_name: string; config: Record<string, unknown> } {
  const c = init.config;
  switch (typeof c?.name === 'string' ? canonicalName(c.name) : '') {
    case 'glorotuniform': return varianceScaling(1, 'fan_avg', 'uniform');
    case 'glorotnormal': return varianceScaling(1, 'fan_avg', 'truncated_normal');
    case 'heuniform': return varianceScaling(2, 'fan_in', 'uniform');
    case 'henormal': return varianceScaling(2, 'fan_in', 'truncated_normal');
    case 'lecunnormal': return varianceScaling(1, 'fan_in', 'truncated_normal');
    case 'zeros': return { class_name: 'Zeros', config: {} };
    case 'ones': return { class_name: 'Ones', config: {} };
    case 'constant': return { class_name: 'Constant', config: { value: c.value } };
    case 'randomuniform': return { class_name: 'RandomUniform', config: { minval: c.minval, maxval: c.maxval, seed: null } };
    case 'randomnormal': return { class_name: 'RandomNormal', config: { mean: c.mean, stddev: c.stddev, seed: null } };
    default:
      throw new NumnetError('INVALID_ARGUMENT', `${what} is a custom initializer (${describe(c?.name)}) with no TF.js equivalent`);
  }
}

function regularizerToTFJS(r: Regularizer | undefined, what: string): { class_name: string; config: Record<string, unknown> } | null {
  if (!r) return null;
  if (r.constructor !== Regularizer) throw new NumnetError('INVALID_ARGUMENT', `${what} is a custom regularizer class with no TF.js equivalent`);
  return { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } };
}

/**
 * The `model.json` of artifacts (from `toTFJS`), with all weights in one file `weightsPath`
 * (default `weights.bin`, relative to model.json). Serialize it with `JSON.stringify`.
 */
export function toTFJSModelJSON(artifacts: TFJSArtifacts, weightsPath = 'weights.bin'): TFJSModelJSON {
  if (artifacts === null || typeof artifacts !== 'object' || artifacts.modelTopology === undefined || !Array.isArray(artifacts.weightSpecs)) {
    throw new NumnetError('INVALID_ARGUMENT', `toTFJSModelJSON() takes the artifacts of toTFJS(model), got ${describe(artifacts)}`);
  }
  if (typeof weightsPath !== 'string' || weightsPath === '') {
    throw new NumnetError('INVALID_ARGUMENT', `toTFJSModelJSON(): weightsPath must be a file name, got ${describe(weightsPath)}`);
  }
  return {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
}

// ------------------------------------------------------------------------------------- import

/**
 * The parts of a TF.js `model.json` (its object or text): the topology, the weight specs of all
 * groups in order, and the weight file paths in order (relative to model.json; the files'
 * contents, concatenated, are the `weightData`). INVALID_FORMAT when it is not one.
 */
export function parseTFJSModelJSON(json: unknown): {
  /** The Keras model topology. */
  modelTopology: unknown;
  /** Every weight spec of the manifest, in order. */
  weightSpecs: unknown[];
  /** Every shard file, in order. */
  paths: string[];
} {
  const r = new FormatReader('TF.js model.json');
  let parsed = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw r.error('', `not valid JSON (${e instanceof Error ? e.message : String(e)}); is the file truncated?`);
    }
  }
  const o = r.object(parsed, '(top level)');
  if (o.modelTopology === undefined) {
    if (o.format === 'numnet') throw r.error('', 'this is a numnet model, not a TF.js model.json; read it with Sequential.fromJSON()');
    throw r.error('modelTopology', 'is missing');
  }
  if (o.format !== undefined && o.format !== 'layers-model') {
    throw r.error('format', `is ${describe(o.format)}; only TF.js layers models ("layers-model") can be read, not graph models`);
  }
  const manifest = r.array(o.weightsManifest ?? [], 'weightsManifest');
  const weightSpecs: unknown[] = [];
  const paths: string[] = [];
  manifest.forEach((g, i) => {
    const group = r.object(g, `weightsManifest[${i}]`);
    r.array(r.required(group, 'paths', `weightsManifest[${i}]`), `weightsManifest[${i}].paths`).forEach((p, j) =>
      paths.push(r.string(p, `weightsManifest[${i}].paths[${j}]`)),
    );
    weightSpecs.push(...r.array(r.required(group, 'weights', `weightsManifest[${i}]`), `weightsManifest[${i}].weights`));
  });
  return { modelTopology: o.modelTopology, weightSpecs, paths };
}

/**
 * A numnet model from TF.js layers-model artifacts (`toTFJS` output, or what
 * `tf.io.withSaveHandler` gives): a Sequential of Dense, Activation, LeakyReLU, ELU, PReLU,
 * Dropout and Flatten layers (an InputLayer is taken as the input shape). Weights are matched by
 * name (`<layer>/kernel`, …) and widened from float32 to float64 exactly. Everything is checked
 * before the model is built; every problem — an unknown layer or activation, a weight missing, of
 * the wrong shape or NaN, weight data of the wrong length — is INVALID_FORMAT naming it. The model
 * is not compiled (TF.js training configs are not read); initializers numnet does not have are
 * replaced by its defaults (they only matter for building new weights).
 */
export function fromTFJS(artifacts: TFJSArtifactsLike): Sequential {
  const r = new FormatReader('TF.js model');
  try {
    return readTFJS(r, artifacts);
  } catch (e) {
    if (e instanceof NumnetError && e.code === 'INVALID_FORMAT') throw e;
    throw r.error('', `internal error while loading: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `o[snake]`, or its camelCase spelling (TF.js's in-memory form). */
function field(o: Record<string, unknown>, snake: string): unknown {
  if (o[snake] !== undefined) return o[snake];
  return o[snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())];
}

const nullish = (v: unknown) => v === null || v === undefined;

function readTFJS(r: FormatReader, artifacts: TFJSArtifactsLike): Sequential {
  const a = r.object(artifacts, '(artifacts)');
  let topo = r.object(r.required(a, 'modelTopology', '(artifacts)'), 'modelTopology');
  let path = 'modelTopology';
  if (topo.model_config !== undefined) {
    topo = r.object(topo.model_config, 'modelTopology.model_config');
    path = 'modelTopology.model_config';
  }
  const className = field(topo, 'class_name');
  if (className !== 'Sequential') {
    throw r.error(`${path}.class_name`, `is ${describe(className)}; numnet reads Sequential models only`);
  }
  const config = r.required(topo, 'config', path);
  let layerList: unknown[];
  let name = 'sequential';
  if (Array.isArray(config)) {
    layerList = config; // Keras < 2.2.3: the config is the list of layers
  } else {
    const c = r.object(config, `${path}.config`);
    if (c.name !== undefined) name = r.string(c.name, `${path}.config.name`);
    layerList = r.array(r.required(c, 'layers', `${path}.config`), `${path}.config.layers`);
    path = `${path}.config`;
  }

  // Layers.
  let inputShape: number[] | undefined;
  const layers: Layer[] = [];
  layerList.forEach((lv, i) => {
    const lp = `${path}.layers[${i}]`;
    const lo = r.object(lv, lp);
    const cls = r.string(field(lo, 'class_name'), `${lp}.class_name`);
    const lc = r.object(lo.config ?? {}, `${lp}.config`);
    const shape = field(lc, 'batch_input_shape') ?? field(lc, 'batch_shape');
    if (shape !== undefined && shape !== null && layers.length === 0 && inputShape === undefined) {
      const s = r.array(shape, `${lp}.config.batch_input_shape`);
      if (s.length < 2 || s[0] !== null) throw r.error(`${lp}.config.batch_input_shape`, `must be [null, …sample shape], got ${JSON.stringify(s)}`);
      inputShape = r.shape(s.slice(1), `${lp}.config.batch_input_shape (after null)`, true);
    }
    if (cls === 'InputLayer') {
      if (layers.length > 0) throw r.error(lp, 'an InputLayer must come first');
      if (inputShape === undefined) throw r.error(`${lp}.config`, 'an InputLayer needs batch_input_shape');
      return;
    }
    const layer = r.wrap(`${lp}`, () => layerFromTFJS(r, cls, lc, lp, layers.length === 0 ? inputShape : undefined));
    layers.push(...layer);
  });
  if (layers.length === 0) throw r.error(`${path}.layers`, 'the model has no layers');
  if (!inputShape) throw r.error(`${path}.layers[0].config`, 'batch_input_shape is missing: numnet needs the input shape to read the weights');
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) throw r.error(`${path}.layers`, `two layers are named ${JSON.stringify(l.name)}`);
    names.add(l.name);
  }

  // Expected weights (by the registry's shapes), then the specs and data.
  const expected: WeightShape[] = [];
  let shape: readonly number[] = inputShape;
  layers.forEach((l) => {
    const s = r.wrap(`layer ${l.name}`, () => layerEntry(l.className).shapes(l, shape));
    for (const w of s.weights) expected.push({ name: `${l.name}/${w.name}`, shape: w.shape });
    shape = s.outputShape;
  });
  const specs = r.array(a.weightSpecs ?? [], 'weightSpecs');
  const data = weightBytes(r, a.weightData);
  const entries = specs.map((sv, i) => {
    const sp = `weightSpecs[${i}]`;
    const so = r.object(sv, sp);
    const wname = r.string(r.required(so, 'name', sp), `${sp}.name`);
    const wshape = r.shape(r.required(so, 'shape', sp), `${sp}.shape`);
    if (so.dtype !== 'float32') throw r.error(`${sp}.dtype`, `is ${describe(so.dtype)} (${wname}); numnet reads float32 weights only`);
    if (so.quantization !== undefined && so.quantization !== null) throw r.error(`${sp}.quantization`, `${wname} is quantized; numnet reads unquantized float32 weights only`);
    return { name: wname, shape: wshape, path: sp, offset: 0 };
  });
  let offset = 0;
  for (const e of entries) {
    e.offset = offset;
    offset += product(e.shape) * 4;
  }
  if (offset !== data.byteLength) {
    throw r.error('weightData', `holds ${data.byteLength} bytes but the weight specs need ${offset} (${entries.length} float32 weights); is weights.bin truncated or from another model?`);
  }
  const usedSpecs = new Set<number>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = expected.map((w) => {
    let k = entries.findIndex((e) => e.name === w.name);
    if (k < 0) {
      const matches = entries.map((e, j) => (e.name.endsWith(`/${w.name}`) ? j : -1)).filter((j) => j >= 0);
      if (matches.length === 1) k = matches[0]!;
    }
    if (k < 0 || usedSpecs.has(k)) {
      throw r.error('weightSpecs', `has no weight ${JSON.stringify(w.name)} ${fmtShape(w.shape)} (it has ${entries.map((e) => e.name).join(', ') || 'none'})`);
    }
    usedSpecs.add(k);
    const e = entries[k]!;
    if (!sameShape(e.shape, w.shape)) throw r.error(`${e.path}.shape`, `is ${fmtShape(e.shape)} but ${w.name} has shape ${fmtShape(w.shape)}`);
    const n = product(w.shape);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getFloat32(e.offset + i * 4, true);
      if (!Number.isFinite(v)) throw r.error('weightData', `${w.name}[${i}] is ${v}`);
      values[i] = v;
    }
    return new Tensor(values, w.shape);
  });
  const unused = entries.filter((_e, i) => !usedSpecs.has(i));
  if (unused.length) {
    throw r.error('weightSpecs', `has weights no layer uses: ${unused.map((e) => e.name).join(', ')}`);
  }
  const model = new Sequential(layers, { name, seed: 0 });
  model.setWeights(tensors);
  return model;
}

function weightBytes(r: FormatReader, wd: unknown): Uint8Array {
  if (wd === undefined || wd === null) return new Uint8Array(0);
  if (wd instanceof ArrayBuffer) return new Uint8Array(wd);
  if (ArrayBuffer.isView(wd)) return new Uint8Array(wd.buffer, wd.byteOffset, wd.byteLength);
  if (Array.isArray(wd)) {
    const parts = wd.map((b, i) => {
      if (!(b instanceof ArrayBuffer)) throw r.error(`weightData[${i}]`, `must be an ArrayBuffer, got ${describe(b)}`);
      return new Uint8Array(b);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  throw r.error('weightData', `must be an ArrayBuffer or an array of them, got ${describe(wd)}`);
}

const TFJS_LAYERS = ['Dense', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'Dropout', 'Flatten', 'InputLayer'];

/** The numnet layer(s) of one TF.js layer config (a Dense with leaky_relu would be two; none are). */
function layerFromTFJS(r: FormatReader, cls: string, c: Record<string, unknown>, path: string, inputShape: number[] | undefined): Layer[] {
  const base: { name?: string; inputShape?: number[] } = {};
  if (c.name !== undefined) base.name = r.string(c.name, `${path}.config.name`);
  if (inputShape) base.inputShape = inputShape;
  const cp = `${path}.config`;
  const mustBeNull = (key: string, why: string) => {
    const v = field(c, key);
    if (!nullish(v)) throw r.error(`${cp}.${key}`, `is ${JSON.stringify(v)}; numnet has no ${why}`);
  };
  switch (cls) {
    case 'Dense': {
      for (const k of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) mustBeNull(k, k.replace('_', ' ') + 's');
      const units = r.integer(field(c, 'units'), `${cp}.units`, 1);
      const useBias = field(c, 'use_bias') ?? true;
      if (typeof useBias !== 'boolean') throw r.error(`${cp}.use_bias`, `must be true or false, got ${describe(useBias)}`);
      const kr = regularizerFromTFJS(r, field(c, 'kernel_regularizer'), `${cp}.kernel_regularizer`);
      const br = regularizerFromTFJS(r, field(c, 'bias_regularizer'), `${cp}.bias_regularizer`);
      return [
        new Dense({
          ...base,
          units,
          activation: activationFromTFJS(r, field(c, 'activation'), `${cp}.activation`),
          useBias,
          kernelInitializer: initializerFromTFJS(r, field(c, 'kernel_initializer'), `${cp}.kernel_initializer`, 'glorotUniform'),
          biasInitializer: initializerFromTFJS(r, field(c, 'bias_initializer'), `${cp}.bias_initializer`, 'zeros'),
          ...(kr ? { kernelRegularizer: kr } : {}),
          ...(br ? { biasRegularizer: br } : {}),
        }),
      ];
    }
    case 'Activation':
      return [new Activation({ ...base, activation: activationFromTFJS(r, field(c, 'activation'), `${cp}.activation`) })];
    case 'LeakyReLU': {
      const alpha = field(c, 'alpha') ?? field(c, 'negative_slope') ?? 0.3;
      return [new LeakyReLU({ ...base, alpha: alpha as number })];
    }
    case 'ELU':
      return [new ELU({ ...base, alpha: (field(c, 'alpha') ?? 1) as number })];
    case 'PReLU': {
      mustBeNull('shared_axes', 'PReLU shared_axes');
      mustBeNull('alpha_regularizer', 'PReLU alpha regularizer');
      mustBeNull('alpha_constraint', 'PReLU alpha constraint');
      const init = field(c, 'alpha_initializer');
      const spec = initializerFromTFJS(r, init, `${cp}.alpha_initializer`, 'zeros');
      const value = typeof spec === 'string' ? (spec === 'ones' ? 1 : 0) : spec.name === 'constant' ? (spec.value as number) : 0;
      return [new PReLU({ ...base, alphaInitializer: value })];
    }
    case 'Dropout': {
      mustBeNull('noise_shape', 'Dropout noise_shape');
      const seed = field(c, 'seed');
      return [new Dropout({ ...base, rate: field(c, 'rate') as number, ...(nullish(seed) ? {} : { seed: seed as number }) })];
    }
    case 'Flatten': {
      const df = field(c, 'data_format');
      if (!nullish(df) && canonicalName(String(df)) === 'channelsfirst') {
        throw r.error(`${cp}.data_format`, 'is channels_first; numnet flattens channels_last (row-major) only');
      }
      return [new Flatten(base)];
    }
    default:
      throw r.error(`${path}.class_name`, `unknown layer class ${JSON.stringify(cls)}; numnet reads ${TFJS_LAYERS.join(', ')}`);
  }
}

function activationFromTFJS(r: FormatReader, v: unknown, path: string): string {
  if (nullish(v)) return 'linear';
  if (typeof v !== 'string') throw r.error(path, `must be an activation name, got ${describe(v)}`);
  const key = canonicalName(v);
  const a = Object.prototype.hasOwnProperty.call(ACTIVATION_FROM_TFJS, key) ? ACTIVATION_FROM_TFJS[key] : undefined;
  if (a === undefined) {
    throw r.error(
      path,
      `unknown activation ${JSON.stringify(v)}; numnet reads ${Object.keys(ACTIVATION_FROM_TFJS).join(', ')}${canonicalName(v) === 'leakyrelu' ? " (Keras's leaky_relu activation has slope 0.2, numnet's 0.01: use a LeakyReLU layer)" : ''}`,
    );
  }
  return a;
}

/** `{ class_name, config }` of a Keras initializer → numnet spec; anything numnet lacks → `fallback`. */
function initializerFromTFJS(r: FormatReader, v: unknown, path: string, fallback: string): InitializerSpec & (string | { name: string; [k: string]: unknown }) {
  if (nullish(v)) return fallback;
  let cls: string;
  let c: Record<string, unknown> = {};
  if (typeof v === 'string') cls = v;
  else {
    const o = r.object(v, path);
    cls = r.string(field(o, 'class_name'), `${path}.class_name`);
    if (!nullish(o.config)) c = r.object(o.config, `${path}.config`);
  }
  const num = (key: string, dflt: number): number => {
    const x = c[key] ?? dflt;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw r.error(`${path}.config.${key}`, `must be a finite number, got ${describe(x)}`);
    return x;
  };
  switch (canonicalName(cls)) {
    case 'zeros': return 'zeros';
    case 'ones': return 'ones';
    case 'constant': return { name: 'constant', value: num('value', 0) };
    case 'randomuniform': return { name: 'randomUniform', minval: num('minval', -0.05), maxval: num('maxval', 0.05) };
    case 'randomnormal': return { name: 'randomNormal', mean: num('mean', 0), stddev: num('stddev', 0.05) };
    case 'glorotuniform': return 'glorotUniform';
    case 'glorotnormal': return 'glorotNormal';
    case 'heuniform': return 'heUniform';
    case 'henormal': return 'heNormal';
    case 'lecunnormal': return 'lecunNormal';
    case 'variancescaling': {
      const scale = num('scale', 1);
      const mode = canonicalName(String(c.mode ?? 'fan_in'));
      const dist = canonicalName(String(c.distribution ?? 'truncated_normal'));
      const normal = dist === 'normal' || dist === 'truncatednormal';
      if (scale === 1 && mode === 'fanavg' && dist === 'uniform') return 'glorotUniform';
      if (scale === 1 && mode === 'fanavg' && normal) return 'glorotNormal';
      if (scale === 2 && mode === 'fanin' && dist === 'uniform') return 'heUniform';
      if (scale === 2 && mode === 'fanin' && normal) return 'heNormal';
      if (scale === 1 && mode === 'fanin' && normal) return 'lecunNormal';
      return fallback;
    }
    default:
      return fallback;
  }
}

function regularizerFromTFJS(r: FormatReader, v: unknown, path: string): Regularizer | undefined {
  if (nullish(v)) return undefined;
  const o = r.object(v, path);
  const cls = r.string(field(o, 'class_name'), `${path}.class_name`);
  const c = nullish(o.config) ? {} : r.object(o.config, `${path}.config`);
  const kind = canonicalName(cls);
  if (kind !== 'l1l2' && kind !== 'l1' && kind !== 'l2') {
    throw r.error(`${path}.class_name`, `unknown regularizer ${JSON.stringify(cls)}; numnet reads L1L2, L1, L2`);
  }
  return r.wrap(path, () => new Regularizer({ l1: (c.l1 ?? 0) as number, l2: (c.l2 ?? 0) as number }));
}
