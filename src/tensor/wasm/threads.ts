import { NumnetError, describe } from '../../errors.js';
import { GEMM_WASM_BASE64 } from './gemm-binary.js';
import { type Epilogue, type GemmCall, type Space, type ThreadPlan, WASM_KEEP_BYTES, decodeBase64, even, kernelArgs, sharedVariant, threading } from './layout.js';
import { instance, wasmAvailable } from './memory.js';
import { SLOT, WORKER_SOURCE, type GemmWorker, type WorkerFactory, type WorkerInit, browserFactory } from './worker-source.js';

/**
 * The GEMM on several threads (`setThreads`). The workers and the main thread run the same kernel
 * (gemm.wat, its binary with the memory imported and shared instead of its own: `sharedVariant`)
 * on one shared WebAssembly memory. A product is cut into parts — C's rows in 4-aligned bands, or C's columns
 * when C is wider than tall or has at most 4 rows — and each part is one call of the kernel with its own work areas; the
 * main thread runs the first part and spins (Atomics.load) until the workers have finished theirs.
 * gemm.wat's contract makes every C(i, j) one running sum in p order within whichever call computes
 * it, so the result has the same bits for any number of threads (and as the JS loops).
 *
 * Workers spin for SPIN_MS after a part (a training step makes several products within a
 * millisecond: handing one to a spinning worker costs under a microsecond, waking a parked one
 * 20–100 µs), then park in Atomics.wait and use no CPU. Products under THREAD_MIN_WORK
 * multiply-adds stay on one thread. The shared memory is the one-thread instance's own where that
 * is shared (memory.ts; Node, cross-origin-isolated pages): gemm.ts then cuts a product into parts
 * where its operands lie — resident arrays, a stage — copying nothing, with the bias/relu epilogue;
 * after that memory was given back the pool starts again on the new one (`inPlace`). Elsewhere the
 * threads have a memory of their own with a fixed maximum, WASM_KEEP_BYTES, the operands copied in:
 * a product that needs more runs on one thread in the private memory that gemm.ts gives back.
 * A worker that fails (its kernel throws, or it gives no answer within a generous timeout) turns
 * the threads off: its part is recomputed on the main thread and console.warn says so.
 *
 * Threads pay only where cores are free: on a machine whose other cores are busy, the workers share
 * a core with the main thread and each product costs more wall time than on one thread
 * (bench/threads.ts measures both). That is why it is opt-in.
 */

export type { GemmWorker, WorkerFactory, WorkerInit } from './worker-source.js';
export { sharedVariant } from './layout.js';

/** The most threads `setThreads` accepts. */
export const MAX_THREADS = 64;
/**
 * Products of fewer multiply-adds than this run on one thread: bench/threads.ts measured the
 * break-even of two threads between 2¹⁸ and 2¹⁹ on a 2-core machine (Node 20).
 */
export const THREAD_MIN_WORK = 2 ** 19;
/** How long an idle worker spins before it parks. */
export const SPIN_MS = 2;
/**
 * The time a part may take before its worker is given up: 10 s plus 10 ns a multiply-add (100 times
 * the kernel's time on one core, so that only a dead or hung worker reaches it). A worker given up
 * while merely slow may still write its part afterwards: the timeout is generous for that reason.
 * Mutable for tests.
 */
export const PART_TIMEOUT = { baseMs: 10_000, msPerWork: 1e-5 };
const timeoutMs = (work: number) => PART_TIMEOUT.baseMs + work * PART_TIMEOUT.msPerWork;

interface Pool extends Space {
  control: Int32Array;
  workers: GemmWorker[];
  seq: number;
  /** The one-thread instance's own (shared) memory: products run on their operands where they lie, nothing copied. */
  inPlace: boolean;
  factory: WorkerFactory;
}
let pool: Pool | undefined;
let installed: WorkerFactory | undefined;
let sharedModule: WebAssembly.Module | undefined;
let products = 0;
let workerParts = 0;
let backup = new Float64Array(0);
const clock = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

/** Sets the worker factory `setThreads` uses (numnet/node installs Node's worker_threads). */
export function installWorkerFactory(factory: WorkerFactory): void {
  installed = factory;
}

/** The number of threads the GEMM uses (1: the main thread only, the default). */
export function getThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/** Products cut into parts for the threads so far, and parts that a worker computed (for tests and benchmarks). */
export const threadStats = (): { products: number; workerParts: number } => ({ products, workerParts });
/** Products cut into parts for the threads so far. */
export const threadedProducts = (): number => products;

