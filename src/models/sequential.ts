import { CallbackHooks, History, Logs, TrainingParams, checkCallback } from '../callbacks/callback.js';
import { printLine, progressCallback } from '../callbacks/progress.js';
import { stepsLine } from '../callbacks/progress-bar.js';
import { NumnetError, checkOptions, describe, fmtShape, withinLimits } from '../errors.js';
import { Layer, Parameter } from '../layers/layer.js';
import { Loss, getLoss } from '../losses/losses.js';
import { Metric, argmaxRow, getMetric } from '../losses/metrics.js';
import { Optimizer, getOptimizer } from '../optimizers/index.js';
import { NumnetModelJSON, modelFromJSON, modelToJSON } from '../io/native.js';
import { Random, RandomState, getGlobalRandom } from '../random.js';
import { allFinite } from '../tensor/kernels.js';
import { Tensor, TensorLike, allocate, checkShape, toTensor } from '../tensor/tensor.js';

/** Options of `compile`. */
export interface CompileConfig {
  /** An optimizer instance, or its name ('sgd', …) for its defaults. */
  optimizer: string | Optimizer;
  /** A loss name ('mse', 'categoricalCrossentropy', …) or instance. */
  loss: string | Loss;
  /** Metric names ('acc', 'mae', …) or Metric objects. */
  metrics?: (string | Metric)[];
}

/** Options of `fit`. */
export interface FitConfig {
  /** The epoch index to stop at (default 1). */
  epochs?: number;
  /** Samples per update (default 32); the last batch may be smaller. */
  batchSize?: number;
  /** Draw a new sample order each epoch from the model's generator (default true). */
  shuffle?: boolean;
  /** Fraction in [0, 1) of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** [x, y] or [x, y, sampleWeight] to evaluate after each epoch (`val_…` logs); overrides `validationSplit`. */
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, TensorLike];
  /** Weight per class index, multiplying each sample's loss. */
  classWeight?: Record<number, number> | Map<number, number>;
  /** Weight per sample (shape [n]), multiplying each sample's loss. */
  sampleWeight?: TensorLike;
  /** Callbacks (instances or plain hook objects), called in order before the History. */
  callbacks?: CallbackHooks[] | CallbackHooks;
  /**
   * 0 quiet (default); 1 a progress bar per epoch (in Node with `numnet/node` loaded; elsewhere one
   * line per epoch); 2 one line per epoch.
   */
  verbose?: 0 | 1 | 2;
  /** The epoch to start from (for resuming); `epochs` is the index to stop at, as Keras. */
  initialEpoch?: number;
}

interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metrics: Metric[];
}

/** Reusable buffers for one batch size. */
interface BatchBuffers {
  x: Tensor;
  y: Tensor;
  w: Float64Array;
  perSample: Float64Array;
  metric: Float64Array;
  grad: Tensor;
}

/** Sums of a pass over data, reduced to logs at the end. */
interface Totals {
  samples: number;
  weight: number;
  metrics: number[];
}

const yieldToEventLoop = (): Promise<void> => {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
};

/**
 * A linear stack of layers, trained by backpropagation as Keras's `Sequential`:
 * forward ŷ = f_L(…f_1(x)), loss L(y, ŷ) plus regularization, backward from ∂L/∂ŷ layer by layer,
 * and one optimizer step per batch.
 */
export class Sequential {
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** The model's name ('sequential' unless given). */
  readonly name: string;
  /** Set by a callback to end `fit` after the current batch (the epoch still gets onEpochEnd). */
  stopTraining = false;
  private rng: Random;
  private compiled: Compiled | undefined;
  private inputShape: number[] | undefined;
  private params: Parameter[] = [];
  private backup: Float64Array[] = [];
  private buffers = new Map<number, BatchBuffers>();
  private fitting = false;

  constructor(layers: Layer[] = [], options: { seed?: number; name?: string } = {}) {
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
    // Every layer is checked before any is touched (named, built), and a failed build undoes them all.
    const list: Layer[] = [];
    for (let i = 0; i < layers.length; i++) {
      const layer: unknown = layers[i];
      checkLayer(layer, `Sequential: layers[${i}]`);
      if (list.includes(layer)) throw new NumnetError('INVALID_ARGUMENT', `Sequential: layers[${i}] (${layer.name || layer.className}) appears twice`);
      list.push(layer);
    }
    this.name = o.name ?? 'sequential';
    this.rng = o.seed !== undefined ? new Random(o.seed) : getGlobalRandom().fork();
    const before = list.map(layerState);
    try {
      for (const layer of list) this.add(layer);
    } catch (e) {
      list.forEach((l, i) => restoreLayer(l, before[i]!));
      throw e;
    }
  }

