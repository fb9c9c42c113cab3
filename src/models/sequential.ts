import { NumnetError, checkOptions, describe, fmtShape, withinLimits } from '../errors.js';
import { Layer, Parameter, PreparedBuild, trainableVersion } from '../layers/layer.js';
import { NumnetModelJSON, modelFromJSON, modelToJSON } from '../io/native.js';
import { Random, RandomState, getGlobalRandom } from '../random.js';
import { allFinite } from '../tensor/kernels.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';
import { BuildPlan, Trainer } from '../training/trainer.js';
import { summaryText } from './summary.js';

export type { CompileConfig } from '../training/trainer.js';
export type { FitConfig } from '../training/data.js';

/**
 * A linear stack of layers, as Keras's `Sequential`: ŷ = f_L(…f_1(x)). The model holds structure —
 * its layers, their weights, its input shape, its generator, its summary and saved form; training,
 * evaluation and prediction come from {@link Trainer} (src/training), which it extends.
 */
export class Sequential extends Trainer {
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** The model's name ('sequential' unless given). */
  readonly name: string;
  private rng: Random;
  private inputShape: number[] | undefined;
  /** Every weight, layer by layer (getWeights order), and the trainable ones the optimizer updates. */
  private weightList: Parameter[] = [];
  private params: Parameter[] = [];
  private stateList: Parameter[] = [];
  /** `trainableVersion()` when the lists were collected. */
  private collectedAt = trainableVersion();
  /** The layers' names, for O(1) uniqueness checks. */
  private readonly names = new Set<string>();
  private nameCounters = new Map<string, number>();

