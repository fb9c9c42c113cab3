import { gemm, setKernelBackend } from '../../src/tensor/kernels.js';

/**
 * The GEMM contract written the plain way, and bit comparisons, for the kernel tests
 * (kernels, gemm-small, threads): each C(i, j) is one running sum, started at C(i, j) (accumulate)
 * or +0, adding A(i, p)·B(p, j) for p = 0 … k−1 in order (A stored k×m with ta, B stored n×k with tb).
 */
export function reference(ta: boolean, tb: boolean, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C0: Float64Array, acc: boolean): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = acc ? C0[i * n + j]! : 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = s;
    }
  }
  return C;
}

/** Index of the first element whose bits differ (NaN matches NaN; +0 and −0 differ), or −1. */
export function firstDifference(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return i;
  }
  return -1;
}

/** Bits of every element equal (Object.is: −0 and +0 differ, NaN equals NaN). */
export function sameBits(x: Float64Array, y: Float64Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** `len` values in [−0.5, 0.5) from a linear congruential sequence started at `seed`. */
export function randomArray(len: number, seed: number): Float64Array {
  let s = seed;
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

/**
 * `gemm` on the JS loops and on the WebAssembly kernel, each against the reference bit for bit;
 * throws naming the kernel, the case (`label`) and the first element that differs. Leaves the
 * WebAssembly backend set.
 */
export function checkBothKernels(label: string, ta: boolean, tb: boolean, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C0: Float64Array, acc: boolean): void {
  const ref = reference(ta, tb, m, n, k, A, B, C0, acc);
  for (const backend of ['js', 'wasm'] as const) {
    setKernelBackend(backend);
    const C = C0.slice();
    gemm(ta, tb, m, n, k, A, B, C, acc);
    const at = firstDifference(C, ref);
    if (at >= 0) throw new Error(`${backend} ${m}×${n}×${k} ta=${ta} tb=${tb} acc=${acc} ${label}: C[${at}] = ${C[at]}, reference ${ref[at]}`);
  }
}
