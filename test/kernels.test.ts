/**
 * The GEMM kernels: the WebAssembly SIMD kernel and the JS loops give bit-identical results (same
 * summation order) for every shape, transpose flag and accumulate mode, and equal a naive triple
 * loop; the embedded binary is the one gemm.wat assembles to.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gemm, getKernelBackend, setKernelBackend } from '../src/index.js';
import { GEMM_WASM_BASE64 } from '../src/tensor/wasm/gemm-binary.js';
import { wasmAvailable } from '../src/tensor/wasm/gemm.js';
import { codeOf } from './helpers/errors.js';
// @ts-expect-error the build script is plain JavaScript
import { assemble } from '../scripts/build-wasm.mjs';
import { readFileSync } from 'node:fs';

afterEach(() => setKernelBackend('auto'));

function naive(ta: boolean, tb: boolean, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C0: Float64Array, acc: boolean) {
  const C = acc ? C0.slice() : new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = acc ? C[i * n + j]! + s : s;
    }
  }
  return C;
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 13 }),
  n: fc.integer({ min: 1, max: 13 }),
  k: fc.integer({ min: 1, max: 13 }),
  ta: fc.boolean(),
  tb: fc.boolean(),
  acc: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

function randomArray(n: number, seed: number): Float64Array {
  let s = seed;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

describe('GEMM kernels', () => {
  it('WebAssembly SIMD is available on Node 20 (the fast path is really taken)', () => {
    expect(wasmAvailable()).toBe(true);
    expect(getKernelBackend()).toBe('wasm');
  });

  it('wasm and js agree bit for bit and match the naive loop, for every shape and flag', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, ta, tb, acc, seed }) => {
        const A = randomArray(m * k, seed);
        const B = randomArray(k * n, seed + 1);
        const C0 = randomArray(m * n, seed + 2);
        const results = (['js', 'wasm'] as const).map((b) => {
          setKernelBackend(b);
          const C = C0.slice();
          gemm(ta, tb, m, n, k, A, B, C, acc);
          return C;
        });
        expect(Array.from(results[1]!)).toEqual(Array.from(results[0]!));
        const ref = naive(ta, tb, m, n, k, A, B, C0, acc);
        for (let i = 0; i < ref.length; i++) expect(Math.abs(results[0]![i]! - ref[i]!)).toBeLessThan(1e-12);
      }),
      { seed: 20261128, numRuns: 400 },
    );
  });

  it('large products (MNIST shapes) agree bit for bit between wasm and js', () => {
    for (const [m, n, k, ta, tb] of [[32, 100, 784, false, false], [784, 100, 32, true, false], [32, 100, 10, false, true], [37, 101, 65, false, false]] as const) {
      const A = randomArray(m * k, 1);
      const B = randomArray(k * n, 2);
      const out = (['js', 'wasm'] as const).map((b) => {
        setKernelBackend(b);
        const C = new Float64Array(m * n);
        gemm(ta, tb, m, n, k, A, B, C);
        return Array.from(C);
      });
      expect(out[1]).toEqual(out[0]);
    }
  });

  it('NaN and Infinity propagate through the wasm kernel as IEEE says', () => {
    setKernelBackend('wasm');
    const C = new Float64Array(1);
    gemm(false, false, 1, 1, 2, Float64Array.of(0, 1), Float64Array.of(Infinity, 2), C);
    expect(Number.isNaN(C[0])).toBe(true);
  });

  it('setKernelBackend validates its argument', () => {
    expect(codeOf(() => setKernelBackend('gpu' as never))).toBe('INVALID_ARGUMENT');
    setKernelBackend('js');
    expect(getKernelBackend()).toBe('js');
  });

  it('the embedded binary is what gemm.wat assembles to (run npm run build:wasm after editing it)', async () => {
    const generated: string = await assemble();
    const committed = readFileSync(new URL('../src/tensor/wasm/gemm-binary.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generated);
    expect(GEMM_WASM_BASE64.length).toBeGreaterThan(100);
  });
});