  /** Appends a layer (building it at once when the input shape is known). */
  add(layer: Layer): void {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', 'add(): this model is fitting; add layers before or after fit');
    checkLayer(layer, 'Sequential.add()');
    if (this.layers.includes(layer)) {
      throw new NumnetError('INVALID_ARGUMENT', `layer ${layer.name} is already in this model`);
    }
    if (this.layers.length > 0 && layer.inputShape && this.inputShape === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', `only the first layer may set inputShape (layer ${layer.className})`);
    }
    if (layer.name && this.layers.some((l) => l.name === layer.name)) {
      throw new NumnetError('INVALID_ARGUMENT', `a layer named ${JSON.stringify(layer.name)} is already in this model`);
    }
    // Added transactionally: a layer that cannot be built (a Dense after multi-axis samples, too
    // many weights) leaves the model and the layer as they were.
    const before = layerState(layer);
    const rng = this.rng.getState();
    const inputShape = this.inputShape;
    if (!layer.name) layer.name = this.uniqueName(layer.className);
    this.layers.push(layer);
    try {
      if (this.layers.length === 1 && layer.inputShape) this.inputShape = layer.inputShape.slice();
      if (this.inputShape) this.build(this.inputShape);
    } catch (e) {
      this.layers.pop();
      restoreLayer(layer, before);
      this.inputShape = inputShape;
      this.rng.setState(rng);
      this.params = this.layers.flatMap((l) => l.params);
      throw e;
    }
    this.resolveMetrics();
  }

  private uniqueName(className: string): string {
    const base = className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    for (let k = 0; ; k++) {
      const name = k === 0 ? base : `${base}_${k}`;
      if (!this.layers.some((l) => l.name === name)) return name;
    }
  }

