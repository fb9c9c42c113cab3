/**
 * What users install: the package.json exports map, publint and arethetypeswrong on the packed
 * package, the files `npm pack` ships, ESM and CJS builds that agree, a browser bundle of the core
 * that needs no Node built-in or global (built with esbuild for the browser platform, then run in
 * a V8 context that has no `process`, `Buffer` or `require`), and the core's minified+gzip size.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, measure } from '../../scripts/size.mjs';
import { ROOT, ensureDist, exportTargets } from '../helpers/dist.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const require = createRequire(join(ROOT, 'package.json'));

/** The core's min+gzip budget: a guard against an accidental dependency or a Node polyfill. 75 kB since the resident
 * buffers and the optimizers' WebAssembly updates (the embedded kernel is 9 kB of base64, which gzip hardly shrinks: 70 kB with
 * setThreads and the convolution's passes, 65 kB before them); a training app is 55 kB. */
const CORE_GZIP_BUDGET = 75_000;

beforeAll(() => ensureDist(), 240_000);

describe('package.json', () => {
  it('is side-effect free, ESM-first, with types for import and require on every entry point', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const [subpath, entry] of Object.entries<Record<string, Record<string, string>>>(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(Object.keys(entry), subpath).toEqual(['import', 'require']);
      expect(Object.keys(entry.import!), subpath).toEqual(['types', 'default']);
      expect(Object.keys(entry.require!), subpath).toEqual(['types', 'default']);
      expect(entry.import!.types).toMatch(/\.d\.ts$/);
      expect(entry.import!.default).toMatch(/\.js$/);
      expect(entry.require!.types).toMatch(/\.d\.cts$/);
      expect(entry.require!.default).toMatch(/\.cjs$/);
    }
  });
});

describe('packed package', () => {
  it('publint --strict finds nothing to report', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const { messages, pkg: packed } = await publint({ pkgDir: ROOT, level: 'suggestion', strict: true, pack: 'npm' });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, packed) ?? m.code}`)).toEqual([]);
  }, 60_000);

  it('arethetypeswrong finds no problem for node10, node16 (ESM and CJS) and bundlers', async () => {
    const bin = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    // The tarball of the dist/ that is there (--ignore-scripts: `attw --pack` would rebuild dist/
    // through `prepare` while other test files read it).
    const dir = mkdtempSync(join(tmpdir(), 'numnet-attw-'));
    let out: string;
    try {
      const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20 });
      const [info] = JSON.parse(stdout) as { filename: string }[];
      ({ stdout: out } = await run(process.execPath, [bin, join(dir, info!.filename), '--format', 'ascii', '--no-color'], { cwd: ROOT, maxBuffer: 16 << 20 }));
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`attw reported problems:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out).toMatch(/No problems found/);
  }, 120_000);

  it('npm pack ships only dist/, README.md, CHANGELOG.md, LICENSE and package.json, with every export target', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const [info] = JSON.parse(stdout) as { files: { path: string }[]; size: number; unpackedSize: number }[];
    const files = info!.files.map((f) => f.path).sort();
    const unexpected = files.filter((f) => !/^(dist\/.+\.(js|cjs|d\.ts|d\.cts|map)|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/.test(f));
    expect(unexpected).toEqual([]);
    for (const must of ['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']) expect(files).toContain(must);
    for (const target of exportTargets()) expect(files).toContain(target.replace(/^\.\//, ''));
    // Nothing from the repository beyond the build: no tests, sources, playground, docs, benchmarks.
    expect(files.filter((f) => /(^|\/)(test|src|playground|docs|bench|examples|scripts)\//.test(f))).toEqual([]);
  }, 60_000);

  it('the ESM and CJS builds of every entry point export the same names', async () => {
    for (const [subpath, entry] of Object.entries<Record<string, Record<string, string>>>(pkg.exports)) {
      if (subpath === './package.json') continue;
      const esm = await import(pathToFileURL(join(ROOT, entry.import!.default!)).href);
      const cjs = require(join(ROOT, entry.require!.default!));
      expect(Object.keys(cjs).sort(), subpath).toEqual(Object.keys(esm).sort());
    }
    // The package resolves itself by name, as users' code does.
    expect(Object.keys(require('numnet'))).toContain('Sequential');
  });
});

describe('browser bundle of the core', () => {
  const app = [
    "import { Sequential, Dense, Adam, tensor } from 'numnet';",
    'globalThis.trainXor = async () => {',
    "  const model = new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });",
    "  model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });",
    '  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);',
    '  const y = tensor([[0], [1], [1], [0]]);',
    '  const history = await model.fit(x, y, { epochs: 200, batchSize: 4 });',
    '  const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));',
    '  return { loss: history.history.loss, predicted: Array.from(copy.predict(x).data) };',
    '};',
  ].join('\n');

  it("bundles `import … from 'numnet'` for the browser platform with no Node built-in and no Node global", async () => {
    const { text } = await bundleForBrowser(app);
    // A reference to a Node global would be left as is by esbuild and fail in a browser.
    for (const name of ['process', 'Buffer', 'require', '__require', 'global', '__dirname', '__filename']) {
      expect(text.match(new RegExp(`(?<![.\\w$])${name}\\b`, 'g')) ?? [], name).toEqual([]);
    }
    // Run it where only browser globals exist: a fresh V8 context with timers and console.
    const context = vm.createContext({ setTimeout, clearTimeout, queueMicrotask, console, TextEncoder, TextDecoder, performance });
    expect(vm.runInContext('[typeof process, typeof Buffer, typeof require, typeof setImmediate]', context)).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
    ]);
    vm.runInContext(text.replace(/^export\s*\{\s*\};?\s*$/m, ''), context);
    const { loss, predicted } = (await vm.runInContext('trainXor()', context)) as { loss: number[]; predicted: number[] };
    expect(loss.length).toBe(200);
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    expect(predicted.map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  }, 30_000);

  it('the check is live: importing a Node built-in fails the browser build', async () => {
    await expect(bundleForBrowser("import { readFileSync } from 'node:fs'; export const f = readFileSync;")).rejects.toThrow(/node:fs/);
    await expect(bundleForBrowser("export * from 'numnet/node';")).rejects.toThrow(/Could not resolve "(node:)?(fs|path|crypto)/);
  });

  it(`is at most ${CORE_GZIP_BUDGET / 1000} kB minified and gzipped (npm run size)`, async () => {
    const m = await measure({ tfjs: false });
    const core = m.rows[0]!;
    console.log(
      `numnet core: ${(core.minified! / 1000).toFixed(1)} kB minified, ${(core.gzip / 1000).toFixed(1)} kB min+gzip (tf.js: ${(m.tfjs.gzip / 1000).toFixed(0)} kB)`,
    );
    expect(core.gzip).toBeLessThan(CORE_GZIP_BUDGET);
    // Tree-shaking works: a training app takes less than everything.
    expect(m.rows[1]!.gzip).toBeLessThan(core.gzip);
  }, 30_000);
});
