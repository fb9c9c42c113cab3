/**
 * Memory: scripts/memory.ts trains a small model and samples the heap after gc at the end of every
 * epoch (`node --expose-gc --import tsx scripts/memory.ts`, 200 epochs; docs/reliability.md shows a
 * run). Here a shorter run (60 epochs) in a child process must not grow beyond a small bound once
 * warmed up — and a run that keeps 1 KiB per batch must be caught by the same measurement.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface MemoryRun {
  epochs: number;
  warmup: number;
  heapUsed: number[];
  arrayBuffers: number[];
  growth: number;
  perEpoch: number;
  loss: number;
  acc: number;
}

async function memoryRun(...extra: string[]): Promise<MemoryRun> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/memory.ts', '--epochs', '60', '--json', ...extra], { cwd: root, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryRun;
}

/** The bound on steady-state growth over 50 epochs: the JIT and History stay well under it. */
const BOUND = 256 * 1024;

describe('memory over a long fit', () => {
  it('60 epochs: heapUsed + arrayBuffers do not grow after the warm-up (and a 1 KiB-per-batch leak is caught)', async () => {
    const [clean, leaky] = await Promise.all([memoryRun(), memoryRun('--leak')]);
    expect(clean.heapUsed).toHaveLength(60);
    // The trend after the warm-up (least squares over epochs 11–60) stays under the bound …
    expect(Math.abs(clean.growth)).toBeLessThan(BOUND);
    // … the Float64Arrays' storage does not move at all …
    const buffers = clean.arrayBuffers.slice(clean.warmup);
    expect(Math.max(...buffers) - Math.min(...buffers)).toBeLessThanOrEqual(64 * 1024);
    // … and the last epochs' heap is within the bound of the first steady ones.
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(clean.heapUsed.slice(-10)) - mean(clean.heapUsed.slice(clean.warmup, clean.warmup + 10))).toBeLessThan(BOUND);
    // It learned something, so the epochs did real work.
    expect(clean.acc).toBeGreaterThan(0.9);
    // The same measurement sees a leak of 1 KiB per batch (58 batches an epoch).
    expect(leaky.growth).toBeGreaterThan(1024 * 1024);
  }, 120_000);
});
