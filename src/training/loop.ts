import { CallbackHooks, CallbackModel, History, Logs, TrainingParams, checkCallback } from '../callbacks/callback.js';
import { progressCallback } from '../callbacks/progress.js';
import { NumnetError } from '../errors.js';
import type { BatchReader, Data, FitConfig, FitOptions } from './data.js';
import { gatherRows } from './data.js';
import { BatchBuffers, Compiled, Totals, copyTotals, logsOf, mergeLogs, newTotals } from './step.js';

/** Validation after each epoch: checked arrays, or `steps` batches (or all) of an iterable. */
export interface Validation {
  data?: Data;
  reader?: BatchReader;
  steps?: number;
}

/** The data of one `fit`: checked arrays, or a reader of batches; and the validation, if any. */
export interface FitSetup {
  train?: Data;
  reader?: BatchReader;
  val?: Validation;
}

/** What the loop needs of the model it trains (the Trainer provides it). */
export interface FitTarget extends CallbackModel {
  trainData(d: Data, totals: Totals): number;
  scoreData(d: Data, batchSize: number, totals: Totals): number;
  passLogs(totals: Totals, lossSum: number, prefix?: string): Logs;
  scoreReader(reader: BatchReader, steps: number | undefined, prefix: string): Promise<Logs>;
  batchData(b: { x: unknown; y: unknown; sampleWeight?: unknown }, where: string, trainable: boolean): Data;
  shuffle(order: Int32Array): void;
  batchBuffers(rows: number): BatchBuffers;
}

type HookName = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

const yieldToEventLoop = (): Promise<void> => {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
};

/**
 * One run of `fit`: epochs of batches, the callbacks around them, validation after each epoch,
 * and a yield to the event loop every ~15 ms. A batch whose update is refused (NON_FINITE_LOSS)
 * changed nothing; it reaches `onBatchEnd` with loss NaN, and then fit rejects unless a callback
 * (TerminateOnNaN) stopped training.
 */
export class FitRun {
  private readonly user: CallbackHooks[];
  private callbacks: CallbackHooks[] = [];
  private batchBegin: CallbackHooks[] = [];
  private batchEnd: CallbackHooks[] = [];
  private lastYield = 0;
  /** Σ loss·rows over the epoch's batches so far, and the running sums before the current batch. */
  private lossSum = 0;
  private readonly before: Totals = newTotals();

  constructor(
    private readonly model: FitTarget,
    private readonly c: Compiled,
    private readonly opts: FitOptions,
    callbacks: FitConfig['callbacks'],
  ) {
    const list: unknown[] = callbacks === undefined ? [] : Array.isArray(callbacks) ? Array.from(callbacks) : [callbacks];
    list.forEach((cb, i) => checkCallback(cb, `fit(): callbacks[${i}]`));
    this.user = list as CallbackHooks[];
  }

  /** Runs every epoch; resolves to the History. */
  async run(setup: FitSetup): Promise<History> {
    const history = new History();
    const progress = progressCallback(this.opts.verbose);
    // As Keras: the user's callbacks first (so History records what they add to the logs), then History.
    this.callbacks = [...this.user, history, ...(progress ? [progress] : [])];
    this.attach(setup);
    // Per-batch hooks are looked up once, so a batch with no listener allocates nothing.
    this.batchBegin = this.callbacks.filter((cb) => typeof cb.onBatchBegin === 'function');
    this.batchEnd = this.callbacks.filter((cb) => typeof cb.onBatchEnd === 'function');
    await this.fire(this.callbacks, 'onTrainBegin', {});
    const order = setup.train ? new Int32Array(setup.train.x.shape[0]!).map((_, i) => i) : undefined;
    let lastLogs: Logs = {};
    this.lastYield = Date.now();
    for (let epoch = this.opts.initialEpoch; epoch < this.opts.epochs && !this.model.stopTraining; epoch++) {
      await this.fire(this.callbacks, 'onEpochBegin', epoch, {});
      const logs = setup.train ? await this.arrayEpoch(setup.train, order!, epoch) : await this.readerEpoch(setup.reader!, epoch);
      if (!logs) break; // the batch iterable ran out of data
      if (setup.val) mergeLogs(logs, await this.validate(setup.val));
      await this.fire(this.callbacks, 'onEpochEnd', epoch, logs);
      lastLogs = logs;
      await yieldToEventLoop();
      this.lastYield = Date.now();
    }
    await this.fire(this.callbacks, 'onTrainEnd', lastLogs);
    return history;
  }

  /** Gives every callback the model and the run's parameters. */
  private attach(setup: FitSetup): void {
    const n = setup.train?.x.shape[0];
    const steps = n !== undefined ? Math.ceil(n / this.opts.batchSize) : this.opts.stepsPerEpoch;
    const keys = ['loss', ...this.c.metrics.map((m) => m.key)];
    const params: TrainingParams = {
      epochs: this.opts.epochs,
      initialEpoch: this.opts.initialEpoch,
      samples: n ?? (steps !== undefined ? steps * this.opts.batchSize : 0),
      steps: steps ?? 0,
      batchSize: this.opts.batchSize,
      verbose: this.opts.verbose,
      metrics: setup.val ? [...keys, ...keys.map((k) => `val_${k}`)] : keys,
    };
    for (const cb of this.callbacks) {
      if (typeof (cb as { setModel?: unknown }).setModel === 'function') (cb as { setModel(m: CallbackModel): void }).setModel(this.model);
      else trySet(cb, 'model', this.model);
      trySet(cb, 'params', params);
    }
  }

