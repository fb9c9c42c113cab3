import { expect } from 'vitest';
import { NumnetError } from '../../src/index.js';

/** Runs f and returns the NumnetError code it throws (fails the test if it throws anything else or nothing). */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NumnetError);
    expect(e).toBeInstanceOf(Error);
    return (e as NumnetError).code;
  }
  throw new Error('expected a NumnetError, nothing was thrown');
}

/** As codeOf, for a function returning a promise. */
export async function codeOfAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(NumnetError);
    return (e as NumnetError).code;
  }
  throw new Error('expected a NumnetError, nothing was thrown');
}

/** The message f throws ('' when it throws nothing). */
export function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}
