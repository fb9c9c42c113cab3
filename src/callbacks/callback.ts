import { NumnetError, describe } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import type { Metric } from '../losses/metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';

/** Numbers reported after a batch or an epoch: `loss`, metrics, and `val_…` values. */
export type Logs = Record<string, number>;

/**
 * The model a callback is given (`callback.model`): what callbacks use of it. In numnet it is the
 * `Sequential` being trained (`this.model as Sequential` reaches the rest).
 */
export interface CallbackModel {
  /** Set to true to end `fit` after the current batch. */
  stopTraining: boolean;
  /** The optimizer set by `compile` (its `learningRate` may be changed between batches). */
  readonly optimizer: Optimizer | undefined;
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  /** Copies of every weight. */
  getWeights(): Tensor[];
  /** Sets every weight (`getWeights()` order). */
  setWeights(weights: TensorLike[]): void;
  /** The model's outputs for x, in inference mode. */
  predict(x: TensorLike): Tensor;
  /**
   * What `compile` set (undefined before): its `metrics` (names or Metric objects, as given) tell
   * `mode: 'auto'` callbacks which way each metric improves, as Keras 3 reads `model.metrics`.
   * Optional: a stand-in model without it knows only 'loss' and 'val_loss'.
   */
  getCompileConfig?(): { readonly metrics: readonly (string | Metric)[]; readonly weightedMetrics?: readonly (string | Metric)[] } | undefined;
}

/** What `fit` tells its callbacks before training (`callback.params`). */
export interface TrainingParams {
  /** The epoch index to stop at (`fit`'s `epochs`). */
  epochs: number;
  /** The first epoch's index (`fit`'s `initialEpoch`). */
  initialEpoch: number;
  /** Training samples per epoch (after any validationSplit). */
  samples: number;
  /** Batches per epoch (0 when unknown: a batch iterable without stepsPerEpoch). */
  steps: number;
  /** Samples per batch. */
  batchSize: number;
  /** `fit`'s `verbose`. */
  verbose: 0 | 1 | 2;
  /** The keys the epoch logs will have, in order ('loss', metrics, then 'val_…'). */
  metrics: string[];
}

/**
 * Hooks called during `fit`. Extend this class, or pass any object with some of these methods.
 * `model` and `params` are set before `onTrainBegin`. Batch logs hold `batch`, `size` and the
 * running means of the epoch so far (`loss`, metrics), as Keras's; a batch whose loss is not finite
 * reports `loss: NaN`. Setting `model.stopTraining = true` ends `fit` after the current batch (an
 * epoch cut short still gets `onEpochEnd`, with logs over the batches that ran).
 */
export interface CallbackHooks {
  /** The model being trained; set by `fit` before `onTrainBegin`. */
  model?: CallbackModel;
  /** Set by `fit` before `onTrainBegin`. */
  params?: TrainingParams;
  /** Before the first epoch. */
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  /** After the last epoch (also when training was stopped early), with the last epoch's logs. */
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  /** Before each epoch; `epoch` counts from 0 (from `initialEpoch` when resuming). */
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  /** After each epoch, with its logs: `loss`, metrics, and `val_…` when validating. */
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  /** Before each batch; `batch` counts from 0 in each epoch. */
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  /** After each batch, with `batch`, `size` and the running means of the epoch so far. */
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** A base class for callbacks; every hook does nothing until overridden. */
export class Callback implements CallbackHooks {
  /** The model being trained; set by `fit` before `onTrainBegin`. */
  model?: CallbackModel;
  /** The run's parameters; set by `fit` before `onTrainBegin`. */
  params?: TrainingParams;
  /** Sets `model` (as Keras's `set_model`). */
  setModel(model: CallbackModel): void {
    this.model = model;
  }
}

/**
 * Records every epoch's logs: `history.history.loss[k]` is the loss of epoch k,
 * `history.epoch[k]` its index. `fit` returns it.
 */
export class History extends Callback {
  /** The index of each epoch run. */
  epoch: number[] = [];
  /** Each logs key (`loss`, `acc`, `val_loss`, …) with its value per epoch. */
  history: Record<string, number[]> = {};

  /** Starts a new record. */
  onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  /** Records the epoch's logs. */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      // Own keys only: a metric may be named "__proto__" or "constructor".
      if (!Object.prototype.hasOwnProperty.call(this.history, k)) {
        Object.defineProperty(this.history, k, { value: [], enumerable: true, writable: true, configurable: true });
      }
      this.history[k]!.push(v);
    }
  }
}

/**
 * The model's optimizer learning rate as a number, for callbacks that read or change it between
 * epochs (`who` names the callback in errors): INVALID_ARGUMENT without an optimizer, or when the
 * rate is a schedule (a function of the step), which such a callback cannot change.
 */
export function numericLearningRate(model: CallbackModel | undefined, who: string): number {
  const optimizer = model?.optimizer;
  if (!optimizer) throw new NumnetError('INVALID_ARGUMENT', `${who}: the model has no optimizer; call compile() first`);
  const lr = optimizer.learningRate;
  if (typeof lr !== 'number') {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${who} changes the optimizer learningRate, which here is a schedule (a function of the step); a schedule and this callback don't mix: give the optimizer a number`,
    );
  }
  return lr;
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/** A callback is an object whose hooks, where present, are functions (INVALID_ARGUMENT otherwise). */
export function checkCallback(cb: unknown, what: string): void {
  if (cb === null || typeof cb !== 'object' || Array.isArray(cb)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be an object with hooks (onEpochEnd, …), got ${describe(cb)}`);
  }
  for (const hook of HOOKS) {
    const f = (cb as Record<string, unknown>)[hook];
    if (f !== undefined && typeof f !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `${what}.${hook} must be a function, got ${describe(f)}`);
    }
  }
}
