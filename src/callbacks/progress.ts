import { NumnetError, describe } from '../errors.js';
import { Callback, CallbackHooks, Logs, checkCallback } from './callback.js';
import { formatLogs } from './format.js';
import { ProgressBar, nodeStdout } from './progress-bar.js';

/**
 * One line per epoch through `print` (console.log by default):
 * `Epoch 3/10 - loss: 0.1373 - acc: 1.0000 - val_loss: …`. What `verbose: 1` and `2` use where there
 * is no `process.stdout` for the {@link ProgressBar} (in browsers).
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
 * Installs the reporter `fit` uses for `verbose: 1 | 2`. `undefined` restores the default: the
 * {@link ProgressBar} on `process.stdout` where there is one (Node), else the EpochLogger.
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
  if (!progressFactory) return nodeStdout() ? new ProgressBar({ verbose }) : new EpochLogger();
  const cb = progressFactory(verbose);
  checkCallback(cb, 'the progress factory (setProgressFactory) result');
  return cb;
}

/** Writes one line to `process.stdout` where there is one (Node), else through `console.log`. */
export function printLine(line: string): void {
  const out = nodeStdout();
  if (out) out.write(`${line}\n`);
  else console.log(line);
}
