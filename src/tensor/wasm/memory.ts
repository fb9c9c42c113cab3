import { GEMM_WASM_BASE64 } from './gemm-binary.js';
import { type Space, WASM_KEEP_BYTES, decodeBase64, even, sharedVariant, viewOf } from './layout.js';

/**
 * The one-thread WebAssembly instance of gemm.wat and what lives in its memory: the kept regions at
 * the bottom (a layer's data from its forward to its backward pass), then the stage (one call's
 * operands, written and read in place), then a product's work areas (gemm.ts). Instantiated
 * synchronously on first use from the bytes the package embeds; `undefined` where WebAssembly or
 * its SIMD extension is missing (the JS kernels serve then). After a product that needed more than
 * WASM_KEEP_BYTES the instance is dropped, so that its memory goes back to the garbage collector.
 *
 * Where SharedArrayBuffer exists (Node, cross-origin-isolated pages) the memory is a shared one
 * (gemm.wat's binary with its memory imported, `sharedVariant`), used by this thread only: its
 * buffers are never detached when it grows, so a view of it stays valid for good — resident arrays
 * (`wasmResident`), which layers use as their output and gradient buffers, so that the next layer's
 * pass reads them in place. Elsewhere the memory is the module's own and only stages and kept
 * regions (re-fetched after a product) live there.
 */
export interface Local extends Space {
  readonly gemmSmall: (...args: number[]) => void;
  readonly reluBackward: (y: number, dy: number, dz: number, m: number, n: number, db: number, sum: number) => void;
  readonly patches: (x: number, geo: number, rows: number, cols: number, add: number) => void;
  readonly maxPool2x2: (x: number, y: number, arg: number, n: number, inH: number, inW: number, C: number) => void;
  readonly maxPoolScatter: (dy: number, arg: number, n: number, dx: number) => void;
  /** memory.copy of `bytes` bytes from src to dst (byte offsets). */
  readonly copy: (dst: number, src: number, bytes: number) => void;
  /** A sum of n f64 from byte `a`, in an order of its own (for finiteness only). */
  readonly sum: (a: number, n: number) => number;
  /** y = sigmoid(z) for n f64 at bytes z and y: the bits of src/math/special.ts's sigmoid. */
  readonly sigmoid: (z: number, y: number, n: number) => void;
  /** The optimizers' updates (gemm.wat): buffers' byte offsets (0: absent), n, then the scalars; the sum of what they wrote. */
  readonly updates: Record<UpdateKernel, (...args: number[]) => number>;
  /** True for a shared memory (views never detached). */
  readonly shared: boolean;
  /** The buffers this memory has had (a shared memory gives a new one when it grows; old views stay valid). */
  readonly buffers: WeakSet<ArrayBufferLike>;
}

/** gemm.wat's optimizer updates (see passes.ts `wasmUpdate`). */
export const UPDATE_KERNELS = ['sgdStep', 'sgdMomentumStep', 'adamStep', 'adagradStep', 'rmspropStep', 'adadeltaStep', 'adamaxStep'] as const;
export type UpdateKernel = (typeof UPDATE_KERNELS)[number];

/** The one-thread space (undefined before its first use and after it was given back, null without WebAssembly SIMD). */
export let instance: Local | null | undefined;
/** Doubles that an open stage holds, just above the kept regions (0 when none is open): see `wasmStage`. */
export let staged = 0;
/**
 * Kept regions (see `wasmKeep`) lie at the bottom of the memory, [0, keptTop) doubles, as a list sorted
 * by offset; a stage and the operands of a product go above them. `generation` counts the instances:
 * a region belongs to the instance of its generation and is lost with it.
 */
let keptTop = 0;
let regions: WasmKept[] = [];
/** The regions of `regions`, for membership in O(1). */
let live = new Set<WasmKept>();

/** The index in `regions` of the region at `offset` (doubles), or −1 (binary search: the list is sorted). */
function regionAt(offset: number): number {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = regions[mid]!.offset;
    if (o === offset) return mid;
    if (o < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
let generation = 0;
/** The compiled module, kept: a fresh instance (with fresh, small memory) is cheap to make from it. */
let module: WebAssembly.Module | undefined;
/** Whether `module` imports a shared memory (see Local). */
let sharedModule = false;

/** Pages of the one-thread shared memory at most (4 GiB: reserved address space, not memory). */
const SHARED_MAX_PAGES = 65536;

/** Compiles the kernel: its shared-memory variant where SharedArrayBuffer exists (and `shared`), else as embedded. */
function compile(shared: boolean): void {
  const bytes = decodeBase64(GEMM_WASM_BASE64);
  sharedModule = false;
  module = undefined;
  if (shared && typeof SharedArrayBuffer === 'function') {
    try {
      const variant = sharedVariant(bytes);
      if (WebAssembly.validate(variant)) {
        module = new WebAssembly.Module(variant);
        sharedModule = true;
        return;
      }
    } catch {
      // no shared memory here: the module's own memory
    }
  }
  if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
}

/** An instance of the compiled kernel (on a new shared memory for the shared variant). */
function instantiate(): WebAssembly.Exports {
  const imports: WebAssembly.Imports = sharedModule ? { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) } } : {};
  return new WebAssembly.Instance(module!, imports).exports;
}

