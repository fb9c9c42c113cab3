import { NumnetError, describe } from '../errors.js';

/**
 * Learning-rate schedules: functions of the step (the number of updates already applied, 0 for the
 * first), given as `learningRate` to any optimizer. Same formulas and defaults as Keras's.
 */
export type Schedule = (step: number) => number;

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number > 0, got ${describe(v)}`);
  }
  return v;
}

function nonNegative(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number ≥ 0, got ${describe(v)}`);
  }
  return v;
}

/**
 * α(step) = α₀ · r^(step/decaySteps), or r^⌊step/decaySteps⌋ with `staircase`.
 */
export function exponentialDecay(options: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): Schedule {
  const lr0 = positive(options?.initialLearningRate, 'exponentialDecay initialLearningRate');
  const steps = positive(options.decaySteps, 'exponentialDecay decaySteps');
  const rate = positive(options.decayRate, 'exponentialDecay decayRate');
  const staircase = options.staircase ?? false;
  return (step) => {
    const p = step / steps;
    return lr0 * rate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i],
 * and the last value after the last boundary. Boundaries must increase; one more value than
 * boundaries.
 */
export function piecewiseConstantDecay(options: { boundaries: number[]; values: number[] }): Schedule {
  const { boundaries, values } = options ?? ({} as never);
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `piecewiseConstantDecay needs values with one more entry than boundaries, got ${describe(boundaries)} and ${describe(values)}`,
    );
  }
  boundaries.forEach((b, i) => {
    if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1]!)) {
      throw new NumnetError('INVALID_ARGUMENT', `piecewiseConstantDecay boundaries must be increasing numbers, got ${JSON.stringify(boundaries)}`);
    }
  });
  values.forEach((v, i) => nonNegative(v, `piecewiseConstantDecay values[${i}]`));
  return (step) => {
    for (let i = 0; i < boundaries.length; i++) if (step <= boundaries[i]!) return values[i]!;
    return values[values.length - 1]!;
  };
}

/**
 * Cosine decay from α₀ to α₀·alpha over decaySteps, then constant:
 * α(step) = α₀ · ((1 − alpha) · ½(1 + cos(π · min(step, decaySteps)/decaySteps)) + alpha).
 */
export function cosineDecay(options: { initialLearningRate: number; decaySteps: number; alpha?: number }): Schedule {
  const lr0 = positive(options?.initialLearningRate, 'cosineDecay initialLearningRate');
  const steps = positive(options.decaySteps, 'cosineDecay decaySteps');
  const alpha = nonNegative(options.alpha ?? 0, 'cosineDecay alpha');
  return (step) => {
    const p = Math.min(step, steps) / steps;
    return lr0 * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * p)) + alpha);
  };
}
