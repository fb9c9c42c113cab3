/**
 * Operands for the GEMM benchmarks (bench/gemm.ts, bench/threads.ts): `len` values in [−0.5, 0.5)
 * from a linear congruential generator started at `seed` — the same values on every run.
 */
export function random(len: number, seed: number): Float64Array {
  const a = new Float64Array(len);
  let s = seed;
  for (let i = 0; i < len; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}
