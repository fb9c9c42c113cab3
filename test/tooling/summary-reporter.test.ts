/**
 * The closing line CI reads ('Tests: N passed, N failed, N skipped') counts a test file that fails
 * to load, and a suite whose hook throws, as failed: a run that did not run its tests never reads
 * as green.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { countTasks, type Task } from '../helpers/summary-reporter.js';

const test = (state?: string): Task => ({ type: 'test', result: state ? { state } : undefined });

describe('countTasks', () => {
  it('counts passed, failed and skipped tests', () => {
    const file: Task = { type: 'suite', result: { state: 'fail', errors: [] }, tasks: [test('pass'), test('fail'), test('skip'), test()] };
    expect(countTasks([file])).toEqual({ passed: 1, failed: 1, skipped: 2 });
  });

  it('a file that failed to load is a failure, though it has no tests', () => {
    const file: Task = { type: 'suite', result: { state: 'fail', errors: [new Error('import')] }, tasks: [] };
    expect(countTasks([file, { type: 'suite', tasks: [test('pass')] }])).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('a suite whose hook threw is a failure, its tests skipped', () => {
    const suite: Task = { type: 'suite', result: { state: 'fail', errors: [new Error('beforeAll')] }, tasks: [test('skip'), test()] };
    expect(countTasks([{ type: 'suite', tasks: [suite] }])).toEqual({ passed: 0, failed: 1, skipped: 2 });
  });

  it('errors outside any test are failures', () => {
    expect(countTasks([{ type: 'suite', tasks: [test('pass')] }], 2)).toEqual({ passed: 1, failed: 2, skipped: 0 });
  });
});

describe('the reporter in a real vitest run', () => {
  it('a file that throws on load and a throwing beforeAll both count as failed', async () => {
    const config = fileURLToPath(new URL('../fixtures/reporter/vitest.config.ts', import.meta.url));
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
    const run = await promisify(execFile)(process.execPath, [vitest, 'run', '--config', config], { env: { ...process.env, CI: '' } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/^Tests: 1 passed, 2 failed, 2 skipped$/m);
  }, 60_000);
});