  /** One epoch over arrays: a fresh order, then batches gathered into the reusable buffers. */
  private async arrayEpoch(train: Data, order: Int32Array, epoch: number): Promise<Logs> {
    const n = order.length;
    const size = this.opts.batchSize;
    if (this.opts.shuffle) this.model.shuffle(order); // a fresh permutation of 0…n−1
    const totals = newTotals();
    this.lossSum = 0;
    const steps = Math.ceil(n / size);
    for (let bi = 0; bi < steps && !this.model.stopTraining; bi++) {
      const start = bi * size;
      const rows = Math.min(size, n - start);
      const b = this.model.batchBuffers(rows);
      gatherRows(train.x, order, start, rows, b.x);
      gatherRows(train.y, order, start, rows, b.y);
      if (train.w) for (let i = 0; i < rows; i++) b.w[i] = train.w[order[start + i]!]!;
      let ok = this.batch(train.w ? b.weighted : b.data, bi, epoch, totals);
      if (ok !== true) ok = await ok;
      if (!ok) break;
    }
    return logsOf(this.c, totals, this.lossSum);
  }

  /** One epoch over a batch iterable: `stepsPerEpoch` batches, or to its end. Undefined: it ran out. */
  private async readerEpoch(reader: BatchReader, epoch: number): Promise<Logs | undefined> {
    const totals = newTotals();
    this.lossSum = 0;
    const steps = this.opts.stepsPerEpoch;
    let bi = 0;
    for (; (steps === undefined || bi < steps) && !this.model.stopTraining; bi++) {
      let raw = await reader.next();
      // With stepsPerEpoch the iterable is read on across epochs and started again when it ends.
      if (!raw && steps !== undefined && bi > 0) raw = await reader.next();
      if (!raw) break;
      const d = this.model.batchData(raw, `fit(): epoch ${epoch + 1}, batch ${bi + 1}`, true);
      if (!(await this.batch(d, bi, epoch, totals))) break;
    }
    if (totals.samples === 0) {
      if (bi === 0 && !this.model.stopTraining) {
        console.warn(`fit(): the batch iterable gave no batch in epoch ${epoch + 1}; training stops (give a re-iterable source, or stepsPerEpoch)`);
        this.model.stopTraining = true;
      }
      return undefined;
    }
    return logsOf(this.c, totals, this.lossSum);
  }

  /**
   * Trains one batch with its hooks; false when training stops because the batch was refused.
   * Synchronous (no promise, no allocation) unless a hook, a refused batch or a yield needs await.
   */
  private batch(d: Data, bi: number, epoch: number, totals: Totals): boolean | Promise<boolean> {
    if (this.batchBegin.length || this.batchEnd.length) return this.batchWithHooks(d, bi, epoch, totals);
    copyTotals(totals, this.before);
    try {
      this.lossSum += this.model.trainData(d, totals) * d.x.shape[0]!;
    } catch (e) {
      return this.refused(e, d, bi, epoch, totals);
    }
    return Date.now() - this.lastYield > 15 ? this.yieldNow() : true;
  }

  private async batchWithHooks(d: Data, bi: number, epoch: number, totals: Totals): Promise<boolean> {
    const rows = d.x.shape[0]!;
    if (this.batchBegin.length) await this.fire(this.batchBegin, 'onBatchBegin', bi, { batch: bi, size: rows });
    copyTotals(totals, this.before);
    try {
      this.lossSum += this.model.trainData(d, totals) * rows;
    } catch (e) {
      return this.refused(e, d, bi, epoch, totals);
    }
    if (this.batchEnd.length) await this.fire(this.batchEnd, 'onBatchEnd', bi, { batch: bi, size: rows, ...logsOf(this.c, totals, this.lossSum) });
    return Date.now() - this.lastYield > 15 ? this.yieldNow() : true;
  }

  /** A batch whose step threw: NON_FINITE_LOSS reaches onBatchEnd (loss NaN), then fit rejects unless a callback stopped it. */
  private async refused(e: unknown, d: Data, bi: number, epoch: number, totals: Totals): Promise<boolean> {
    if (!(e instanceof NumnetError && e.code === 'NON_FINITE_LOSS')) throw e;
    copyTotals(this.before, totals);
    // A callback (TerminateOnNaN) may stop training cleanly; otherwise fit rejects.
    await this.fire(this.batchEnd, 'onBatchEnd', bi, { batch: bi, size: d.x.shape[0]!, loss: NaN });
    if (!this.model.stopTraining) throw new NumnetError('NON_FINITE_LOSS', `fit(): epoch ${epoch + 1}, batch ${bi + 1}: ${e.message}`);
    return false;
  }

  private async yieldNow(): Promise<true> {
    await yieldToEventLoop();
    this.lastYield = Date.now();
    return true;
  }

  /** The `val_…` logs of the validation data. */
  private async validate(val: Validation): Promise<Logs> {
    if (val.reader) return this.model.scoreReader(val.reader, val.steps, 'val_');
    const totals = newTotals();
    return this.model.passLogs(totals, this.model.scoreData(val.data!, this.opts.batchSize, totals), 'val_');
  }

  private async fire(callbacks: CallbackHooks[], hook: HookName, ...args: unknown[]): Promise<void> {
    for (const cb of callbacks) {
      const f = cb[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof f === 'function') {
        const r = f.apply(cb, args);
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      }
    }
  }
}

/** Sets a callback's `model` / `params` where it can (a frozen hooks object just does without them). */
function trySet(cb: object, key: 'model' | 'params', value: unknown): void {
  try {
    (cb as Record<string, unknown>)[key] = value;
  } catch {
    // read-only or frozen: the hooks are still called
  }
}
