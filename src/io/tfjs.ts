import { NumnetError, describe, withinLimits } from '../errors.js';
import { Layer } from '../layers/layer.js';
import { LayerRegistry, builtInLayers } from '../layers/registry.js';
import type { WeightShape } from '../layers/spec.js';
import { Sequential } from '../models/sequential.js';
import { FormatReader } from './format.js';
import { TFJSConfigReader, TFJSLayerJSON, field } from './tfjs-config.js';
import { TFJSWeightSpec, TFJSWeightWriter, readWeights } from './tfjs-weights.js';

/**
 * The TensorFlow.js layers format: `model.json` (Keras topology, snake_case) and `weights.bin`
 * (float32, little-endian, in `weightSpecs` order). `toTFJS` / `fromTFJS` work on the in-memory
 * artifacts that `tf.io.fromMemory` takes and `tf.io.withSaveHandler` gives; `numnet/node`'s
 * `save`/`load` put them in files. See docs/saving.md. Each layer class maps itself
 * (`spec.tfjs`, in its own file, written with ./tfjs-config.ts); this module drives the format.
 */

export type { TFJSWeightSpec } from './tfjs-weights.js';

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
      layers: TFJSLayerJSON[];
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
  return writeTFJSModel(model, builtInLayers);
}

/** `toTFJS` for the layer classes of `registry` (the built-in ones and, say, classes of your own). Not exported by numnet. */
export function writeTFJSModel(model: Sequential, registry: LayerRegistry): TFJSArtifacts {
  return withinLimits('toTFJS(): the model', () => toTFJSArtifacts(model, registry));
}

