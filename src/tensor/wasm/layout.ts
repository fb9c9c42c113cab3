/**
 * What the one-thread GEMM (gemm.ts) and the threaded one (threads.ts) share: the cache blocks of
 * gemm.wat, the heap's alignment, and a memory with its float64 view.
 */

/** Cache blocks (see gemm.wat): k in blocks of at most KC, m of at most MC rows, n of at most NC columns. */
export const KC = 256;
export const MC = 128;
export const NC = 2048;

/**
 * WebAssembly memory can grow but never shrink. After a product that needed more than this, the
 * one-thread instance is dropped and the next call makes a new one, so the large memory goes back
 * to the garbage collector instead of staying resident (one 60,000×256 predict would otherwise keep
 * hundreds of MB). Training batches stay far below it and keep their instance. It is also the fixed
 * maximum of the shared memory of `setThreads` (which the workers hold, so it cannot be dropped).
 */
export const WASM_KEEP_BYTES = 64 * 2 ** 20;

/** `len` split into ceil(len / max) blocks as equal as possible, the size rounded up to a multiple of `unit`. */
export function blockSize(len: number, max: number, unit: number): number {
  const size = Math.ceil(len / Math.ceil(len / max));
  return Math.ceil(size / unit) * unit;
}

/** Doubles rounded up to an even count, so that every region of the heap starts 16-byte aligned. */
export const even = (doubles: number) => doubles + (doubles & 1);

/** Doubles a bias of n values takes in the heap: an edge tile of the kernel reads up to 3 values past it. */
export const biasSpace = (n: number) => even(n) + 4;

/** The base64 text as bytes (the embedded kernels). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The exported function of gemm.wat, its 17 arguments m, n, k, a, rsA, csA, b, rsB, csB, c, acc,
 * mcb, kcb, ncb, packA, packB, tile (its header comment is the contract; addresses in bytes).
 */
export type GemmFunction = (...args: number[]) => void;

/** A WebAssembly memory the kernel runs in, the kernel on it, and a float64 view (re-made when the memory grows). */
export interface Space {
  readonly memory: WebAssembly.Memory;
  readonly gemm: GemmFunction;
  heap?: Float64Array;
}

/**
 * A float64 view of the space's memory holding at least `doubles` values, growing the memory if
 * needed; undefined when it cannot grow that far (a shared memory's fixed maximum).
 */
export function viewOf(space: Space, doubles: number, limitBytes = Infinity): Float64Array | undefined {
  const mem = space.memory;
  const need = doubles * 8;
  if (mem.buffer.byteLength < need) {
    if (need > limitBytes) return undefined;
    mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  }
  if (!space.heap || space.heap.buffer !== mem.buffer) space.heap = new Float64Array(mem.buffer);
  return space.heap;
}

/**
 * One call of `gemm` as gemm.wat takes it: m, n, k, then A's, B's and C's byte offsets and strides
 * (a, rsA, csA, b, rsB, csB, c) and acc — the work areas are added by whoever runs it.
 */
export type GemmCall = [m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number, c: number, acc: number];

/**
 * The 20 arguments of the kernel for `call` with its work areas (packed A block, packed B block,
 * 4×4 tile) placed from `free` (doubles) upward, and the first double after them. The last three
 * (directA, bias, epilogue) are 0 — packed panels, sums from +0 or C, no relu — for the caller to
 * set (planThreads sets the epilogue).
 */
export function kernelArgs(call: GemmCall, free: number): { args: number[]; end: number } {
  const [m, n, k] = call;
  const kcb = blockSize(k, KC, 1);
  const mcb = blockSize(m, MC, 4);
  const ncb = blockSize(n, NC, 4);
  const packB = free + even(mcb * kcb);
  const tile = packB + even(kcb * ncb);
  return { args: [...call, mcb, kcb, ncb, free * 8, packB * 8, tile * 8, 0, 0, 0], end: tile + 16 };
}

/** A product laid out for the threads: where its work areas end (doubles) and how to run it. */
export interface ThreadPlan {
  end: number;
  run(heap: Float64Array): void;
}

/**
 * What gemm.ts asks of the threads (threads.ts): the shared space while threads are on, and a
 * product's plan. setThreads installs it, so a bundle that never imports setThreads carries none
 * of the threads' code.
 */
export const threading: {
  hooks?: {
    space(): Space | undefined;
    plan(call: GemmCall, free: number, epilogue?: Epilogue): ThreadPlan | undefined;
    inPlace(memory: WebAssembly.Memory): boolean;
    /** Products of fewer multiply-adds stay on one thread. */
    minWork: number;
  };
} = {};

/** gemm.wat's epilogue: the bias's byte offset (its n values, then 4 of padding) and the mode bits (2: bias, 4: relu). */
export interface Epilogue {
  bias: number;
  mode: number;
}

/**
 * The kernel's binary with its own memory (section 5, `(memory 1)`) replaced by an imported shared
 * one (section 2: "env" "memory", limits flags 3 = shared with a maximum, 1 to 65536 pages), i.e.
 * gemm.wat assembled with its memory line made an import of env.memory, `(memory 1 65536 shared)`
 * — the export of memory 0 is unchanged. test/tensor/threads.test.ts checks it against wabt's assembly byte for byte.
 */
export function sharedVariant(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const entry = [1, ...name('env'), ...name('memory'), 2, 3, 1, 0x80, 0x80, 4];
  const out: number[] = Array.from(bytes.subarray(0, 8)); // magic and version
  let imported = false;
  for (let i = 8; i < bytes.length; ) {
    const id = bytes[i]!;
    let size = 0;
    let j = i + 1;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[j++]!;
      size += (b & 127) * 2 ** shift;
      if (b < 128) break;
    }
    if (id > 2 && !imported) {
      out.push(2, entry.length, ...entry);
      imported = true;
    }
    if (id !== 5) out.push(...bytes.subarray(i, j + size));
    i = j + size;
  }
  return new Uint8Array(out);
}