/**
 * @internal Tests: `false` makes the next instance use the module's own memory as where
 * SharedArrayBuffer is missing (a browser page that is not cross-origin isolated), `true` the
 * shared one where it can; the current instance is dropped (its kept regions lost).
 */
export function wasmUseSharedMemory(on: boolean): void {
  module = undefined;
  sharedModule = false;
  allowShared = on;
  instance = undefined;
}
let allowShared = true;

function load(): Local | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
    if (!module) compile(allowShared);
    if (!module) return null;
    let exports: WebAssembly.Exports;
    try {
      exports = instantiate();
    } catch (err) {
      if (!sharedModule) throw err;
      // no shared memory of that maximum here: the module's own memory from now on
      compile(false);
      if (!module) return null;
      exports = instantiate();
    }
    const e = exports as unknown as Local;
    generation++;
    regions = [];
    live = new Set();
    keptTop = 0;
    return {
      memory: e.memory, gemm: e.gemm, gemmSmall: e.gemmSmall, reluBackward: e.reluBackward, patches: e.patches,
      maxPool2x2: e.maxPool2x2, maxPoolScatter: e.maxPoolScatter, copy: e.copy, sum: e.sum, sigmoid: e.sigmoid,
      updates: Object.fromEntries(UPDATE_KERNELS.map((k) => [k, (e as unknown as Record<string, (...args: number[]) => number>)[k]!])) as Local['updates'],
      shared: sharedModule, buffers: new WeakSet(),
    };
  } catch {
    return null;
  }
}

/** True when the WebAssembly kernel is available here (and not disabled). */
export function wasmAvailable(): boolean {
  if (instance === undefined) instance = load();
  return instance !== null;
}

/** A float64 view of the one-thread memory holding at least `doubles` values. */
export function memoryFor(doubles: number): Float64Array {
  const heap = viewOf(instance!, doubles)!;
  if (heap !== recorded) {
    instance!.buffers.add(heap.buffer); // a new view: the memory grew, or a new instance
    recorded = heap;
  }
  return heap;
}
/** The last view whose buffer memoryFor recorded. */
let recorded: Float64Array | undefined;

/**
 * True when `a` is a view of the one-thread memory as it is now (a stage, a kept region, a resident
 * array): the kernels then read and write it in place. A view of a detached buffer, or of the memory
 * of an instance given back, is not.
 */
export function wasmHolds(a: ArrayBufferView): boolean {
  if (!instance) return false;
  const b = a.buffer;
  return b === instance.memory.buffer || (instance.buffers.has(b) && b.byteLength > 0);
}

/** The first double a product may use: above the kept regions and the open stage. */
export const workBase = (): number => keptTop + even(staged);

/** Drops the instance after a product that needed more than WASM_KEEP_BYTES (see there); not while a stage is open. */
export function giveBack(): void {
  if (staged === 0 && instance?.heap && instance.heap.byteLength > WASM_KEEP_BYTES) instance = undefined;
}

/**
 * Opens a stage: `doubles` values of the module's memory (above the kept regions), returned as a view, hold
 * operands that the caller writes in place (say im2col's patches) and results it reads in place;
 * `wasmGemm` uses views of the stage without copying them. The stage lasts until `wasmUnstage`;
 * a product may grow the memory meanwhile, which detaches the views: `wasmStaged()` gives the
 * current one (same values). One stage at a time: undefined while another is open (the caller
 * uses its own arrays). The caller checks `wasmAvailable()` first.
 */
export function wasmStage(doubles: number): Float64Array | undefined {
  if (staged !== 0) return undefined;
  staged = even(doubles);
  return memoryFor(keptTop + staged).subarray(keptTop, keptTop + doubles);
}

/** The open stage's values, as a view of the memory as it is now. */
export function wasmStaged(): Float64Array {
  return memoryFor(keptTop + staged).subarray(keptTop, keptTop + staged);
}

/** Closes the stage (its values are then free work space again) and gives a large memory back. */
export function wasmUnstage(): void {
  staged = 0;
  giveBack();
}

/** A kept region of the module's memory: `doubles` values at `offset` (doubles), of one instance. */
export interface WasmKept {
  readonly offset: number;
  readonly doubles: number;
  readonly generation: number;
}

