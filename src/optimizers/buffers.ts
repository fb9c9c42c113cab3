import { copyValues, inKernelMemory, stage, sumInKernel, unstage } from '../tensor/kernels.js';
import type { Slots } from './types.js';

/** The optimizers' buffer helpers: finiteness checks fast enough for every step, and slot copies. */

/** True when every value of a is finite, tested one by one. */
export function everyFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return false;
  return true;
}

/**
 * True when every value of a is finite. A sum stays NaN or ±Infinity once a term is, so four
 * running sums (no test per value: the fastest loop) decide, and only a sum that overflowed from
 * finite terms is looked at value by value.
 */
export function finite(a: Float64Array): boolean {
  const inKernel = sumInKernel(a); // resident: the same sums in WebAssembly SIMD
  if (inKernel !== undefined) return inKernel - inKernel === 0 || everyFinite(a);
  const n = a.length;
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]!;
  const s = s0 + s1 + (s2 + s3);
  return s - s === 0 || everyFinite(a);
}

/**
 * True when every value of w and of its slots is finite: as `finite`, in one pass over all of them,
 * with a loop for each number of slots up to 3.
 */
export function allFinite(w: Float64Array, s: Slots): boolean {
  const n = w.length;
  let count = 0;
  let a = w;
  let b = w;
  let c = w;
  for (const k in s) {
    const x = s[k]!;
    if (count === 0) a = x;
    else if (count === 1) b = x;
    else if (count === 2) c = x;
    count++;
    if (x.length !== n) count = 4;
  }
  if (count === 0) return finite(w);
  if (count > 3) return finite(w) && Object.values(s).every(finite);
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  if (count === 1) {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]!;
      s1 += w[i + 1]! + a[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]!;
  } else if (count === 2) {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]! + b[i]!;
      s1 += w[i + 1]! + a[i + 1]! + b[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]! + b[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]! + b[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]! + b[i]!;
  } else {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]! + b[i]! + c[i]!;
      s1 += w[i + 1]! + a[i + 1]! + b[i + 1]! + c[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]! + b[i + 2]! + c[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]! + b[i + 3]! + c[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]! + b[i]! + c[i]!;
  }
  const sum = s0 + s1 + (s2 + s3);
  return sum - sum === 0 || (everyFinite(w) && Object.values(s).every(everyFinite));
}

/**
 * The copies an update's transaction restores when it fails: the weights, then the state built
 * before it. Buffers that lie in the GEMM's memory (resident) are copied into one stage there with
 * memory.copy (a JS copy between views of a shared memory goes value by value, 2.3× slower), held
 * only for the update — products meanwhile go above it, no region is made, the memory is not given
 * back — so they take none of the memory's kept regions; the others into plain arrays kept from
 * step to step.
 */
export class Backups {
  private plain: Float64Array[] = [];
  private copies: Float64Array[] = [];
  private staged = false;

  /** The buffers to copy: the caller fills it (reused from step to step), then calls `take`. */
  readonly buffers: Float64Array[] = [];

  /** Copies `buffers`; `restore` writes the copies back, `close` ends the update (closes the stage). */
  take(): void {
    const buffers = this.buffers;
    let doubles = 0;
    for (const b of buffers) if (inKernelMemory(b)) doubles += b.length;
    const room = doubles > 0 ? stage(doubles) : undefined;
    this.staged = room !== undefined;
    let at = 0;
    this.copies.length = buffers.length;
    for (let i = 0; i < buffers.length; i++) {
      const b = buffers[i]!;
      let copy = this.plain[i];
      if (room && inKernelMemory(b)) copy = room.subarray(at, (at += b.length)); // (a view: the one allocation per weight)
      else if (copy?.length !== b.length) copy = this.plain[i] = new Float64Array(b.length);
      copyValues(copy, b);
      this.copies[i] = copy;
    }
  }

  restore(): void {
    for (let i = 0; i < this.buffers.length; i++) copyValues(this.buffers[i]!, this.copies[i]!);
  }

  close(): void {
    if (this.staged) unstage();
    this.staged = false;
    this.buffers.length = 0;
  }
}
