import { NumnetError, describe } from '../errors.js';
import type { Logs } from './callback.js';

/** Formats logs as Keras does: `loss: 0.1373 - acc: 1.0000`. */
export function formatLogs(logs: Logs, keys?: readonly string[]): string {
  if (logs === null || typeof logs !== 'object' || Array.isArray(logs)) {
    throw new NumnetError('INVALID_ARGUMENT', `formatLogs(): logs must be an object of numbers, got ${describe(logs)}`);
  }
  if (keys === undefined) keys = Object.keys(logs);
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw new NumnetError('INVALID_ARGUMENT', `formatLogs(): keys must be an array of strings, got ${describe(keys)}`);
  }
  return keys
    .filter((k) => Object.prototype.hasOwnProperty.call(logs, k))
    .map((k) => `${k}: ${formatNumber(logs[k]!)}`)
    .join(' - ');
}

/** Four decimals, or four significant digits in exponent form for small non-zero values. */
export function formatNumber(v: number): string {
  if (typeof v !== 'number') throw new NumnetError('INVALID_ARGUMENT', `formatNumber(): v must be a number, got ${describe(v)}`);
  if (v !== 0 && Number.isFinite(v) && Math.abs(v) < 1e-3) return v.toExponential(4);
  return v.toFixed(4);
}
