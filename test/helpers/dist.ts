/**
 * The built package (dist/), for the tests that check what users install: the package test and the
 * browser playground test. `ensureDist()` runs `npm run build` when dist/ is missing or older than
 * the sources, once, even when several test files ask at the same time (a lock directory).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const INPUTS = ['src', 'tsup.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Every file the package.json "exports" map names (types and code). */
export function exportTargets(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  return out.filter((p) => p !== './package.json');
}

export function distIsFresh(): boolean {
  const targets = exportTargets().map((p) => join(ROOT, p));
  if (!targets.every((p) => existsSync(p))) return false;
  const built = Math.min(...targets.map((p) => statSync(p).mtimeMs));
  const inputs = Math.max(...INPUTS.map((p) => join(ROOT, p)).filter(existsSync).map(newestMtime));
  return built >= inputs;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Builds dist/ with `npm run build` unless it is up to date. NUMNET_TEST_USE_DIST=1 takes dist/
 * as it is (say, to test a build made elsewhere).
 */
export async function ensureDist(): Promise<void> {
  if (process.env.NUMNET_TEST_USE_DIST || distIsFresh()) return;
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const lock = join(cache, 'numnet-test-build.lock');
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock left by a killed run expires after 5 minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(250);
    }
  }
  try {
    if (distIsFresh()) return;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    try {
      await promisify(execFile)(npm, ['run', 'build'], { cwd: ROOT, maxBuffer: 64 << 20 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run build failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
    }
  } finally {
    rmdirSync(lock);
  }
}
