import { History, Logs } from '../callbacks/callback.js';
import { printLine } from '../callbacks/progress.js';
import { stepsLine } from '../callbacks/progress-bar.js';
import { NumnetError, checkOptions, describe } from '../errors.js';

export type { CompileConfig } from './compile.js';
import type { Layer, Parameter } from '../layers/layer.js';
import type { Loss } from '../losses/losses.js';
import type { Metric } from '../losses/metrics.js';
import type { Optimizer } from '../optimizers/index.js';
import { Tensor, TensorLike, allocate, checkShape } from '../tensor/tensor.js';
import {
  BatchIterable, BatchReader, ClassWeight, Data, FitConfig, checkBatchSize, checkFitConfig, checkInputs, checkSteps, checkTargets, checkVerbose,
  copyRows, isBatchIterable, rowRange, sampleWeights,
} from './data.js';
import { FitRun, Validation } from './loop.js';
import { CompileConfig, MetricNames, compileMetrics, resolveCompile } from './compile.js';
import { BatchBuffers, BufferCache, Compiled, CompiledMetric, Totals, backprop, forward, intoBuffer, logsOf, newTotals, penalty, score, trainStep } from './step.js';

/** A build a model planned from the first data it saw (the model adds what it needs to commit it). */
export interface BuildPlan {
  /** The shape of one input sample it fixes. */
  readonly inputShape: number[];
  /** The shape of one output sample it gives. */
  readonly outputShape: number[];
}

/**
 * Training, evaluation and prediction for a model, as Keras's `Trainer`: `compile`, `fit`,
 * `evaluate`, `predict`, `trainOnBatch`. It knows the model only through the members below that a
 * model class implements (its layers and weights, and building from the first data); it never
 * imports a model class.
 */
export abstract class Trainer {
  /** Set by a callback to end `fit` after the current batch (the epoch still gets onEpochEnd). */
  stopTraining = false;
  /** The layers, in order. */
  abstract readonly layers: Layer[];
  /** The trainable weights with their gradient buffers: what the optimizer updates. */
  abstract get parameters(): readonly Parameter[];
  /** The weights layers update themselves when training (moving statistics), restored with a refused batch. */
  abstract get state(): readonly Parameter[];
  /** True once the model knows its input shape and has its weights. */
  abstract get built(): boolean;
  /** The output shape of one sample (the model is built). */
  abstract get outputShape(): number[];
  /** The input shape of one sample, once known. */
  abstract getInputShape(): number[] | undefined;
  /** Copies of every weight. */
  abstract getWeights(): Tensor[];
  /** Sets every weight (`getWeights()` order). */
  abstract setWeights(weights: TensorLike[]): void;
  /**
   * The model's build for samples of `sample` shape (it is not built yet), computed without changing
   * anything: shapes checked, weights drawn. Throws NumnetError when it cannot be built.
   */
  protected abstract planBuild(sample: number[]): BuildPlan;
  /** Builds the model as `plan` says (never throws). */
  protected abstract commitBuild(plan: BuildPlan): void;
  /** @internal The epoch's sample order: a fresh permutation of 0…n−1 from the model's generator (for the fit loop). */
  abstract shuffle(order: Int32Array): void;

  private compiled: Compiled | undefined;
  private metricNames: MetricNames = { metrics: [], weighted: [] };
  private fitting = false;
  private readonly buffers = new BufferCache();
  /** Copies of the `state` weights during a step, restored when the step is refused. */
  private readonly savedState: Float64Array[] = [];
  /** The build planned from the data of the call being checked (the model is not built yet). */
  private pending: BuildPlan | undefined;

  /** Sets the optimizer, the loss and the metrics. */
  compile(config: CompileConfig): void {
    this.refuseWhileFitting('compile()');
    // Everything is resolved before anything is set, so a rejected compile changes nothing.
    const { optimizer, loss, names } = resolveCompile(config);
    const metrics = this.metricsFor(names, loss);
    this.compiled = { optimizer, loss, metrics };
    this.metricNames = names;
  }

  /** The optimizer set by `compile`. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The loss set by `compile`. */
  get loss(): Loss | undefined {
    return this.compiled?.loss;
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
        /** The weighted metrics as given to `compile`. */
        weightedMetrics: (string | Metric)[];
      }
    | undefined {
    const { metrics, weighted } = this.metricNames;
    return this.compiled && { optimizer: this.compiled.optimizer, loss: this.compiled.loss, metrics: metrics.slice(), weightedMetrics: weighted.slice() };
  }

