import type { Reporter } from 'vitest/reporters';

/** The parts of vitest's task tree the count reads. */
export type Task = {
  type: string;
  name?: string;
  mode?: string;
  result?: { state?: string; errors?: unknown[] };
  tasks?: Task[];
};

/** Test counts of a finished run. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts the tests of a run, telling the truth about what did not run: a test file that failed to
 * load, or a suite whose hook (beforeAll, afterAll, …) threw, counts as one failed test on top of
 * its own tests (which vitest then marks skipped or leaves without a result); so does every error
 * vitest reports outside any test (an unhandled rejection, say).
 */
export function countTasks(files: readonly Task[], unhandledErrors = 0): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  const walk = (t: Task): void => {
    if (t.type === 'test' || t.type === 'custom') {
      if (t.result?.state === 'pass') c.passed++;
      else if (t.result?.state === 'fail') c.failed++;
      else c.skipped++;
      return;
    }
    // A file or suite: its own failure (import error, a hook that threw) is a failure of its own.
    if (t.result?.state === 'fail' && (t.result.errors?.length ?? 0) > 0) c.failed++;
    t.tasks?.forEach(walk);
  };
  files.forEach(walk);
  c.failed += unhandledErrors;
  return c;
}

/** Prints the plain closing line 'Tests: N passed, N failed, N skipped' that CI reads. */
export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = [], errors: unknown[] = []): void {
    const { passed, failed, skipped } = countTasks(files, errors.length);
    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
