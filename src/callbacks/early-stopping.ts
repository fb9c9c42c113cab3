import { describe, NumnetError, ownValue, checkOptions } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Callback, Logs } from './callback.js';
import { MonitorDirection, MonitorMode, modeOption, monitorDirection, monitorOption } from './monitor.js';

/** Options of `EarlyStopping` (Keras's, in camelCase). */
export interface EarlyStoppingConfig {
  /** The logs key to watch. Default 'val_loss'. */
  monitor?: string;
  /** The least change (≥ 0) that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement after which training stops (integer ≥ 0). Default 0. */
  patience?: number;
  /**
   * 'min', 'max', or 'auto' (default): 'min' for loss and val_loss, else the direction of the
   * compiled metric of that name (accuracies 'max', mse/mae 'min'); any other key is an error.
   */
  mode?: MonitorMode;
  /** A value the monitored quantity must beat before the patience count restarts. Default none. */
  baseline?: number;
  /** Put back the weights of the best epoch when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs (counted from epoch 0) ignored before monitoring starts (integer ≥ 0). Default 0. */
  startFromEpoch?: number;
}

/**
 * Stops `fit` when `monitor` has stopped improving, as Keras 3's `EarlyStopping`. At each epoch end
 * from `startFromEpoch` on, a value v improves on the best b when v + minDelta < b (mode min) or
 * v − minDelta > b (mode max); an improvement becomes the new best, and resets the wait count if it
 * also improves on `baseline` (when given). Otherwise the wait count grows, and once it reaches
 * `patience` (and the epoch is not epoch 0) it sets `model.stopTraining` and records `stoppedEpoch`.
 * With `restoreBestWeights` it keeps a copy of the weights of `bestEpoch` (the first monitored epoch
 * until one improves) and sets them back when training ends, whether it stopped training or not.
 * Defaults: monitor 'val_loss', minDelta 0, patience 0, mode 'auto', no baseline,
 * restoreBestWeights false, startFromEpoch 0. The state is reset by every `fit`.
 *
 * The direction is settled at the first epoch end, as Keras 3's `_set_monitor_op`
 * (keras/src/callbacks/monitor_callback.py), and kept: in mode 'auto', `monitor` without its 'val_'
 * prefix must be 'loss' or a compiled metric with a direction (accuracies up, mse/mae down, a custom
 * Metric's `direction`), else that epoch end throws INVALID_ARGUMENT naming the monitor and the logs
 * keys — whether or not the key is logged. Once the direction is known, a key missing from the logs
 * is warned about once per `fit` (console.warn, as Keras's `get_monitor_value`) and that epoch ignored.
 */
export class EarlyStopping extends Callback {
  /** The logs key watched. */
  readonly monitor: string;
  /** The least change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs without improvement after which training stops. */
  readonly patience: number;
  /** The mode as given: 'auto', 'min' or 'max'. */
  readonly mode: MonitorMode;
  /** Whether lower ('min') or higher ('max') is better: `mode`, or inferred from it at the first epoch end. */
  direction: MonitorDirection | undefined;
  /** The value to beat before the patience count restarts, if any. */
  readonly baseline: number | undefined;
  /** Whether the best epoch's weights are put back at the end. */
  readonly restoreBestWeights: boolean;
  /** Epochs ignored before monitoring starts. */
  readonly startFromEpoch: number;
  /** The best value seen so far; undefined before the first, which is always the best (as Keras 3). */
  best: number | undefined = undefined;
  /** The epoch of `best` (or of the saved weights). */
  bestEpoch = 0;
  /** The epoch at which this callback stopped training; 0 if it did not. */
  stoppedEpoch = 0;
  /** Monitored epochs since the last improvement. */
  wait = 0;
  /** The weights of `bestEpoch`, with `restoreBestWeights`. */
  bestWeights: Tensor[] | undefined;
  private warned = false;

  constructor(config: EarlyStoppingConfig = {}) {
    super();
    // A plain object of known keys only: a misspelt or snake_case key (restore_best_weights) is an
    // error naming the options, never silently ignored.
    config = checkOptions(config, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch'], 'EarlyStopping');
    this.monitor = monitorOption(config.monitor, 'EarlyStopping');
    this.minDelta = nonNegative(config.minDelta ?? 0, 'EarlyStopping minDelta', false);
    this.patience = nonNegative(config.patience ?? 0, 'EarlyStopping patience', true);
    this.startFromEpoch = nonNegative(config.startFromEpoch ?? 0, 'EarlyStopping startFromEpoch', true);
    this.mode = modeOption(config.mode, 'EarlyStopping');
    this.direction = this.mode === 'auto' ? undefined : this.mode;
    if (config.baseline !== undefined && (typeof config.baseline !== 'number' || !Number.isFinite(config.baseline))) {
      throw new NumnetError('INVALID_ARGUMENT', `EarlyStopping baseline must be a finite number, got ${describe(config.baseline)}`);
    }
    this.baseline = config.baseline;
    this.restoreBestWeights = config.restoreBestWeights ?? false;
    if (typeof this.restoreBestWeights !== 'boolean') {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `EarlyStopping restoreBestWeights must be true or false, got ${describe(config.restoreBestWeights)}`,
      );
    }
  }

  /** Resets the patience count and the best value. */
  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.bestWeights = undefined;
    this.best = undefined;
    this.warned = false;
  }

  /** Compares the monitored value with the best so far; stops training when patience runs out. */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    // Keras: "Delay setup until the model's metrics are all built" — settled once, then kept.
    this.direction ??= monitorDirection(this.monitor, this.mode, this.model, logs, 'EarlyStopping');
    const current = ownValue(logs, this.monitor);
    if (current === undefined) {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `EarlyStopping: conditioned on metric \`${this.monitor}\`, which is not available. Available metrics are: ${Object.keys(logs).join(',')}`,
        );
      }
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  /** Puts back the best weights, with `restoreBestWeights`. */
  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights) this.model!.setWeights(this.bestWeights);
  }

  /** Keras 3's _is_improvement: always true against no reference (the first value is the best). */
  private improves(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return this.direction === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }
}

function nonNegative(value: unknown, what: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be ${integer ? 'an integer' : 'a finite number'} ≥ 0, got ${describe(value)}`);
  }
  return value;
}
