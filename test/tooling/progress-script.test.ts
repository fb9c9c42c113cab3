/**
 * `fit(…, { verbose: 1 })` in a plain Node script that imports nothing but `numnet` (through the
 * built package, as users get it): the Keras-style bar redrawn with `\r` in a terminal, plain lines
 * when the output is piped; an esbuild bundle of the same script (sideEffects: false lets a bundler
 * drop any module it likes) behaves the same.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureDist } from '../helpers/dist.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'numnet-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCRIPT = `
import { Sequential, Dense } from 'numnet';
const model = new Sequential([new Dense({ units: 1, inputShape: [2] })], { seed: 1 });
model.compile({ optimizer: 'sgd', loss: 'mse' });
const x = Array.from({ length: 64 }, (_, i) => [i / 64, 1 - i / 64]);
const y = x.map(([a, b]) => [a - b]);
await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 1 });
`;

// `script` (util-linux) runs a command on a pseudo-terminal: the way to be a TTY in a test.
const hasScript = existsSync('/usr/bin/script');
const plain = join(work, 'plain.mjs');
const bundled = join(work, 'bundled.mjs');

beforeAll(async () => {
  await ensureDist();
  writeFileSync(plain, SCRIPT.replace("from 'numnet'", `from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))}`));
  await build({
    stdin: { contents: SCRIPT, resolveDir: ROOT, loader: 'js' },
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundled,
    logLevel: 'silent',
  });
}, 240_000);

const FINAL = /^4\/4 \[={30}\] - \d+m?s \d+[mu]?s\/step - loss: \d\.\d{4}$/;

for (const [what, file] of [['the script', plain], ['its esbuild bundle', bundled]] as const) {
  describe(what, () => {
    it('piped: the epoch header and one final line per epoch, no \\r', async () => {
      const { stdout } = await run(process.execPath, [file]);
      const lines = stdout.trimEnd().split('\n');
      expect(stdout).not.toContain('\r');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe('Epoch 1/2');
      expect(lines[1]).toMatch(FINAL);
      expect(lines[2]).toBe('Epoch 2/2');
      expect(lines[3]).toMatch(FINAL);
    });

    it.skipIf(!hasScript)('in a terminal: the bar redrawn in place with \\r, counting steps', async () => {
      const { stdout } = await run('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`, '/dev/null'], {
        env: { ...process.env, COLUMNS: '200' },
      });
      const text = stdout.replace(/\r\n/g, '\n');
      expect(text).toMatch(/^Epoch 1\/2\n/);
      // Every redraw starts with \r; the last one of each epoch is the final line.
      const draws = text.split('\n')[1]!.split('\r').filter(Boolean).map((s) => s.trimEnd());
      expect(draws.at(-1)).toMatch(FINAL);
      for (const d of draws.slice(0, -1)) expect(d).toMatch(/^[1-4]\/4 \[[=>.]{30}\] - ETA: \d+s/);
    });
  });
}
