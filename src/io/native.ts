import { NumnetError, describe } from '../errors.js';
import { Layer, Parameter } from '../layers/layer.js';
import { LayerRegistry, builtInLayers } from '../layers/registry.js';
import type { WeightShape } from '../layers/spec.js';
import { LOSS_CLASSES, Loss, lossEntry } from '../losses/losses.js';
import { Metric, binaryAccuracy, categoricalAccuracy, getMetric, sparseCategoricalAccuracy } from '../losses/metrics.js';
import { OPTIMIZERS, Optimizer, getOptimizer } from '../optimizers/index.js';
import { ScheduleConfig, scheduleConfig, scheduleFromConfig } from '../optimizers/schedules.js';
import { Random, RandomState } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { base64ToFloat64, float64ToBase64 } from './base64.js';
import { FormatReader, fmtShape, product, sameShape } from './format.js';
import { CompileJSON, LoadableModel, NUMNET_FORMAT, NUMNET_FORMAT_VERSION, NumnetModelJSON, SavableModel, SequentialFactory } from './native-format.js';

export { NUMNET_FORMAT, NUMNET_FORMAT_VERSION } from './native-format.js';
export type { LayerJSON, LoadableModel, NumnetModelJSON, SavableModel, SequentialFactory, WeightJSON } from './native-format.js';

/** Built-in Metric objects a user may pass to compile, saved by name. */
const METRIC_OBJECTS = new Map<Metric, string>([
  [binaryAccuracy, 'binaryAccuracy'],
  [categoricalAccuracy, 'categoricalAccuracy'],
  [sparseCategoricalAccuracy, 'sparseCategoricalAccuracy'],
]);

// ---------------------------------------------------------------------------------------- save

/**
 * The native JSON of `model` (what `model.toJSON()` returns). INVALID_ARGUMENT when part of it
 * cannot be saved: a layer class of your own, a custom activation, initializer, regularizer,
 * loss, metric or optimizer, or a learning rate that is a function of your own (the built-in
 * schedules are saved). `registry`: the layer classes that can be saved (the built-in ones).
 */
export function modelToJSON(model: SavableModel, registry: LayerRegistry = builtInLayers): NumnetModelJSON {
  const layers = model.layers.map((l) => registry.toConfig(l));
  const inputShape = model.getInputShape();
  if (inputShape && layers.length > 0 && layers[0]!.config.inputShape === undefined) {
    // Built from data: the first layer records the input shape, so the loaded model is built too.
    const { name, ...rest } = layers[0]!.config;
    layers[0]!.config = { name, inputShape: inputShape.slice(), ...rest }; // where getConfig() puts it
  }
  const json: NumnetModelJSON = {
    format: NUMNET_FORMAT,
    version: NUMNET_FORMAT_VERSION,
    modelConfig: { className: 'Sequential', name: model.name, layers },
    weights: model.built
      ? model.layers.flatMap((l) => l.params).map((p) => ({ name: p.name, shape: p.value.shape.slice(), dtype: 'float64' as const, data: float64ToBase64(p.value.data) }))
      : [],
  };
  const compiled = model.getCompileConfig();
  if (compiled) {
    json.compileConfig = {
      optimizer: optimizerToConfig(compiled.optimizer),
      loss: lossToConfig(compiled.loss),
      metrics: compiled.metrics.map(metricToName),
      ...(compiled.weightedMetrics.length ? { weightedMetrics: compiled.weightedMetrics.map(metricToName) } : {}),
    };
    json.optimizerState = optimizerStateToJSON(compiled.optimizer, model.built ? model.parameters : []);
  }
  // A null-prototype record: a layer may be named "__proto__" or "constructor".
  const layerStates = Object.create(null) as Record<string, RandomState>;
  for (const l of model.layers) {
    const s = registry.specOf(l)?.randomState?.get(l);
    if (s) layerStates[l.name] = s;
  }
  json.randomState = { model: model.getRandomState(), layers: layerStates };
  return json;
}

