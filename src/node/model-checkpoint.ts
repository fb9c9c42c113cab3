import { Callback, Logs } from '../callbacks/callback.js';
import { formatFixed } from '../callbacks/format.js';
import { NumnetError, describe, ownValue, isPlainObject } from '../errors.js';
import type { Sequential } from '../models/sequential.js';
import { SaveFormat, save } from './save.js';

/** Options of `ModelCheckpoint` (Keras's, in camelCase). */
export interface ModelCheckpointConfig {
  /** The logs key compared with `saveBestOnly`. Default 'val_loss'. */
  monitor?: string;
  /** Save only when `monitor` improves on the best value so far. Default false (save every epoch). */
  saveBestOnly?: boolean;
  /** 'min', 'max', or 'auto' (default): max when the key contains 'acc' or 'auc', else min. */
  mode?: 'auto' | 'min' | 'max';
  /** The file format of `save` ('numnet', the default, or 'tfjs'). */
  format?: SaveFormat;
  /** The best value to beat from the start, with `saveBestOnly`. Default none. */
  initialValueThreshold?: number;
  /** 1 prints a line per save (and per skipped epoch with `saveBestOnly`); 0 (default) is quiet. */
  verbose?: 0 | 1;
}

/** One `{key}` / `{key:format}` placeholder of a checkpoint path. */
interface Placeholder {
  text: string;
  key: string;
  spec: string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g;
const SPEC = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/;

/**
 * Saves the model at the end of epochs, with `save` of `numnet/node`, as Keras's `ModelCheckpoint`.
 * `filepath` is the directory to save into; it may hold placeholders filled from the epoch's logs:
 * `{epoch}` (1-based, as Keras), `{epoch:02d}`, `{val_loss:.4f}`, `{loss:.2e}` (Python's format
 * specs `d`, `f`, `e` with width, zero padding and precision). Every epoch is saved unless
 * `saveBestOnly`, which saves only when `monitor` beats the best value seen so far (by mode);
 * a missing `monitor` key is warned about (console.warn) and that epoch not saved. The best value
 * persists across `fit` calls on the same callback, as in Keras. Each save is atomic, so an
 * interrupted run leaves the previous checkpoint intact.
 */
export class ModelCheckpoint extends Callback {
  /** The directory to save to, with `{epoch:02d}`-style placeholders. */
  readonly filepath: string;
  /** The logs key compared with `saveBestOnly`. */
  readonly monitor: string;
  /** Whether to save only when `monitor` improves. */
  readonly saveBestOnly: boolean;
  /** Whether lower ('min') or higher ('max') is better (resolved from 'auto'). */
  readonly mode: 'min' | 'max';
  /** The file format of `save`. */
  readonly format: SaveFormat;
  /** 1 prints a line per save; 0 is quiet. */
  readonly verbose: 0 | 1;
  /** The best monitored value so far (±Infinity before any, or `initialValueThreshold`). */
  best: number;
  /** The directory of the last save, if any. */
  lastSaved: string | undefined;
  private readonly placeholders: Placeholder[];
  private warned = false;

