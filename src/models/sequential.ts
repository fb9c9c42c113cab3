import { NumnetError, checkOptions, describe, fmtShape, withinLimits } from '../errors.js';
import { Layer, Parameter } from '../layers/layer.js';
import { NumnetModelJSON, modelFromJSON, modelToJSON } from '../io/native.js';
import { Random, RandomState, getGlobalRandom } from '../random.js';
import { allFinite } from '../tensor/kernels.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';
import { Trainer } from '../training/trainer.js';

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
  /** The layers' names, for O(1) uniqueness checks. */
  private readonly names = new Set<string>();
  private readonly nameCounters = new Map<string, number>();

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
    // Every layer is checked before any is touched (named, built).
    const seen = new Set<Layer>();
    for (let i = 0; i < layers.length; i++) {
      const layer: unknown = layers[i];
      checkLayer(layer, `Sequential: layers[${i}]`);
      if (seen.has(layer)) throw new NumnetError('INVALID_ARGUMENT', `Sequential: layers[${i}] (${layer.name || layer.className}) appears twice`);
      seen.add(layer);
    }
    this.name = o.name ?? 'sequential';
    // Without a seed the model's generator is forked from the global one; a rejected constructor
    // leaves the layers as they came and the global generator where it was.
    const global = getGlobalRandom();
    const globalState = global.getState();
    this.rng = o.seed !== undefined ? new Random(o.seed) : global.fork();
    const before = layers.map(layerState);
    try {
      for (const layer of layers) this.append(layer);
      if (this.inputShape) this.build(this.inputShape);
    } catch (e) {
      layers.forEach((l, i) => restoreLayer(l, before[i]!));
      global.setState(globalState);
      throw e;
    }
  }

  /** Appends a layer (building it at once when the input shape is known). */
  add(layer: Layer): void {
    this.refuseWhileFitting('add()');
    checkLayer(layer, 'Sequential.add()');
    const before = layerState(layer);
    const rng = this.rng.getState();
    const inputShape = this.inputShape;
    const count = this.layers.length;
    const counters = new Map(this.nameCounters);
    try {
      this.append(layer);
      // Only the new layer is built (from the previous layer's output): adding n layers is O(n).
      if (this.inputShape && !layer.built) {
        const prev = this.layers[this.layers.length - 2];
        layer.build(prev ? prev.outputShape.slice() : this.inputShape, this.rng);
      }
      if (this.inputShape) {
        for (const p of layer.params) {
          this.weightList.push(p);
          (p.trainable === false ? this.stateList : this.params).push(p);
        }
      }
    } catch (e) {
      // A layer that cannot be built (a Dense after multi-axis samples, too many weights) leaves the
      // model and the layer as they were.
      if (this.layers.length > count) {
        this.layers.pop();
        this.names.delete(layer.name);
      }
      restoreLayer(layer, before);
      for (const [k, v] of counters) this.nameCounters.set(k, v);
      this.nameCounters.forEach((_, k) => counters.has(k) || this.nameCounters.delete(k));
      this.inputShape = inputShape;
      this.rng.setState(rng);
      this.collectWeights();
      throw e;
    }
    this.resolveMetrics();
  }

  /** Checks that a layer can join (not in the model, a unique name, inputShape only first), names it, appends it. */
  private append(layer: Layer): void {
    if (layer.name && this.names.has(layer.name)) {
      const here = this.layers.includes(layer); // only on the error path
      throw new NumnetError('INVALID_ARGUMENT', here ? `layer ${layer.name} is already in this model` : `a layer named ${JSON.stringify(layer.name)} is already in this model`);
    }
    if (this.layers.length > 0 && layer.inputShape && this.inputShape === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', `only the first layer may set inputShape (layer ${layer.className})`);
    }
    if (!layer.name) layer.name = this.uniqueName(layer.className);
    this.layers.push(layer);
    this.names.add(layer.name);
    if (this.layers.length === 1 && layer.inputShape) this.inputShape = layer.inputShape.slice();
  }

  /** `dense`, `dense_1`, … (Keras's names): the first free one, searched from the last one given. */
  private uniqueName(className: string): string {
    // Keras's to_snake_case: MaxPooling2D → max_pooling2d, Conv2D → conv2d, LeakyReLU → leaky_re_lu.
    const base = className.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    for (let k = this.nameCounters.get(base) ?? 0; ; k++) {
      const name = k === 0 ? base : `${base}_${k}`;
      if (!this.names.has(name)) {
        this.nameCounters.set(base, k + 1);
        return name;
      }
    }
  }

  /** Builds every layer not yet built for samples of shape `inputShape` (initial weights drawn here). */
  private build(inputShape: number[]): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape, this.rng);
      shape = layer.outputShape;
    }
    this.collectWeights();
  }

  private collectWeights(): void {
    this.weightList = this.layers.flatMap((l) => l.params);
    this.params = this.weightList.filter((p) => p.trainable !== false);
    this.stateList = this.weightList.filter((p) => p.trainable === false);
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

  protected buildFromData(sample: number[]): void {
    this.inputShape = sample;
    this.build(sample);
  }

  protected buildState(): unknown {
    return { rng: this.rng.getState(), layers: this.layers.map(layerState), inputShape: this.inputShape };
  }

  protected undoBuild(state: unknown): void {
    const s = state as { rng: RandomState; layers: LayerState[]; inputShape: number[] | undefined };
    this.layers.forEach((l, i) => restoreLayer(l, s.layers[i]!));
    this.inputShape = s.inputShape;
    this.collectWeights();
    this.rng.setState(s.rng);
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

  /** The trainable weights (kernel, bias, … per layer) with their gradient buffers: what the optimizer updates. */
  get parameters(): readonly Parameter[] {
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
   * Prints a Keras-style table of the layers, output shapes and parameter counts, as Keras's
   * `model.summary()` does, and returns it. `printFn` (Keras's `print_fn`) receives the whole table;
   * by default `console.log`; pass `() => {}` to only get the string.
   */
  summary(options: { printFn?: (table: string) => void } = {}): string {
    this.requireBuilt('summary()');
    const { printFn = (t: string) => console.log(t) } = checkOptions(options, ['printFn'], 'summary()');
    if (typeof printFn !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `summary(): printFn must be a function, got ${describe(printFn)}`);
    }
    const table = this.summaryTable();
    printFn(table);
    return table;
  }

  private summaryTable(): string {
    const rows = this.layers.map((l) => [
      `${l.name} (${l.className})`,
      `(None, ${l.outputShape.join(', ')})`,
      String(l.countParams()),
    ]);
    const w = [33, 26, 12];
    // A long name still leaves one space before the next column.
    const line = (c: string[]) => c.map((s, i) => s.padEnd(Math.max(w[i]!, s.length + 1))).join('').trimEnd();
    const total = this.countParams();
    const trainable = this.params.reduce((n, p) => n + p.value.size, 0);
    const rule = '_'.repeat(71);
    return [
      `Model: "${this.name}"`,
      rule,
      line(['Layer (type)', 'Output Shape', 'Param #']),
      '='.repeat(71),
      ...rows.flatMap((r, i) => (i === 0 ? [line(r)] : ['', line(r)])),
      '='.repeat(71),
      `Total params: ${total.toLocaleString('en-US')}`,
      `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
      rule,
    ].join('\n');
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

/** Sets a layer's name, built state and weights back to `state` (undoing a failed add or build). */
function restoreLayer(layer: Layer, state: LayerState): void {
  layer.name = state.name;
  if (!state.built) {
    layer.built = false;
    layer.params = [];
    layer.outputShape = [];
  }
}

interface LayerState {
  name: string;
  built: boolean;
}

function layerState(layer: Layer): LayerState {
  return { name: layer.name, built: layer.built };
}

/** A Layer (of a class that implements forward and backward), or INVALID_ARGUMENT. */
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
  if (typeof layer.forward !== 'function' || typeof layer.backward !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `${what}: layer ${layer.name || layer.className} does not implement forward() and backward()`);
  }
}