/** The shared space while threads are on. */
export const sharedSpace = (): Space | undefined => pool;

/**
 * Runs the WebAssembly GEMM on `threads` threads: the main thread and threads − 1 workers. 1 (the
 * default) stops the workers. Every result has the same bits whatever the count. Needs
 * SharedArrayBuffer and a way to start workers: in Node, `setThreads` of `numnet/node`; in a
 * browser, a cross-origin isolated page (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`), where workers are started from a Blob URL and become
 * ready asynchronously (products run on the main thread until they are). Only the WebAssembly
 * kernel uses threads (not `setKernelBackend('js')`).
 */
export function setThreads(threads: number): void {
  if (typeof threads !== 'number' || !Number.isSafeInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new NumnetError('INVALID_ARGUMENT', `setThreads: threads must be an integer from 1 to ${MAX_THREADS}, got ${describe(threads)}`);
  }
  if (threads === getThreads()) return;
  if (threads === 1) {
    stopThreads();
    return;
  }
  // Checked (and the new workers started) before the old ones stop: a refused call changes nothing.
  const factory = installed ?? browserFactory();
  const missing = whyUnavailable(factory);
  if (missing || !factory) throw new NumnetError('INVALID_ARGUMENT', `setThreads(${threads}): ${missing}`);
  const next = startPool(threads, factory);
  stopThreads();
  pool = next;
  threading.hooks = { space: sharedSpace, plan: planThreads, inPlace, minWork: THREAD_MIN_WORK };
}

/**
 * True when the threads work in `memory` itself (the one-thread instance's shared memory): its
 * products are cut into parts where their operands lie. A pool on an instance since given back (a
 * huge product dropped it) starts again on the new one — its workers become ready asynchronously,
 * products meanwhile on one thread.
 */
function inPlace(memory: WebAssembly.Memory): boolean {
  const p = pool;
  if (!p?.inPlace) return false;
  if (p.memory === memory) return true;
  stopThreads();
  try {
    pool = startPool(p.workers.length + 1, p.factory);
  } catch {
    console.warn('numnet: the GEMM worker threads could not start again on a new WebAssembly memory; threads are off now (setThreads(1))');
  }
  return false;
}

function whyUnavailable(factory: WorkerFactory | undefined): string | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available here (a browser page must be cross-origin isolated: COOP/COEP headers)';
  }
  if (!factory) {
    return "no worker threads here: in Node, use setThreads from 'numnet/node'; in a browser the page must be cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)";
  }
  try {
    if (!sharedModule) {
      const bytes = sharedVariant(decodeBase64(GEMM_WASM_BASE64));
      if (!WebAssembly.validate(bytes)) return 'WebAssembly SIMD on shared memory is not supported here';
      sharedModule = new WebAssembly.Module(bytes);
    }
  } catch {
    return 'WebAssembly SIMD on shared memory is not supported here';
  }
  return undefined;
}

function startPool(threads: number, factory: WorkerFactory): Pool {
  const workers: GemmWorker[] = [];
  try {
    // the one-thread instance's memory when it is shared (views never detached): the threads work there, in place;
    // else a memory of their own, the operands copied in
    const own = wasmAvailable() && instance!.shared ? instance! : undefined;
    const memory = own ? own.memory : new WebAssembly.Memory({ initial: 1, maximum: WASM_KEEP_BYTES / 65536, shared: true });
    const gemm = own ? own.gemm : (new WebAssembly.Instance(sharedModule!, { env: { memory } }).exports.gemm as Space['gemm']);
    const control = new Int32Array(new SharedArrayBuffer((threads - 1) * SLOT.WORDS * 4));
    for (let slot = 0; slot < threads - 1; slot++) {
      const init: WorkerInit = { module: sharedModule!, memory, control: control.buffer as SharedArrayBuffer, slot, spinMs: SPIN_MS };
      workers.push(factory(WORKER_SOURCE, init, () => workerDied(control, slot)));
    }
    return { memory, gemm, control, workers, seq: 0, inPlace: own !== undefined, factory };
  } catch (e) {
    for (const w of workers) w.terminate();
    throw new NumnetError('INVALID_ARGUMENT', `setThreads(${threads}): could not start the workers (${e instanceof Error ? e.message : describe(e)})`);
  }
}

