/**
 * CSVLogger against Keras 3's own CSVLogger and CPython: the expected files and float texts in
 * csv-logger-keras.json were written by keras/src/callbacks/csv_logger.py (keras-team/keras at
 * 3422977a, Keras 3.16) run with CPython 3.11's csv module, and by CPython's repr(), with the script
 * csv-logger-keras.py beside this file (how to run it is in its docstring). Nothing in them comes
 * from numnet.
 *
 * What the Keras source does (line numbers of csv_logger.py at that commit): on_train_begin opens
 * the file with mode "a" or "w", and when appending to an existing file writes a header only if
 * its first line is empty (l. 42–46); on_epoch_end takes `sorted(logs.keys())` once per fit (l. 74),
 * adds `val_<key>` columns when no key starts with `val_` (l. 81), writes through csv.DictWriter with
 * the "excel" dialect and `delimiter = self.sep` (l. 87), `NA` for a missing key (l. 99), and
 * flushes (l. 102); on_train_end closes the file (l. 106).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CSVLogger, Dense, LambdaCallback, Random, SGD, Sequential } from '../../src/node/index.js';
import type { Logs } from '../../src/node/index.js';
import { pythonFloatRepr } from '../../src/node/csv-logger.js';
import { codeOf, messageOf } from '../helpers/errors.js';

interface Scenario {
  separator: string;
  append: boolean;
  start: string | null;
  fits: [number, Record<string, number | string>][][];
  texts: string[];
}

// Read with JSON.parse (a JSON import would turn the -0.0 of the logs into 0).
const reference = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'csv-logger-keras.json'), 'utf8')) as {
  csv: Record<string, Scenario>;
  repr: [string, string][];
};
const root = mkdtempSync(join(tmpdir(), 'numnet-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => {
  const dir = join(root, `t${count++}`);
  mkdirSync(dir);
  return dir;
};

/** The JSON holds NaN and ±Infinity as Python's repr. */
const decode = (logs: Record<string, number | string>): Logs =>
  Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)]));

