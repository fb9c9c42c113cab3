/**
 * numnet/node save/load against an untrusted model folder and concurrent use (docs/saving.md,
 * "Threat model: loading an untrusted model folder"): symbolic links, resource amplification,
 * concurrent saves and loads, bounded failures, option checks. Temp dirs under os.tmpdir(), removed.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Dense, NumnetError, Sequential, load, save } from '../../src/node/index.js';
import * as saveModule from '../../src/node/save.js';
import { codeOfAsync } from '../helpers/errors.js';

/** Instrumented node:fs/promises: counts the bytes read, and can pause before file operations (to vary interleavings). */
const io = vi.hoisted(() => ({
  bytesRead: 0,
  /** Milliseconds to wait before an open/rename/link/unlink/readFile, or undefined for none. */
  delay: undefined as undefined | (() => number | undefined),
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const pause = async () => {
    const ms = io.delay?.();
    if (ms !== undefined) await new Promise((r) => setTimeout(r, ms));
  };
  const counted = <A extends unknown[], R>(f: (...a: A) => Promise<R>, size: (r: R) => number) => async (...a: A) => {
    const r = await f(...a);
    io.bytesRead += size(r);
    return r;
  };
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      await pause();
      const fh = await real.open(...args);
      (fh as { read: unknown }).read = counted(fh.read.bind(fh) as (...a: unknown[]) => Promise<{ bytesRead: number }>, (r) => r.bytesRead);
      (fh as { readFile: unknown }).readFile = counted(fh.readFile.bind(fh) as (...a: unknown[]) => Promise<{ length: number }>, (r) => r.length);
      return fh;
    },
    readFile: async (...args: Parameters<typeof real.readFile>) => {
      await pause();
      const r = await real.readFile(...args);
      io.bytesRead += r.length;
      return r;
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      await pause();
      return real.rename(...args);
    },
    link: async (...args: Parameters<typeof real.link>) => {
      await pause();
      return real.link(...args);
    },
    unlink: async (...args: Parameters<typeof real.unlink>) => {
      await pause();
      return real.unlink(...args);
    },
  };
});

