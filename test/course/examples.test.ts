/**
 * Every example runs with `npx tsx examples/NAME.ts` and exits 0 (each checks its own claims and
 * throws when one is false). `demo.ts` has its own test of its output (demo.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = readdirSync(resolve(root, 'examples')).filter((f) => f.endsWith('.ts') && f !== 'demo.ts');

describe('examples', () => {
  it('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  for (const file of examples) {
    it(`npx tsx examples/${file}`, () => {
      const out = execFileSync('npx', ['tsx', `examples/${file}`], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, NUMNET_FAST: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out.length).toBeGreaterThan(0);
    }, 130_000);
  }
});