  constructor(filepath: string, config: ModelCheckpointConfig = {}) {
    super();
    if (typeof filepath !== 'string' || filepath === '') {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint filepath must be a directory name, got ${describe(filepath)}`);
    }
    if (!isPlainObject(config as unknown)) {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint options must be a plain object, got ${describe(config)}`);
    }
    const known = ['monitor', 'saveBestOnly', 'mode', 'format', 'initialValueThreshold', 'verbose'];
    for (const k of Object.keys(config)) {
      if (!known.includes(k)) throw new NumnetError('INVALID_ARGUMENT', `unknown ModelCheckpoint option ${JSON.stringify(k)}; the options are ${known.join(', ')}`);
    }
    this.filepath = filepath;
    this.placeholders = [...filepath.matchAll(PLACEHOLDER)].map((m) => ({ text: m[0], key: m[1]!, spec: m[2] ?? '' }));
    for (const p of this.placeholders) {
      const m = SPEC.exec(p.spec);
      if (!m || (m[3] !== undefined && Number(m[3]) > 100)) {
        throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint filepath: unsupported format ${JSON.stringify(p.text)}; use {key}, {key:02d}, {key:.4f} or {key:.2e} (a precision of at most 100)`);
      }
    }
    const monitor = config.monitor ?? 'val_loss';
    if (typeof monitor !== 'string' || monitor === '') {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint monitor must be a logs key such as 'val_loss', got ${describe(monitor)}`);
    }
    this.monitor = monitor;
    this.saveBestOnly = config.saveBestOnly ?? false;
    if (typeof this.saveBestOnly !== 'boolean') {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint saveBestOnly must be true or false, got ${describe(config.saveBestOnly)}`);
    }
    const mode = config.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
    }
    this.mode = mode === 'auto' ? (/acc|auc/i.test(monitor) ? 'max' : 'min') : mode;
    const format = config.format ?? 'numnet';
    if (format !== 'numnet' && format !== 'tfjs') {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint format must be 'numnet' or 'tfjs', got ${describe(format)}`);
    }
    this.format = format;
    const verbose = config.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint verbose must be 0 or 1, got ${describe(verbose)}`);
    this.verbose = verbose;
    const t = config.initialValueThreshold;
    if (t !== undefined && (typeof t !== 'number' || Number.isNaN(t))) {
      throw new NumnetError('INVALID_ARGUMENT', `ModelCheckpoint initialValueThreshold must be a number, got ${describe(t)}`);
    }
    this.best = t ?? (this.mode === 'min' ? Infinity : -Infinity);
  }

  /** Resets the warning about a missing monitored key. */
  onTrainBegin(): void {
    this.warned = false;
  }

  /** Saves the model (every epoch, or when `monitor` improves with `saveBestOnly`). */
  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveBestOnly) {
      const current = ownValue(logs, this.monitor);
      if (current === undefined) {
        if (!this.warned) {
          this.warned = true;
          console.warn(
            `ModelCheckpoint: can save the best model only with ${this.monitor} available, skipping. Available metrics are: ${Object.keys(logs).join(',')}`,
          );
        }
        return;
      }
      const better = this.mode === 'min' ? current < this.best : current > this.best;
      // Keras's messages, numbers as its f'{value:.5f}' prints them ('inf' before the first save).
      if (!better) {
        if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${formatFixed(this.best, 5)}`);
        return;
      }
      const path = this.pathFor(epoch, logs);
      if (this.verbose) {
        console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${formatFixed(this.best, 5)} to ${formatFixed(current, 5)}, saving model to ${path}`);
      }
      await save(this.model as Sequential, path, { format: this.format });
      this.best = current;
      this.lastSaved = path;
      return;
    }
    const path = this.pathFor(epoch, logs);
    if (this.verbose) console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    await save(this.model as Sequential, path, { format: this.format });
    this.lastSaved = path;
  }

  /** The directory for epoch `epoch` (0-based) with these logs: the placeholders filled in. */
  pathFor(epoch: number, logs: Logs = {}): string {
    let out = this.filepath;
    for (const p of this.placeholders) {
      const value = p.key === 'epoch' ? epoch + 1 : ownValue(logs, p.key); // never an inherited member (constructor)
      if (value === undefined) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `ModelCheckpoint filepath ${JSON.stringify(this.filepath)}: ${p.text} is not in the logs (${['epoch', ...Object.keys(logs)].join(', ')})`,
        );
      }
      out = out.replace(p.text, formatValue(value, p.spec));
    }
    return out;
  }
}

/** Python-style `format(value, spec)` for the specs d, f, e with optional 0-padding, width and precision. */
function formatValue(v: number, spec: string): string {
  const m = SPEC.exec(spec)!;
  const [, zero, width, precision, type] = m;
  let s: string;
  if (type === 'd') s = String(Math.round(v));
  else if (type === 'f') s = formatFixed(v, precision === undefined ? 6 : Number(precision));
  else if (type === 'e') s = pythonExponent(v.toExponential(precision === undefined ? 6 : Number(precision)));
  else s = precision === undefined ? String(v) : v.toFixed(Number(precision));
  const w = width ? Number(width) : 0;
  if (s.length < w) {
    if (zero) {
      const neg = s.startsWith('-');
      s = (neg ? '-' : '') + (neg ? s.slice(1) : s).padStart(w - (neg ? 1 : 0), '0');
    } else s = s.padStart(w, ' ');
  }
  return s;
}


/** JavaScript's 1.5e-3 → Python's 1.5e-03. */
function pythonExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
