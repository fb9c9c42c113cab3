import { NumnetError } from '../errors.js';
import type { Sequential } from '../models/sequential.js';

/** Numbers reported after a batch or an epoch: `loss`, metrics, and `val_…` values. */
export type Logs = Record<string, number>;

/** What `fit` tells its callbacks before training (`callback.params`). */
export interface TrainingParams {
  epochs: number;
  initialEpoch: number;
  /** Training samples per epoch (after any validationSplit). */
  samples: number;
  /** Batches per epoch. */
  steps: number;
  batchSize: number;
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
  model?: Sequential;
  /** Set by `fit` before `onTrainBegin`. */
  params?: TrainingParams;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** A base class for callbacks; every hook does nothing until overridden. */
export class Callback implements CallbackHooks {
  model?: Sequential;
  params?: TrainingParams;
  setModel(model: Sequential): void {
    this.model = model;
  }
}

/**
 * Records every epoch's logs: `history.history.loss[k]` is the loss of epoch k,
 * `history.epoch[k]` its index. `fit` returns it.
 */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/**
 * The model's optimizer learning rate as a number, for callbacks that read or change it between
 * epochs (`who` names the callback in errors): INVALID_ARGUMENT without an optimizer, or when the
 * rate is a schedule (a function of the step), which such a callback cannot change.
 */
export function numericLearningRate(model: Sequential | undefined, who: string): number {
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
