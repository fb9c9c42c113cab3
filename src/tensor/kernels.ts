/**
 * Raw float64 kernels on flat row-major buffers. They write into a given output buffer so that
 * training can reuse its buffers; they do no validation (callers check shapes).
 */

/**
 * C = op(A)·op(B) (or C += … when `accumulate`), where op(A) is m×k and op(B) is k×n.
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
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p]! * B[bj + p]!;
        C[ci + j]! += s;
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
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * m + i]! * B[bj + p]!;
        C[ci + j]! += s;
      }
    }
  }
}

/** out[i, j] += bias[j] for an m×n `out`. */
export function addRowVector(out: Float64Array, bias: Float64Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[o + j]! += bias[j]!;
  }
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
