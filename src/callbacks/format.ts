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

/**
 * Python's `format(v, f'.{digits}f')`: 'inf', '-inf' and 'nan' for the non-finite values, '-0.00…'
 * for −0, every digit of large values (no exponent, unlike toFixed from 1e21 on), and ties of the
 * exact binary value rounded to even (0.015625 → '0.01562', where toFixed rounds half up).
 */
export function formatFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  // |v| = mantissa · 2^exponent exactly; scaled to 10^digits and rounded with integers.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & 0xfffffffffffffn;
  if (biased > 0) mantissa |= 1n << 52n;
  const exponent = (biased > 0 ? biased : 1) - 1075;
  const scaled = mantissa * 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) q = scaled << BigInt(exponent);
  else {
    const den = 1n << BigInt(-exponent);
    q = scaled / den;
    const twice = (scaled % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  return sign + (digits > 0 ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s);
}