/** A worker that died is not given work again (one dying mid-part is caught by the timeout). */
function workerDied(control: Int32Array, slot: number): void {
  Atomics.store(control, slot * SLOT.WORDS + SLOT.READY, 0);
}

/** Stops the workers (each told to return, then terminated); the shared memory goes with the pool. */
export function stopThreads(): void {
  const p = pool;
  if (!p) return;
  pool = undefined;
  p.seq++;
  p.workers.forEach((w, slot) => {
    const base = slot * SLOT.WORDS;
    p.control[base + SLOT.ARGS] = -1;
    Atomics.store(p.control, base + SLOT.SEQ, p.seq);
    Atomics.notify(p.control, base + SLOT.SEQ);
    w.terminate();
  });
}

/**
 * Blocks (Atomics.wait: Node's main thread, not a browser page's) until every worker is ready or
 * `ms` passed; true when all are ready. numnet/node's setThreads waits so that the next product
 * already runs on all threads.
 */
export function awaitWorkers(ms: number): boolean {
  const p = pool;
  if (!p) return true;
  const deadline = clock() + ms;
  for (let slot = 0; slot < p.workers.length; slot++) {
    const at = slot * SLOT.WORDS + SLOT.READY;
    while (Atomics.load(p.control, at) !== 1) {
      const left = deadline - clock();
      if (left <= 0) return false;
      Atomics.wait(p.control, at, 0, Math.min(left, 50));
    }
  }
  return true;
}

/** The slots of the workers that are ready now. */
function readySlots(p: Pool): number[] {
  const out: number[] = [];
  for (let s = 0; s < p.workers.length; s++) if (Atomics.load(p.control, s * SLOT.WORDS + SLOT.READY) === 1) out.push(s);
  return out;
}

/** `len` in `parts` 4-aligned ranges as equal as possible: the boundaries. */
function cuts(len: number, parts: number): number[] {
  const groups = Math.ceil(len / 4);
  return Array.from({ length: parts + 1 }, (_, i) => Math.min(len, Math.floor((i * groups) / parts) * 4));
}

/**
 * Lays `call` out on the threads ready now, its work areas (and, for a column split, each part's
 * own C) from `free` (doubles) up; with `epilogue`, each part's sums start at the bias of its
 * columns (and leave through relu). Undefined when the product stays on one thread.
 */
export function planThreads(call: GemmCall, free: number, epilogue?: Epilogue): ThreadPlan | undefined {
  const p = pool;
  if (!p) return undefined;
  const [m, n, k, a, rsA, , b, , csB, c, acc] = call;
  if (m * n * k < THREAD_MIN_WORK) return undefined;
  const slots = readySlots(p);
  // rows when C is at least as tall as wide: each part packs all of B and its rows of A; else columns, each
  // part packing its columns of B and all of A (the MNIST-MLP step on two threads: 1.04× the row split's, paired)
  const byRows = m > 4 && (n <= 4 || m >= n);
  const parts = Math.min(slots.length + 1, Math.ceil((byRows ? m : n) / 4));
  if (parts < 2) return undefined;
  const at = cuts(byRows ? m : n, parts);
  const calls: GemmCall[] = [];
  const temps: number[] = [];
  let end = free;
  for (let i = 0; i < parts; i++) {
    const lo = at[i]!;
    const len = at[i + 1]! - lo;
    if (byRows) {
      calls.push([len, n, k, a + lo * rsA, rsA, call[5], b, call[7], csB, c + lo * n * 8, acc]);
    } else {
      temps.push(end);
      calls.push([m, len, k, a, rsA, call[5], b + lo * csB, call[7], csB, end * 8, acc]);
      end += even(m * len);
    }
  }
  const args = calls.map((part, i) => {
    const ka = kernelArgs(part, end);
    end = ka.end;
    // the bias of the part's columns (a column split starts part i at column at[i])
    if (epilogue) ka.args.splice(-2, 2, epilogue.bias + (byRows ? 0 : at[i]! * 8), epilogue.mode);
    return ka.args;
  });
  const split: Split = { byRows, at, temps, m, n, c: c / 8, acc: acc !== 0 };
  return { end, run: (heap) => runParts(p, slots, args, split, heap, m * n * k) };
}

interface Split {
  byRows: boolean;
  at: number[];
  temps: number[];
  m: number;
  n: number;
  c: number;
  acc: boolean;
}

