import { NumnetError, describe } from '../errors.js';
import { wasmAvailable, wasmGemm } from './wasm/gemm.js';

/**
 * Raw float64 kernels on flat row-major buffers. They write into a given output buffer so that
 * training can reuse its buffers; they do no validation (callers check shapes).
 */

/** Which GEMM implementation runs: the WebAssembly SIMD kernel when available ('auto'), or forced. */
export type KernelBackend = 'auto' | 'wasm' | 'js';
let backend: KernelBackend = 'auto';

/** Products smaller than this many multiply-adds stay in JS (copying in costs more than it saves). */
const WASM_MIN_WORK = 2048;

/**
 * Chooses the GEMM implementation: 'auto' (default) uses WebAssembly SIMD where the platform has
 * it and the product is large enough, 'js' always the plain JS loops, 'wasm' the WebAssembly
 * kernel for every size (an error where it is unavailable). Both sum in the same order, so they
 * give bit-identical results.
 */
export function setKernelBackend(choice: KernelBackend): void {
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new NumnetError('INVALID_ARGUMENT', `setKernelBackend: choose 'auto', 'wasm' or 'js', got ${describe(choice)}`);
  }
  if (choice === 'wasm' && !wasmAvailable()) {
    throw new NumnetError('INVALID_ARGUMENT', 'setKernelBackend: WebAssembly SIMD is not available on this platform');
  }
  backend = choice;
}

/** The GEMM implementation in use for large products: 'wasm' or 'js'. */
export function getKernelBackend(): 'wasm' | 'js' {
  return backend === 'js' || !wasmAvailable() ? 'js' : 'wasm';
}

/**
 * C = op(A)·op(B) (or C += … when `accumulate`: each running sum starts at C's value), where op(A)
 * is m×k and op(B) is k×n.
 * With `transA`, A is stored k×m; with `transB`, B is stored n×k. No transpose is materialised.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  accumulate = false,
): void {
  if (backend !== 'js' && !(transA && transB) && (backend === 'wasm' || m * n * k >= WASM_MIN_WORK) && wasmAvailable()) {
    wasmGemm(transA, transB, m, n, k, A, B, C, accumulate);
    return;
  }
  if (!accumulate) C.fill(0, 0, m * n);
  if (!transA && !transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const a = A[ai + p]!;
        const bp = p * n;
        for (let j = 0; j < n; j++) C[ci + j]! += a * B[bp + j]!;
      }
    }
  } else if (!transA && transB) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = C[ci + j]!;
        for (let p = 0; p < k; p++) s += A[ai + p]! * B[bj + p]!;
        C[ci + j] = s;
      }
    }
  } else if (transA && !transB) {
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const a = A[ap + i]!;
        const ci = i * n;
        for (let j = 0; j < n; j++) C[ci + j]! += a * B[bp + j]!;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = C[ci + j]!;
        for (let p = 0; p < k; p++) s += A[p * m + i]! * B[bj + p]!;
        C[ci + j] = s;
      }
    }
  }
}

/** out[i, j] = row[j] for an m×n `out` (every row a copy of `row`). */
export function fillRows(out: Float64Array, row: Float64Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) out.set(row, i * n);
}

/** out[j] = Σ_i x[i, j] (or += with `accumulate`) for an m×n `x`. */
export function sumRows(x: Float64Array, out: Float64Array, m: number, n: number, accumulate = false): void {
  if (!accumulate) out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[j]! += x[o + j]!;
  }
}

/** True when every element is finite. */
export function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}
