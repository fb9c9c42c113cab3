import { Callback, Logs } from './callback.js';

/**
 * Stops `fit` cleanly when a batch's loss is NaN or ±Infinity, as Keras 3's `TerminateOnNaN`: sets
 * `model.stopTraining` and prints `Epoch e, batch b: invalid loss, terminating training`
 * (console.warn). `fit` has already left the weights and the optimizer state as they were before
 * that batch, so training ends with the last good weights: the cut-short epoch still gets
 * `onEpochEnd` (logs over the batches that ran), then `onTrainEnd`, and `fit` resolves to the
 * History. Without this callback such a batch makes `fit` reject with NON_FINITE_LOSS (Keras's
 * `raiseError: true`). No options.
 */
export class TerminateOnNaN extends Callback {
  private epoch = 0;

  /** Remembers the epoch, for the message. */
  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  /** Stops training when the batch's loss is not finite. */
  onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.warn(`Epoch ${this.epoch + 1}, batch ${batch + 1}: invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}