function toTFJSArtifacts(model: Sequential, registry: LayerRegistry): TFJSArtifacts {
  if (!(model instanceof Sequential)) {
    throw new NumnetError('INVALID_ARGUMENT', `toTFJS() takes a Sequential model, got ${describe(model)}`);
  }
  const inputShape = model.getInputShape();
  if (!inputShape || !model.built) {
    throw new NumnetError('INVALID_ARGUMENT', 'toTFJS(): the model is not built yet: give the first layer an inputShape, or call fit/predict first');
  }
  const used = new Set(model.layers.map((l) => l.name));
  const uniqueName = (base: string): string => {
    for (let k = 0; ; k++) {
      const n = k === 0 ? base : `${base}_${k}`;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
  const layers: TFJSLayerJSON[] = [];
  const weights = new TFJSWeightWriter();
  let sample: readonly number[] = inputShape;
  for (const layer of model.layers) {
    const where = `toTFJS(): layer ${layer.name} (${layer.className})`;
    const spec = registry.specOf(layer);
    if (!spec?.tfjs) {
      const exportable = registry.classes.filter((c) => c.spec.tfjs).map((c) => c.spec.className);
      throw new NumnetError('INVALID_ARGUMENT', `${where} is not a built-in layer class; TF.js export takes ${exportable.join(', ')}`);
    }
    layers.push(...spec.tfjs.toConfig(layer, { where, inputShape: sample, base: { name: layer.name, trainable: layer.trainable }, uniqueName }));
    for (const w of layer.shapes(sample).weights) {
      const p = layer.params.find((q) => q.name === `${layer.name}/${w.name}`);
      if (!p) throw new NumnetError('INVALID_ARGUMENT', `${where} has no built weight ${w.name}`);
      weights.add(`${layer.name}/${spec.tfjs.weights?.[w.name] ?? w.name}`, p.value.data, p.value.shape);
    }
    sample = layer.outputShape;
  }
  // A model of flat Flattens only: keep one identity layer so the topology is not empty.
  if (layers.length === 0) layers.push({ class_name: 'Activation', config: { activation: 'linear', name: model.layers[0]!.name, trainable: true } });
  layers[0]!.config = { ...layers[0]!.config, batch_input_shape: [null, ...inputShape], dtype: 'float32' };
  return {
    modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: TFJS_LAYERS_VERSION, backend: 'tensor_flow.js' },
    weightSpecs: weights.specs,
    weightData: weights.data(),
    format: 'layers-model',
    generatedBy: 'numnet',
    convertedBy: null,
  };
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
  return readTFJSModel(artifacts, builtInLayers);
}

/** `fromTFJS` reading the layer classes of `registry` (the built-in ones and, say, classes of your own). Not exported by numnet. */
export function readTFJSModel(artifacts: TFJSArtifactsLike, registry: LayerRegistry): Sequential {
  const r = new FormatReader('TF.js model');
  try {
    return readTFJS(r, artifacts, registry);
  } catch (e) {
    if (e instanceof NumnetError && e.code === 'INVALID_FORMAT') throw e;
    throw r.error('', `internal error while loading: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readTFJS(r: FormatReader, artifacts: TFJSArtifactsLike, registry: LayerRegistry): Sequential {
  const a = r.object(artifacts, '(artifacts)');
  const { name, layerList, path } = readTopology(r, a);
  const { layers, inputShape } = readLayers(r, layerList, path, registry);
  // Expected weights (by the layers' specs), then the specs and data.
  const expected: WeightShape[] = [];
  let shape: readonly number[] = inputShape;
  layers.forEach((l) => {
    const spec = registry.spec(l.className);
    const s = r.wrap(`layer ${l.name}`, () => l.shapes(shape));
    for (const w of s.weights) expected.push({ ...w, name: `${l.name}/${spec.tfjs?.weights?.[w.name] ?? w.name}` });
    shape = s.outputShape;
  });
  const tensors = readWeights(r, expected, a.weightSpecs, a.weightData);
  const model = new Sequential(layers, { name, seed: 0 });
  model.setWeights(tensors);
  return model;
}

/** The model's name and its list of layer configs, from a Sequential topology (or Keras's wrapper of one). */
function readTopology(r: FormatReader, a: Record<string, unknown>): { name: string; layerList: unknown[]; path: string } {
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
  if (Array.isArray(config)) return { name: 'sequential', layerList: config, path }; // Keras < 2.2.3: the config is the list of layers
  const c = r.object(config, `${path}.config`);
  const name = c.name !== undefined ? r.string(c.name, `${path}.config.name`) : 'sequential';
  return { name, layerList: r.layerList(r.required(c, 'layers', `${path}.config`), `${path}.config.layers`), path: `${path}.config` };
}

/** The layers (an InputLayer, or the first layer's batch_input_shape, gives the input shape). */
function readLayers(r: FormatReader, layerList: unknown[], path: string, registry: LayerRegistry): { layers: Layer[]; inputShape: number[] } {
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
    const base: { name?: string; inputShape?: number[] } = {};
    if (lc.name !== undefined) base.name = r.string(lc.name, `${lp}.config.name`);
    if (layers.length === 0 && inputShape) base.inputShape = inputShape;
    const spec = registry.tfjsSpec(cls)?.tfjs;
    if (!spec) {
      const names = [...registry.classes.flatMap((c) => (c.spec.tfjs ? [c.spec.tfjs.className] : [])), 'InputLayer'];
      throw r.error(`${lp}.class_name`, `unknown layer class ${JSON.stringify(cls)}; numnet reads ${names.join(', ')}`);
    }
    const trainable = field(lc, 'trainable') ?? true;
    if (typeof trainable !== 'boolean') throw r.error(`${lp}.config.trainable`, `must be true or false, got ${describe(trainable)}`);
    const layer = r.wrap(lp, () => spec.fromConfig(new TFJSConfigReader(r, lc, `${lp}.config`, base)));
    layer.trainable = trainable;
    layers.push(layer);
  });
  if (layers.length === 0) throw r.error(`${path}.layers`, 'the model has no layers');
  if (!inputShape) throw r.error(`${path}.layers[0].config`, 'batch_input_shape is missing: numnet needs the input shape to read the weights');
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) throw r.error(`${path}.layers`, `two layers are named ${JSON.stringify(l.name)}`);
    names.add(l.name);
  }
  return { layers, inputShape };
}