function optimizerToConfig(opt: Optimizer): { name: string; config: Record<string, unknown> } {
  const type = (OPTIMIZERS as Record<string, unknown>)[opt.name];
  if (!type || opt.constructor !== type) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `toJSON(): the optimizer ${describe(opt.name)} is not a built-in optimizer class and cannot be saved (${Object.keys(OPTIMIZERS).join(', ')})`,
    );
  }
  const config = opt.getConfig();
  if (typeof opt.learningRate === 'function') {
    const schedule = scheduleConfig(opt.learningRate);
    if (!schedule) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        'toJSON(): the learning rate is a function of your own, which cannot be saved; use exponentialDecay, piecewiseConstantDecay or cosineDecay (saved with their options), or set optimizer.learningRate to a number before saving',
      );
    }
    config.learningRate = { ...schedule };
  }
  return { name: opt.name, config };
}

function lossToConfig(loss: Loss): { name: string; config: Record<string, unknown> } {
  const entry = lossEntry(loss.name);
  if (!entry || loss.constructor !== entry.type) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `toJSON(): the loss ${describe(loss.name)} is not a built-in loss class and cannot be saved (${LOSS_CLASSES.map((e) => e.name).join(', ')})`,
    );
  }
  return { name: loss.name, config: loss.getConfig() };
}

function metricToName(m: string | Metric): string {
  if (typeof m === 'string') return m;
  const name = METRIC_OBJECTS.get(m);
  if (name === undefined) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `toJSON(): the metric ${describe(m?.name)} is a Metric object of your own and cannot be saved; pass metrics by name ('acc', 'mae', …)`,
    );
  }
  return name;
}

function optimizerStateToJSON(opt: Optimizer, params: readonly Parameter[]): { iterations: number; slots: Record<string, string>[] } {
  const state = opt.getState();
  if (state.slots.length !== 0 && state.slots.length !== params.length) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `toJSON(): the optimizer holds state for ${state.slots.length} weights but the model has ${params.length}; was it used with another model?`,
    );
  }
  return {
    iterations: state.iterations,
    slots: state.slots.map((s, i) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(s)) {
        if (v.length !== params[i]!.value.size) {
          throw new NumnetError('INVALID_ARGUMENT', `toJSON(): the optimizer's ${k} for ${params[i]!.name} has ${v.length} values, the weight ${params[i]!.value.size}`);
        }
        out[k] = float64ToBase64(Float64Array.from(v));
      }
      return out;
    }),
  };
}

// ---------------------------------------------------------------------------------------- load

const TOP_KEYS = ['format', 'version', 'generatedBy', 'modelConfig', 'compileConfig', 'weights', 'optimizerState', 'randomState'];

/**
 * A new model from its native JSON (a string or the parsed object). Everything is checked before
 * anything is built; every problem is INVALID_FORMAT naming the field. The object given is not
 * modified, and nothing else is (the global random generator included). `registry`: the layer
 * classes it may hold (the built-in ones).
 */
