import { GEMM_WASM_BASE64 } from './gemm-binary.js';
import { type GemmCall, type Space, WASM_KEEP_BYTES, decodeBase64, even, kernelArgs, threading, viewOf } from './layout.js';

export { WASM_KEEP_BYTES } from './layout.js';

/**
 * The WebAssembly SIMD GEMM (gemm.wat), instantiated synchronously on first use from the bytes the
 * package embeds. The operands are copied into the module's memory as they are stored (the kernel
 * packs them, transposes included, into its own work areas), multiplied there and C is copied back.
 * `undefined` where WebAssembly or its SIMD extension is missing: the JS kernels serve then.
 * With `setThreads(n > 1)` (threads.ts, through `threading`) products run in the shared memory of
 * the threads instead, cut into parts when large enough; with the same bits.
 */

/** The one-thread space: its own memory, dropped after a product over WASM_KEEP_BYTES (see there). */
let instance: Space | null | undefined;
/** Doubles at the bottom of a memory that an open stage holds (0 when none is open): see `wasmStage`. */
let staged = 0;
/** The space the open stage lives in. */
let stageSpace: Space | undefined;
/** The compiled module, kept: a fresh instance (with fresh, small memory) is cheap to make from it. */
let module: WebAssembly.Module | undefined;

function load(): Space | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
    if (!module) {
      const bytes = decodeBase64(GEMM_WASM_BASE64);
      if (!WebAssembly.validate(bytes)) return null;
      module = new WebAssembly.Module(bytes);
    }
    const exports = new WebAssembly.Instance(module, {}).exports as unknown as Pick<Space, 'memory' | 'gemm'>;
    return { memory: exports.memory, gemm: exports.gemm };
  } catch {
    return null;
  }
}

/** True when the WebAssembly kernel is available here (and not disabled). */
export function wasmAvailable(): boolean {
  if (instance === undefined) instance = load();
  return instance !== null;
}

/**
 * C = op(A)·op(B) (C += … with `accumulate`), op(A) m×k (A stored k×m when `transA`), op(B) k×n
 * (B stored n×k when `transB`), all row-major, through the WebAssembly kernel; the transposes are
 * read by strides while the kernel packs its panels. Each C(i, j) is the running sum in p order
 * that the JS loops compute (see gemm.wat). The caller checks `wasmAvailable()` first.
 */
export function wasmGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  accumulate: boolean,
): void {
  const sizeC = m * n;
  if (sizeC === 0) return;
  if (k === 0) {
    if (!accumulate) C.fill(0, 0, sizeC);
    return;
  }
  const shared = stageSpace ?? threading.hooks?.space();
  if (!shared || shared === instance || !gemmIn(shared, transA, transB, m, n, k, A, B, C, accumulate)) {
    wasmAvailable(); // makes a new one-thread instance if the last one was given back
    gemmIn(instance!, transA, transB, m, n, k, A, B, C, accumulate);
  }
  if (staged === 0) giveBack();
}

/**
 * The product in `space`: the operands that are not views of its memory (a stage, see wasmStage)
 * are copied in above the stage, then the kernel runs — on the threads when `space` is the shared
 * one and the product is worth it (else on this thread). False, having changed nothing, when the
 * shared space cannot hold it, or the product stays on one thread with no operand staged there:
 * then the one-thread space serves (and gives large memory back).
 */
function gemmIn(
  space: Space,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  accumulate: boolean,
): boolean {
  const sizeC = m * n;
  // Offsets are taken before the memory may grow.
  const mem = space.memory.buffer;
  const aStaged = A.buffer === mem;
  const bStaged = B.buffer === mem;
  const cStaged = C.buffer === mem;
  const place = (X: Float64Array, inStage: boolean, size: number, at: number): [number, number] =>
    inStage ? [X.byteOffset / 8, at] : [at, at + even(size)];
  const [offA, afterA] = place(A, aStaged, m * k, even(space === stageSpace ? staged : 0));
  const [offB, afterB] = place(B, bStaged, k * n, afterA);
  const [offC, free] = place(C, cStaged, sizeC, afterB);
  const call: GemmCall = [
    m, n, k,
    offA * 8, transA ? 8 : 8 * k, transA ? 8 * m : 8,
    offB * 8, transB ? 8 : 8 * n, transB ? 8 * k : 8,
    offC * 8, accumulate ? 1 : 0,
  ];
  // heap layout above the stage (doubles): A | B | C (those not staged) | the work areas of each part
  const threaded = space === instance ? undefined : threading.hooks?.plan(call, free);
  // A product that stays on one thread and has nothing in the shared memory runs in the private one:
  // copying into a shared memory is slower (engines copy shared buffers word by word).
  if (space !== instance && !threaded && !aStaged && !bStaged && !cStaged) return false;
  const here = threaded ? undefined : kernelArgs(call, free);
  const h = viewOf(space, threaded ? threaded.end : here!.end, space === instance ? Infinity : WASM_KEEP_BYTES);
  if (!h) return false;
  if (!aStaged) h.set(A.length === m * k ? A : A.subarray(0, m * k), offA);
  if (!bStaged) h.set(B.length === k * n ? B : B.subarray(0, k * n), offB);
  if (accumulate && !cStaged) h.set(C.length === sizeC ? C : C.subarray(0, sizeC), offC);
  if (threaded) threaded.run(h);
  else space.gemm(...here!.args);
  if (!cStaged) C.set(h.subarray(offC, offC + sizeC));
  return true;
}

/** Drops the one-thread instance after a product that needed more than WASM_KEEP_BYTES (see there). */
function giveBack(): void {
  if (instance?.heap && instance.heap.byteLength > WASM_KEEP_BYTES) instance = undefined;
}

/**
 * Opens a stage: the first `doubles` values of the module's memory, returned as a view, hold
 * operands that the caller writes in place (say im2col's patches) and results it reads in place;
 * `wasmGemm` uses views of the stage without copying them. The stage lasts until `wasmUnstage`;
 * a product may grow the memory meanwhile, which detaches the views: `wasmStaged()` gives the
 * current one (same values). One stage at a time; the caller checks `wasmAvailable()` first.
 * With threads on, the stage lives in the shared memory when it fits there.
 */
export function wasmStage(doubles: number): Float64Array {
  staged = even(doubles);
  const shared = threading.hooks?.space();
  const view = shared && viewOf(shared, staged, WASM_KEEP_BYTES);
  stageSpace = view ? shared : instance!;
  return (view ?? viewOf(instance!, staged)!).subarray(0, doubles);
}

/** The open stage's values, as a view of the memory as it is now. */
export function wasmStaged(): Float64Array {
  return viewOf(stageSpace!, staged)!.subarray(0, staged);
}

/** Closes the stage (its values are then free work space again) and gives a large memory back. */
export function wasmUnstage(): void {
  staged = 0;
  stageSpace = undefined;
  giveBack();
}

/** Bytes of WebAssembly memory the one-thread GEMM holds now (0 before its first use or after it gave memory back). */
export function wasmMemoryBytes(): number {
  return instance ? instance.memory.buffer.byteLength : 0;
}