  /** Builds every layer not yet built for samples of shape `inputShape` (initial weights drawn here). */
  private build(inputShape: number[]): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape, this.rng);
      shape = layer.outputShape;
    }
    this.params = this.layers.flatMap((l) => l.params);
  }

  /** True once the model knows its input shape and has its weights. */
  get built(): boolean {
    return this.inputShape !== undefined && this.layers.every((l) => l.built);
  }

  /** The output shape of one sample. */
  get outputShape(): number[] {
    this.requireBuilt('outputShape');
    return this.layers[this.layers.length - 1]!.outputShape.slice();
  }

  /** Sets the optimizer, the loss and the metrics. */
  compile(config: CompileConfig): void {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', 'compile(): this model is fitting; compile before or after fit');
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new NumnetError('INVALID_ARGUMENT', `compile() takes { optimizer, loss, metrics? }, got ${describe(config)}`);
    }
    checkOptions(config, ['optimizer', 'loss', 'metrics'], 'compile()');
    if (config.loss === undefined) throw new NumnetError('INVALID_ARGUMENT', 'compile(): loss is missing');
    if (config.optimizer === undefined) throw new NumnetError('INVALID_ARGUMENT', 'compile(): optimizer is missing');
    if (config.metrics !== undefined && !Array.isArray(config.metrics)) {
      throw new NumnetError('INVALID_ARGUMENT', `compile(): metrics must be an array, got ${describe(config.metrics)}`);
    }
    // Everything is resolved before anything is set, so a rejected compile changes nothing.
    const optimizer = getOptimizer(config.optimizer);
    const loss = getLoss(config.loss);
    const names = Array.from(config.metrics ?? []); // holes of a sparse array become undefined (rejected)
    const metrics = this.metricsFor(names, loss);
    this.compiled = { optimizer, loss, metrics };
    this.metricNames = names;
  }

  private metricNames: (string | Metric)[] = [];

  private resolveMetrics(): void {
    if (!this.compiled) return;
    this.compiled.metrics = this.metricsFor(this.metricNames, this.compiled.loss);
  }

  private metricsFor(names: readonly (string | Metric)[], loss: Loss): Metric[] {
    const units = this.layers.length && this.built ? this.outputShape.reduce((p, n) => p * n, 1) : 0;
    return names.map((m) => getMetric(m, loss, units));
  }

  /** The optimizer set by `compile`. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The loss set by `compile`. */
  get loss(): Loss | undefined {
    return this.compiled?.loss;
  }

  // ------------------------------------------------------------------ data

  /**
   * Converts x to a tensor [n, …inputShape], building the model from it if needed (run inside
   * `tentatively`, so that a call rejected later leaves the model unbuilt).
   */
  private prepareX(x: TensorLike, where: string): Tensor {
    const t = toTensor(x, `${where}: x`);
    if (this.layers.length === 0) throw new NumnetError('INVALID_ARGUMENT', `${where}: the model has no layers`);
    if (t.rank < 2) {
      throw new NumnetError('SHAPE_MISMATCH', `${where}: x must be a batch [samples, …features], got shape ${fmtShape(t.shape)}`);
    }
    if (!this.inputShape) {
      const sample = t.shape.slice(1);
      if (sample.some((n) => n < 1)) {
        throw new NumnetError('SHAPE_MISMATCH', `${where}: x has shape ${fmtShape(t.shape)}; a sample needs at least one value on every axis`);
      }
      checkFiniteRows(t, `${where}: x`);
      this.inputShape = sample;
      this.build(this.inputShape);
      this.resolveMetrics();
    }
    const expected = this.inputShape;
    if (t.rank !== expected.length + 1 || expected.some((n, i) => t.shape[i + 1] !== n)) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `${where}: x has shape ${fmtShape(t.shape)} but the model expects [samples, ${expected.join(', ')}] (layer ${this.layers[0]!.name})`,
      );
    }
    checkFiniteRows(t, `${where}: x`);
    return t;
  }

  /** Converts y to a tensor matching the model output for n samples. */
  private prepareY(y: TensorLike, n: number, where: string): Tensor {
    let t = toTensor(y, `${where}: y`);
    const loss = this.compiled!.loss;
    const out = this.outputShape;
    if (t.rank === 1 && !loss.sparse && out.length === 1 && out[0] === 1) t = new Tensor(t.data, [t.shape[0]!, 1]);
    if (loss.sparse && t.rank === 2 && t.shape[1] === 1) t = new Tensor(t.data, [t.shape[0]!]);
    if (t.shape[0] !== n) {
      throw new NumnetError('SHAPE_MISMATCH', `${where}: x has ${n} samples but y has ${t.shape[0] ?? 0} (y shape ${fmtShape(t.shape)})`);
    }
    checkFiniteRows(t, `${where}: y`);
    loss.checkTargets(t, new Tensor(new Float64Array(n * out.reduce((p, k) => p * k, 1)), [n, ...out]), `${where}: y`);
    return t;
  }

  /**
   * Runs `f` (the checks of a public call); when the model was not built and `f` throws after
   * building it from the data, the build is undone (layers, input shape, generator), so a rejected
   * call leaves the model as it was.
   */
  private tentatively<T>(f: () => T): T {
    if (this.built) return f();
    const rng = this.rng.getState();
    const states = this.layers.map(layerState);
    const inputShape = this.inputShape;
    try {
      return f();
    } catch (e) {
      this.layers.forEach((l, i) => restoreLayer(l, states[i]!));
      this.inputShape = inputShape;
      this.params = this.layers.flatMap((l) => l.params);
      this.rng.setState(rng);
      this.buffers.clear();
      if (this.compiled) this.compiled.metrics = this.metricsFor(this.metricNames, this.compiled.loss);
      throw e;
    }
  }

  private requireCompiled(where: string): Compiled {
    if (!this.compiled) {
      throw new NumnetError('NOT_COMPILED', `${where}: call model.compile({ optimizer, loss }) first`);
    }
    return this.compiled;
  }

  private requireBuilt(where: string): void {
    if (!this.built) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${where}: the model is not built yet: give the first layer an inputShape, or call fit/predict first`,
      );
    }
  }

  private requireTrainable(where: string): void {
    for (const layer of this.layers) {
      const act = layer.outputActivation;
      if (act && !act.differentiable) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `${where}: layer ${layer.name} uses activation '${act.name}', which has no gradient; use Perceptron for the step rule, or 'sigmoid'`,
        );
      }
    }
  }

  private batchBuffers(rows: number): BatchBuffers {
    let b = this.buffers.get(rows);
    if (!b) {
      const inShape = this.inputShape!;
      const outShape = this.outputShape;
      const outSize = outShape.reduce((p, n) => p * n, 1);
      const inSize = inShape.reduce((p, n) => p * n, 1);
      const ySize = this.compiled?.loss.sparse ? 1 : outSize;
      // Allocated once per batch size; a batch too large to hold is INVALID_ARGUMENT, not a RangeError.
      const buf = (shape: number[]) => allocate(checkShape(shape, `a batch of ${rows}: reduce batchSize; the buffer`), 'batch');
      b = {
        x: new Tensor(buf([rows, ...inShape]), [rows, ...inShape]),
        y: new Tensor(buf([rows * ySize]), this.compiled?.loss.sparse ? [rows] : [rows, ...outShape]),
        w: new Float64Array(rows),
        perSample: new Float64Array(rows),
        metric: new Float64Array(rows),
        grad: new Tensor(buf([rows, ...outShape]), [rows, ...outShape]),
      };
      if (this.buffers.size > 8) this.buffers.clear();
      this.buffers.set(rows, b);
    }
    return b;
  }

  // ------------------------------------------------------------------ the step

  private forward(x: Tensor, training: boolean): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, training);
    return h;
  }

  /** The regularization penalty Σ R(w) over all weights. */
  private penalty(): number {
    let s = 0;
    for (const p of this.params) if (p.regularizer) s += p.regularizer.penalty(p.value.data);
    return s;
  }

  /** Adds the loss and metrics of ŷ against y into `totals`; returns the batch's data loss. */
  private score(yHat: Tensor, y: Tensor, w: Float64Array | undefined, b: BatchBuffers, totals: Totals): number {
    const { loss, metrics } = this.compiled!;
    const rows = yHat.shape[0]!;
    const cols = yHat.size / rows;
    loss.perSample(y.data, yHat.data, rows, cols, b.perSample);
    let lossSum = 0;
    let weightSum = 0;
    for (let i = 0; i < rows; i++) {
      const wi = w ? w[i]! : 1;
      lossSum += wi * b.perSample[i]!;
      weightSum += wi;
    }
    for (let m = 0; m < metrics.length; m++) {
      metrics[m]!.perSample(y.data, yHat.data, rows, cols, b.metric);
      let s = 0;
      for (let i = 0; i < rows; i++) s += (w ? w[i]! : 1) * b.metric[i]!;
      totals.metrics[m] = (totals.metrics[m] ?? 0) + s;
    }
    totals.samples += rows;
    totals.weight += weightSum;
    return lossSum / rows;
  }

  /**
   * One gradient step on one batch: forward, loss, backward, optimizer update. A batch whose loss,
   * gradients or new weights are not finite leaves the weights and the optimizer as they were.
   * Returns the batch loss (with regularization) before the update.
   */
  private step(x: Tensor, y: Tensor, w: Float64Array | undefined, b: BatchBuffers, totals: Totals): number {
    const { optimizer } = this.compiled!;
    const yHat = this.forward(x, true);
    const dataLoss = this.score(yHat, y, w, b, totals);
    const total = dataLoss + this.penalty();
    if (!Number.isFinite(total)) {
      throw new NumnetError('NON_FINITE_LOSS', `the loss is ${total}; the weights were not updated`);
    }
    this.backprop(yHat, y, w, b);
    if (optimizer.clipValue !== undefined) {
      // Clipping by value would turn an infinite gradient into a finite one: check it first.
      for (const p of this.params) {
        if (!allFinite(p.grad)) {
          throw new NumnetError('NON_FINITE_LOSS', `the gradient of ${p.name} is not finite; the weights were not updated`);
        }
      }
    }
    // Update, transactionally: a non-finite gradient or an overflow makes some new weight (or the
    // optimizer's state) non-finite, and then the weights and the optimizer state go back to what
    // they were.
    this.checkpointWeights();
    optimizer.checkpoint();
    try {
      optimizer.apply(this.params);
    } catch (e) {
      this.rollbackWeights();
      optimizer.rollback();
      throw e;
    }
    for (const p of this.params) {
      if (!allFinite(p.value.data)) {
        this.rollbackWeights();
        optimizer.rollback();
        const bad = this.params.find((q) => !allFinite(q.grad));
        throw new NumnetError(
          'NON_FINITE_LOSS',
          bad
            ? `the gradient of ${bad.name} is not finite; the weights and optimizer state were restored`
            : `the update made ${p.name} non-finite; the weights and optimizer state were restored`,
        );
      }
    }
    if (!optimizer.lastStateFinite) {
      this.rollbackWeights();
      optimizer.rollback();
      throw new NumnetError(
        'NON_FINITE_LOSS',
        `the update made the ${optimizer.name} optimizer's state non-finite (a gradient too large to square?); the weights and optimizer state were restored`,
      );
    }
    return total;
  }

  /**
   * Fills every parameter's grad with ∂(loss + penalty)/∂w: ∂L/∂ŷ from the loss (or ∂L/∂z through
   * the fused softmax/sigmoid crossentropy), then each layer's backward from last to first.
   */
  private backprop(yHat: Tensor, y: Tensor, w: Float64Array | undefined, b: BatchBuffers): void {
    const loss = this.compiled!.loss;
    const rows = yHat.shape[0]!;
    const cols = yHat.size / rows;
    const last = this.layers[this.layers.length - 1]!;
    const deep = this.layers.length > 1;
    let g: Tensor | undefined = b.grad;
    if (loss.fusedActivation !== undefined && last.outputActivation?.name === loss.fusedActivation) {
      loss.fusedGradient(y.data, yHat.data, rows, cols, g.data, w);
      g = last.backwardFromPreActivation(g, deep);
    } else {
      loss.gradient(y.data, yHat.data, rows, cols, g.data, w);
      g = last.backward(g, deep);
    }
    for (let i = this.layers.length - 2; i >= 0; i--) g = this.layers[i]!.backward(g!, i > 0);
    for (const p of this.params) if (p.regularizer) p.regularizer.addGradient(p.value.data, p.grad);
  }

  private checkpointWeights(): void {
    for (let i = 0; i < this.params.length; i++) {
      const v = this.params[i]!.value.data;
      let b = this.backup[i];
      if (!b || b.length !== v.length) b = this.backup[i] = new Float64Array(v.length);
      b.set(v);
    }
  }

  private rollbackWeights(): void {
    for (let i = 0; i < this.params.length; i++) this.params[i]!.value.data.set(this.backup[i]!);
  }

  private logsOf(totals: Totals, lossSum: number, prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: lossSum / totals.samples };
    this.compiled!.metrics.forEach((m, i) => {
      // All sample weights zero: the weighted mean is taken as 0 (Keras's divide_no_nan), not NaN.
      logs[`${prefix}${m.name}`] = totals.weight > 0 ? (totals.metrics[i] ?? 0) / totals.weight : 0;
    });
    return logs;
  }

  // ------------------------------------------------------------------ public training API

  /**
   * One gradient step on the batch (x, y), synchronously. Returns `{ loss, …metrics }` computed
   * before the update (the loss includes regularization penalties).
   */
  trainOnBatch(
    x: TensorLike,
    y: TensorLike,
    options: { sampleWeight?: TensorLike; classWeight?: Record<number, number> | Map<number, number> } = {},
  ): Logs {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', 'trainOnBatch(): this model is fitting; call it before or after fit');
    this.requireCompiled('trainOnBatch()');
    const o = checkOptions(options, ['sampleWeight', 'classWeight'], 'trainOnBatch()');
    // All of it is one transaction: a rejected batch (bad data, a non-finite loss) leaves the model,
    // even an unbuilt one, as it was.
    return this.tentatively(() => {
      const xt = this.prepareX(x, 'trainOnBatch()');
      this.requireTrainable('trainOnBatch()');
      const n = xt.shape[0]!;
      if (n === 0) throw new NumnetError('INVALID_ARGUMENT', 'trainOnBatch(): x has no samples');
      const yt = this.prepareY(y, n, 'trainOnBatch()');
      const w = this.prepareWeights(o.sampleWeight, o.classWeight, yt, n, 'trainOnBatch()');
      const b = this.batchBuffers(n);
      const totals: Totals = { samples: 0, weight: 0, metrics: [] };
      const loss = this.step(xt, yt, w, b, totals);
      return this.logsOf(totals, loss * n);
    });
  }

  private prepareWeights(
    sampleWeight: TensorLike | undefined,
    classWeight: Record<number, number> | Map<number, number> | undefined,
    y: Tensor,
    n: number,
    where: string,
  ): Float64Array | undefined {
    if (sampleWeight === undefined && classWeight === undefined) return undefined;
    const w = new Float64Array(n).fill(1);
    if (sampleWeight !== undefined) {
      const s = toTensor(sampleWeight, `${where}: sampleWeight`);
      if (s.size !== n || s.rank > 2) {
        throw new NumnetError('SHAPE_MISMATCH', `${where}: sampleWeight has shape ${fmtShape(s.shape)}; it needs one weight per sample (${n})`);
      }
      for (let i = 0; i < n; i++) {
        const v = s.data[i]!;
        if (!Number.isFinite(v) || v < 0) {
          throw new NumnetError('INVALID_ARGUMENT', `${where}: sampleWeight[${i}] is ${v}; weights must be finite and ≥ 0`);
        }
        w[i] = v;
      }
    }
    if (classWeight !== undefined) {
      if (classWeight instanceof Map) classWeight = Object.fromEntries(classWeight) as Record<number, number>;
      if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight)) {
        throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight must map class index to weight, got ${describe(classWeight)}`);
      }
      for (const [k, v] of Object.entries(classWeight)) {
        if (!/^(0|[1-9][0-9]*)$/.test(k)) {
          throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight key ${JSON.stringify(k)} is not a class index (an integer ≥ 0)`);
        }
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight[${k}] is ${describe(v)}; weights must be finite and ≥ 0`);
        }
      }
      const cols = y.rank === 1 ? 1 : y.size / n;
      for (let i = 0; i < n; i++) {
        const cls = this.compiled!.loss.sparse
          ? y.data[i]!
          : cols === 1
            ? Math.round(y.data[i]!)
            : argmaxRow(y.data, i * cols, cols);
        const cw = classWeight[cls];
        if (cw !== undefined) {
          if (typeof cw !== 'number' || !Number.isFinite(cw) || cw < 0) {
            throw new NumnetError('INVALID_ARGUMENT', `${where}: classWeight[${cls}] is ${describe(cw)}; weights must be finite and ≥ 0`);
          }
          w[i]! *= cw;
        }
      }
    }
    return w;
  }

  /**
   * Trains for `epochs` epochs in batches of `batchSize` (the last partial batch is used),
   * shuffling each epoch with the model's seed. Yields to the event loop between batches so a page
   * stays responsive. Resolves to the History.
   */
  async fit(x: TensorLike, y: TensorLike, config: FitConfig = {}): Promise<History> {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', 'fit(): this model is already fitting; await the first fit');
    this.requireCompiled('fit()');
    const opts = checkFitConfig(config);
    const callbackList = toCallbackList(config.callbacks);
    // Everything is checked before training starts; a rejected fit leaves the model as it was.
    const setup = this.tentatively(() => {
      let xt = this.prepareX(x, 'fit()');
      this.requireTrainable('fit()');
      let n = xt.shape[0]!;
      if (n === 0) throw new NumnetError('INVALID_ARGUMENT', 'fit(): x has no samples');
      let yt = this.prepareY(y, n, 'fit()');
      let w = this.prepareWeights(config.sampleWeight, config.classWeight, yt, n, 'fit()');
      let val: { x: Tensor; y: Tensor; w?: Float64Array } | undefined;
      if (config.validationData !== undefined) {
        const vd = config.validationData;
        if (!Array.isArray(vd) || vd.length < 2 || vd.length > 3) {
          throw new NumnetError('INVALID_ARGUMENT', 'fit(): validationData must be [xVal, yVal] or [xVal, yVal, sampleWeight]');
        }
        const vx = this.prepareX(vd[0]!, 'fit() validationData');
        if (vx.shape[0] === 0) throw new NumnetError('INVALID_ARGUMENT', 'fit(): validationData has no samples');
        const vy = this.prepareY(vd[1]!, vx.shape[0]!, 'fit() validationData');
        const vw = this.prepareWeights(vd[2], undefined, vy, vx.shape[0]!, 'fit() validationData');
        val = { x: vx, y: vy, ...(vw ? { w: vw } : {}) };
      } else if (opts.validationSplit > 0) {
        const splitAt = Math.floor(n * (1 - opts.validationSplit));
        if (splitAt < 1 || splitAt >= n) {
          throw new NumnetError(
            'INVALID_ARGUMENT',
            `fit(): validationSplit ${opts.validationSplit} of ${n} samples leaves ${splitAt} for training and ${n - splitAt} for validation; both need at least one`,
          );
        }
        val = { x: rowRange(xt, splitAt, n), y: rowRange(yt, splitAt, n), ...(w ? { w: w.slice(splitAt) } : {}) };
        xt = rowRange(xt, 0, splitAt);
        yt = rowRange(yt, 0, splitAt);
        if (w) w = w.slice(0, splitAt);
        n = splitAt;
      }
      return { xt, yt, w, val, n };
    });
    const { xt, yt, w, val, n } = setup;

    const history = new History();
    const progress = progressCallback(opts.verbose);
    // As Keras: the user's callbacks first (so History records what they add to the logs), then History.
    const callbacks: CallbackHooks[] = [...callbackList, history, ...(progress ? [progress] : [])];
    const steps = Math.ceil(n / opts.batchSize);
    const metricKeys = ['loss', ...this.compiled!.metrics.map((m) => m.name)];
    const params: TrainingParams = {
      epochs: opts.epochs,
      initialEpoch: opts.initialEpoch,
      samples: n,
      steps,
      batchSize: opts.batchSize,
      verbose: opts.verbose,
      metrics: val ? [...metricKeys, ...metricKeys.map((k) => `val_${k}`)] : metricKeys,
    };
    for (const cb of callbacks) {
      if (typeof (cb as { setModel?: unknown }).setModel === 'function') (cb as { setModel(m: Sequential): void }).setModel(this);
      else trySet(cb, 'model', this);
      trySet(cb, 'params', params);
    }
    this.fitting = true;
    this.stopTraining = false;
    // Per-batch hooks are looked up once, so a batch with no listener allocates nothing.
    const batchBegin = hooksOf(callbacks, 'onBatchBegin');
    const batchEnd = hooksOf(callbacks, 'onBatchEnd');
    const before: Totals = { samples: 0, weight: 0, metrics: [] };
    try {
      await fire(callbacks, 'onTrainBegin', {});
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      let lastYield = Date.now();
      let lastLogs: Logs = {};
      for (let epoch = opts.initialEpoch; epoch < opts.epochs && !this.stopTraining; epoch++) {
        await fire(callbacks, 'onEpochBegin', epoch, {});
        if (opts.shuffle) this.shuffleOrder(order);
        const totals: Totals = { samples: 0, weight: 0, metrics: [] };
        let lossSum = 0;
        for (let bi = 0; bi < steps && !this.stopTraining; bi++) {
          const start = bi * opts.batchSize;
          const rows = Math.min(opts.batchSize, n - start);
          if (batchBegin.length) await fire(batchBegin, 'onBatchBegin', bi, { batch: bi, size: rows });
          const b = this.batchBuffers(rows);
          gatherRows(xt, order, start, rows, b.x);
          gatherRows(yt, order, start, rows, b.y);
          if (w) for (let i = 0; i < rows; i++) b.w[i] = w[order[start + i]!]!;
          copyTotals(totals, before);
          try {
            lossSum += this.step(b.x, b.y, w ? b.w : undefined, b, totals) * rows;
          } catch (e) {
            if (!(e instanceof NumnetError && e.code === 'NON_FINITE_LOSS')) throw e;
            copyTotals(before, totals);
            // A callback (TerminateOnNaN) may stop training cleanly; otherwise fit rejects.
            await fire(batchEnd, 'onBatchEnd', bi, { batch: bi, size: rows, loss: NaN });
            if (!this.stopTraining) {
              throw new NumnetError('NON_FINITE_LOSS', `fit(): epoch ${epoch + 1}, batch ${bi + 1}: ${e.message}`);
            }
            break;
          }
          if (batchEnd.length) await fire(batchEnd, 'onBatchEnd', bi, { batch: bi, size: rows, ...this.logsOf(totals, lossSum) });
          if (Date.now() - lastYield > 15) {
            await yieldToEventLoop();
            lastYield = Date.now();
          }
        }
        const logs = this.logsOf(totals, lossSum);
        if (val) Object.assign(logs, this.evaluateTensors(val.x, val.y, val.w, opts.batchSize, 'val_'));
        await fire(callbacks, 'onEpochEnd', epoch, logs);
        lastLogs = logs;
        await yieldToEventLoop();
        lastYield = Date.now();
      }
      await fire(callbacks, 'onTrainEnd', lastLogs);
    } finally {
      this.fitting = false;
    }
    return history;
  }

  private evaluateTensors(x: Tensor, y: Tensor, w: Float64Array | undefined, batchSize: number, prefix = ''): Logs {
    const n = x.shape[0]!;
    const totals: Totals = { samples: 0, weight: 0, metrics: [] };
    let lossSum = 0;
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const b = this.batchBuffers(rows);
      copyRows(x, start, rows, b.x);
      copyRows(y, start, rows, b.y);
      if (w) b.w.set(w.subarray(start, start + rows));
      const yHat = this.forward(b.x, false);
      lossSum += this.score(yHat, b.y, w ? b.w : undefined, b, totals) * rows;
    }
    const penalty = this.penalty();
    const logs = this.logsOf(totals, lossSum, prefix);
    logs[`${prefix}loss`]! += penalty;
    return logs;
  }

  /**
   * The loss (with regularization) and metrics on (x, y), in inference mode (no dropout).
   * `verbose` 1 or 2 prints one Keras-style line when done (`4/4 - 12ms 3ms/step - loss: …`);
   * 0, the default, prints nothing.
   */
  evaluate(x: TensorLike, y: TensorLike, config: { batchSize?: number; sampleWeight?: TensorLike; verbose?: 0 | 1 | 2 } = {}): Logs {
    this.requireCompiled('evaluate()');
    const c = checkOptions(config, ['batchSize', 'sampleWeight', 'verbose'], 'evaluate()');
    const batchSize = checkBatchSize(c.batchSize ?? 32, 'evaluate()');
    const verbose = checkVerbose(c.verbose, 'evaluate()');
    const start = Date.now();
    const { logs, n } = this.tentatively(() => {
      const xt = this.prepareX(x, 'evaluate()');
      const n = xt.shape[0]!;
      if (n === 0) throw new NumnetError('INVALID_ARGUMENT', 'evaluate(): x has no samples');
      const yt = this.prepareY(y, n, 'evaluate()');
      const w = this.prepareWeights(c.sampleWeight, undefined, yt, n, 'evaluate()');
      return { logs: this.evaluateTensors(xt, yt, w, batchSize), n };
    });
    if (verbose > 0) printLine(stepsLine(Math.ceil(n / batchSize), Date.now() - start, logs));
    return logs;
  }

  /** The model's outputs for x (a new tensor [n, …outputShape]), in inference mode. */
  predict(x: TensorLike, config: { batchSize?: number } = {}): Tensor {
    const c = checkOptions(config, ['batchSize'], 'predict()');
    const batchSize = checkBatchSize(c.batchSize ?? 32, 'predict()');
    return this.tentatively(() => {
      const xt = this.prepareX(x, 'predict()');
      return this.predictTensor(xt, batchSize);
    });
  }

  private predictTensor(xt: Tensor, batchSize: number): Tensor {
    const n = xt.shape[0]!;
    const outShape = this.outputShape;
    const outSize = outShape.reduce((p, k) => p * k, 1);
    const out = allocate(checkShape([n, ...outShape], 'predict(): the output'), 'predict()');
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const xb = rows === n ? xt : rowRange(xt, start, start + rows);
      const yHat = this.forward(xb, false);
      out.set(yHat.data, start * outSize);
    }
    return new Tensor(out, [n, ...outShape]);
  }

  // ------------------------------------------------------------------ weights

  /** Copies of every weight, layer by layer (kernel then bias, as Keras). */
  getWeights(): Tensor[] {
    this.requireBuilt('getWeights()');
    return this.params.map((p) => p.value.clone());
  }

  /**
   * Sets every weight from a list in `getWeights()` order; shapes must match. Nothing changes
   * unless all of them fit.
   */
  setWeights(weights: TensorLike[]): void {
    this.requireBuilt('setWeights()');
    if (!Array.isArray(weights) || weights.length !== this.params.length) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `setWeights(): expected ${this.params.length} weights (${this.params.map((p) => `${p.name} ${fmtShape(p.value.shape)}`).join(', ')}), got ${Array.isArray(weights) ? weights.length : describe(weights)}`,
      );
    }
    // Array.from: a hole of a sparse array is undefined (rejected), not skipped.
    const tensors = Array.from(weights).map((w, i) => {
      const p = this.params[i]!;
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
    tensors.forEach((t, i) => this.params[i]!.value.data.set(t.data));
  }

  /** The trainable parameters (kernel, bias, … per layer) with their gradient buffers. */
  get parameters(): readonly Parameter[] {
    return this.params;
  }

  /** Number of trainable values. */
  countParams(): number {
    this.requireBuilt('countParams()');
    return this.params.reduce((n, p) => n + p.value.size, 0);
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
    const line = (c: string[]) => c.map((s, i) => s.padEnd(w[i]!)).join('').trimEnd();
    const total = this.countParams();
    const rule = '_'.repeat(71);
    return [
      `Model: "${this.name}"`,
      rule,
      line(['Layer (type)', 'Output Shape', 'Param #']),
      '='.repeat(71),
      ...rows.flatMap((r, i) => (i === 0 ? [line(r)] : ['', line(r)])),
      '='.repeat(71),
      `Total params: ${total.toLocaleString('en-US')}`,
      `Trainable params: ${total.toLocaleString('en-US')}`,
      'Non-trainable params: 0',
      rule,
    ].join('\n');
  }

  /**
   * The loss with regularization at the current weights for (x, y), and ∂loss/∂w for every
   * parameter (in `getWeights()` order), without updating anything. Used by `gradCheck`.
   */
  computeGradients(
    x: TensorLike,
    y: TensorLike,
  ): {
    /** The loss (with regularization) at the current weights. */
    loss: number;
    /** ∂loss/∂w for every weight, in `getWeights()` order. */
    gradients: Tensor[];
  } {
    this.requireCompiled('computeGradients()');
    const { xt, yt, n } = this.tentatively(() => {
      const xt = this.prepareX(x, 'computeGradients()');
      this.requireTrainable('computeGradients()');
      const n = xt.shape[0]!;
      if (n === 0) throw new NumnetError('INVALID_ARGUMENT', 'computeGradients(): x has no samples');
      return { xt, yt: this.prepareY(y, n, 'computeGradients()'), n };
    });
    const b = this.batchBuffers(n);
    const yHat = this.forward(xt, false);
    const totals: Totals = { samples: 0, weight: 0, metrics: [] };
    const total = this.score(yHat, yt, undefined, b, totals) + this.penalty();
    this.backprop(yHat, yt, undefined, b);
    return { loss: total, gradients: this.params.map((p) => new Tensor(p.grad.slice(), p.value.shape)) };
  }

  // ------------------------------------------------------------------ saving (src/io)

  /**
   * The epoch's sample order: a fresh permutation of 0…n−1 drawn from the model's generator. Each
   * epoch's order depends only on the generator's state, so `fit` for 3 epochs then 2 more equals
   * 5 epochs at once, also across a save and load.
   */
  private shuffleOrder(order: Int32Array): void {
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

  /** What `compile` set (the optimizer and loss instances, the metrics as given), or undefined. */
  getCompileConfig():
    | {
        /** The optimizer, with its state. */
        optimizer: Optimizer;
        /** The loss. */
        loss: Loss;
        /** The metrics as given to `compile`. */
        metrics: (string | Metric)[];
      }
    | undefined {
    return this.compiled && { optimizer: this.compiled.optimizer, loss: this.compiled.loss, metrics: this.metricNames.slice() };
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

/** NON_FINITE_INPUT naming the first row with NaN or ±Infinity. */
function checkFiniteRows(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      const n = t.shape[0] || 1;
      const row = Math.floor(i / (d.length / n));
      throw new NumnetError('NON_FINITE_INPUT', `${what} holds ${v} in row ${row} (shape ${fmtShape(t.shape)})`);
    }
  }
}

function rowRange(t: Tensor, from: number, to: number): Tensor {
  const row = t.size / (t.shape[0] || 1);
  const shape = t.shape.slice();
  shape[0] = to - from;
  return new Tensor(t.data.subarray(from * row, to * row), shape);
}

function gatherRows(src: Tensor, order: Int32Array, start: number, rows: number, dst: Tensor): void {
  const row = src.size / (src.shape[0] || 1);
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < rows; i++) {
    const r = order[start + i]! * row;
    const o = i * row;
    for (let j = 0; j < row; j++) d[o + j] = s[r + j]!;
  }
}

function copyRows(src: Tensor, start: number, rows: number, dst: Tensor): void {
  const row = src.size / (src.shape[0] || 1);
  dst.data.set(src.data.subarray(start * row, (start + rows) * row));
}

function checkBatchSize(b: unknown, where: string): number {
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: batchSize must be a positive integer, got ${describe(b)}`);
  }
  return b;
}