const posix = process.platform !== 'win32';
const linux = process.platform === 'linux' && existsSync('/proc/self');
const root = mkdtempSync(join(tmpdir(), 'numnet-sec-'));
let n = 0;
const tempDir = (name = 'd') => join(root, `${name}-${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  io.delay = undefined;
});

/** Two models whose TF.js weights have the same byte length (68) but other shapes: a mix-up is not caught by a size check. */
const modelA = () => new Sequential([new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 3 })], { seed: 1 });
const modelB = () => new Sequential([new Dense({ units: 3, inputShape: [2] }), new Dense({ units: 2 })], { seed: 2 });

/** A seeded generator of small delays (0–2 ms, often none). */
function jitter(seed: number): () => number | undefined {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s % 5;
    return r < 2 ? undefined : r - 2;
  };
}

async function rejection(p: Promise<unknown>): Promise<NumnetError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(NumnetError);
  return e as NumnetError;
}

/** A TF.js folder of modelA, its model.json parsed. */
async function tfjsFolder(name: string) {
  const dir = tempDir(name);
  await save(modelA(), dir, { format: 'tfjs' });
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const writeManifest = (paths: string[], weights = manifest.weightsManifest[0].weights) =>
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, weightsManifest: [{ paths, weights }] }));
  return { dir, manifest, writeManifest, bin: readFileSync(join(dir, 'weights.bin')) };
}

describe.skipIf(!posix)('symbolic links: every file read lies inside the model folder', () => {
  it('a symlinked weights.bin, or a symlinked sub-folder named by the manifest, leading outside is refused', async () => {
    const outside = tempDir('outside');
    mkdirSync(outside);
    const { dir, writeManifest, bin } = await tfjsFolder('link-weights');
    writeFileSync(join(outside, 'weights.bin'), bin); // bytes that would load, but lie outside the folder
    rmSync(join(dir, 'weights.bin'));
    symlinkSync(join(outside, 'weights.bin'), join(dir, 'weights.bin'));
    let e = await rejection(load(dir));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/weights\.bin.*outside the model folder/);

    symlinkSync(outside, join(dir, 'sub'));
    writeManifest(['sub/weights.bin']);
    e = await rejection(load(dir));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/sub\/weights\.bin.*outside the model folder/);
    // Relative links that climb out and back in, and absolute links (even to a file inside), are refused too.
    mkdirSync(join(dir, 'store'));
    writeFileSync(join(dir, 'store', 'w.bin'), bin);
    for (const target of [join(dir, 'store', 'w.bin'), `../${basename(dir)}/store/w.bin`]) {
      rmSync(join(dir, 'weights.bin'));
      symlinkSync(target, join(dir, 'weights.bin'));
      writeManifest(['weights.bin']);
      expect((await rejection(load(dir))).message).toMatch(/outside the model folder/);
    }
  });

  it('links that stay inside the folder are followed; the folder path itself may be a link', async () => {
    const { dir, writeManifest, bin } = await tfjsFolder('link-inside');
    const expected = JSON.stringify(await load(dir));
    mkdirSync(join(dir, 'store'));
    writeFileSync(join(dir, 'store', 'w.bin'), bin);
    rmSync(join(dir, 'weights.bin'));
    symlinkSync('store/w.bin', join(dir, 'weights.bin'));
    expect(JSON.stringify(await load(dir))).toBe(expected);
    symlinkSync('store', join(dir, 'shards'));
    writeManifest(['shards/w.bin']);
    expect(JSON.stringify(await load(dir))).toBe(expected);
    const alias = tempDir('alias');
    symlinkSync(dir, alias);
    expect(JSON.stringify(await load(alias))).toBe(expected);
    expect(JSON.stringify(await load(join(alias, 'model.json')))).toBe(expected);
  });

  it('a symlinked model.json leading outside is refused, and no error quotes the bytes of a file', async () => {
    const secret = 'SECRET-7f3a9 this is not JSON';
    const outside = tempDir('secret');
    mkdirSync(outside);
    writeFileSync(join(outside, 'id_key'), secret);
    const dir = tempDir('link-json');
    mkdirSync(dir);
    symlinkSync(join(outside, 'id_key'), join(dir, 'model.json'));
    const messages: string[] = [];
    let e = await rejection(load(dir));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/model\.json.*outside the model folder/);
    messages.push(e.message);
    messages.push((await rejection(load(join(dir, 'model.json')))).message);
    // Not JSON, inside the folder: "not valid JSON", without its first bytes.
    rmSync(join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json'), secret);
    e = await rejection(load(dir));
    expect(e.message).toMatch(/model\.json: not valid JSON/);
    messages.push(e.message);
    writeFileSync(join(dir, 'model.json'), `{"format": "numnet", "version": ${secret}}`);
    messages.push((await rejection(load(dir))).message);
    messages.push((await rejection(load(join(outside, 'id_key')))).message); // a file named directly
    for (const m of messages) expect(m).not.toMatch(/SECRET|7f3a9|not JSON"/);
  });

  it('manifest paths: "..", absolute, backslash, NUL, empty and "." segments, colons are refused before any file is opened', async () => {
    const { dir, writeManifest } = await tfjsFolder('paths');
    for (const p of ['../weights.bin', 'x/../weights.bin', join(dir, 'weights.bin'), '/etc/passwd', 'a\\weights.bin', 'weights.bin\0', '', './/weights.bin', 'weights.bin/', '.', 'C:weights.bin', 'sub//w']) {
      writeManifest([p]);
      const e = await rejection(load(dir));
      expect(e.code).toBe('INVALID_FORMAT');
      expect(e.message).toMatch(/weightsManifest path/);
    }
    writeManifest(['./weights.bin']); // a "." segment is only a spelling of the same name
    await load(dir);
  });

  it('a FIFO, a directory or a device as weights file is refused at once', async () => {
    const { dir, writeManifest } = await tfjsFolder('special');
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub', join(dir, 'sublink'));
    for (const p of ['fifo', 'sub', 'sublink']) {
      writeManifest([p]);
      const t0 = Date.now();
      expect((await rejection(load(dir))).message).toMatch(/not a regular file/);
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });
});

describe('amplification: sizes are checked before anything is read', () => {
  it('a manifest naming one file twice (also through "./" or a link) is refused before reading it', async () => {
    const { dir, writeManifest, manifest } = await tfjsFolder('twice');
    const weights = manifest.weightsManifest[0].weights;
    const doubled = [...weights, ...weights.map((w: { name: string }) => ({ ...w, name: `copy/${w.name}` }))];
    const variants: string[][] = [['weights.bin', 'weights.bin'], ['weights.bin', './weights.bin']];
    if (posix) {
      symlinkSync('weights.bin', join(dir, 'again.bin'));
      variants.push(['weights.bin', 'again.bin']);
    }
    for (const paths of variants) {
      writeManifest(paths, doubled);
      io.bytesRead = 0;
      const e = await rejection(load(dir));
      expect(e.code).toBe('INVALID_FORMAT');
      expect(e.message).toMatch(/names .* twice|more than once/);
      expect(io.bytesRead).toBeLessThanOrEqual(readFileSync(join(dir, 'model.json')).length);
    }
  });

  it('a 64 MiB sparse weights file under a manifest declaring 68 bytes is refused by its size, without reading it', async () => {
    const { dir } = await tfjsFolder('sparse');
    truncateSync(join(dir, 'weights.bin'), 64 * 2 ** 20);
    io.bytesRead = 0;
    const t0 = Date.now();
    const e = await rejection(load(dir));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/holds 67108864 bytes but the weight specs need 68/);
    expect(io.bytesRead).toBeLessThanOrEqual(readFileSync(join(dir, 'model.json')).length);
    // Too short: refused the same way.
    truncateSync(join(dir, 'weights.bin'), 60);
    expect((await rejection(load(dir))).message).toMatch(/holds 60 bytes but the weight specs need 68/);
  });

  it('200,000 paths to a 1-byte file, or weights declared beyond the limit, are refused at once', async () => {
    const { dir, writeManifest, manifest } = await tfjsFolder('many');
    writeFileSync(join(dir, 'one.bin'), 'x');
    writeManifest(Array.from({ length: 200_000 }, () => 'one.bin'));
    const t0 = Date.now();
    let e = await rejection(load(dir));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/200000 weight files.*limit/);
    writeManifest(Array.from({ length: 5000 }, (_, i) => `f${i}.bin`));
    expect((await rejection(load(dir))).message).toMatch(/limit/);
    expect(Date.now() - t0).toBeLessThan(5000);
    // Declared: one float32 weight of 2^32 elements (16 GiB) — refused before the file is even looked at.
    writeManifest(['weights.bin'], [{ name: 'dense/kernel', shape: [65536, 65536], dtype: 'float32' }]);
    io.bytesRead = 0;
    e = await rejection(load(dir));
    expect(e.message).toMatch(/weight specs declare 17179869184 bytes.*limit/);
    expect(io.bytesRead).toBeLessThanOrEqual(readFileSync(join(dir, 'model.json')).length);
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
  }, 20_000);

  it('a model.json beyond the size limit is refused by its size (a 300 MiB sparse file), without reading it', async () => {
    const dir = tempDir('big-json');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), '{');
    truncateSync(join(dir, 'model.json'), 300 * 2 ** 20);
    io.bytesRead = 0;
    const t0 = Date.now();
    const e = await rejection(load(dir));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.message).toMatch(/314572800 bytes.*limit/);
    expect(io.bytesRead).toBe(0);
  });

  it('the limits are exported, and load options raise or lower them', async () => {
    expect(saveModule.LOAD_LIMITS).toEqual({ maxModelJSONBytes: 256 * 2 ** 20, maxWeightBytes: 256 * 2 ** 20, maxWeightFiles: 256 });
    const { dir, writeManifest, bin } = await tfjsFolder('limits');
    const expected = JSON.stringify(await load(dir));
    expect((await rejection(load(dir, { maxWeightBytes: 67 }))).message).toMatch(/limit/);
    expect((await rejection(load(dir, { maxModelJSONBytes: 100 }))).message).toMatch(/limit/);
    writeFileSync(join(dir, 'a.bin'), bin.subarray(0, 40));
    writeFileSync(join(dir, 'b.bin'), bin.subarray(40));
    writeManifest(['a.bin', 'b.bin']);
    expect(JSON.stringify(await load(dir))).toBe(expected);
    expect((await rejection(load(dir, { maxWeightFiles: 1 }))).message).toMatch(/2 weight files.*limit of 1/);
    expect(JSON.stringify(await load(dir, { maxWeightFiles: 2, maxWeightBytes: 68, maxModelJSONBytes: 10_000 }))).toBe(expected);
  });
});

describe('concurrent saves and loads of one folder', () => {
  const reference = async (m: Sequential, format: 'numnet' | 'tfjs') => {
    const d = tempDir('ref');
    await save(m, d, { format });
    return JSON.stringify(await load(d));
  };

  it.each(['tfjs', 'numnet'] as const)('%s: 40 rounds of two interleaved saves of different models leave exactly one of them', async (format) => {
    const a = modelA();
    const b = modelB();
    const acceptable = [await reference(a, format), await reference(b, format)];
    const seen = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const dir = tempDir(`race-${format}`);
      if (round % 2) await save(round % 4 === 1 ? b : a, dir, { format: 'tfjs' }); // half the rounds start over a model
      io.delay = round % 3 ? jitter(round) : undefined;
      await Promise.all([save(a, dir, { format }), save(b, dir, { format })]);
      io.delay = undefined;
      const got = JSON.stringify(await load(dir));
      expect(acceptable).toContain(got);
      seen.add(got);
      expect(readdirSync(dir).sort()).toEqual(round % 2 || format === 'tfjs' ? ['model.json', 'weights.bin'] : ['model.json']);
    }
    expect(seen.size).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('loads running while two writers save (both formats) always succeed with one complete model', async () => {
    const a = modelA();
    const b = modelB();
    const acceptable = [await reference(a, 'tfjs'), await reference(b, 'tfjs'), await reference(a, 'numnet'), await reference(b, 'numnet')];
    const dir = tempDir('readers');
    await save(a, dir, { format: 'tfjs' });
    io.delay = jitter(7);
    let writing = 2;
    const writer = async (first: Sequential, second: Sequential, offset: number) => {
      try {
        for (let i = 0; i < 30; i++) await save(i % 2 ? first : second, dir, { format: (i + offset) % 4 === 0 ? 'numnet' : 'tfjs' });
      } finally {
        writing--;
      }
    };
    const loads: string[] = [];
    const reader = async () => {
      while (writing > 0) loads.push(JSON.stringify(await load(dir)));
    };
    await Promise.all([writer(a, b, 0), writer(b, a, 1), reader(), reader()]);
    io.delay = undefined;
    expect(loads.length).toBeGreaterThan(20);
    for (const l of loads) expect(acceptable).toContain(l);
    expect(acceptable).toContain(JSON.stringify(await load(dir)));
    expect(readdirSync(dir).filter((f) => f !== 'model.json' && f !== 'weights.bin')).toEqual([]);
  }, 60_000);

  it('two other processes saving into the folder while this one loads: every load is one complete model', async () => {
    const a = modelA();
    const b = modelB();
    const acceptable = [await reference(a, 'tfjs'), await reference(b, 'tfjs'), await reference(a, 'numnet'), await reference(b, 'numnet')];
    const dir = tempDir('processes');
    await save(a, dir, { format: 'tfjs' });
    const script = join(root, `writer-${n++}.mts`);
    const entry = new URL('../../src/node/index.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { Dense, Sequential, save } from ${JSON.stringify(entry)};
const a = new Sequential([new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 3 })], { seed: 1 });
const b = new Sequential([new Dense({ units: 3, inputShape: [2] }), new Dense({ units: 2 })], { seed: 2 });
const offset = Number(process.argv[3]);
for (let i = 0; i < 60; i++) await save((i + offset) % 2 ? a : b, process.argv[2], { format: (i + offset) % 5 === 0 ? 'numnet' : 'tfjs' });
`,
    );
    const run = (offset: number) =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(offset)], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 50_000 });
        child.on('exit', (code) => done(code));
      });
    let running = 2;
    const writers = [run(0), run(1)].map((p) => p.finally(() => running--));
    const loads: string[] = [];
    while (running > 0) {
      loads.push(JSON.stringify(await load(dir)));
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await Promise.all(writers)).toEqual([0, 0]);
    for (const l of loads) expect(acceptable).toContain(l);
    expect(acceptable).toContain(JSON.stringify(await load(dir)));
    expect(readdirSync(dir).filter((f) => f !== 'model.json' && f !== 'weights.bin')).toEqual([]);
  }, 60_000);

  it('a lock left by a dead process, or an old one, is broken; a live one is waited for', async () => {
    const m = modelA();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const lockFile = (dir: string) => join(dir, '.numnet-save.lock');
    const dir = tempDir('stale');
    await save(m, dir, { format: 'tfjs' });
    writeFileSync(lockFile(dir), JSON.stringify({ pid: dead, host: hostname(), time: Date.now() }));
    let t0 = Date.now();
    await save(modelB(), dir, { format: 'tfjs' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(existsSync(lockFile(dir))).toBe(false);

    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.pid, host: hostname(), time: 0 }));
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lockFile(dir), old, old);
    await save(m, dir, { format: 'tfjs' });
    expect(existsSync(lockFile(dir))).toBe(false);

    writeFileSync(lockFile(dir), JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
    const before = readFileSync(join(dir, 'model.json'), 'utf8');
    t0 = Date.now();
    const pending = save(modelB(), dir, { format: 'tfjs' });
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(before); // still waiting
    rmSync(lockFile(dir));
    await pending;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).not.toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });
});

