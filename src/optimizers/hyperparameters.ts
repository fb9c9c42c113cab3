import { NumnetError, describe } from '../errors.js';
import type { LearningRate, OptimizerConfig } from './types.js';

/**
 * One option of an optimizer: its default and its check, which returns the value or throws
 * INVALID_ARGUMENT naming the option (`what` is e.g. 'Adam beta1').
 */
export interface Hyperparameter<T = unknown> {
  /** The value when the option is not given (or is undefined or null). */
  readonly default: T;
  /** Returns the value, or throws a NumnetError naming `what`. */
  readonly check: (value: unknown, what: string) => T;
}

/** An optimizer's table of options: each option's default and check, by name. */
export type Hyperparameters = Readonly<Record<string, Hyperparameter>>;

/**
 * The table of an optimizer whose options are `C`: one entry for learningRate and for each of C's
 * own options (the clipping options and weightDecay belong to the base class), of the option's
 * type — so the table and the `XxxConfig` interface cannot disagree. A table may also give
 * weightDecay an entry, to change its default (AdamW's 0.004; otherwise it is off) or its check.
 */
export type HyperparameterTable<C extends OptimizerConfig> = {
  readonly [K in Exclude<keyof C, 'clipNorm' | 'globalClipNorm' | 'clipValue' | 'weightDecay'>]-?: Hyperparameter<Exclude<C[K], undefined>>;
} & { readonly weightDecay?: Hyperparameter<number> };

/** The checks the optimizers' tables use; each returns the value or throws INVALID_ARGUMENT naming `what`. */
export const hyperparameterChecks = {
  /** A finite number ≥ 0 (0 holds the weights still, as Keras allows), or a function of the step (a schedule). */
  learningRate: (value: unknown, what: string): LearningRate => {
    if (typeof value === 'function') return value as (step: number) => number;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number ≥ 0 or a function of the step, got ${describe(value)}`);
    }
    return value;
  },
  /** A number in [0, 1). */
  unitInterval: (value: unknown, what: string): number => checkRange(value, what, 0, 1),
  /** A number in (0, 1). */
  openUnitInterval: (value: unknown, what: string): number => checkRange(value, what, 0, 1, true),
  /** A number > 0 (finite). */
  positive: (value: unknown, what: string): number => checkRange(value, what, 0, Infinity, true),
  /** A finite number ≥ 0. */
  nonNegative: (value: unknown, what: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number ≥ 0, got ${describe(value)}`);
    }
    return value;
  },
  /** true or false. */
  boolean: (value: unknown, what: string): boolean => {
    if (typeof value !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `${what} must be true or false, got ${describe(value)}`);
    return value;
  },
} as const;

/** A number in [low, high) (or (low, high) with `openLow`), or INVALID_ARGUMENT naming the option. */
export function checkRange(value: unknown, name: string, low: number, high: number, openLow = false): number {
  const ok = typeof value === 'number' && (openLow ? value > low : value >= low) && value < high;
  if (!ok) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${name} must be a number in ${openLow ? '(' : '['}${low}, ${high}), got ${describe(value)}`,
    );
  }
  return value as number;
}
