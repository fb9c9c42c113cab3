/**
 * WebAssembly memory never shrinks, so the GEMM gives a large memory back by dropping its instance
 * after a product that needed more than WASM_KEEP_BYTES; small products keep their instance.
 */
import { describe, expect, it } from 'vitest';
import { gemm, setKernelBackend } from '../../src/tensor/kernels.js';
import { WASM_KEEP_BYTES, wasmAvailable, wasmMemoryBytes } from '../../src/tensor/wasm/gemm.js';

describe.skipIf(!wasmAvailable())('WebAssembly GEMM memory', () => {
  it('a product larger than WASM_KEEP_BYTES leaves no large memory behind, and later products still work', () => {
    setKernelBackend('wasm');
    try {
      const small = (m: number, n: number, k: number) => {
        const A = Float64Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
        const B = Float64Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
        const C = new Float64Array(m * n);
        gemm(false, false, m, n, k, A, B, C);
        // C[0, 0] = Σ_p A[0, p]·B[p, 0], by hand from the patterns above.
        let c00 = 0;
        for (let p = 0; p < k; p++) c00 += A[p]! * B[p * n]!;
        expect(C[0]).toBe(c00);
      };
      small(32, 100, 784);
      const kept = wasmMemoryBytes();
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(WASM_KEEP_BYTES);
      small(32, 100, 784);
      expect(wasmMemoryBytes()).toBe(kept); // small products keep their instance and memory

      // C alone is 4096 × 2050 doubles = 64.06 MiB: more than WASM_KEEP_BYTES.
      const m = 4096;
      const n = 2050;
      const k = 3;
      const A = new Float64Array(m * k).fill(1);
      const B = new Float64Array(k * n).fill(2);
      const C = new Float64Array(m * n);
      gemm(false, false, m, n, k, A, B, C);
      expect(C[0]).toBe(6);
      expect(C[m * n - 1]).toBe(6);
      expect(wasmMemoryBytes()).toBe(0); // given back

      small(32, 100, 784);
      expect(wasmMemoryBytes()).toBeGreaterThan(0);
      expect(wasmMemoryBytes()).toBeLessThan(WASM_KEEP_BYTES);
    } finally {
      setKernelBackend('auto');
    }
  });
});