describe('no save hangs', () => {
  it.skipIf(!linux)('saving under /proc fails at once with INVALID_ARGUMENT (mkdir -p spun forever there)', async () => {
    const m = modelA();
    for (const [dir, format] of [['/proc/self/numnet-model', 'numnet'], ['/proc/self/numnet/deeper', 'tfjs'], ['/proc/numnet-model', 'tfjs']] as const) {
      const t0 = Date.now();
      const e = await rejection(save(m, dir, { format }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/could not create the directory/);
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  }, 5000);
});

describe('options objects', () => {
  class Options {
    format = 'tfjs';
  }
  it('save() and load() refuse unknown keys and anything but a plain object (INVALID_ARGUMENT, nothing written)', async () => {
    const m = modelA();
    const dir = tempDir('opts');
    const bad: unknown[] = [{ fromat: 'tfjs' }, [], new Map([['format', 'tfjs']]), new Options(), Object.create({ format: 'tfjs' }), null, 'tfjs', 1, { format: 'tfjs', extra: 1 }];
    for (const o of bad) expect(await codeOfAsync(() => save(m, dir, o as never))).toBe('INVALID_ARGUMENT');
    expect(existsSync(dir)).toBe(false);
    await save(m, dir, Object.assign(Object.create(null), { format: 'tfjs' }));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    await save(m, dir, undefined);
    for (const o of [...bad, { maxWeightFiles: 0 }, { maxWeightBytes: -1 }, { maxModelJSONBytes: 1.5 }, { maxWeightFiles: '2' }]) {
      expect(await codeOfAsync(() => load(dir, o as never))).toBe('INVALID_ARGUMENT');
    }
    expect(await codeOfAsync(() => save(m, 'a\0b'))).toBe('INVALID_ARGUMENT');
  });

  it('inherited (polluted) keys are not options', async () => {
    const m = modelA();
    const dir = tempDir('polluted');
    const proto = Object.prototype as Record<string, unknown>;
    proto.format = 'tfjs';
    try {
      await save(m, dir, {});
      await save(m, join(dir, 'x'));
    } finally {
      delete proto.format;
    }
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'x']);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).format).toBe('numnet');
    expect(JSON.stringify(await load(join(dir, 'x')))).toBe(JSON.stringify(await load(dir)));
  });
});
