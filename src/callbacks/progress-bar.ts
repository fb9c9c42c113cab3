import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { formatLogs } from './format.js';
import { NumnetError, checkOptions, describe } from '../errors.js';

/** Where a {@link ProgressBar} writes: Node's `process.stdout` or anything with `write` (a test's fake). */
export interface ProgressStream {
  /** Writes text (no newline added). */
  write(s: string): unknown;
  /** True for a terminal: the bar is redrawn in place with `\r`. */
  isTTY?: boolean;
  /** Terminal width; in-place redraws are cut to `columns - 1` characters so they never wrap. */
  columns?: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Default: Node's `process.stdout`, looked up at run time (required where there is none, as in a browser). */
  stream?: ProgressStream;
  /** 1: a progress bar (on a TTY) or one final line per epoch; 2: one short line per epoch. Default 1. */
  verbose?: 1 | 2;
  /** Clock in milliseconds, default `Date.now` (inject a fake one for deterministic output). */
  now?: () => number;
}

/** Characters of the bar between `[` and `]`. */
const BAR_WIDTH = 30;
/** Minimum milliseconds between two in-place redraws (the last batch of an epoch is always drawn). */
const REDRAW_INTERVAL = 50;

/**
 * Keras-style training progress for terminals: what `fit(…, { verbose })` uses wherever Node's
 * `process.stdout` exists (no extra import needed; the core looks it up at run time and imports no
 * Node module). Pass it in `callbacks` yourself to write elsewhere. Every epoch starts with
 * `Epoch 3/10`; then, counting steps (batches) as Keras does, with times measured from the epoch's
 * start (validation included in the final line):
 *
 * - `verbose: 1` on a TTY: the line below is redrawn in place with `\r` after the batches (at most
 *   every 50 ms, and always after the last one), its metrics the running means of the epoch so far,
 *   the ETA from the mean time per step so far:
 *   ```
 *   100/250 [===========>..................] - ETA: 3s - loss: 0.1234 - acc: 0.9000
 *   ```
 *   and the epoch ends with the final line (elapsed time, then time per step):
 *   ```
 *   250/250 [==============================] - 2s 8ms/step - loss: 0.1234 - acc: 0.9000 - val_loss: 0.1300 - val_acc: 0.8900
 *   ```
 * - `verbose: 1` elsewhere (a pipe, a file, CI logs): only that final line, no `\r`.
 * - `verbose: 2`: one line per epoch, Keras's verbose-2 form, counting batches:
 *   ```
 *   250/250 - 2s - 8ms/step - loss: 0.1234 - acc: 0.9000 - val_loss: 0.1300 - val_acc: 0.8900
 *   ```
 *
 * Times read as Keras's: elapsed `2s` (or `850ms` under a second), per step `2s/step`, `8ms/step`,
 * `120us/step`; ETA `45s`, `2:05`, `1:02:05`. Numbers are `formatNumber`'s, in the order of
 * `params.metrics`.
 */
export class ProgressBar extends Callback {
  /** 1: the bar; 2: one short line per epoch. */
  readonly verbose: 1 | 2;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private epochStart = 0;
  /** Steps (batches) done this epoch. */
  private stepsSeen = 0;
  private lastDraw = -Infinity;
  /** Length of the line now on screen (TTY), to blank out what a shorter redraw leaves behind. */
  private shown = 0;