  /** Resolves the metrics again (`acc` depends on the output shape): after the model changed. */
  protected resolveMetrics(): void {
    if (this.compiled) this.compiled.metrics = this.metricsFor(this.metricNames, this.compiled.loss);
    this.buffers.clear();
  }

  private metricsFor(names: MetricNames, loss: Loss): CompiledMetric[] {
    return compileMetrics(names, loss, this.layers.length && this.built ? this.outputShape.reduce((p, n) => p * n, 1) : 0);
  }

  /** INVALID_ARGUMENT while `fit` runs (the model's structure and compile config are fixed then). */
  protected refuseWhileFitting(what: string): void {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', `${what}: this model is fitting; call it before or after fit`);
  }

  private requireCompiled(where: string): Compiled {
    if (!this.compiled) throw new NumnetError('NOT_COMPILED', `${where}: call model.compile({ optimizer, loss }) first`);
    return this.compiled;
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

  // ------------------------------------------------------------------ the door: data in

  /**
   * Runs the checks of a public call (`f`) — check, then build: a model that is not built yet is
   * planned from the first data they see, the rest of the data is checked against that plan, and
   * the model is built only when every check passed. A rejected call changes nothing.
   */
  protected atTheDoor<T>(f: () => T): T {
    this.pending = undefined;
    try {
      const result = f();
      if (this.pending) {
        this.commitBuild(this.pending);
        this.resolveMetrics();
      }
      return result;
    } finally {
      this.pending = undefined;
    }
  }

  /**
   * x as a tensor [n, …inputShape] of finite values; an unbuilt model plans its build from it. With
   * `inBatch` (a step on one batch), a built model's x is copied into its batch buffer and checked there.
   */
  private inputs(x: TensorLike, where: string, inBatch = false): Tensor {
    const inputShape = this.pending?.inputShape ?? this.getInputShape();
    return checkInputs(x, this.layers, inputShape, this.planFrom, where, inBatch && inputShape ? this.intoBatch : undefined);
  }

  /** `checkInputs`'s callbacks, made once: plan the build from the first sample shape; copy x into the batch buffer. */
  private readonly planFrom = (sample: number[]): void => void (this.pending = this.planBuild(sample));
  private readonly intoBatch = (t: Tensor): Tensor => intoBuffer(t, this.batchBuffers(t.shape[0]!).x);

  /**
   * Checked data (x, y, weights) from the user's; `trainable` also refuses a step activation;
   * `inBatch` (one batch for one step) copies x into the model's batch buffer as it checks it.
   */
  protected data(x: TensorLike, y: TensorLike, sampleWeight: TensorLike | undefined, classWeight: ClassWeight | undefined, where: string, trainable = false, inBatch = false): Data {
    const xt = this.inputs(x, where, inBatch);
    if (trainable) this.requireTrainable(where);
    const n = xt.shape[0]!;
    if (n === 0) throw new NumnetError('INVALID_ARGUMENT', `${where}: x has no samples`);
    const yt = checkTargets(y, n, this.compiled!.loss, this.pending?.outputShape ?? this.outputShape, where);
    const w = sampleWeights(sampleWeight, classWeight, yt, n, this.compiled!.loss.sparse, where);
    return w ? { x: xt, y: yt, w } : { x: xt, y: yt };
  }

  // ------------------------------------------------------------------ training

  /** The reusable buffers for a batch of `rows` samples (made once per batch size). */
  batchBuffers(rows: number): BatchBuffers {
    return this.buffers.get(rows, this.getInputShape()!, this.outputShape, this.compiled!.loss.sparse);
  }

  /** One step on checked data; adds to `totals`, returns the loss. */
  trainData(d: Data, totals: Totals): number {
    const b = this.batchBuffers(d.x.shape[0]!);
    return trainStep(this, this.compiled!, intoBuffer(d.x, b.x), d.y, d.w, b, totals, this.savedState);
  }

  /**
   * One gradient step on the batch (x, y), synchronously. Returns `{ loss, …metrics }` computed
   * before the update (the loss includes regularization penalties). A rejected batch (bad data, a
   * non-finite loss, gradient or update) changes no weight; bad data leaves an unbuilt model unbuilt.
   */
  trainOnBatch(x: TensorLike, y: TensorLike, options: { sampleWeight?: TensorLike; classWeight?: ClassWeight } = {}): Logs {
    this.refuseWhileFitting('trainOnBatch()');
    const c = this.requireCompiled('trainOnBatch()');
    const o = checkOptions(options, ['sampleWeight', 'classWeight'], 'trainOnBatch()');
    const d = this.atTheDoor(() => this.data(x, y, o.sampleWeight, o.classWeight, 'trainOnBatch()', true, true));
    const totals = newTotals();
    const loss = this.trainData(d, totals);
    return logsOf(c, totals, loss * d.x.shape[0]!);
  }

  /**
   * Trains for `epochs` epochs and resolves to the History. With arrays or tensors: batches of
   * `batchSize` (the last partial batch is used), shuffled each epoch with the model's seed. With a
   * batch iterable instead of (x, y) — `fit(batches, config)` — each epoch reads `stepsPerEpoch`
   * batches (or to the end of the iterable). Yields to the event loop between batches so a page
   * stays responsive.
   */
  async fit(x: TensorLike | BatchIterable, y?: TensorLike | FitConfig, config: FitConfig = {}): Promise<History> {
    if (this.fitting) throw new NumnetError('INVALID_ARGUMENT', 'fit(): this model is already fitting; await the first fit');
    const c = this.requireCompiled('fit()');
    const fromIterable = isBatchIterable(x);
    if (fromIterable) config = (y ?? {}) as FitConfig;
    const opts = checkFitConfig(config);
    const run = new FitRun(this, c, opts, config.callbacks);
    const setup = this.atTheDoor(() =>
      fromIterable ? this.iterableSetup(x as BatchIterable, config) : this.arraySetup(x as TensorLike, y as TensorLike, config, opts.validationSplit),
    );
    this.fitting = true;
    this.stopTraining = false;
    try {
      return await run.run(setup);
    } finally {
      this.fitting = false;
    }
  }

  private arraySetup(x: TensorLike, y: TensorLike, config: FitConfig, split: number) {
    let train = this.data(x, y, config.sampleWeight, config.classWeight, 'fit()', true);
    let val: Validation | undefined;
    if (config.validationData !== undefined) val = this.validationSetup(config.validationData, config.validationSteps);
    else if (split > 0) {
      const n = train.x.shape[0]!;
      const at = Math.floor(n * (1 - split));
      if (at < 1 || at >= n) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `fit(): validationSplit ${split} of ${n} samples leaves ${at} for training and ${n - at} for validation; both need at least one`,
        );
      }
      // Sample weights go with both parts; class weights only to the training part (as Keras).
      const sw = config.sampleWeight === undefined ? undefined : sampleWeights(config.sampleWeight, undefined, train.y, n, this.compiled!.loss.sparse, 'fit()');
      val = { data: { x: rowRange(train.x, at, n), y: rowRange(train.y, at, n), ...(sw ? { w: sw.slice(at) } : {}) } };
      train = { x: rowRange(train.x, 0, at), y: rowRange(train.y, 0, at), ...(train.w ? { w: train.w.slice(0, at) } : {}) };
    }
    return { train, ...(val ? { val } : {}) };
  }

  private iterableSetup(batches: BatchIterable, config: FitConfig) {
    for (const k of ['sampleWeight', 'classWeight', 'validationSplit'] as const) {
      if (config[k] !== undefined) {
        throw new NumnetError('INVALID_ARGUMENT', `fit(): ${k} cannot be used with a batch iterable; give each batch its own sampleWeight`);
      }
    }
    const val = config.validationData === undefined ? undefined : this.validationSetup(config.validationData, config.validationSteps);
    return { reader: new BatchReader(batches, 'fit()'), ...(val ? { val } : {}) };
  }

  private validationSetup(vd: NonNullable<FitConfig['validationData']>, steps: number | undefined): Validation {
    if (isBatchIterable(vd)) return { reader: new BatchReader(vd, 'fit() validationData'), ...(steps ? { steps } : {}) };
    if (!Array.isArray(vd) || vd.length < 2 || vd.length > 3) {
      throw new NumnetError('INVALID_ARGUMENT', 'fit(): validationData must be [xVal, yVal], [xVal, yVal, sampleWeight] or a batch iterable');
    }
    return { data: this.data(vd[0]!, vd[1]!, vd[2], undefined, 'fit() validationData') };
  }

  /** Checks one batch read from an iterable (it may build the model). */
  batchData(b: { x: TensorLike; y: TensorLike; sampleWeight?: TensorLike }, where: string, trainable: boolean): Data {
    return this.atTheDoor(() => this.data(b.x, b.y, b.sampleWeight, undefined, where, trainable));
  }

  // ------------------------------------------------------------------ inference

  /** Loss and metric sums of checked data in inference mode, in batches; adds to `totals`, returns Σ loss. */
  scoreData(d: Data, batchSize: number, totals: Totals): number {
    const c = this.compiled!;
    const n = d.x.shape[0]!;
    let lossSum = 0;
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const b = this.batchBuffers(rows);
      copyRows(d.x, start, rows, b.x);
      copyRows(d.y, start, rows, b.y);
      if (d.w) b.w.set(d.w.subarray(start, start + rows));
      lossSum += score(c, forward(this, b.x, false), b.y, d.w ? b.w : undefined, b, totals) * rows;
    }
    return lossSum;
  }

  /** Logs of a pass: the loss with the regularization penalty, and the metrics. */
  passLogs(totals: Totals, lossSum: number, prefix = ''): Logs {
    const logs = logsOf(this.compiled!, totals, lossSum, prefix);
    logs[`${prefix}loss`]! += penalty(this);
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
    const d = this.atTheDoor(() => this.data(x, y, c.sampleWeight, undefined, 'evaluate()'));
    const totals = newTotals();
    const logs = this.passLogs(totals, this.scoreData(d, batchSize, totals));
    const n = d.x.shape[0]!;
    if (verbose > 0) printLine(stepsLine(Math.ceil(n / batchSize), Date.now() - start, logs));
    return logs;
  }

  /**
   * `evaluate` over a batch iterable (the whole iterable, or `steps` batches), in inference mode.
   * Resolves to the logs.
   */
  async evaluateBatches(batches: BatchIterable, config: { steps?: number } = {}): Promise<Logs> {
    this.requireCompiled('evaluateBatches()');
    const c = checkOptions(config, ['steps'], 'evaluateBatches()');
    if (!isBatchIterable(batches)) throw new NumnetError('INVALID_ARGUMENT', `evaluateBatches() takes a batch iterable, got ${describe(batches)}`);
    const steps = checkSteps(c.steps, 'steps', 'evaluateBatches()');
    return this.scoreReader(new BatchReader(batches, 'evaluateBatches()'), steps, '');
  }

  /** Logs over `steps` batches of a reader (to its end when undefined). */
  async scoreReader(reader: BatchReader, steps: number | undefined, prefix: string): Promise<Logs> {
    const totals = newTotals();
    let lossSum = 0;
    for (let k = 0; steps === undefined || k < steps; k++) {
      const b = await reader.next();
      if (!b) break;
      const d = this.batchData(b, 'evaluate batch', false);
      lossSum += this.scoreData(d, d.x.shape[0]!, totals);
    }
    if (totals.samples === 0) throw new NumnetError('INVALID_ARGUMENT', `${prefix ? 'validationData' : 'evaluate'}: the batch iterable gave no batch`);
    return this.passLogs(totals, lossSum, prefix);
  }

  /** The model's outputs for x (a new tensor [n, …outputShape]), in inference mode. */
  predict(x: TensorLike, config: { batchSize?: number } = {}): Tensor {
    const c = checkOptions(config, ['batchSize'], 'predict()');
    const batchSize = checkBatchSize(c.batchSize ?? 32, 'predict()');
    const { xt, out } = this.atTheDoor(() => {
      const xt = this.inputs(x, 'predict()');
      const shape = [xt.shape[0]!, ...(this.pending?.outputShape ?? this.outputShape)];
      return { xt, out: new Tensor(allocate(checkShape(shape, 'predict(): the output'), 'predict()'), shape) };
    });
    const n = xt.shape[0]!;
    const outSize = out.size / n;
    const inShape = xt.shape.slice(1);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const b = this.buffers.inputs(rows, inShape);
      copyRows(xt, start, rows, b);
      out.data.set(forward(this, b, false).data, start * outSize);
    }
    return out;
  }

  /**
   * The loss (with regularization) at the current weights for (x, y), and ∂loss/∂w for every
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
    const c = this.requireCompiled('computeGradients()');
    const d = this.atTheDoor(() => this.data(x, y, undefined, undefined, 'computeGradients()', true, true));
    const b = this.batchBuffers(d.x.shape[0]!);
    const yHat = forward(this, intoBuffer(d.x, b.x), false);
    const total = score(c, yHat, d.y, undefined, b, newTotals()) + penalty(this);
    backprop(this, c.loss, yHat, d.y, undefined, b.grad);
    return { loss: total, gradients: this.parameters.map((p) => new Tensor(p.grad.slice(), p.value.shape)) };
  }
}
