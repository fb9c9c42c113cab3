/**
 * Installed the ways people install it: the tarball `npm pack` makes, installed into a fresh
 * project, serves an ESM, a CommonJS and a TypeScript consumer (moduleResolution node16 and
 * bundler); and the repository installed by path (packed from its folder, as npm does for a git
 * dependency) builds itself through `prepare`, though dist/ is not in git.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureDist } from '../helpers/dist.js';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 << 20, env: { ...process.env, npm_config_yes: 'true' } });
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'numnet-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

// Each consumer trains XOR a little, saves nothing, and prints what it computed.
const ESM = `
import { Sequential, Dense, Adam, tensor } from 'numnet';
import { ProgressBar, save } from 'numnet/node';
import { plotHistory } from 'numnet/plot';
const model = new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
const h = await model.fit(tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), tensor([[0], [1], [1], [0]]), { epochs: 100, batchSize: 4 });
console.log(JSON.stringify({ first: h.history.loss[0], last: h.history.loss.at(-1), save: typeof save, bar: typeof ProgressBar, svg: plotHistory(h).startsWith('<svg') }));
`;
const CJS = `
const { Sequential, Dense, SGD } = require('numnet');
const { load } = require('numnet/node');
const { plotActivations } = require('numnet/plot');
const model = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
const before = model.evaluate([[1], [2]], [[2], [4]]).loss;
for (let i = 0; i < 50; i++) model.trainOnBatch([[1], [2]], [[2], [4]]);
console.log(JSON.stringify({ before, after: model.evaluate([[1], [2]], [[2], [4]]).loss, load: typeof load, svg: typeof plotActivations }));
`;
const TS = `
import { Sequential, Dense, tensor, type Tensor, type Logs } from 'numnet';
import { save, type SaveOptions } from 'numnet/node';
import { plotHistory } from 'numnet/plot';
const model: Sequential = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
const y: Tensor = model.predict(tensor([[1, 2, 3]]));
const logs: Logs = {};
const options: SaveOptions = { format: 'tfjs' };
export const used = [y.shape, logs, options, save, plotHistory];
// @ts-expect-error units must be a number: the types are really checked
new Dense({ units: 'two' });
`;

let tarball: string;
beforeAll(async () => {
  await ensureDist();
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}, 240_000);

describe('npm pack, then npm install <tarball> in a fresh project', () => {
  let dir: string;
  beforeAll(async () => {
    dir = project('from-tarball', { 'esm.mjs': ESM, 'cjs.cjs': CJS, 'ts-node16.mts': TS, 'ts-bundler.ts': TS });
    await npm(['install', tarball], dir);
  }, 120_000);

  it('an ES module consumer trains, with numnet/node and numnet/plot', async () => {
    const out = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout);
    expect(out.last).toBeLessThan(out.first);
    expect(out).toMatchObject({ save: 'function', bar: 'function', svg: true });
  });

  it('a CommonJS consumer trains, with numnet/node and numnet/plot', async () => {
    const out = JSON.parse((await run(process.execPath, ['cjs.cjs'], { cwd: dir })).stdout);
    expect(out.after).toBeLessThan(out.before);
    expect(out).toMatchObject({ load: 'function', svg: 'function' });
  });

  for (const [resolution, module, file] of [['node16', 'node16', 'ts-node16.mts'], ['bundler', 'esnext', 'ts-bundler.ts']] as const) {
    it(`a TypeScript consumer typechecks with moduleResolution ${resolution}`, async () => {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(
        join(dir, config),
        JSON.stringify({
          compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
          files: [file],
        }),
      );
      const r = await run(process.execPath, [TSC, '-p', config], { cwd: dir }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
      expect(r.stdout).toBe('');
      expect('failed' in r).toBe(false);
    }, 60_000);
  }
});

describe('the repository installed by path, as a git dependency is', () => {
  it('builds dist/ through `prepare` and works', async () => {
    // The repository's files as a clone has them: no dist/ (it is not in git).
    const copy = join(work, 'clone');
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 << 20 }).catch(() => ({ stdout: '' }));
    const files = stdout.split('\0').filter(Boolean);
    if (files.length === 0) cpSync(ROOT, copy, { recursive: true, filter: (p) => !/\/(node_modules|dist|\.git)(\/|$)/.test(p.slice(ROOT.length)) });
    for (const f of files) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    expect(existsSync(join(copy, 'dist'))).toBe(false);
    // Its devDependencies (tsup) as `npm install` in the clone would give them.
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const dir = project('from-path', { 'esm.mjs': ESM });
    await npm(['install', '--install-links', copy], dir);
    const installed = join(dir, 'node_modules', 'numnet');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    expect(existsSync(join(installed, dirname(pkg.exports['.']!.import.default)))).toBe(true);
    const out = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout);
    expect(out.last).toBeLessThan(out.first);
  }, 240_000);
});