const FIT_OPTIONS = [
  'epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'classWeight', 'sampleWeight', 'callbacks', 'verbose',
  'initialEpoch',
];

function checkFitConfig(c: FitConfig) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    throw new NumnetError('INVALID_ARGUMENT', `fit() options must be an object, got ${describe(c)}`);
  }
  checkOptions(c, FIT_OPTIONS, 'fit()');
  const epochs = c.epochs ?? 1;
  if (typeof epochs !== 'number' || !Number.isSafeInteger(epochs) || epochs < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): epochs must be an integer ≥ 0, got ${describe(epochs)}`);
  }
  const initialEpoch = c.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isSafeInteger(initialEpoch) || initialEpoch < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): initialEpoch must be an integer ≥ 0, got ${describe(initialEpoch)}`);
  }
  const validationSplit = c.validationSplit ?? 0;
  if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): validationSplit must be a number in [0, 1), got ${describe(validationSplit)}`);
  }
  const shuffle = c.shuffle ?? true;
  if (typeof shuffle !== 'boolean') {
    throw new NumnetError('INVALID_ARGUMENT', `fit(): shuffle must be true or false, got ${describe(shuffle)}`);
  }
  const verbose = checkVerbose(c.verbose, 'fit()');
  return { epochs, initialEpoch, validationSplit, shuffle, verbose, batchSize: checkBatchSize(c.batchSize ?? 32, 'fit()') };
}

function checkVerbose(v: unknown, where: string): 0 | 1 | 2 {
  const verbose = v ?? 0;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
    throw new NumnetError('INVALID_ARGUMENT', `${where}: verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  }
  return verbose;
}

