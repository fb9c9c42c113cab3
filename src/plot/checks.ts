/**
 * Argument checks shared by the plot functions: each returns the checked value (or its default)
 * and throws a NumnetError naming the argument otherwise. Internal: not exported from `numnet/plot`.
 * @internal
 * @module
 */
import { describe, isPlainObject, NumnetError } from '../errors.js';

/** The title, or `fallback` when it is undefined. */
export function checkTitle(title: unknown, fallback: string): string {
  if (title === undefined) return fallback;
  if (typeof title !== 'string') throw new NumnetError('INVALID_ARGUMENT', `title must be a string, got ${describe(title)}`);
  return title;
}

/** Refuses options that are not an object. */
export function checkOptions(options: unknown, who: string): void {
  if (!isPlainObject(options)) {
    throw new NumnetError('INVALID_ARGUMENT', `${who}: options must be a plain object, got ${describe(options)}`);
  }
}

/** An interval [low, high] with finite low < high. */
export function checkRange(r: unknown, what: string): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[1] > r[0])) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be [low, high] with finite low < high, got ${describe(r)}`);
  }
  return [r[0], r[1]];
}

/** A whole number in [low, high], or `fallback` when it is undefined. */
export function checkInt(v: unknown, what: string, low: number, high: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < low || v > high) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a whole number in [${low}, ${high}], got ${describe(v)}`);
  }
  return v;
}

/** A point [x, y] of finite numbers. */
export function checkPoint(p: unknown, what: string): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be [x, y] with finite numbers, got ${describe(p)}`);
  }
  return [p[0], p[1]];
}
