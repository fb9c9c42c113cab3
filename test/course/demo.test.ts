/**
 * `npm run demo` runs and prints the slides' worked examples with their exact float64 values.
 * The expected numbers below are the exact values listed in docs/errata.md (not copied
 * from the demo's output).
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A regex matching `n` as a whole number token (not as a prefix or suffix of a longer number). */
function numberToken(n: string): RegExp {
  const escaped = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9.])${escaped}(?![0-9])`);
}

describe('npm run demo', () => {
  let out = '';

  beforeAll(() => {
    out = execFileSync('npm', ['run', '--silent', 'demo'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }, 130_000);

  it('prints the four sections', () => {
    expect(out).toMatch(/a\. Perceptron/);
    expect(out).toMatch(/b\. One backpropagation step/);
    expect(out).toMatch(/c\. Gradient descent/);
    expect(out).toMatch(/d\. The 784-100-10/);
  });

  it('the perceptron classifies all seven weather samples', () => {
    expect(out).toMatch(/perceptron correct: 7\/7/);
    expect(out).not.toMatch(/WRONG/);
    const rows = out.split('\n').filter((l) => /^\d\s+\|.*\|\s*(correct|WRONG)\s*$/.test(l));
    expect(rows).toHaveLength(7);
    expect(out).toMatch(/8\.0/); // the slide's typo is mentioned
  });

  it.each([
    // backpropagation step (docs/errata.md §2)
    ['E before the step', '0.1372699405388824'],
    ['yhat before the step', '0.6295004176265749'],
    ['new w5', '0.5105942930445979'],
    ['new w6', '0.3610392948924014'],
    ['new w1', '0.5010249603055212'],
    ['E after the step', '0.13489691949125623'],
    // gradient descent on yhat = w*x
    ['MSE at w = 0.2', '5.658333333333334'],
    ['batch step', '0.3426666666666667'],
    ['stochastic step on x = 2', '0.272'],
    ['true SGD step on x = 4', '0.52896'],
    ["the slide's stale-prediction step", '0.552'],
  ])('prints %s = %s', (_what, value) => {
    expect(out).toMatch(numberToken(value));
  });

  it('prints the 784-100-10 parameter count 79,510', () => {
    expect(out).toMatch(/(?<![0-9.,])79,?510(?![0-9])/);
    expect(out).toMatch(/79,?400/);
    expect(out).toMatch(numberToken('110'));
  });

  it('explains the stale prediction behind 0.552', () => {
    expect(out).toMatch(/0\.272 - 0\.01\*\(-2\)\*\(4\.3 - 0\.8\)\*4 = 0\.552(?![0-9])/);
  });
});
