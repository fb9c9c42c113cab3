/**
 * The repository stands alone: no file outside .ci/ reads or names a folder beside the repository
 * (a clone has nothing beside it), and the reference values the tests read are inside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR } from '../helpers/golden.js';
import { ROOT } from '../helpers/dist.js';

/** The repository's files: git's list when this is a checkout, else every file but the generated ones. */
function repositoryFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        if (['node_modules', 'dist', '.git', 'api'].includes(name)) continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(relative(ROOT, p));
      }
    };
    walk(ROOT);
    return out;
  }
}

// Spelled in pieces so that this file does not name them itself.
const OUTSIDE = ['../' + 'shared', 'shared/' + 'golden', 'shared/' + 'SPEC', 'SLIDES' + '.md', 'SPEC' + '.md'];

describe('the repository stands alone', () => {
  it('no file outside .ci/ names a folder beside the repository', () => {
    const hits: string[] = [];
    for (const f of repositoryFiles()) {
      if (f.startsWith('.ci/') || !existsSync(join(ROOT, f))) continue;
      const text = readFileSync(join(ROOT, f), 'latin1');
      for (const s of OUTSIDE) if (text.includes(s)) hits.push(`${f}: ${s}`);
    }
    expect(hits).toEqual([]);
  });

  it('the golden reference values are inside the repository, with their README', () => {
    expect(relative(ROOT, GOLDEN_DIR)).toBe(join('test', 'golden'));
    for (const f of ['README.md', 'activations.json', 'losses.json', 'optimizers.json', 'conv.json']) {
      expect(existsSync(join(GOLDEN_DIR, f)), f).toBe(true);
    }
  });
});
