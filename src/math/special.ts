/**
 * Special functions JavaScript's Math lacks, accurate to a few ulps in float64.
 *
 * erf uses the everywhere-positive series erf(x) = (2/√π)·x·e^{−x²}·Σₙ (2x²)ⁿ / (1·3·…·(2n+1))
 * for |x| < 3 (no cancellation), and erfc uses the continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) for |x| ≥ 3 in erf and
 * x ≥ 2 in erfc (Lentz's method), where 1 − erf would lose digits.
 */
import { NumnetError, describe } from '../errors.js';
import { exp } from './exp.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

function erfcContinuedFraction(x: number): number {
  // Modified Lentz for 1/(x + a1/(x + a2/(x + …))), a_n = n/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt. INVALID_ARGUMENT unless x is a number. */
export function erf(x: number): number {
  return erfOf(checkArg(x, 'erf'));
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the far tail. INVALID_ARGUMENT unless x is a number. */
export function erfc(x: number): number {
  return erfcOf(checkArg(x, 'erfc'));
}

function checkArg(x: unknown, name: string): number {
  if (typeof x !== 'number') throw new NumnetError('INVALID_ARGUMENT', `${name}(): x must be a number, got ${describe(x)}`);
  return x;
}

/** erf without the argument check (the activations' inner loops). */
export function erfOf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return 1 - erfcContinuedFraction(x);
  if (x <= -3) return erfcContinuedFraction(-x) - 1;
  return erfSeries(x);
}

/** erfc without the argument check (the activations' inner loops). */
export function erfcOf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return x === Infinity ? 0 : erfcContinuedFraction(x);
  if (x <= -2) return 2 - (x === -Infinity ? 0 : erfcContinuedFraction(-x));
  return 1 - erfSeries(x);
}

/**
 * The logistic sigmoid 1/(1 + e^{−x}), computed without overflow at any x. Its exp is exp.ts's (the
 * bits of V8's Math.exp on every engine), which gemm.wat's sigmoid follows lane by lane.
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + exp(-x));
  const e = exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}), stable at any x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
