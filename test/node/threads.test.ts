/**
 * numnet/node's setThreads starts its workers with worker_threads, unref'd: a process that used
 * threads and never turned them off still exits by itself as soon as its script is done.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmAvailable } from '../../src/tensor/wasm/gemm.js';

describe.skipIf(!wasmAvailable())('setThreads in Node', () => {
  it('a process left with threads on (no setThreads(1)) exits promptly after its last product', async () => {
    const script = fileURLToPath(new URL('../fixtures/threads-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
    let out = '';
    let doneAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!doneAt && out.includes('done')) doneAt = performance.now();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const lingered = performance.now() - doneAt;
    expect(out.trim()).toBe('done threads=2 split=1 c=96');
    expect(code).toBe(0);
    expect(lingered).toBeLessThan(3000);
  }, 70_000);
});
