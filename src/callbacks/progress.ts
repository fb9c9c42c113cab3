import { Callback, CallbackHooks, Logs } from './callback.js';

/** Formats logs as Keras does: `loss: 0.1373 - acc: 1.0000`. */
export function formatLogs(logs: Logs, keys: readonly string[] = Object.keys(logs)): string {
  return keys
    .filter((k) => k in logs)
    .map((k) => `${k}: ${formatNumber(logs[k]!)}`)
    .join(' - ');
}

/** Four decimals, or four significant digits in exponent form for small non-zero values. */
export function formatNumber(v: number): string {
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
  }
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
  progressFactory = factory;
}

/** The reporter for a verbosity, or undefined for 0. */
export function progressCallback(verbose: 0 | 1 | 2): CallbackHooks | undefined {
  if (verbose === 0) return undefined;
  return progressFactory ? progressFactory(verbose) : new EpochLogger();
}
