import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The reference values (PyTorch float64 autograd) committed in test/golden (see its README). */
export const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../golden');

export function readGolden<T = any>(name: string): T {
  return JSON.parse(readFileSync(resolve(GOLDEN_DIR, name), 'utf8')) as T;
}

/** docs/specification.md §10: |a − b| ≤ max(1e-12, 1e-10·max(|a|, |b|)). */
export function close(a: number, b: number): boolean {
  if (Object.is(a, b)) return true;
  return Math.abs(a - b) <= Math.max(1e-12, 1e-10 * Math.max(Math.abs(a), Math.abs(b)));
}

/** Asserts every element of `actual` is within the docs/specification.md §10 tolerance of `expected`. */
export function expectClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, what = ''): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${what}: length`).toBe(e.length);
  const bad: string[] = [];
  for (let i = 0; i < e.length; i++) {
    if (!close(a[i]!, e[i]!)) bad.push(`[${i}] got ${a[i]} expected ${e[i]} (diff ${Math.abs(a[i]! - e[i]!)})`);
  }
  expect(bad, `${what}: values outside the docs/specification.md §10 tolerance`).toEqual([]);
}

export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}