export function modelFromJSON<M extends LoadableModel>(json: unknown, constructSequential: SequentialFactory<M>, registry: LayerRegistry = builtInLayers): M {
  const r = new FormatReader('numnet model');
  try {
    return readModel(r, json, constructSequential, registry);
  } catch (e) {
    if (e instanceof NumnetError && e.code === 'INVALID_FORMAT') throw e;
    // Not reachable by design (everything is validated first); kept so a loader never throws
    // anything but INVALID_FORMAT on a bad file.
    throw r.error('', `internal error while loading: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readModel<M extends LoadableModel>(r: FormatReader, input: unknown, construct: SequentialFactory<M>, registry: LayerRegistry): M {
  const top = readTop(r, input);
  const { name, layers } = readLayers(r, top, registry);
  // The weights the layers will build, checked against the saved ones.
  const expected = expectedWeights(r, layers);
  const weights = readWeights(r, top, expected, layers);

  // Compile config, optimizer state.
  let compile: CompileJSON | undefined;
  if (top.compileConfig !== undefined) compile = readCompileConfig(r, top.compileConfig, layers, expected);
  let optimizerState: { iterations: number; slots: Record<string, Float64Array>[] } | undefined;
  if (top.optimizerState !== undefined) {
    if (!compile) throw r.error('optimizerState', 'is given without a compileConfig');
    optimizerState = readOptimizerState(r, top.optimizerState, top.compileConfig as Record<string, unknown>, expected.filter((w) => w.trainable !== false)); // slots: trainable weights only
  }

  // Random state.
  let randomState: { model: RandomState; layers: Record<string, RandomState> } | undefined;
  if (top.randomState !== undefined) randomState = readRandomState(r, top.randomState, layers, registry);

  // Everything is valid: build.
  const model = construct(layers, { name, ...(randomState ? { seed: 0 } : {}) });
  if (weights.length) model.setWeights(weights);
  if (compile) {
    model.compile(compile);
    if (optimizerState) compile.optimizer.setState(optimizerState);
  }
  if (randomState) {
    model.setRandomState(randomState.model);
    for (const l of model.layers) {
      const state = Object.prototype.hasOwnProperty.call(randomState.layers, l.name) ? randomState.layers[l.name] : undefined;
      if (state) registry.specOf(l)!.randomState!.set(l, state);
    }
  }
  return model;
}

/** The top-level object of the file (parsed when text), its format and version checked. */
function readTop(r: FormatReader, input: unknown): Record<string, unknown> {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw r.error('', `not valid JSON (${e instanceof Error ? e.message : String(e)}); is the file truncated?`);
    }
  }
  const top = r.object(json, '(top level)');
  if (top.format !== NUMNET_FORMAT) {
    if (top.modelTopology !== undefined) {
      throw r.error('format', 'this is a TF.js model.json, not a numnet model; read it with fromTFJS() or load() from numnet/node');
    }
    throw r.error('format', `must be ${JSON.stringify(NUMNET_FORMAT)}, got ${describe(top.format)}`);
  }
  if (top.version !== NUMNET_FORMAT_VERSION) {
    throw r.error(
      'version',
      typeof top.version === 'number' && top.version > NUMNET_FORMAT_VERSION
        ? `is ${top.version}, written by a newer numnet; this numnet reads version ${NUMNET_FORMAT_VERSION}`
        : `must be ${NUMNET_FORMAT_VERSION}, got ${describe(top.version)}`,
    );
  }
  r.onlyKeys(top, TOP_KEYS, '(top level)');
  if (top.generatedBy !== undefined) r.string(top.generatedBy, 'generatedBy');
  return top;
}

/** The model's name and its layers, constructed from their configs (not built: nothing is allocated yet). */
function readLayers(r: FormatReader, top: Record<string, unknown>, registry: LayerRegistry): { name: string; layers: Layer[] } {
  const mc = r.object(r.required(top, 'modelConfig', '(top level)'), 'modelConfig');
  r.onlyKeys(mc, ['className', 'name', 'layers'], 'modelConfig');
  if (mc.className !== undefined && mc.className !== 'Sequential') {
    throw r.error('modelConfig.className', `must be "Sequential", got ${describe(mc.className)}`);
  }
  const name = r.string(r.required(mc, 'name', 'modelConfig'), 'modelConfig.name');
  const layerJSONs = r.layerList(r.required(mc, 'layers', 'modelConfig'), 'modelConfig.layers');
  const layers: Layer[] = layerJSONs.map((lj, i) => {
    const path = `modelConfig.layers[${i}]`;
    const o = r.object(lj, path);
    r.onlyKeys(o, ['className', 'config'], path);
    const className = r.required(o, 'className', path);
    r.wrap(`${path}.className`, () => registry.spec(className));
    const config = r.object(r.required(o, 'config', path), `${path}.config`);
    return r.wrap(`${path}.config`, () => registry.fromConfig(className, config));
  });
  const names = new Set<string>();
  layers.forEach((l, i) => {
    if (!l.name) throw r.error(`modelConfig.layers[${i}].config.name`, 'is missing');
    if (names.has(l.name)) throw r.error(`modelConfig.layers[${i}].config.name`, `${JSON.stringify(l.name)} is used by two layers`);
    names.add(l.name);
    if (i > 0 && l.inputShape) throw r.error(`modelConfig.layers[${i}].config.inputShape`, 'only the first layer may set inputShape');
  });
  return { name, layers };
}

/** The saved weights, each checked against the one the layers will build. */
function readWeights(r: FormatReader, top: Record<string, unknown>, expected: WeightShape[], layers: Layer[]): Tensor[] {
  const weightJSONs = r.array(r.required(top, 'weights', '(top level)'), 'weights');
  if (weightJSONs.length !== expected.length) {
    throw r.error(
      'weights',
      `holds ${weightJSONs.length} weights but the layers have ${expected.length}${expected.length ? ` (${expected.map((w) => `${w.name} ${fmtShape(w.shape)}`).join(', ')})` : layers.length && !layers[0]!.inputShape ? ' (the model is not built: its first layer has no inputShape)' : ''}`,
    );
  }
  return weightJSONs.map((wj, i) => {
    const path = `weights[${i}]`;
    const w = r.object(wj, path);
    r.onlyKeys(w, ['name', 'shape', 'dtype', 'data'], path);
    const e = expected[i]!;
    const wname = r.string(r.required(w, 'name', path), `${path}.name`);
    if (wname !== e.name) throw r.error(`${path}.name`, `is ${JSON.stringify(wname)} but weight ${i} of the model is ${JSON.stringify(e.name)}`);
    const shape = r.shape(r.required(w, 'shape', path), `${path}.shape`);
    if (!sameShape(shape, e.shape)) throw r.error(`${path}.shape`, `is ${fmtShape(shape)} but ${e.name} has shape ${fmtShape(e.shape)}`);
    if (w.dtype !== 'float64') throw r.error(`${path}.dtype`, `must be "float64", got ${describe(w.dtype)}`);
    const data = r.string(r.required(w, 'data', path), `${path}.data`);
    return new Tensor(base64ToFloat64(data, product(shape), `numnet model: ${path}.data (${e.name})`), shape);
  });
}

/** The full names and shapes of the weights `layers` will build, or [] while there is no input shape. */
function expectedWeights(r: FormatReader, layers: Layer[]): WeightShape[] {
  const first = layers[0];
  if (!first?.inputShape) return [];
  let shape: readonly number[] = first.inputShape;
  const out: WeightShape[] = [];
  layers.forEach((l, i) => {
    const s = r.wrap(`modelConfig.layers[${i}]`, () => l.shapes(shape));
    for (const w of s.weights) out.push({ ...w, name: `${l.name}/${w.name}` });
    shape = s.outputShape;
  });
  return out;
}

function readCompileConfig(r: FormatReader, cc: unknown, layers: Layer[], expected: WeightShape[]): CompileJSON {
  const c = r.object(cc, 'compileConfig');
  r.onlyKeys(c, ['optimizer', 'loss', 'metrics', 'weightedMetrics'], 'compileConfig');
  const optimizer = readOptimizer(r, r.required(c, 'optimizer', 'compileConfig'));
  const lo = r.object(r.required(c, 'loss', 'compileConfig'), 'compileConfig.loss');
  r.onlyKeys(lo, ['name', 'config'], 'compileConfig.loss');
  const lossName = r.string(r.required(lo, 'name', 'compileConfig.loss'), 'compileConfig.loss.name');
  const entry = lossEntry(lossName);
  if (!entry) throw r.error('compileConfig.loss.name', `unknown loss ${JSON.stringify(lossName)}; the losses are ${LOSS_CLASSES.map((e) => e.name).join(', ')}`);
  const lossConfig = r.object(lo.config ?? {}, 'compileConfig.loss.config');
  r.onlyKeys(lossConfig, entry.options, 'compileConfig.loss.config');
  if (lossConfig.fromLogits !== undefined && typeof lossConfig.fromLogits !== 'boolean') {
    throw r.error('compileConfig.loss.config.fromLogits', `must be true or false, got ${describe(lossConfig.fromLogits)}`);
  }
  const loss = r.wrap('compileConfig.loss.config', () => new entry.type(lossConfig as never));
  const names = (key: 'metrics' | 'weightedMetrics') => r.array(c[key] ?? [], `compileConfig.${key}`).map((m, i) => r.string(m, `compileConfig.${key}[${i}]`));
  const metrics = names('metrics');
  const weightedMetrics = names('weightedMetrics');
  // The output width decides what 'acc' means; it is known when the model has an input shape.
  let units = 0;
  if (expected.length || layers[0]?.inputShape) {
    let shape: readonly number[] = layers[0]!.inputShape!;
    for (const l of layers) shape = l.shapes(shape).outputShape;
    units = product(shape);
  }
  metrics.forEach((m, i) => r.wrap(`compileConfig.metrics[${i}]`, () => getMetric(m, loss, units)));
  weightedMetrics.forEach((m, i) => r.wrap(`compileConfig.weightedMetrics[${i}]`, () => getMetric(m, loss, units)));
  return { optimizer, loss, metrics, ...(weightedMetrics.length ? { weightedMetrics } : {}) };
}

function readOptimizer(r: FormatReader, v: unknown): Optimizer {
  const o = r.object(v, 'compileConfig.optimizer');
  r.onlyKeys(o, ['name', 'config'], 'compileConfig.optimizer');
  const name = r.string(r.required(o, 'name', 'compileConfig.optimizer'), 'compileConfig.optimizer.name');
  const config = { ...r.object(o.config ?? {}, 'compileConfig.optimizer.config') };
  const lr = config.learningRate;
  if (lr !== null && typeof lr === 'object') {
    config.learningRate = r.wrap('compileConfig.optimizer.config.learningRate', () => scheduleFromConfig(lr as ScheduleConfig));
  }
  return r.wrap('compileConfig.optimizer', () => getOptimizer(name, config));
}

function readOptimizerState(
  r: FormatReader,
  v: unknown,
  compileConfig: Record<string, unknown>,
  expected: WeightShape[],
): { iterations: number; slots: Record<string, Float64Array>[] } {
  const s = r.object(v, 'optimizerState');
  r.onlyKeys(s, ['iterations', 'slots'], 'optimizerState');
  const iterations = r.integer(r.required(s, 'iterations', 'optimizerState'), 'optimizerState.iterations');
  // The next step t = iterations + 1 must be a safe integer, or the model could never train on.
  if (iterations >= Number.MAX_SAFE_INTEGER) throw r.error('optimizerState.iterations', `is ${iterations}; at most 2^53 − 2 leaves a next step`);
  const slots = r.array(r.required(s, 'slots', 'optimizerState'), 'optimizerState.slots');
  if (slots.length !== 0 && slots.length !== expected.length) {
    throw r.error('optimizerState.slots', `holds state for ${slots.length} weights but the model has ${expected.length}`);
  }
  const keys = slots.length ? slotKeys(r, compileConfig) : [];
  const sortedKeys = keys.slice().sort();
  return {
    iterations,
    slots: slots.map((sv, i) => {
      const path = `optimizerState.slots[${i}]`;
      const so = r.object(sv, path);
      const got = Object.keys(so).sort();
      if (got.length !== sortedKeys.length || got.some((k, j) => k !== sortedKeys[j])) {
        throw r.error(path, `has the slots [${got.join(', ')}] but this optimizer keeps [${keys.join(', ')}]`);
      }
      const size = product(expected[i]!.shape);
      const out: Record<string, Float64Array> = {};
      for (const k of keys) out[k] = base64ToFloat64(r.string(so[k], `${path}.${k}`), size, `numnet model: ${path}.${k} (${expected[i]!.name})`);
      return out;
    }),
  };
}

/** The slot names the configured optimizer keeps per weight, in the order it creates them (`slotNames()`). */
function slotKeys(r: FormatReader, compileConfig: Record<string, unknown>): string[] {
  const optimizer = readOptimizer(r, compileConfig.optimizer);
  return r.wrap('compileConfig.optimizer', () => optimizer.slotNames());
}

function readRandomState(r: FormatReader, v: unknown, layers: Layer[], registry: LayerRegistry): { model: RandomState; layers: Record<string, RandomState> } {
  const o = r.object(v, 'randomState');
  r.onlyKeys(o, ['model', 'layers'], 'randomState');
  const check = (s: unknown, path: string): RandomState => {
    const so = r.object(s, path);
    r.onlyKeys(so, ['state', 'spareNormal'], path);
    r.wrap(path, () => new Random(0).setState(so as unknown as RandomState));
    return so.spareNormal === undefined ? { state: so.state as number } : { state: so.state as number, spareNormal: so.spareNormal as number };
  };
  const model = check(r.required(o, 'model', 'randomState'), 'randomState.model');
  // Null-prototype records and a Map: layer names are the file's strings ("__proto__" included).
  const states = Object.create(null) as Record<string, RandomState>;
  const lo = r.object(o.layers ?? {}, 'randomState.layers');
  const built = layers[0]?.inputShape !== undefined;
  const kinds = registry.classes.filter((c) => c.spec.randomState).map((c) => c.spec.className);
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const [name, s] of Object.entries(lo)) {
    const layer = byName.get(name);
    if (!layer || !registry.specOf(layer)?.randomState) throw r.error(`randomState.layers.${name}`, `names no ${kinds.join(' or ')} layer of the model`);
    if (!built) throw r.error(`randomState.layers.${name}`, 'is given but the model is not built');
    states[name] = check(s, `randomState.layers.${name}`);
  }
  return { model, layers: states };
}
