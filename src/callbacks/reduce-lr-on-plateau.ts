import { describe, NumnetError, ownValue, checkOptions } from '../errors.js';
import { Callback, Logs, numericLearningRate } from './callback.js';
import { MonitorDirection, MonitorMode, modeOption, monitorDirection, monitorOption } from './monitor.js';

/** Options of `ReduceLROnPlateau` (Keras's, in camelCase). */
export interface ReduceLROnPlateauConfig {
  /** The logs key to watch. Default 'val_loss'. */
  monitor?: string;
  /** The rate is multiplied by this, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before a reduction (integer ≥ 0). Default 10. */
  patience?: number;
  /**
   * 'min', 'max', or 'auto' (default): 'min' for loss and val_loss, else the direction of the
   * compiled metric of that name (accuracies 'max', mse/mae 'min'); any other key is an error.
   */
  mode?: MonitorMode;
  /** The least change (≥ 0) that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs after a reduction during which no improvement is awaited (integer ≥ 0). Default 0. */
  cooldown?: number;
  /** The rate is never reduced below this (≥ 0). Default 0. */
  minLr?: number;
}

/**
 * Multiplies `model.optimizer.learningRate` by `factor` when `monitor` has not improved for
 * `patience` epochs, as Keras 3's `ReduceLROnPlateau`. At each epoch end a value v improves on the
 * best b when v < b − minDelta (mode min) or v > b + minDelta (mode max); an improvement becomes the
 * new best and resets the wait count. Otherwise, outside cooldown, the wait count grows, and once it
 * reaches `patience` the rate becomes max(rate · factor, minLr) (if it is above minLr), the wait count
 * restarts and `cooldown` epochs follow in which the wait count stays 0. Adds `learning_rate` (the
 * rate of the epoch that ended) to the epoch logs. Defaults: monitor 'val_loss', factor 0.1,
 * patience 10, mode 'auto', minDelta 1e-4, cooldown 0, minLr 0. The optimizer's rate must be a
 * number: a schedule function and this callback don't mix (INVALID_ARGUMENT when `fit` starts).
 *
 * The direction is settled at the first epoch end and kept, as Keras 3 (≥ 3.11) does with
 * `MonitorCallback._set_monitor_op` (keras/src/callbacks/monitor_callback.py): in mode 'auto',
 * `monitor` without its 'val_' prefix must be 'loss' or a compiled metric with a direction, else
 * that epoch end throws INVALID_ARGUMENT naming the monitor and the logs keys. Once the direction is
 * known, a key missing from the logs is warned about once per `fit` (console.warn) and that epoch
 * ignored.
 */
export class ReduceLROnPlateau extends Callback {
  /** The logs key watched. */
  readonly monitor: string;
  /** The rate is multiplied by this on a plateau. */
  readonly factor: number;
  /** Epochs without improvement before a reduction. */
  readonly patience: number;
  /** The mode as given: 'auto', 'min' or 'max'. */
  readonly mode: MonitorMode;
  /** Whether lower ('min') or higher ('max') is better: `mode`, or inferred from it at the first epoch end. */
  direction: MonitorDirection | undefined;
  /** The least change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs after a reduction during which no improvement is awaited. */
  readonly cooldown: number;
  /** The rate is never reduced below this. */
  readonly minLr: number;
  /** The best value seen so far (±Infinity before any; +Infinity while the direction is unknown). */
  best = Infinity;
  /** Epochs since the last improvement or reduction. */
  wait = 0;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  private warned = false;

  constructor(config: ReduceLROnPlateauConfig = {}) {
    super();
    // A plain object of known keys only: a misspelt or snake_case key (restore_best_weights) is an
    // error naming the options, never silently ignored.
    config = checkOptions(config, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr'], 'ReduceLROnPlateau');
    this.monitor = monitorOption(config.monitor, 'ReduceLROnPlateau');
    const factor = config.factor ?? 0.1;
    if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) {
      throw new NumnetError('INVALID_ARGUMENT', `ReduceLROnPlateau factor must be a number in (0, 1), got ${describe(factor)}`);
    }
    this.factor = factor;
    this.patience = nonNegative(config.patience ?? 10, 'patience', true);
    this.minDelta = nonNegative(config.minDelta ?? 1e-4, 'minDelta', false);
    this.cooldown = nonNegative(config.cooldown ?? 0, 'cooldown', true);
    this.minLr = nonNegative(config.minLr ?? 0, 'minLr', false);
    this.mode = modeOption(config.mode, 'ReduceLROnPlateau');
    this.direction = this.mode === 'auto' ? undefined : this.mode;
    this.best = this.initialBest();
  }

  /** Resets the counts and the best value; checks that the optimizer's rate is a number. */
  onTrainBegin(): void {
    this.best = this.initialBest();
    this.wait = 0;
    this.cooldownCounter = 0;
    this.warned = false;
    this.rate();
  }

  /** Compares the monitored value with the best so far; lowers the rate after `patience` epochs without improvement. */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (this.direction === undefined) {
      // Keras: "Delay setup until the model's metrics are all built" — settled once, then kept.
      this.direction = monitorDirection(this.monitor, this.mode, this.model, logs, 'ReduceLROnPlateau');
      this.best = this.initialBest();
    }
    const lr = this.rate();
    logs.learning_rate = lr;
    const current = ownValue(logs, this.monitor);
    if (current === undefined) {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `ReduceLROnPlateau: learning rate reduction is conditioned on metric \`${this.monitor}\`, which is not available. Available metrics are: ${Object.keys(logs).join(',')}`,
        );
      }
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved = this.direction === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience && lr > this.minLr) {
        this.model!.optimizer!.learningRate = Math.max(lr * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }

  /** The best value before any: +Infinity to minimize (or while the direction is unknown), −Infinity to maximize. */
  private initialBest(): number {
    return this.direction === 'max' ? -Infinity : Infinity;
  }

  /** The optimizer's current rate; INVALID_ARGUMENT if it is a schedule. */
  private rate(): number {
    return numericLearningRate(this.model, 'ReduceLROnPlateau');
  }
}

function nonNegative(value: unknown, option: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `ReduceLROnPlateau ${option} must be ${integer ? 'an integer' : 'a finite number'} ≥ 0, got ${describe(value)}`,
    );
  }
  return value;
}
