/**
 * WebAssembly memory never shrinks, so the GEMM gives a large memory back by dropping its instance
 * after a product that needed more than WASM_KEEP_BYTES; small products keep their instance.
 * Kept regions (wasmKeep) keep their values across products, are reused, freed and refilled first
 * fit, bounded by WASM_KEPT_MAX_DOUBLES, never overlap a product's operands, and are reported lost
 * (not silently wrong) when the instance is dropped.
 */
import { describe, expect, it } from 'vitest';
import { gemm, keep, kept, setKernelBackend, stage, unstage } from '../../src/tensor/kernels.js';
import { WASM_KEEP_BYTES, WASM_KEPT_MAX_DOUBLES, wasmAvailable, wasmMemoryBytes, wasmRelease } from '../../src/tensor/wasm/gemm.js';

/** A product of patterned operands; checks C[0, 0] = Σ_p A[0, p]·B[p, 0], summed by hand here. */
function product(m: number, n: number, k: number): void {
  const A = Float64Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
  const B = Float64Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
  const C = new Float64Array(m * n);
  gemm(false, false, m, n, k, A, B, C);
  let c00 = 0;
  for (let p = 0; p < k; p++) c00 += A[p]! * B[p * n]!;
  expect(C[0]).toBe(c00);
}

describe.skipIf(!wasmAvailable())('WebAssembly GEMM memory', () => {
  it('a product larger than WASM_KEEP_BYTES leaves no large memory behind, and later products still work', () => {
    setKernelBackend('wasm');
    try {
      const small = product;
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

describe.skipIf(!wasmAvailable())('kept regions of the WebAssembly memory', () => {
  it('keep their values across products (also when a product grows the memory), are reused, freed and refilled first fit', () => {
    setKernelBackend('wasm');
    const holder = {};
    try {
      const a = keep(1000, holder)!;
      const b = keep(501, holder)!;
      expect(b.offset).toBe(a.offset + 1000);
      expect(b.doubles).toBe(502); // even: regions stay 16-byte aligned
      kept(a)!.fill(1.5);
      kept(b)!.fill(-2.5);
      product(32, 100, 784);
      product(300, 300, 300); // grows the memory: views are made again from it
      expect(kept(a)!.every((v) => v === 1.5)).toBe(true);
      expect(kept(b)!.every((v) => v === -2.5)).toBe(true);
      // a product's operands, work areas and a stage lie above the regions
      const ws = stage(10)!;
      expect(ws.byteOffset / 8).toBeGreaterThanOrEqual(b.offset + b.doubles);
      expect(keep(10, holder)).toBeUndefined(); // not while a stage is open
      unstage();
      // reuse when large enough; a larger request frees the old region and takes a new one
      expect(keep(900, holder, a)).toBe(a);
      const a2 = keep(2000, holder, a)!;
      expect(a2).not.toBe(a);
      expect(kept(a)).toBeUndefined(); // freed
      const a3 = keep(900, holder, a)!;
      expect(a3).not.toBe(a);
      // the gap a left is filled first
      const c = keep(100, holder)!;
      expect(c.offset).toBeLessThan(b.offset);
      for (const r of [b, c, a2, a3]) wasmRelease(r);
      wasmRelease(b); // twice: nothing
    } finally {
      setKernelBackend('auto');
    }
  });

  it('are bounded by WASM_KEPT_MAX_DOUBLES, and lost (kept answers undefined) when a huge product drops the instance', () => {
    setKernelBackend('wasm');
    const holder = {};
    try {
      expect(keep(WASM_KEPT_MAX_DOUBLES + 2, holder)).toBeUndefined();
      const r = keep(64, holder)!;
      kept(r)!.fill(3);
      product(4096, 2050, 3); // C alone is more than WASM_KEEP_BYTES: the instance is dropped
      expect(wasmMemoryBytes()).toBe(0);
      product(32, 100, 784);
      expect(kept(r)).toBeUndefined();
      const again = keep(64, holder, r)!;
      expect(again).not.toBe(r);
      expect(again.offset).toBe(0);
      wasmRelease(again);
      setKernelBackend('js');
      expect(keep(64, holder)).toBeUndefined(); // only where the WebAssembly kernel runs
    } finally {
      setKernelBackend('auto');
    }
  });
});
