import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { Callback, Logs } from '../callbacks/callback.js';
import { NumnetError, checkOptions, describe, ownValue } from '../errors.js';

/** Options of `CSVLogger` (Keras's, in camelCase). */
export interface CSVLoggerConfig {
  /** The character between fields (one character, not a quote or a line break). Default ','. */
  separator?: string;
  /** Add rows to the file if it exists (no second header if it has content); false (default) starts it over. */
  append?: boolean;
}

/** Opening for writing: create if missing, never through a link at the last step, never blocking on a FIFO. */
const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Writes one row per epoch to a CSV file, as Keras 3's `CSVLogger`
 * (keras/src/callbacks/csv_logger.py): the columns are `epoch` (0-based, from `initialEpoch` when
 * resuming) then the epoch logs' keys sorted (by code point, as Python's `sorted`); when no key
 * starts with `val_`, a `val_` column is added for each key (Keras does, for `validationFreq`), and
 * a key missing from an epoch's logs is written `NA`. Numbers are written as Python's `repr(float)`
 * (`0.25`, `1.0`, `1e-05`, `nan`, `inf`), fields as Python's csv module writes them (the "excel"
 * dialect: a field holding the separator, a quote or a line break is quoted, its quotes doubled;
 * rows end with "\r\n"). The header is written at the first epoch end of each `fit`, except when
 * appending to a file that already has content.
 *
 * The file is opened when `fit` starts (created if missing; emptied unless `append`), each row is
 * handed to the system as soon as it is written (Keras's `flush`), and the file is closed when
 * training ends. Like `save`, it never writes through a symbolic link at the file itself and writes
 * only to a regular file; a file that cannot be opened or written is INVALID_ARGUMENT naming it and
 * the system's reason (at the start of `fit`, before any training, for opening). The folder must
 * exist, as in Keras.
 */
export class CSVLogger extends Callback {
  /** The CSV file. */
  readonly filename: string;
  /** The character between fields. */
  readonly separator: string;
  /** Whether rows are added to an existing file. */
  readonly append: boolean;
  private file: FileHandle | undefined;
  private keys: string[] | undefined;
  private header = true;

  constructor(filename: string, config: CSVLoggerConfig = {}) {
    super();
    if (typeof filename !== 'string' || filename === '' || filename.includes('\0')) {
      throw new NumnetError('INVALID_ARGUMENT', `CSVLogger filename must be a file name such as 'training.csv', got ${describe(filename)}`);
    }
    const c = checkOptions(config, ['separator', 'append'], 'CSVLogger');
    const separator = c.separator ?? ',';
    if (typeof separator !== 'string' || [...separator].length !== 1 || '"\r\n'.includes(separator)) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `CSVLogger separator must be one character other than a quote or a line break (as Python's csv delimiter), got ${describe(separator)}`,
      );
    }
    const append = c.append ?? false;
    if (typeof append !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `CSVLogger append must be true or false, got ${describe(append)}`);
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  /** Opens the file (emptied unless appending; a header is due unless appending to content). */
  async onTrainBegin(): Promise<void> {
    await this.close();
    this.keys = undefined;
    const fh = await this.step('open', () => open(this.filename, OPEN_FLAGS | (this.append ? constants.O_APPEND : 0)));
    try {
      const info = await this.step('open', () => fh.stat());
      if (!info.isFile()) throw new NumnetError('INVALID_ARGUMENT', `CSVLogger: could not open ${this.filename} for writing: it is not a regular file`);
      // Keras: a header unless appending to a file whose first line is not empty (a file with content).
      this.header = !this.append || info.size === 0;
      if (!this.append) await this.step('empty', () => fh.truncate(0));
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
    this.file = fh;
  }

  /** Writes the epoch's row (and the header first, when due); on failure the file is closed. */
  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const fh = this.file;
    if (!fh) throw new NumnetError('INVALID_ARGUMENT', `CSVLogger: ${this.filename} is not open; the logger writes from fit's onTrainBegin to onTrainEnd`);
    try {
      const keys = (this.keys ??= columns(logs));
      const values = new Map<string, string>([['epoch', String(epoch)]]);
      for (const key of keys) values.set(key, cell(logs, key));
      let text = this.header ? this.row(['epoch', ...keys]) : '';
      text += this.row(['epoch', ...keys].map((k) => values.get(k)!));
      await this.step('write to', () => fh.writeFile(text, 'utf8'));
      this.header = false;
    } catch (e) {
      await this.close().catch(() => {});
      throw e;
    }
  }

  /** Closes the file. */
  async onTrainEnd(): Promise<void> {
    await this.close();
  }

  private async close(): Promise<void> {
    const fh = this.file;
    this.file = undefined;
    if (fh) await this.step('close', () => fh.close());
  }

  /** One CSV line: Python's csv "excel" dialect with this separator (QUOTE_MINIMAL, "\r\n"). */
  private row(fields: string[]): string {
    const quoted = fields.map((f) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f));
    return `${quoted.join(this.separator)}\r\n`;
  }

  /** A file system step; its failure becomes INVALID_ARGUMENT naming the file and the system's reason. */
  private async step<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof NumnetError) throw e;
      const code = (e as NodeJS.ErrnoException | undefined)?.code;
      const why = code === 'ELOOP' ? 'it is a symbolic link (CSVLogger does not write through links; give the real path)' : ((e as Error)?.message ?? String(e));
      throw new NumnetError('INVALID_ARGUMENT', `CSVLogger: could not ${what} ${this.filename}${what === 'open' ? ' for writing' : ''}: ${why}`);
    }
  }
}

/** Keras's columns: the logs keys sorted by code point, plus `val_<key>` for each when none starts with `val_`. */
function columns(logs: Logs): string[] {
  const keys = Object.keys(logs).sort(byCodePoint);
  if (keys.length > 0 && !keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
  return keys;
}

/** A logs value as Keras writes it: a number as Python's repr(float), a string as is, `NA` when missing. */
function cell(logs: Logs, key: string): string {
  const v: unknown = ownValue(logs, key);
  if (v === undefined) return 'NA';
  if (typeof v === 'number') return pythonFloatRepr(v);
  if (typeof v === 'string') return v;
  throw new NumnetError('INVALID_ARGUMENT', `CSVLogger: logs.${key} must be a number, got ${describe(v)}`);
}

/** Python's string order (by code point; JavaScript's default sort compares UTF-16 units). */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Python's `repr(v)` of a float: the shortest digits that read back as v (the same digits as
 * JavaScript's), written in positional form with at least one decimal (`1.0`, `0.0001`,
 * `1234567890123456.0`) while the decimal point position p (v = 0.d₁d₂… × 10^p) has −4 < p ≤ 16,
 * else in exponent form with a signed exponent of at least two digits (`1e-05`, `1.5e+16`);
 * `nan`, `inf`, `-inf`, and `-0.0` for −0.
 */
export function pythonFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (v === 0) return `${sign}0.0`;
  const [mantissa, exponent] = Math.abs(v).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = Number(exponent) + 1;
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${rest}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