function float(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function model(seed = 3) {
  const m = new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1 })], { seed });
  m.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse', metrics: ['mae'] });
  return m;
}
const rng = new Random(9);
const x = Array.from({ length: 20 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
const y = x.map((r) => [r[0]! * 0.5 - r[1]!]);

async function failure(p: Promise<unknown>) {
  const e = (await p.then(() => undefined, (err: unknown) => err)) as { code?: string; message?: string };
  return { code: e?.code, message: String(e?.message) };
}

describe("Python's repr(float), as CPython prints it", () => {
  const cases = reference.repr;
  it(`${cases.length} floats (special values, any bit pattern, typical magnitudes, short decimals)`, () => {
    const wrong = cases.filter(([hex, text]) => pythonFloatRepr(float(hex)) !== text);
    expect(wrong).toEqual([]);
    expect(cases.length).toBeGreaterThan(900);
  });
});

describe("CSVLogger (Keras 3's csv_logger.py)", () => {
  it.each(Object.entries(reference.csv))('writes what Keras writes: %s', async (_name, s) => {
    const file = join(fresh(), 'log.csv');
    if (s.start !== null) writeFileSync(file, s.start);
    const logger = new CSVLogger(file, { separator: s.separator, append: s.append });
    const texts: string[] = [];
    for (const fit of s.fits) {
      await logger.onTrainBegin();
      for (const [epoch, logs] of fit) await logger.onEpochEnd(epoch, decode(logs));
      await logger.onTrainEnd();
      texts.push(readFileSync(file, 'utf8'));
    }
    expect(texts).toEqual(s.texts);
  });

  it('in a real fit: one row per epoch, every number read back exactly as History holds it, flushed at each epoch end', async () => {
    const file = join(fresh(), 'train.csv');
    const seen: string[] = [];
    const peek = new LambdaCallback({ onEpochEnd: () => void seen.push(readFileSync(file, 'utf8')) }); // runs after the logger
    const h = await model().fit(x, y, { epochs: 3, batchSize: 5, validationSplit: 0.25, callbacks: [new CSVLogger(file), peek] });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae');
    const rows = lines.slice(1, -1).map((l) => l.split(',').map(Number));
    expect(rows.map((r) => r[0])).toEqual([0, 1, 2]);
    for (const [j, key] of ['loss', 'mae', 'val_loss', 'val_mae'].entries()) expect(rows.map((r) => r[j + 1])).toEqual(h.history[key]);
    expect(seen.map((t) => t.split('\r\n').length - 2)).toEqual([1, 2, 3]); // rows written by each epoch end
  });

  it('append with initialEpoch: an interrupted run and its resumption make one table with one header', async () => {
    const file = join(fresh(), 'run.csv');
    const m = model();
    await m.fit(x, y, { epochs: 2, batchSize: 5, callbacks: [new CSVLogger(file, { append: true })] });
    await m.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 5, callbacks: [new CSVLogger(file, { append: true })] });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae');
    expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3']);
    expect(lines.slice(1, -1).every((l) => l.endsWith(',NA,NA'))).toBe(true); // Keras's val_ columns without validation
  });

  it('closes the file when training ends (no descriptor left open)', async () => {
    if (!existsSync('/proc/self/fd')) return; // Linux only
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    await model().fit(x, y, { epochs: 2, callbacks: [new CSVLogger(join(fresh(), 'a.csv'))] });
    expect(open()).toBe(before);
  });

  it('a file that cannot be opened: INVALID_ARGUMENT naming it, at the start of fit, the model untouched', async () => {
    const dir = fresh();
    const target = join(dir, 'target.csv');
    writeFileSync(target, 'keep me\n');
    symlinkSync(target, join(dir, 'link.csv'));
    execFileSync('mkfifo', [join(dir, 'fifo.csv')]);
    const cases: [string, string][] = [
      [join(dir, 'missing', 'log.csv'), 'ENOENT'],
      [dir, 'EISDIR'],
      [join(dir, 'link.csv'), 'it is a symbolic link'],
      [join(dir, 'fifo.csv'), 'could not open'], // ENXIO: never blocks waiting for a reader
    ];
    for (const [file, why] of cases) {
      const m = model();
      const before = m.getWeights().map((t) => Array.from(t.data));
      const e = await failure(m.fit(x, y, { epochs: 2, callbacks: [new CSVLogger(file)] }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(`CSVLogger: could not open ${file} for writing`);
      expect(e.message).toContain(why);
      expect(m.getWeights().map((t) => Array.from(t.data))).toEqual(before);
    }
    expect(readFileSync(target, 'utf8')).toBe('keep me\n'); // not written through the link
    // A link in a folder above the file is followed, as any path.
    symlinkSync(dir, join(root, `dirlink${count}`));
    await model().fit(x, y, { epochs: 1, callbacks: [new CSVLogger(join(root, `dirlink${count}`, 'ok.csv'))] });
    expect(readFileSync(join(dir, 'ok.csv'), 'utf8')).toMatch(/^epoch,loss,mae,val_loss,val_mae\r\n0,/);
  });

  it('a logs value that is not a number: INVALID_ARGUMENT naming the key, and the file closed', async () => {
    const file = join(fresh(), 'bad.csv');
    const logger = new CSVLogger(file);
    await logger.onTrainBegin();
    const e = await failure(logger.onEpochEnd(0, { loss: true } as unknown as Logs));
    expect(e).toEqual({ code: 'INVALID_ARGUMENT', message: 'CSVLogger: logs.loss must be a number, got true' });
    expect((await failure(logger.onEpochEnd(1, { loss: 1 }))).message).toContain('is not open');
  });

  it('checks its options', () => {
    const invalid = (f: () => unknown, ...words: string[]) => {
      expect(codeOf(f)).toBe('INVALID_ARGUMENT');
      for (const w of words) expect(messageOf(f)).toContain(w);
    };
    invalid(() => new CSVLogger(''), 'filename');
    invalid(() => new CSVLogger(3 as never), 'filename', '3');
    invalid(() => new CSVLogger('a\0b.csv'), 'filename');
    for (const sep of ['', 'ab', '"', '\n', '\r']) invalid(() => new CSVLogger('a.csv', { separator: sep }), 'separator', JSON.stringify(sep));
    invalid(() => new CSVLogger('a.csv', { separator: 1 as never }), 'separator', '1');
    invalid(() => new CSVLogger('a.csv', { append: 'yes' as never }), 'append', '"yes"');
    invalid(() => new CSVLogger('a.csv', { sep: ';' } as never), 'unknown CSVLogger option "sep"', 'separator, append');
    invalid(() => new CSVLogger('a.csv', [] as never), 'plain object');
    const d = new CSVLogger('a.csv');
    expect([d.filename, d.separator, d.append]).toEqual(['a.csv', ',', false]);
    expect(new CSVLogger('a.csv', { separator: '😀' }).separator).toBe('😀'); // one character, as Python counts
    expect(existsSync('a.csv')).toBe(false); // nothing is opened before fit
  });
});
