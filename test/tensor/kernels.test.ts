/**
 * The GEMM kernels: the WebAssembly SIMD kernel and the JS loops give bit-identical results (same
 * summation order) for every shape, transpose flag and accumulate mode, and equal a naive triple
 * loop that sums in the same order, bit for bit — including shapes that cross the wasm kernel's
 * tile edges (m % 4, n % 4) and cache blocks (k > 256, m > 128, n > 2048), and values from
 * subnormal to near-overflow; the embedded binary is the one gemm.wat assembles to.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gemm, getKernelBackend, setKernelBackend } from '../../src/index.js';
import { GEMM_WASM_BASE64 } from '../../src/tensor/wasm/gemm-binary.js';
import { wasmAvailable, wasmGemm } from '../../src/tensor/wasm/gemm.js';
import { codeOf } from '../helpers/errors.js';
// @ts-expect-error the build script is plain JavaScript
import { assemble } from '../../scripts/build-wasm.mjs';
import { readFileSync } from 'node:fs';
import { checkBothKernels, firstDifference, randomArray, reference } from '../helpers/gemm-reference.js';

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


type Magnitudes = 'unit' | 'wide' | 'tiny' | 'huge' | 'special';

/**
 * Seeded values: 'unit' in (−1, 1); 'wide' from 2⁻⁶⁰ to 2⁶⁰ (sums that cancel and round);
 * 'tiny' near and below the subnormal threshold; 'huge' near overflow (products overflow to ±∞,
 * sums of ±∞ give NaN); 'special' a mix of all of these with ±0 and small integers.
 */
function valuesArray(len: number, seed: number, mode: Magnitudes): Float64Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const sign = next() < 0.5 ? -1 : 1;
    const mant = 1 + next();
    let v: number;
    let m = mode;
    if (m === 'special') {
      const r = next();
      if (r < 0.08) { a[i] = sign * 0; continue; }
      if (r < 0.2) { a[i] = sign * Math.floor(next() * 8); continue; }
      m = (['unit', 'wide', 'tiny', 'huge'] as const)[Math.floor(next() * 4)]!;
    }
    if (m === 'unit') v = next() * 2 - 1;
    else if (m === 'wide') v = sign * mant * 2 ** Math.floor(next() * 121 - 60);
    else if (m === 'tiny') v = sign * mant * 2 ** Math.floor(next() * 60 - 1070);
    else v = sign * mant * 2 ** Math.floor(next() * 40 + 980);
    a[i] = v;
  }
  return a;
}

/** Sizes 1 … 70, weighted towards the interesting ones: 1, primes, multiples of 4 and 5, tile edges. */
const size = fc.oneof(
  fc.integer({ min: 1, max: 70 }),
  fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 11, 13, 16, 17, 20, 23, 31, 32, 33, 37, 40, 47, 59, 61, 64, 65, 67, 70),
);

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

  it('wasm, js and the reference loop agree bit for bit: shapes 1…70, three transpose combinations, accumulate, extreme values', () => {
    const cases = fc.record({
      m: size,
      n: size,
      k: size,
      trans: fc.constantFrom<[boolean, boolean]>([false, false], [true, false], [false, true]),
      acc: fc.boolean(),
      mode: fc.constantFrom<Magnitudes>('unit', 'wide', 'tiny', 'huge', 'special'),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    });
    fc.assert(
      fc.property(cases, ({ m, n, k, trans: [ta, tb], acc, mode, seed }) => {
        const A = valuesArray(m * k, seed, mode);
        const B = valuesArray(k * n, seed + 1, mode);
        const C0 = valuesArray(m * n, seed + 2, mode);
        checkBothKernels(mode, ta, tb, m, n, k, A, B, C0, acc);
      }),
      { seed: 424242, numRuns: 300 },
    );
  });

  it('large shapes across the cache blocks agree bit for bit (wasm, js, reference)', () => {
    // thin products: [9, 8, 2000] with ta reads A in place (directA in gemm.wat) over several k blocks; [203, 16, 700], [300, 13, 90] do not
    const shapes: [number, number, number][] = [[64, 1024, 33], [257, 129, 300], [130, 2053, 3], [3, 5, 600], [32, 100, 784], [784, 100, 32], [32, 784, 100], [203, 16, 700], [9, 8, 2000], [300, 13, 90]];
    let seed = 7;
    for (const [m, n, k] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
        for (const acc of [false, true]) {
          seed += 3;
          const A = valuesArray(m * k, seed, 'wide');
          const B = valuesArray(k * n, seed + 1, 'unit');
          const C0 = valuesArray(m * n, seed + 2, 'unit');
          const ref = reference(ta, tb, m, n, k, A, B, C0, acc);
          for (const backend of ['js', 'wasm'] as const) {
            setKernelBackend(backend);
            const C = C0.slice();
            gemm(ta, tb, m, n, k, A, B, C, acc);
            expect(firstDifference(C, ref), `${backend} ${m}×${n}×${k} ta=${ta} tb=${tb} acc=${acc}`).toBe(-1);
          }
        }
      }
    }
  });

  it('the wasm kernel itself also handles both operands transposed (gemm() sends that case to JS)', () => {
    expect(wasmAvailable()).toBe(true);
    for (const [m, n, k] of [[1, 1, 1], [9, 6, 13], [33, 17, 300]] as const) {
      const A = valuesArray(m * k, m, 'special');
      const B = valuesArray(k * n, n, 'special');
      const C0 = valuesArray(m * n, k, 'unit');
      for (const acc of [false, true]) {
        const C = C0.slice();
        wasmGemm(true, true, m, n, k, A, B, C, acc);
        expect(firstDifference(C, reference(true, true, m, n, k, A, B, C0, acc))).toBe(-1);
      }
    }
  });

  it('the wasm kernel: k = 0 gives zeros (or leaves C when accumulating); longer input arrays are fine', () => {
    const C = Float64Array.of(1, 2, 3, 4);
    wasmGemm(false, false, 2, 2, 0, new Float64Array(0), new Float64Array(0), C, true);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
    wasmGemm(false, false, 2, 2, 0, new Float64Array(0), new Float64Array(0), C, false);
    expect(Array.from(C)).toEqual([0, 0, 0, 0]);
    const A = valuesArray(2 * 3 + 5, 1, 'unit');
    const B = valuesArray(3 * 2 + 7, 2, 'unit');
    const out = Float64Array.of(9, 9, 9, 9, 42);
    wasmGemm(false, false, 2, 2, 3, A, B, out, false);
    expect(firstDifference(out.subarray(0, 4), reference(false, false, 2, 2, 3, A, B, new Float64Array(4), false))).toBe(-1);
    expect(out[4]).toBe(42);
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
    const committed = readFileSync(new URL('../../src/tensor/wasm/gemm-binary.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generated);
    expect(GEMM_WASM_BASE64.length).toBeGreaterThan(100);
  });
});