function toCallbackList(cbs: FitConfig['callbacks']): CallbackHooks[] {
  if (cbs === undefined) return [];
  const list: unknown[] = Array.isArray(cbs) ? Array.from(cbs) : [cbs];
  list.forEach((cb, i) => checkCallback(cb, `fit(): callbacks[${i}]`));
  return list as CallbackHooks[];
}

/** Sets a callback's `model` / `params` where it can (a frozen hooks object just does without them). */
function trySet(cb: object, key: 'model' | 'params', value: unknown): void {
  try {
    (cb as Record<string, unknown>)[key] = value;
  } catch {
    // read-only or frozen: the hooks are still called
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
    throw new NumnetError('INVALID_ARGUMENT', `${what} takes a layer (Dense, Dropout, …), got ${describe(layer)}`);
  }
  if (typeof layer.className !== 'string' || typeof layer.name !== 'string' || !Array.isArray(layer.params) || !Array.isArray(layer.outputShape)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what}: this layer was not made by its constructor (no className, name or params)`);
  }
  if (typeof layer.forward !== 'function' || typeof layer.backward !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `${what}: layer ${layer.name || layer.className} does not implement forward() and backward()`);
  }
}

/** Copies the running sums (reusing `to`'s array). */
function copyTotals(from: Totals, to: Totals): void {
  to.samples = from.samples;
  to.weight = from.weight;
  to.metrics.length = from.metrics.length;
  for (let i = 0; i < from.metrics.length; i++) to.metrics[i] = from.metrics[i]!;
}

function hooksOf(callbacks: CallbackHooks[], hook: HookName): CallbackHooks[] {
  return callbacks.filter((cb) => typeof cb[hook] === 'function');
}

type HookName = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

async function fire(callbacks: CallbackHooks[], hook: HookName, ...args: unknown[]): Promise<void> {
  for (const cb of callbacks) {
    const f = cb[hook] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof f === 'function') {
      const r = f.apply(cb, args);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
    }
  }
}
