import { NumnetError, describe } from '../errors.js';
import { Callback, CallbackHooks, Logs, checkCallback } from './callback.js';

/** Formats logs as Keras does: `loss: 0.1373 - acc: 1.0000`. */
export function formatLogs(logs: Logs, keys?: readonly string[]): string {
  if (logs === null || typeof logs !== 'object' || Array.isArray(logs)) {
    throw new NumnetError('INVALID_ARGUMENT', `formatLogs(): logs must be an object of numbers, got ${describe(logs)}`);
  }
  if (keys === undefined) keys = Object.keys(logs);
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw new NumnetError('INVALID_ARGUMENT', `formatLogs(): keys must be an array of strings, got ${describe(keys)}`);
  }
  return keys
    .filter((k) => k in logs)
    .map((k) => `${k}: ${formatNumber(logs[k]!)}`)
    .join(' - ');
}

/** Four decimals, or four significant digits in exponent form for small non-zero values. */
export function formatNumber(v: number): string {
  if (typeof v !== 'number') throw new NumnetError('INVALID_ARGUMENT', `formatNumber(): v must be a number, got ${describe(v)}`);
  if (v !== 0 && Number.isFinite(v) && Math.abs(v) < 1e-3) return v.toExponential(4);
  return v.toFixed(4);
}

/**
 * One line per epoch through `print` (console.log by default):
 * `Epoch 3/10 - loss: 0.1373 - acc: 1.0000 - val_loss: …`. What `verbose: 1` and `2` use where no
 * richer reporter is installed (in browsers, and in Node unless `numnet/node` is loaded).
 */
export class EpochLogger extends Callback {
  constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {
    super();
    if (typeof print !== 'function') throw new NumnetError('INVALID_ARGUMENT', `EpochLogger: print must be a function, got ${describe(print)}`);
  }
  /** Prints the epoch's line. */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.print(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} - ${formatLogs(logs)}`);
  }
}

/** Makes the callback that draws `fit`'s progress for a verbosity. */
export type ProgressFactory = (verbose: 1 | 2) => CallbackHooks;

let progressFactory: ProgressFactory | undefined;

/**
 * Installs the reporter `fit` uses for `verbose: 1 | 2` (`numnet/node` installs its terminal
 * progress bar when loaded). `undefined` restores the default EpochLogger.
 */
export function setProgressFactory(factory: ProgressFactory | undefined): void {
  if (factory !== undefined && typeof factory !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `setProgressFactory() takes a function (verbose) => callback, or undefined, got ${describe(factory)}`);
  }
  progressFactory = factory;
}

/** The reporter for a verbosity, or undefined for 0. */
export function progressCallback(verbose: 0 | 1 | 2): CallbackHooks | undefined {
  if (verbose === 0) return undefined;
  if (!progressFactory) return new EpochLogger();
  const cb = progressFactory(verbose);
  checkCallback(cb, 'the progress factory (setProgressFactory) result');
  return cb;
}