  constructor(options: ProgressBarOptions = {}) {
    super();
    checkOptions(options, ['stream', 'verbose', 'now'], 'ProgressBar');
    const verbose = options.verbose ?? 1;
    if (verbose !== 1 && verbose !== 2) {
      throw new NumnetError('INVALID_ARGUMENT', `ProgressBar: verbose must be 1 or 2, got ${describe(verbose)}`);
    }
    this.verbose = verbose;
    const stream = options.stream ?? nodeStdout();
    if (stream === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', 'ProgressBar: this platform has no Node standard output; pass { stream } (anything with write(text))');
    }
    if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `ProgressBar: stream must have a write(text) method, got ${describe(stream)}`);
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new NumnetError('INVALID_ARGUMENT', `ProgressBar: now must be a function returning milliseconds, got ${describe(options.now)}`);
    }
    this.stream = stream;
    this.now = options.now ?? Date.now;
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Writes `Epoch e/E` and starts the clock. */
  onEpochBegin(epoch: number): void {
    this.epochStart = this.now();
    this.stepsSeen = 0;
    this.lastDraw = -Infinity;
    this.shown = 0;
    this.stream.write(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'}\n`);
  }

  /** Redraws the bar (on a TTY, at most every 50 ms). */
  onBatchEnd(batch: number, logs: Logs = {}): void {
    const steps = this.params?.steps ?? 0;
    this.stepsSeen = steps > 0 ? Math.min(steps, this.stepsSeen + 1) : this.stepsSeen + 1;
    if (this.verbose !== 1 || !this.tty) return;
    const t = this.now();
    const failed = logs.loss !== undefined && !Number.isFinite(logs.loss);
    const last = batch >= (this.params?.steps ?? Infinity) - 1;
    if (!last && !failed && t - this.lastDraw < REDRAW_INTERVAL) return;
    this.lastDraw = t;
    const elapsed = Math.max(0, t - this.epochStart);
    const eta = this.stepsSeen > 0 && steps > 0 ? (elapsed / this.stepsSeen) * (steps - this.stepsSeen) : 0;
    let line = `${this.counter()} - ETA: ${formatEta(eta)}${this.metrics(logs)}`;
    const columns = this.stream.columns;
    if (columns !== undefined && columns > 1 && line.length > columns - 1) line = line.slice(0, columns - 1);
    this.redraw(line);
    if (failed) {
      // fit is about to reject (unless a callback stops training): end the line for the error.
      this.stream.write('\n');
      this.shown = 0;
    }
  }

  /** Writes the epoch's final line: time, time per step, loss and metrics. */
  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const elapsed = Math.max(0, this.now() - this.epochStart);
    const perStep = this.stepsSeen > 0 ? elapsed / this.stepsSeen : 0;
    if (this.verbose === 2) {
      const steps = this.params?.steps ?? this.stepsSeen;
      const count = `${String(this.stepsSeen).padStart(String(steps).length)}/${steps}`;
      this.stream.write(`${count} - ${formatElapsed(elapsed)} - ${formatPerStep(perStep)}${this.metrics(logs)}\n`);
      return;
    }
    const line = `${this.counter()} - ${formatElapsed(elapsed)} ${formatPerStep(perStep)}${this.metrics(logs)}`;
    if (this.tty) {
      this.redraw(line);
      this.stream.write('\n');
      this.shown = 0;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** `100/250 [===========>..................]`, in steps. */
  private counter(): string {
    const total = this.params?.steps ?? 0;
    const seen = this.stepsSeen;
    const filled = total > 0 ? Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * seen) / total)) : BAR_WIDTH;
    let bar = '[';
    if (filled > 0) bar += '='.repeat(filled - 1) + (seen < total ? '>' : '=');
    bar += `${'.'.repeat(BAR_WIDTH - filled)}]`;
    return `${String(seen).padStart(String(total).length)}/${total} ${bar}`;
  }

  /** ` - loss: 0.1234 - acc: 0.9000`, in the order of `params.metrics`, then any other keys. */
  private metrics(logs: Logs): string {
    const order = this.params?.metrics ?? [];
    const keys = [...order, ...Object.keys(logs).filter((k) => !order.includes(k))].filter(
      (k) => k !== 'batch' && k !== 'size' && typeof logs[k] === 'number',
    );
    const text = formatLogs(logs, keys);
    return text ? ` - ${text}` : '';
  }

  /** Overwrites the line on screen (TTY only). */
  private redraw(line: string): void {
    const pad = this.shown > line.length ? ' '.repeat(this.shown - line.length) : '';
    this.stream.write(`\r${line}${pad}`);
    this.shown = line.length;
  }
}

/** `4/4 - 12ms 3ms/step - loss: 0.1234`: the line `evaluate(…, { verbose })` prints, as Keras's. */
export function stepsLine(steps: number, elapsedMs: number, logs: Logs): string {
  const text = formatLogs(logs);
  return `${steps}/${steps} - ${formatElapsed(elapsedMs)} ${formatPerStep(steps > 0 ? elapsedMs / steps : 0)}${text ? ` - ${text}` : ''}`;
}

/** Keras's ETA: `45s`, `2:05`, `1:02:05` (whole seconds, rounded down). */
function formatEta(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  const two = (v: number) => String(Math.floor(v)).padStart(2, '0');
  if (s > 3600) return `${Math.floor(s / 3600)}:${two((s % 3600) / 60)}:${two(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s)}s`;
}

/** Elapsed time: `850ms` under a second, else whole seconds `2s`. */
function formatElapsed(ms: number): string {
  const r = Math.round(ms);
  return r < 1000 ? `${r}ms` : `${Math.round(ms / 1000)}s`;
}

/** Time per batch as Keras's: `2s/step`, `8ms/step`, `120us/step` (`0s/step` when nothing ran). */
function formatPerStep(ms: number): string {
  if (ms === 0) return '0s/step';
  const us = Math.round(ms * 1000);
  if (us < 1000) return `${us}us/step`;
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms/step`;
  return `${Math.round(ms / 1000)}s/step`;
}

/** Node's `process.stdout`, looked up at run time without importing anything, or undefined (browsers). */
export function nodeStdout(): ProgressStream | undefined {
  const p = (globalThis as { process?: { stdout?: ProgressStream } }).process;
  const out = p?.stdout;
  return out && typeof out === 'object' && typeof out.write === 'function' ? out : undefined;
}