/** Part i's C as its call starts it: for a column split its own C filled with C's columns (when accumulating). */
function prepare(s: Split, i: number, heap: Float64Array): void {
  if (!s.acc) return;
  if (s.byRows) {
    const from = s.c + s.at[i]! * s.n;
    heap.set(backup.subarray(from - s.c, from - s.c + (s.at[i + 1]! - s.at[i]!) * s.n), from);
    return;
  }
  copyColumns(heap, s, i, true);
}

/** Between C (m×n at s.c) and part i's own C (m × its columns, at s.temps[i]): `into` the part, or back. */
function copyColumns(heap: Float64Array, s: Split, i: number, into: boolean): void {
  const lo = s.at[i]!;
  const len = s.at[i + 1]! - lo;
  for (let r = 0; r < s.m; r++) {
    const cRow = s.c + r * s.n + lo;
    const tRow = s.temps[i]! + r * len;
    if (into) heap.copyWithin(tRow, cRow, cRow + len);
    else heap.copyWithin(cRow, tRow, tRow + len);
  }
}

function runParts(p: Pool, slots: number[], args: number[][], s: Split, heap: Float64Array, work: number): void {
  if (s.acc && s.byRows) {
    if (backup.length < s.m * s.n) backup = new Float64Array(s.m * s.n);
    backup.set(heap.subarray(s.c, s.c + s.m * s.n));
  }
  for (let i = 0; i < args.length; i++) if (!s.byRows) prepare(s, i, heap);
  p.seq = (p.seq + 1) | 0 || 1;
  const seq = p.seq;
  for (let i = 1; i < args.length; i++) {
    const base = slots[i - 1]! * SLOT.WORDS;
    p.control.set(args[i]!, base + SLOT.ARGS);
    Atomics.store(p.control, base + SLOT.SEQ, seq);
    Atomics.notify(p.control, base + SLOT.SEQ);
  }
  p.gemm(...args[0]!);
  const failed = finishParts(p, slots, args, seq, clock() + timeoutMs(work));
  if (failed.length > 0) {
    console.warn(`numnet: a GEMM worker thread failed; threads are off now (setThreads(1)) and its part was recomputed on the main thread`);
    stopThreads();
    for (const i of failed) {
      prepare(s, i, heap);
      p.gemm(...args[i]!);
    }
  }
  if (!s.byRows) for (let i = 0; i < args.length; i++) copyColumns(heap, s, i, false);
  products++;
}

/** Whether this thread may block in Atomics.wait (Node's main thread and workers; not a browser page's main thread). */
let canBlock: boolean | undefined;
function blockingAllowed(): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}
/** How long the main thread spins for a part before it blocks (where it may), in ms. */
const SPIN_WAIT_MS = 0.05;

/**
 * Waits until control[at] = seq: spinning (an answer within the spin costs no wake-up), then, where
 * the thread may block, in Atomics.wait (on a busy machine a spinning main thread would take the
 * CPU its worker needs). False when `deadline` passed first.
 */
function awaitDone(control: Int32Array, at: number, seq: number, deadline: number): boolean {
  const spinUntil = clock() + SPIN_WAIT_MS;
  let spins = 0;
  for (let done = Atomics.load(control, at); done !== seq; done = Atomics.load(control, at)) {
    if ((++spins & 63) !== 0) continue;
    const now = clock();
    if (now > deadline) return false;
    if (now > spinUntil && blockingAllowed()) Atomics.wait(control, at, done, Math.min(deadline - now, 100));
  }
  return true;
}

/**
 * Parts 1, 2, …: each one its worker has not claimed yet the main thread claims and computes (a
 * worker that is not running — parked, or descheduled on a busy machine — then costs nothing but
 * this thread's time); for the others it spins until they are done. The indices of the parts whose
 * worker failed or did not answer in time.
 */
function finishParts(p: Pool, slots: number[], args: number[][], seq: number, deadline: number): number[] {
  const failed: number[] = [];
  for (let i = 1; i < args.length; i++) {
    const base = slots[i - 1]! * SLOT.WORDS;
    const claim = Atomics.load(p.control, base + SLOT.CLAIM);
    if (claim !== seq && Atomics.compareExchange(p.control, base + SLOT.CLAIM, claim, seq) === claim) {
      p.gemm(...args[i]!);
      continue;
    }
    const late = !awaitDone(p.control, base + SLOT.DONE, seq, deadline);
    if (late || Atomics.load(p.control, base + SLOT.STATUS) !== 0) failed.push(i);
    else workerParts++;
  }
  return failed;
}
