import { NumnetError, describe, isNumericTypedArray } from '../errors.js';
import type { Slots } from './types.js';

/**
 * Each weight's slots from a saved state (`getState().slots`), checked completely before anything
 * changes: each entry has exactly the buffers `names` (the optimizer's slot names), all of one
 * length, holding finite numbers. INVALID_ARGUMENT otherwise.
 */
export function parseSlots(list: unknown[], names: readonly string[], name: string): Slots[] {
    // Checked completely before anything changes: each slot has this optimizer's buffers, all of one
    // length, holding finite numbers.
    const expected = names.slice().sort();
    return list.map((sv, i) => {
      if (sv === null || typeof sv !== 'object' || Array.isArray(sv)) {
        throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}] must be an object of buffers, got ${describe(sv)}`);
      }
      const entries = Object.entries(sv as Record<string, unknown>);
      const got = entries.map(([k]) => k).sort();
      if (got.length !== expected.length || got.some((k, j) => k !== expected[j])) {
        throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}] has [${got.join(', ')}] but ${name} keeps [${expected.join(', ')}]`);
      }
      const out: Slots = {};
      let size = -1;
      for (const [k, v] of entries) {
        if (!Array.isArray(v) && !isNumericTypedArray(v)) {
          throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}].${k} must be an array of numbers, got ${describe(v)}`);
        }
        const a = new Float64Array(v.length);
        for (let j = 0; j < v.length; j++) {
          const x: unknown = v[j];
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}].${k}[${j}] is ${describe(x)}; it must be a finite number`);
          }
          a[j] = x;
        }
        if (size >= 0 && a.length !== size) {
          throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}]: its buffers have different lengths`);
        }
        size = a.length;
        out[k] = a;
      }
      return out;
    });
}
