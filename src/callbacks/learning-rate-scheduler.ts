import { NumnetError, describe } from '../errors.js';
import { Callback, Logs, numericLearningRate } from './callback.js';

/** A learning-rate schedule per epoch: (epoch from 0, current rate) → the epoch's rate. */
export type EpochSchedule = (epoch: number, lr: number) => number;

/**
 * Sets `model.optimizer.learningRate` at the start of every epoch to `schedule(epoch, lr)`, where
 * `epoch` counts from 0 (from `initialEpoch` when resuming) and `lr` is the current rate, as Keras
 * 3's `LearningRateScheduler`; the rate then holds for every batch of that epoch. Adds
 * `learning_rate` (the rate of the epoch that ended) to the epoch logs. The schedule must return a
 * finite number ≥ 0 (else INVALID_ARGUMENT naming the epoch and the value), and the optimizer's
 * rate must be a number: a schedule function of the step and this callback don't mix
 * (INVALID_ARGUMENT when `fit` starts).
 */
export class LearningRateScheduler extends Callback {
  /** (epoch, current rate) → the epoch's rate. */
  readonly schedule: EpochSchedule;

  constructor(schedule: EpochSchedule) {
    super();
    if (typeof schedule !== 'function') {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `LearningRateScheduler schedule must be a function (epoch, lr) => lr, got ${describe(schedule)}`,
      );
    }
    this.schedule = schedule;
  }

  /** Checks that the optimizer's rate is a number. */
  onTrainBegin(): void {
    this.rate();
  }

  /** Sets the optimizer's rate to `schedule(epoch, rate)`. */
  onEpochBegin(epoch: number): void {
    const lr = this.schedule(epoch, this.rate());
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `LearningRateScheduler: the schedule gave ${describe(lr)} at epoch ${epoch}; it must return a finite number ≥ 0`,
      );
    }
    this.model!.optimizer!.learningRate = lr;
  }

  /** Adds `learning_rate` to the epoch's logs. */
  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = this.rate();
  }

  /** The optimizer's current rate; INVALID_ARGUMENT if it is a schedule. */
  private rate(): number {
    return numericLearningRate(this.model, 'LearningRateScheduler');
  }
}
