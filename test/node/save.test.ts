/** numnet/node: save/load through files (both formats, atomic), ModelCheckpoint. Temp dirs under os.tmpdir(), removed. */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Dense, Dropout, ModelCheckpoint, NumnetError, Random, SGD, Sequential, fromTFJS, load, save, toTFJS,
} from '../../src/node/index.js';
import type { CallbackHooks, Logs } from '../../src/node/index.js';
import { formatFixed } from '../../src/callbacks/format.js';
import { codeOf, codeOfAsync } from '../helpers/errors.js';

/** Fault injection into the file system calls of src/node/save.ts. */
const fault = vi.hoisted(() => ({
  /** Called before each open/rename/link; throwing there makes that call fail. */
  before: undefined as undefined | ((op: string, path: string) => void),
  /** For files it selects, writeFile writes half the data, then fails as a full disk would. */
  partialWrite: undefined as undefined | ((path: string) => boolean),
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      fault.before?.('open', String(args[0]));
      const fh = await real.open(...args);
      if (fault.partialWrite?.(String(args[0]))) {
        const write = fh.writeFile.bind(fh);
        (fh as { writeFile: unknown }).writeFile = async (data: string | Uint8Array) => {
          await write(data.slice(0, data.length >> 1));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        };
      }
      return fh;
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      fault.before?.('rename', String(args[0]));
      return real.rename(...args);
    },
    link: async (...args: Parameters<typeof real.link>) => {
      fault.before?.('link', String(args[0]));
      return real.link(...args);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'numnet-io-'));
let n = 0;
const tempDir = (name = 'd') => join(root, `${name}-${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  fault.before = undefined;
  fault.partialWrite = undefined;
});

function data(count: number, seed = 3) {
  const rng = new Random(seed);
  const x = Array.from({ length: count }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  const y = x.map((r) => [Math.sin(r[0]! + 2 * r[1]!) - r[2]!]);
  return { x, y };
}

function model(seed = 1, units = 5) {
  const m = new Sequential([new Dense({ units, activation: 'tanh', inputShape: [3] }), new Dropout({ rate: 0.2 }), new Dense({ units: 1 })], { seed });
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  return m;
}

describe('save and load', () => {
  it('native format: a directory with model.json; lossless, and training resumes bit-identically through files', async () => {
    const { x, y } = data(30);
    const straight = model();
    await straight.fit(x, y, { epochs: 5, batchSize: 8 });
    const first = model();
    await first.fit(x, y, { epochs: 3, batchSize: 8 });
    const dir = tempDir('native');
    await save(first, dir); // format 'numnet' by default
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).format).toBe('numnet');
    const loaded = await load(dir);
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(first.predict(x).data));
    await loaded.fit(x, y, { epochs: 5, initialEpoch: 3, batchSize: 8 });
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(straight));
    // The model.json file itself is a path load() takes too.
    expect(JSON.stringify(await load(join(dir, 'model.json')))).toBe(JSON.stringify(first));
  });

  it('TF.js format: model.json + weights.bin; load() detects it and reads the float32 model', async () => {
    const m = model(2);
    const dir = tempDir('tfjs');
    await save(m, dir, { format: 'tfjs' });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await load(dir);
    const { x } = data(6);
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(fromTFJS(toTFJS(m)).predict(x).data));
    // Saving again over it, in the other format, replaces model.json.
    await save(m, dir, { format: 'numnet' });
    expect(JSON.stringify(await load(dir))).toBe(JSON.stringify(m));
  });

  it('refuses bad arguments and unsaveable models before touching the disk (INVALID_ARGUMENT)', async () => {
    const m = model();
    const dir = tempDir('refused');
    expect(await codeOfAsync(() => save(m, dir, { format: 'h5' as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(() => save({} as Sequential, dir))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(() => save(m, ''))).toBe('INVALID_ARGUMENT');
    const own = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    own.compile({ optimizer: new SGD({ learningRate: (t) => 1 / (t + 1) }), loss: 'mse' });
    expect(await codeOfAsync(() => save(own, dir))).toBe('INVALID_ARGUMENT');
    expect(await codeOfAsync(() => save(new Sequential([new Dense({ units: 1, activation: 'step', inputShape: [2] })]), dir, { format: 'tfjs' }))).toBe('INVALID_ARGUMENT');
    expect(existsSync(dir)).toBe(false);
    const file = join(root, `a-file-${n++}`);
    writeFileSync(file, 'x');
    expect(await codeOfAsync(() => save(m, file))).toBe('INVALID_ARGUMENT');
  });

  it('bad files are INVALID_FORMAT naming the file; a path with no model is INVALID_ARGUMENT', async () => {
    const expectFormat = async (dir: string, message: RegExp) => {
      const e = await load(dir).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(NumnetError);
      expect((e as NumnetError).code).toBe('INVALID_FORMAT');
      expect((e as NumnetError).message).toMatch(message);
    };
    const m = model();
    const nat = tempDir('bad-native');
    await save(m, nat);
    const text = readFileSync(join(nat, 'model.json'), 'utf8');
    writeFileSync(join(nat, 'model.json'), text.slice(0, text.length - 40));
    await expectFormat(nat, /model\.json: not valid JSON.*truncated/);
    writeFileSync(join(nat, 'model.json'), text.replace('"version":1', '"version":7'));
    await expectFormat(nat, /model\.json: numnet model: version: is 7, written by a newer numnet/);
    writeFileSync(join(nat, 'model.json'), '{"hello": "world"}');
    await expectFormat(nat, /neither a numnet model .* nor a TF\.js model\.json/);

    const tf = tempDir('bad-tfjs');
    await save(m, tf, { format: 'tfjs' });
    const bin = readFileSync(join(tf, 'weights.bin'));
    writeFileSync(join(tf, 'weights.bin'), bin.subarray(0, bin.length - 4));
    await expectFormat(tf, /weightData: holds 100 bytes but the weight specs need 104/);
    writeFileSync(join(tf, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(8)]));
    await expectFormat(tf, /holds 112 bytes but the weight specs need 104/);
    const nan = Buffer.from(bin);
    nan.writeFloatLE(NaN, 8);
    writeFileSync(join(tf, 'weights.bin'), nan);
    await expectFormat(tf, /dense\/kernel\[2\] is NaN/);
    rmSync(join(tf, 'weights.bin'));
    await expectFormat(tf, /its weights file .*weights\.bin cannot be read \(ENOENT\)/);
    const mj = JSON.parse(readFileSync(join(tf, 'model.json'), 'utf8'));
    mj.weightsManifest[0].paths = ['../../etc/passwd'];
    writeFileSync(join(tf, 'model.json'), JSON.stringify(mj));
    await expectFormat(tf, /leaves the model's directory/);

    expect(await codeOfAsync(() => load(tempDir('nothing-here')))).toBe('INVALID_ARGUMENT');
    const empty = tempDir('empty');
    await save(m, empty);
    rmSync(join(empty, 'model.json'));
    expect(await codeOfAsync(() => load(empty))).toBe('INVALID_ARGUMENT');
  });
});

describe('atomic writes: a failed or interrupted save never leaves a broken model', () => {
  /** Two models whose TF.js weights have the same byte length but other shapes (3→2→3 vs 2→3→2, 17 weights each). */
  const oldModel = () => new Sequential([new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 3 })], { seed: 1 });
  const newModel = () => new Sequential([new Dense({ units: 3, inputShape: [2] }), new Dense({ units: 2 })], { seed: 2 });

  it.each(['numnet', 'tfjs'] as const)('%s: a crash before any file operation of the save leaves the old or the new model', async (format) => {
    expect(oldModel().countParams()).toBe(newModel().countParams());
    const reference = async (m: Sequential) => {
      const d = tempDir('ref');
      await save(m, d, { format });
      return JSON.stringify(await load(d));
    };
    const acceptable = [await reference(oldModel()), await reference(newModel())];
    let crashes = 0;
    for (let k = 0; ; k++) {
      const dir = tempDir(`crash-${format}`);
      await save(oldModel(), dir, { format });
      let count = 0;
      let snapshot: string | undefined;
      fault.before = (op, path) => {
        if (count++ === k) {
          snapshot = tempDir('snapshot');
          cpSync(dir, snapshot, { recursive: true }); // the directory as a crash would leave it
          throw Object.assign(new Error(`simulated crash at ${op} ${path}`), { code: 'EIO' });
        }
      };
      const result = await save(newModel(), dir, { format }).then(() => 'saved', (e: unknown) => e);
      fault.before = undefined;
      if (!snapshot) {
        expect(result).toBe('saved');
        break;
      }
      crashes++;
      if (result !== 'saved') expect((result as NumnetError).code).toBe('INVALID_ARGUMENT');
      expect(acceptable).toContain(JSON.stringify(await load(snapshot)));
      expect(acceptable).toContain(JSON.stringify(await load(dir)));
    }
    expect(crashes).toBeGreaterThanOrEqual(format === 'numnet' ? 2 : 6);
  });

  it.each(['numnet', 'tfjs'] as const)('%s: a write that fails halfway (disk full) leaves the previous model and no temporary files', async (format) => {
    const dir = tempDir(`enospc-${format}`);
    const before = model(1);
    await save(before, dir, { format });
    const files = readdirSync(dir).sort();
    const expected = JSON.stringify(await load(dir));
    for (const target of ['weights.bin', 'model.json']) {
      if (format === 'numnet' && target === 'weights.bin') continue;
      fault.partialWrite = (p) => p.includes(`${target}.`);
      const e = await save(model(9, 7), dir, { format }).then(() => undefined, (err: unknown) => err);
      fault.partialWrite = undefined;
      expect(e).toBeInstanceOf(NumnetError);
      expect((e as NumnetError).code).toBe('INVALID_ARGUMENT');
      expect((e as NumnetError).message).toMatch(/could not write .*ENOSPC/);
      expect(JSON.stringify(await load(dir))).toBe(expected);
      expect(readdirSync(dir).sort()).toEqual(files);
    }
  });
});

describe('ModelCheckpoint', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  let log: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    log = vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
    log.mockRestore();
  });

  /** Sets logs[key] per epoch (listed before the checkpoint, so it sees them). */
  const scripted = (values: number[], key = 'val_loss'): CallbackHooks => ({
    onEpochEnd: (epoch, logs) => {
      logs![key] = values[epoch]!;
    },
  });
  /** Keeps the saved form of the model at every epoch end. */
  const snapshots = (into: string[]): CallbackHooks => ({
    onEpochEnd() {
      into.push(JSON.stringify(this.model!));
    },
  });

  it('saves every epoch to a path with {epoch:02d}, each checkpoint the model of that epoch', async () => {
    const { x, y } = data(20);
    const m = model();
    const dir = tempDir('ckpt');
    const states: string[] = [];
    const ckpt = new ModelCheckpoint(join(dir, 'epoch-{epoch:02d}'));
    await m.fit(x, y, { epochs: 3, batchSize: 8, callbacks: [snapshots(states), ckpt] });
    expect(readdirSync(dir).sort()).toEqual(['epoch-01', 'epoch-02', 'epoch-03']);
    for (let e = 0; e < 3; e++) expect(JSON.stringify(await load(join(dir, `epoch-0${e + 1}`)))).toBe(states[e]);
    expect(ckpt.lastSaved).toBe(join(dir, 'epoch-03'));
    // Resuming from a checkpoint continues exactly as the run did.
    const resumed = await load(join(dir, 'epoch-02'));
    await resumed.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 8 });
    expect(JSON.stringify(resumed)).toBe(states[2]);
  });

  it('saveBestOnly keeps the best epoch by monitor and mode (min for losses, max for accuracies)', async () => {
    const { x, y } = data(12);
    const m = model();
    const dir = tempDir('best');
    const states: string[] = [];
    const best = new ModelCheckpoint(join(dir, 'best'), { saveBestOnly: true, verbose: 1 });
    const byEpoch = new ModelCheckpoint(join(dir, 'e{epoch}-{val_loss:.2f}'), { saveBestOnly: true });
    await m.fit(x, y, { epochs: 5, batchSize: 4, callbacks: [scripted([0.5, 0.7, 0.3, 0.4, 0.3]), snapshots(states), best, byEpoch] });
    expect(readdirSync(dir).sort()).toEqual(['best', 'e1-0.50', 'e3-0.30']);
    expect(JSON.stringify(await load(join(dir, 'best')))).toBe(states[2]);
    expect(best.best).toBe(0.3);
    // Keras's lines, its numbers as f'{value:.5f}' prints them.
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      `Epoch 1: val_loss improved from inf to 0.50000, saving model to ${join(dir, 'best')}`,
      'Epoch 2: val_loss did not improve from 0.50000',
      `Epoch 3: val_loss improved from 0.50000 to 0.30000, saving model to ${join(dir, 'best')}`,
      'Epoch 4: val_loss did not improve from 0.30000',
      'Epoch 5: val_loss did not improve from 0.30000',
    ]);

    const acc = new ModelCheckpoint(join(dir, 'acc-{epoch}'), { monitor: 'val_acc', saveBestOnly: true });
    expect(acc.mode).toBe('max');
    await model().fit(x, y, { epochs: 4, batchSize: 4, callbacks: [scripted([0.6, 0.8, 0.7, 0.9], 'val_acc'), acc] });
    expect(readdirSync(dir).filter((f) => f.startsWith('acc')).sort()).toEqual(['acc-1', 'acc-2', 'acc-4']);

    // The best value persists across fit calls (as Keras), and initialValueThreshold sets the first bar.
    const threshold = new ModelCheckpoint(join(dir, 'thr-{epoch}'), { saveBestOnly: true, initialValueThreshold: 0.45 });
    await model().fit(x, y, { epochs: 3, batchSize: 4, callbacks: [scripted([0.5, 0.4, 0.42]), threshold] });
    await model().fit(x, y, { epochs: 2, batchSize: 4, callbacks: [scripted([0.41, 0.2]), threshold] });
    expect(readdirSync(dir).filter((f) => f.startsWith('thr')).sort()).toEqual(['thr-2']);
    expect(threshold.best).toBe(0.2);
  });

  it('warns once when the monitored key is missing, and saves nothing', async () => {
    const { x, y } = data(8);
    const dir = tempDir('missing');
    await model().fit(x, y, { epochs: 3, batchSize: 4, callbacks: [new ModelCheckpoint(join(dir, 'm'), { saveBestOnly: true })] });
    expect(existsSync(dir)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/can save the best model only with val_loss available, skipping\. Available metrics are: loss,mae/);
  });

  it('format "tfjs" writes TF.js checkpoints; placeholders format as Python does', async () => {
    const { x, y } = data(8);
    const dir = tempDir('tfjs-ckpt');
    await model().fit(x, y, { epochs: 1, batchSize: 4, callbacks: [new ModelCheckpoint(join(dir, 'c{epoch}'), { format: 'tfjs' })] });
    expect(readdirSync(join(dir, 'c1')).sort()).toEqual(['model.json', 'weights.bin']);
    const c = new ModelCheckpoint('run/{epoch:03d}-{val_loss:.4f}-{loss:.2e}-{mae}-{epoch:3d}');
    const logs: Logs = { val_loss: 0.123456, loss: 0.00123, mae: 0.5 };
    expect(c.pathFor(4, logs)).toBe('run/005-0.1235-1.23e-03-0.5-  5');
    expect(codeOf(() => c.pathFor(0, { loss: 1 }))).toBe('INVALID_ARGUMENT');
    const bad = new ModelCheckpoint(join(dir, '{val_acc}'));
    expect(await codeOfAsync(() => model().fit(x, y, { epochs: 1, callbacks: [bad] }))).toBe('INVALID_ARGUMENT');
  });

  it("verbose lines print numbers as Keras's f'{value:.5f}': inf and -inf before the first save, 5 decimals", async () => {
    const { x, y } = data(8);
    const dir = tempDir('verbose');
    const low = new ModelCheckpoint(join(dir, 'low'), { saveBestOnly: true, verbose: 1 });
    await model().fit(x, y, { epochs: 2, batchSize: 4, callbacks: [scripted([0.0000033018680366295773, 0.015625]), low] });
    const high = new ModelCheckpoint(join(dir, 'high'), { monitor: 'val_acc', saveBestOnly: true, verbose: 1 });
    await model().fit(x, y, { epochs: 2, batchSize: 4, callbacks: [scripted([0.046875, 0.046875], 'val_acc'), high] });
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      `Epoch 1: val_loss improved from inf to 0.00000, saving model to ${join(dir, 'low')}`,
      'Epoch 2: val_loss did not improve from 0.00000',
      `Epoch 1: val_acc improved from -inf to 0.04688, saving model to ${join(dir, 'high')}`,
      'Epoch 2: val_acc did not improve from 0.04688',
    ]);
  });

  it("formatFixed is Python's '%.Nf': inf, -inf, nan, -0, ties to even on the exact binary value, no exponent", () => {
    // The expected strings are what CPython prints for f'{v:.{n}f}'.
    const cases: [number, number, string][] = [
      [Infinity, 5, 'inf'], [-Infinity, 5, '-inf'], [NaN, 5, 'nan'],
      [0, 5, '0.00000'], [-0, 5, '-0.00000'], [-1e-9, 5, '-0.00000'], [5e-324, 5, '0.00000'],
      [0.0000033018680366295773, 5, '0.00000'], [0.1, 5, '0.10000'], [2 / 3, 5, '0.66667'], [-2 / 3, 5, '-0.66667'],
      [0.015625, 5, '0.01562'], [0.046875, 5, '0.04688'], [0.125, 2, '0.12'], [0.375, 2, '0.38'], [-0.125, 2, '-0.12'],
      [1.005, 2, '1.00'], [123.456, 1, '123.5'], [0.5, 0, '0'], [1.5, 0, '2'], [2.5, 0, '2'], [3, 0, '3'],
      [1e21, 2, '1000000000000000000000.00'], [2 ** 70, 1, '1180591620717411303424.0'], [12.34, 4, '12.3400'],
    ];
    for (const [v, n, want] of cases) expect(formatFixed(v, n), `${v} .${n}f`).toBe(want);
    // The filepath's {key:.Nf} placeholders format the same way.
    expect(new ModelCheckpoint('m-{val_loss:.5f}-{loss:.2f}').pathFor(0, { val_loss: 0.015625, loss: Infinity })).toBe('m-0.01562-inf');
  });

  it('rejects bad options (INVALID_ARGUMENT)', () => {
    for (const make of [
      () => new ModelCheckpoint(''),
      () => new ModelCheckpoint('x', { mode: 'biggest' as never }),
      () => new ModelCheckpoint('x', { format: 'h5' as never }),
      () => new ModelCheckpoint('x', { saveBestOnly: 'yes' as never }),
      () => new ModelCheckpoint('x', { save_best_only: true } as never),
      () => new ModelCheckpoint('x', { monitor: '' }),
      () => new ModelCheckpoint('x', { verbose: 2 as never }),
      () => new ModelCheckpoint('x-{epoch:x}'),
      () => new ModelCheckpoint('x-{loss:.101f}'),
    ]) {
      expect(codeOf(make)).toBe('INVALID_ARGUMENT');
    }
  });
});