  constructor(layers: Layer[] = [], options: { seed?: number; name?: string } = {}) {
    super();
    if (!Array.isArray(layers)) {
      throw new NumnetError('INVALID_ARGUMENT', `Sequential takes an array of layers, got ${describe(layers)}`);
    }
    const o = checkOptions(options, ['seed', 'name'], 'Sequential');
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) {
      throw new NumnetError('INVALID_ARGUMENT', `Sequential seed must be a number, got ${describe(o.seed)}`);
    }
    if (o.name != null && typeof o.name !== 'string') {
      throw new NumnetError('INVALID_ARGUMENT', `Sequential name must be a string, got ${describe(o.name)}`);
    }
    const seen = new Set<Layer>();
    for (let i = 0; i < layers.length; i++) {
      const layer: unknown = layers[i];
      checkLayer(layer, `Sequential: layers[${i}]`);
      if (seen.has(layer)) throw new NumnetError('INVALID_ARGUMENT', `Sequential: layers[${i}] (${layer.name || layer.className}) appears twice`);
      seen.add(layer);
    }
    this.name = o.name ?? 'sequential';
    // Without a seed the model's generator is forked from the global one — from a copy of it, which
    // the global generator takes over only once every layer is checked and built (check, then build).
    const global = getGlobalRandom();
    const draft = copyOf(global);
    this.rng = o.seed !== undefined ? new Random(o.seed) : draft.fork();
    this.commitAppend(this.planAppend(Array.from(layers)));
    if (o.seed === undefined) global.setState(draft.getState());
  }

  /** Appends a layer (building it at once when the input shape is known). Nothing changes when it cannot join. */
  add(layer: Layer): void {
    this.refuseWhileFitting('add()');
    checkLayer(layer, 'Sequential.add()');
    this.commitAppend(this.planAppend([layer]));
    this.resolveMetrics();
  }

  /**
   * What appending `layers` will do, computed without changing anything: their names (Keras's
   * `dense`, `dense_1`, …), the input shape, and — when it is known — each unbuilt layer's build,
   * drawn from a copy of the model's generator. Throws NumnetError when a layer cannot join.
   */
  private planAppend(layers: Layer[]): AppendPlan {
    const taken = new Set(this.names);
    const counters = new Map(this.nameCounters);
    let inputShape = this.inputShape;
    const names = layers.map((layer, k) => {
      if (layer.name && taken.has(layer.name)) {
        const here = this.layers.includes(layer); // only on the error path
        throw new NumnetError('INVALID_ARGUMENT', here ? `layer ${layer.name} is already in this model` : `a layer named ${JSON.stringify(layer.name)} is already in this model`);
      }
      const first = this.layers.length + k === 0;
      if (!first && layer.inputShape && inputShape === undefined) {
        throw new NumnetError('INVALID_ARGUMENT', `only the first layer may set inputShape (layer ${layer.className})`);
      }
      if (first && layer.inputShape) inputShape = layer.inputShape.slice();
      const name = layer.name || uniqueName(layer.className, taken, counters);
      taken.add(name);
      return name;
    });
    const last = this.layers[this.layers.length - 1];
    const builds = inputShape ? prepareBuilds(layers, names, last ? last.outputShape : inputShape, copyOf(this.rng)) : undefined;
    return { layers, names, counters, inputShape, builds };
  }

  /** Appends the planned layers: names, builds and weights (nothing here throws). */
  private commitAppend(plan: AppendPlan): void {
    plan.layers.forEach((layer, k) => {
      layer.name = plan.names[k]!;
      this.layers.push(layer);
      this.names.add(layer.name);
    });
    this.nameCounters = plan.counters;
    this.inputShape = plan.inputShape;
    if (plan.builds) this.commitBuilds(plan.layers, plan.builds);
  }

  /** Commits prepared builds of `layers` and adds their weights to the model's lists (only theirs: adding n layers is O(n)). */
  private commitBuilds(layers: readonly Layer[], builds: LayerBuilds): void {
    layers.forEach((layer, k) => {
      const b = builds.builds[k];
      if (b) layer.commitBuild(b);
      this.addWeights(layer);
    });
    this.rng.setState(builds.rng);
  }

  /** Adds a layer's weights to the lists: all, trainable (the optimizer's), and state (not trained by the optimizer). */
  private addWeights(layer: Layer): void {
    for (const p of layer.params) {
      this.weightList.push(p);
      if (p.trainable === false) this.stateList.push(p);
      else if (layer.trainable) this.params.push(p);
    }
  }

  /** The lists anew (a layer's `trainable` changed). */
  private collectWeights(): void {
    this.weightList = [];
    this.params = [];
    this.stateList = [];
    if (this.inputShape) for (const layer of this.layers) this.addWeights(layer);
    this.collectedAt = trainableVersion();
  }

  /** True once the model knows its input shape and has its weights (layers are built in order). */
  get built(): boolean {
    return this.inputShape !== undefined && this.layers.length > 0 && this.layers[this.layers.length - 1]!.built;
  }

  /** The output shape of one sample. */
  get outputShape(): number[] {
    this.requireBuilt('outputShape');
    return this.layers[this.layers.length - 1]!.outputShape.slice();
  }

  protected planBuild(sample: number[]): ModelBuildPlan {
    const builds = prepareBuilds(this.layers, this.layers.map((l) => l.name), sample, copyOf(this.rng));
    return { inputShape: sample.slice(), outputShape: builds.outputShape, builds };
  }

  protected commitBuild(plan: BuildPlan): void {
    const p = plan as ModelBuildPlan;
    this.inputShape = p.inputShape;
    this.layers.forEach((layer, k) => p.builds.builds[k] && layer.commitBuild(p.builds.builds[k]!));
    this.rng.setState(p.builds.rng);
    this.collectWeights();
  }

  private requireBuilt(where: string): void {
    if (!this.built) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${where}: the model is not built yet: give the first layer an inputShape, or call fit/predict first`,
      );
    }
  }

  // ------------------------------------------------------------------ weights

  /** Copies of every weight, layer by layer (kernel then bias, as Keras). */
  getWeights(): Tensor[] {
    this.requireBuilt('getWeights()');
    return this.weightList.map((p) => p.value.clone());
  }

  /**
   * Sets every weight from a list in `getWeights()` order; shapes must match. Nothing changes
   * unless all of them fit.
   */
  setWeights(weights: TensorLike[]): void {
    this.requireBuilt('setWeights()');
    if (!Array.isArray(weights) || weights.length !== this.weightList.length) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `setWeights(): expected ${this.weightList.length} weights (${this.weightList.map((p) => `${p.name} ${fmtShape(p.value.shape)}`).join(', ')}), got ${Array.isArray(weights) ? weights.length : describe(weights)}`,
      );
    }
    // Array.from: a hole of a sparse array is undefined (rejected), not skipped.
    const tensors = Array.from(weights).map((w, i) => {
      const p = this.weightList[i]!;
      const t = toTensor(w, `setWeights(): weights[${i}] (${p.name})`);
      if (t.rank !== p.value.rank || t.shape.some((n, d) => n !== p.value.shape[d])) {
        throw new NumnetError(
          'SHAPE_MISMATCH',
          `setWeights(): weights[${i}] for ${p.name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(p.value.shape)}`,
        );
      }
      if (!allFinite(t.data)) {
        throw new NumnetError('NON_FINITE_INPUT', `setWeights(): weights[${i}] for ${p.name} holds NaN or Infinity`);
      }
      return t;
    });
    // Every source is read before any weight is written: the model's own live tensors, in any order,
    // are copies of the old values (setWeights([k1, b0, k0, b1]) swaps).
    const values = tensors.map((t) => t.data.slice());
    values.forEach((v, i) => this.weightList[i]!.value.data.set(v));
  }

  /** The trainable weights (kernel, bias, … per layer, frozen layers left out) with their gradient buffers: what the optimizer updates. */
  get parameters(): readonly Parameter[] {
    if (this.collectedAt !== trainableVersion()) this.collectWeights();
    return this.params;
  }

  /** The weights the model keeps but does not train (a BatchNormalization's moving statistics). */
  get state(): readonly Parameter[] {
    return this.stateList;
  }

  /** Number of weight values, trainable and not (as Keras's count_params). */
  countParams(): number {
    this.requireBuilt('countParams()');
    return this.weightList.reduce((n, p) => n + p.value.size, 0);
  }

  /**
   * Prints the table of the layers, output shapes and parameter counts as Keras 3's
   * `model.summary()` draws it (a box table, then the totals with their memory size — float64, 8
   * bytes a value — and the optimizer's values once it has updated), and returns it. `printFn`
   * (Keras's `print_fn`) receives the whole table, by default `console.log`; pass `() => {}` to only
   * get the string. `lineLength` (Keras's `line_length`): the table's width, 76 by default (Keras's
   * width where there is no terminal).
   */
  summary(options: { printFn?: (table: string) => void; lineLength?: number } = {}): string {
    this.requireBuilt('summary()');
    const { printFn = (t: string) => console.log(t), lineLength = 76 } = checkOptions(options, ['printFn', 'lineLength'], 'summary()');
    if (typeof printFn !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `summary(): printFn must be a function, got ${describe(printFn)}`);
    }
    if (typeof lineLength !== 'number' || !Number.isInteger(lineLength) || lineLength < 40 || lineLength > 1000) {
      throw new NumnetError('INVALID_ARGUMENT', `summary(): lineLength must be an integer from 40 to 1000, got ${describe(lineLength)}`);
    }
    const rows = this.layers.map((l) => ({ layer: `${l.name} (${l.className})`, outputShape: `(None, ${l.outputShape.join(', ')})`, params: l.countParams() }));
    const size = (ps: readonly Parameter[]) => ps.reduce((n, p) => n + p.value.size, 0);
    const opt = this.optimizer;
    // Keras counts the optimizer's variables once it is built: its slots, the step count and the learning rate.
    const optimizer = opt && opt.iterations > 0 ? 2 + opt.getState().slots.reduce((n, s) => n + Object.values(s).reduce((m, v) => m + v.length, 0), 0) : undefined;
    const trainable = size(this.parameters);
    const table = summaryText(this.name, rows, { trainable, nonTrainable: size(this.weightList) - trainable, optimizer }, lineLength);
    printFn(table);
    return table;
  }

  /**
   * The epoch's sample order: a fresh permutation of 0…n−1 drawn from the model's generator. Each
   * epoch's order depends only on the generator's state, so `fit` for 3 epochs then 2 more equals
   * 5 epochs at once, also across a save and load.
   * @internal
   */
  shuffle(order: Int32Array): void {
    for (let i = 0; i < order.length; i++) order[i] = i;
    this.rng.shuffle(order);
  }

  /**
   * The native saved form of this model (docs/saving.md): the layers' configs, the compile config,
   * every weight as float64 (base64), the optimizer state and the random generators, so that
   * `Sequential.fromJSON` gives a model that predicts bit-identically and trains on exactly as this
   * one would. `JSON.stringify(model)` uses it. INVALID_ARGUMENT when something in the model cannot
   * be saved (a layer class, activation, initializer, loss, metric or learning-rate function of
   * your own).
   */
  toJSON(): NumnetModelJSON {
    return withinLimits('toJSON(): the model', () => modelToJSON(this));
  }

  /**
   * A new model from `toJSON()` output (the object or its JSON text). Every problem with it is a
   * NumnetError with code INVALID_FORMAT naming the field; nothing is built until all of it checks.
   */
  static fromJSON(json: string | NumnetModelJSON | object): Sequential {
    return modelFromJSON(json, (layers, options) => new Sequential(layers, options));
  }

  /** The shape of one input sample, once known (from the first layer's inputShape or the first data). */
  getInputShape(): number[] | undefined {
    return this.inputShape?.slice();
  }

  /** The state of the model's generator (shuffling; initial weights of layers not built yet). */
  getRandomState(): RandomState {
    return this.rng.getState();
  }

  /** Restores the model's generator from `getRandomState()`. */
  setRandomState(state: RandomState): void {
    this.rng.setState(state);
  }
}

/** The layers' builds in order, for samples of `sample` shape, drawn from `rng` (a copy: nothing changes). */
interface LayerBuilds {
  /** Each layer's prepared build (undefined for a layer that was built already). */
  builds: (PreparedBuild | undefined)[];
  /** The output shape of the last layer. */
  outputShape: number[];
  /** The generator's state after the draws. */
  rng: RandomState;
}

/** Layers to append: their names, the model's input shape after them, and their builds once it is known. */
interface AppendPlan {
  layers: Layer[];
  names: string[];
  counters: Map<string, number>;
  inputShape: number[] | undefined;
  builds: LayerBuilds | undefined;
}

/** The build of an unbuilt model planned from data. */
interface ModelBuildPlan extends BuildPlan {
  builds: LayerBuilds;
}

/** Prepares the unbuilt layers' builds along the chain of shapes from `sample` (layers in order; changes only `rng`). */
function prepareBuilds(layers: readonly Layer[], names: readonly string[], sample: readonly number[], rng: Random): LayerBuilds {
  let shape = sample.slice();
  const builds = layers.map((layer, k) => {
    if (layer.built) {
      shape = layer.outputShape.slice();
      return undefined;
    }
    const b = layer.prepareBuild(shape, rng, names[k]);
    shape = b.outputShape;
    return b;
  });
  return { builds, outputShape: shape, rng: rng.getState() };
}

/** A generator in the same state as `rng` (drawing from it leaves `rng` where it is). */
function copyOf(rng: Random): Random {
  const r = new Random(0);
  r.setState(rng.getState());
  return r;
}

/**
 * `dense`, `dense_1`, … (Keras's names): the first name of the class not in `taken`, searched from
 * the counter of its base name (which it advances). Keras's to_snake_case: MaxPooling2D →
 * max_pooling2d, Conv2D → conv2d, LeakyReLU → leaky_re_lu.
 */
function uniqueName(className: string, taken: ReadonlySet<string>, counters: Map<string, number>): string {
  const base = className.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  for (let k = counters.get(base) ?? 0; ; k++) {
    const name = k === 0 ? base : `${base}_${k}`;
    if (!taken.has(name)) {
      counters.set(base, k + 1);
      return name;
    }
  }
}

/** A Layer (of a class that implements call and callBackward), or INVALID_ARGUMENT. */
function checkLayer(layer: unknown, what: string): asserts layer is Layer {
  if (!(layer instanceof Layer)) {
    const l = layer as { className?: unknown; forward?: unknown } | null;
    if (l !== null && typeof l === 'object' && typeof l.className === 'string' && typeof l.forward === 'function') {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${what} is a ${l.className} layer from another copy of numnet (the ES module and CommonJS builds are two copies, as are two installs): make the layers and the model with the same import`,
      );
    }
    throw new NumnetError('INVALID_ARGUMENT', `${what} takes a layer (Dense, Dropout, …), got ${describe(layer)}`);
  }
  if (typeof layer.className !== 'string' || typeof layer.name !== 'string' || !Array.isArray(layer.params) || !Array.isArray(layer.outputShape)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what}: this layer was not made by its constructor (no className, name or params)`);
  }
  const hooks = layer as unknown as { call?: unknown; callBackward?: unknown };
  if (typeof hooks.call !== 'function' || typeof hooks.callBackward !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `${what}: layer ${layer.name || layer.className} does not implement call() and callBackward()`);
  }
}
