import { copyValues, inKernelMemory, stage, staged, sumInKernel, unstage } from '../tensor/kernels.js';
import type { Slots } from './types.js';
import type { Parameter } from '../layers/layer.js';

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
 * step to step. A weight whose update kernel saves the old values itself as it reads them (Adam's,
 * plain SGD's: `defer`) gets its place in the stage and no copy: the kernel makes it in the same pass.
 */
export class Backups {
  private plain: Float64Array[] = [];
  private copies: Float64Array[] = [];
  private staged = false;
  /** The stage's first byte (while staged). */
  private base = 0;
  /** Weight i's deferred group (see `defer`), where it starts in the stage (doubles), and whether its kernel saved it. */
  private readonly groups: (readonly Float64Array[] | undefined)[] = [];
  private readonly groupAt: number[] = [];
  private readonly saved: boolean[] = [];

  /** The buffers to copy: the caller fills it (reused from step to step), then calls `take`. */
  readonly buffers: Float64Array[] = [];

  /**
   * Weight i's buffers — the weight, then its state in its kernel's order, all resident, one length —
   * are saved by its update kernel (before `take`): `saveAt(i)` says where, `savedBy(i)` that it did.
   */
  defer(i: number, group: readonly Float64Array[]): void {
    this.groups[i] = group;
  }

  /** Copies `buffers` and places the deferred groups; `restore` writes the copies back, `close` ends the update (closes the stage). */
  take(): void {
    const buffers = this.buffers;
    const groups = this.groups;
    let doubles = 0;
    for (const b of buffers) if (inKernelMemory(b)) doubles += b.length;
    for (const g of groups) if (g) doubles += g.length * g[0]!.length;
    const room = doubles > 0 ? stage(doubles) : undefined;
    this.staged = room !== undefined;
    if (!room) {
      // no stage (one is open): the groups are copied like the rest
      for (let i = 0; i < groups.length; i++) if (groups[i]) buffers.push(...groups[i]!);
      groups.length = 0;
    }
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
    if (!room) return;
    this.base = room.byteOffset;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      this.saved[i] = false;
      if (!g) continue;
      this.groupAt[i] = at;
      at += g.length * g[0]!.length;
    }
  }

  /** The byte offset where weight i's update kernel saves its group, or 0 when it has none (copied by `take`). */
  saveAt(i: number): number {
    return this.groups[i] ? this.base + this.groupAt[i]! * 8 : 0;
  }

  /** Weight i's kernel saved its group (it changed those buffers): `restore` writes them back. */
  savedBy(i: number): void {
    this.saved[i] = true;
  }

  restore(): void {
    for (let i = 0; i < this.buffers.length; i++) copyValues(this.buffers[i]!, this.copies[i]!);
    const groups = this.groups;
    const room = groups.length > 0 ? staged() : undefined;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (!g || !this.saved[i]) continue; // not updated yet: unchanged
      const n = g[0]!.length;
      for (let k = 0; k < g.length; k++) copyValues(g[k]!, room!.subarray(this.groupAt[i]! + k * n, this.groupAt[i]! + (k + 1) * n));
    }
  }

  close(): void {
    if (this.staged) unstage();
    this.staged = false;
    this.buffers.length = 0;
    this.groups.length = 0;
  }
}

/**
 * Fills `backups` for an update of `params`, the first `built` of which have their state in `slots`:
 * each weight and its state to be copied first — or, where `saved` names the state that the update
 * kernel saves after the weight (in its order) and the weight, its gradient and all its state are
 * resident (so that kernel runs), deferred to the kernel. `groups`: scratch lists reused per weight.
 */
export function planBackups(
  backups: Backups, params: readonly Parameter[], slots: readonly Slots[], built: number, saved: readonly string[] | undefined, groups: Float64Array[][],
): void {
  for (let i = 0; i < params.length; i++) {
    const w = params[i]!.value.data;
    const group = i < built && saved ? savedGroup((groups[i] ??= []), w, params[i]!.grad, slots[i]!, saved) : undefined;
    if (group) backups.defer(i, group);
    else {
      backups.buffers.push(w);
      if (i < built) for (const k in slots[i]) backups.buffers.push(slots[i]![k]!);
    }
  }
}

/** [w, …the state `names` lists, present ones] in `group` when all of it and g are resident and `names` covers the state; else undefined. */
function savedGroup(group: Float64Array[], w: Float64Array, g: Float64Array, s: Slots, names: readonly string[]): Float64Array[] | undefined {
  if (!inKernelMemory(w) || !inKernelMemory(g)) return undefined;
  group.length = 0;
  group.push(w);
  for (const k of names) {
    const b = s[k];
    if (b === undefined) continue;
    if (!inKernelMemory(b)) return undefined;
    group.push(b);
  }
  let count = 0;
  for (const _ in s) count++;
  return count === group.length - 1 ? group : undefined; // every state buffer saved
}
