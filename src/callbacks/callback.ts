import type { Sequential } from '../models/sequential.js';

/** Numbers reported after a batch or an epoch: `loss`, metrics, and `val_…` values. */
export type Logs = Record<string, number>;

/**
 * Hooks called during `fit`. Extend this class, or pass any object with some of these methods.
 * `model` is set before `onTrainBegin`; setting `model.stopTraining = true` ends `fit` after the
 * current epoch.
 */
export interface CallbackHooks {
  model?: Sequential;
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