/** Kept regions hold at most this many doubles (32 MiB) in all: a request beyond gets none. */
export const WASM_KEPT_MAX_DOUBLES = 2 ** 22;

/** Frees a region whose holder was garbage-collected (see wasmKeep). */
const release = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<WasmKept>((r) => wasmRelease(r)) : undefined;

/**
 * A region of the module's memory that keeps its values between products (say a convolution's
 * patches from its forward to its backward pass), for `holder`: `previous` itself when it is still
 * there and large enough, else a new one (and `previous` is freed), or undefined when the kept
 * regions would pass WASM_KEPT_MAX_DOUBLES. A region is freed by `wasmRelease` or when its holder
 * is garbage-collected, and lost when the instance is dropped after a huge product (see `giveBack`):
 * `wasmKept` then answers undefined and the holder recomputes its values. Not while a stage is open.
 */
export function wasmKeep(doubles: number, holder: object, previous?: WasmKept): WasmKept | undefined {
  if (staged !== 0) return undefined;
  if (previous && previous.generation === generation && previous.doubles >= doubles && live.has(previous)) return previous;
  if (previous) wasmRelease(previous);
  const region = allocate(doubles);
  if (region) release?.register(holder, region, region);
  return region;
}

/** A new region of `doubles` values, first fit among the gaps between the regions, else on top (undefined past the bound). */
function allocate(doubles: number): WasmKept | undefined {
  const size = even(doubles);
  let offset = 0;
  let at = 0;
  for (; at < regions.length && regions[at]!.offset - offset < size; at++) offset = regions[at]!.offset + regions[at]!.doubles;
  if (offset + size > WASM_KEPT_MAX_DOUBLES) return undefined;
  const region: WasmKept = { offset, doubles: size, generation };
  regions.splice(at, 0, region);
  live.add(region);
  keptTop = Math.max(keptTop, offset + size);
  memoryFor(keptTop);
  return region;
}

/** The region's values as a view of the memory as it is now, or undefined when it was freed or lost. */
export function wasmKept(region: WasmKept): Float64Array | undefined {
  if (region.generation !== generation || !instance || !live.has(region)) return undefined;
  return memoryFor(keptTop + staged).subarray(region.offset, region.offset + region.doubles);
}

/** Frees a kept region (nothing when it is already freed or lost). */
export function wasmRelease(region: WasmKept): void {
  if (!live.delete(region)) return;
  release?.unregister(region);
  regions.splice(regionAt(region.offset), 1);
  const last = regions[regions.length - 1];
  keptTop = last ? last.offset + last.doubles : 0;
}

/**
 * A resident array: `length` doubles in a kept region of a shared one-thread memory (see Local),
 * as a view that stays valid whatever the memory does later; the region is freed when the array is
 * garbage-collected. The kernels use it in place while it belongs to the current instance
 * (`wasmHolds`; after a huge product dropped the instance it is an ordinary array, whose holder
 * takes a new one). Undefined where the memory is not shared, while a stage is open, or when the
 * kept regions are full.
 */
export const wasmResident = (length: number): Float64Array | undefined =>
  residentView(length, (buffer, byteOffset) => new Float64Array(buffer, byteOffset, length));

/** wasmResident for `length` int32 values (say a max pooling's indices). */
export const wasmResidentInt32 = (length: number): Int32Array | undefined =>
  residentView(Math.ceil(length / 2), (buffer, byteOffset) => new Int32Array(buffer, byteOffset, length));

/** A view (`make`) of a new region of `doubles` values, the region freed when the view is garbage-collected (see wasmResident). */
function residentView<T extends ArrayBufferView>(doubles: number, make: (buffer: ArrayBufferLike, byteOffset: number) => T): T | undefined {
  if (!wasmAvailable() || !instance!.shared || staged !== 0) return undefined;
  const region = allocate(doubles);
  if (!region) return undefined;
  const view = make(memoryFor(keptTop).buffer, region.offset * 8);
  release?.register(view, region, region);
  return view;
}

/**
 * Frees the region of a resident array at once (its holder replaced it: a new batch size), so
 * that the next one can take its place; nothing for any other array. The array keeps its values
 * until another region is made there.
 */
export function wasmReleaseResident(a: ArrayBufferView): void {
  if (!instance?.shared || !wasmHolds(a)) return;
  const region = regions[regionAt(a.byteOffset / 8)];
  if (region) wasmRelease(region);
}

/** Bytes of WebAssembly memory the one-thread GEMM holds now (0 before its first use or after it gave memory back). */
export function wasmMemoryBytes(): number {
  return instance ? instance.memory.buffer.byteLength : 0;
}
