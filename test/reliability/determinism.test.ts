/**
 * Determinism (specification §3): the same seed gives bit-identical weights after fit with shuffling and
 * dropout — twice in one process, in two other processes (one on the plain JS kernels, one on the
 * WebAssembly ones), and with a global setSeed. test/fixtures/determinism-run.ts is the run.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Sequential, setSeed } from '../../src/index.js';
import { determinismRun } from '../fixtures/determinism-run.js';
import { weightsHex } from '../helpers/fuzz.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The run in a new Node process (node --import tsx, as `npx tsx` does). */
async function child(seed: number, backend: string): Promise<{ weights: string; loss: number[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/determinism-run.ts', String(seed), backend], { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the same seed, the same bits', () => {
  it('in one process: two runs agree bit for bit; another seed differs', async () => {
    const a = await determinismRun(11);
    const b = await determinismRun(11);
    const c = await determinismRun(12);
    expect(a.weights).toBe(b.weights);
    expect(a.loss).toEqual(b.loss);
    expect(c.weights).not.toBe(a.weights);
  });

  it('across processes: two child processes (JS and WebAssembly kernels) print the weights of this one', async () => {
    const [inProcess, first, second] = await Promise.all([determinismRun(11), child(11, 'auto'), child(11, 'js')]);
    expect(first.weights).toBe(second.weights);
    expect(first.weights).toBe(inProcess.weights);
    expect(first.loss).toEqual(inProcess.loss);
    expect(second.loss).toEqual(inProcess.loss);
  }, 60_000);

  it('with the global setSeed instead of a model seed', async () => {
    const once = async () => {
      setSeed(2024);
      const m = new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2] }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })]);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      await m.fit([[1, 2], [3, 4], [5, 6], [7, 8], [0, 1]], [[1], [2], [3], [4], [5]], { epochs: 4, batchSize: 2 });
      return weightsHex(m);
    };
    expect(await once()).toBe(await once());
  });
});
