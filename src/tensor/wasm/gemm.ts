import { GEMM_WASM_BASE64 } from './gemm-binary.js';

/**
 * The WebAssembly SIMD GEMM (gemm.wat), instantiated synchronously on first use from the bytes the
 * package embeds. The operands are copied into the module's memory as they are stored (the kernel
 * packs them, transposes included, into its own work areas), multiplied there and C is copied back.
 * Products of a few rows (predict on one sample; see WASM_SMALL_M) take the kernel's unpacked
 * path, and B comes in by slices (see `smallGemm`).
 * `undefined` where WebAssembly or its SIMD extension is missing: the JS kernels serve then.
 */
interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(
    m: number, n: number, k: number,
    a: number, rsA: number, csA: number,
    b: number, rsB: number, csB: number,
    c: number, acc: number,
    mcb: number, kcb: number, ncb: number,
    packA: number, packB: number, tile: number, directA: number,
    bias: number, epilogue: number,
  ): void;
  reluBackward(y: number, dy: number, dz: number, m: number, n: number, db: number, sum: number): void;
  patches(x: number, geo: number, rows: number, cols: number, add: number): void;
  maxPool2x2(x: number, y: number, arg: number, n: number, inH: number, inW: number, C: number): void;
  gemmSmall(
    m: number, n: number, k: number,
    a: number, rsA: number, csA: number,
    b: number, rsB: number, csB: number,
    c: number, ldc: number, acc: number,
  ): void;
}

/** Cache blocks (see gemm.wat): k in blocks of at most KC, m of at most MC rows, n of at most NC columns. */
const KC = 256;
const MC = 128;
const NC = 2048;
/**
 * Products of at most this many rows take gemm.wat's small-m path (gemmSmall: nothing packed), and
 * of at most WASM_SMALL_M_ROW_MAJOR_B when B is row-major (x·W). Measured (bench/gemm.ts): at m ≤ 3
 * the packed 4×4 tile computes empty rows and packing B costs a pass over B for little arithmetic;
 * for row-major B the unpacked path stays ahead up to 7 rows (6×256×784: 5.6 against 4.2 GFLOP/s;
 * 8×100×784: 5.4 against 5.6), for stored-transposed B only up to 3 (4×784×100 Bᵀ: 5.8 against 6.4).
 */
export const WASM_SMALL_M = 3;
export const WASM_SMALL_M_ROW_MAJOR_B = 7;
/**
 * The small-m path copies B in by slices of whole stored rows of about this many doubles (128 KiB),
 * each multiplied while it is in L2, instead of all of B at once: at m = 1 a B of several MB copied
 * whole is a pass through memory (written, then read again) as long as the arithmetic.
 */
const SLICE = 16384;

/**
 * A stored-transposed A of at most this many rows, in a product of at most this many columns, is
 * read in place instead of packed (gemm.wat `directA`): the four values of one p of its row panel
 * are adjacent there, as in a packed panel, and the whole A is a few cache lines per p — the
 * convolutions' ∂K = colsᵀ·dz of a first layer (9 rows). Longer rows of A spread a panel over
 * half-used cache lines and are measured faster packed.
 */
const DIRECT_A_MAX_N = 16;

let instance: GemmExports | null | undefined;
let heap: Float64Array | undefined;
/** Doubles that an open stage holds, just above the kept regions (0 when none is open): see `wasmStage`. */
let staged = 0;
/**
 * Kept regions (see `wasmKeep`) lie at the bottom of the memory, [0, keptTop) doubles, as a list sorted
 * by offset; a stage and the operands of a product go above them. `generation` counts the instances:
 * a region belongs to the instance of its generation and is lost with it.
 */
let keptTop = 0;
let regions: WasmKept[] = [];
let generation = 0;
/** The compiled module, kept: a fresh instance (with fresh, small memory) is cheap to make from it. */
let module: WebAssembly.Module | undefined;

/**
 * WebAssembly memory can grow but never shrink. After a product that needed more than this, the
 * instance is dropped and the next call makes a new one, so the large memory goes back to the
 * garbage collector instead of staying resident (one 60,000×256 predict would otherwise keep
 * hundreds of MB). Training batches stay far below it and keep their instance.
 */
export const WASM_KEEP_BYTES = 64 * 2 ** 20;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function load(): GemmExports | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
    if (!module) {
      const bytes = decodeBase64(GEMM_WASM_BASE64);
      if (!WebAssembly.validate(bytes)) return null;
      module = new WebAssembly.Module(bytes);
    }
    const inst = new WebAssembly.Instance(module, {});
    generation++;
    regions = [];
    keptTop = 0;
    return inst.exports as unknown as GemmExports;
  } catch {
    return null;
  }
}

/** True when the WebAssembly kernel is available here (and not disabled). */
export function wasmAvailable(): boolean {
  if (instance === undefined) instance = load();
  return instance !== null;
}

/** A float64 view of the module's memory holding at least `doubles` values. */
function memoryFor(doubles: number): Float64Array {
  const mem = instance!.memory;
  const need = doubles * 8;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  if (!heap || heap.buffer !== mem.buffer) heap = new Float64Array(mem.buffer);
  return heap;
}

/** `len` split into ceil(len / max) blocks as equal as possible, the size rounded up to a multiple of `unit`. */
function blockSize(len: number, max: number, unit: number): number {
  const size = Math.ceil(len / Math.ceil(len / max));
  return Math.ceil(size / unit) * unit;
}

/** Doubles rounded up to an even count, so that every region of the heap starts 16-byte aligned. */
const even = (doubles: number) => doubles + (doubles & 1);

/**
 * C = op(A)·op(B) (C += … with `accumulate`), op(A) m×k (A stored k×m when `transA`), op(B) k×n
 * (B stored n×k when `transB`), all row-major, through the WebAssembly kernel; the transposes are
 * read by strides while the kernel packs its panels. Each C(i, j) is the running sum in p order
 * that the JS loops compute (see gemm.wat). With `bias` (not with `accumulate`) the sums start at
 * bias[j] — the bits of C filled with the bias and accumulated onto — and with `relu` each result
 * leaves as relu(s) = (s > 0 ? s : +0): the kernel's epilogue, no extra pass. The caller checks
 * `wasmAvailable()` first.
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
  bias?: Float64Array,
  relu = false,
): void {
  const sizeC = m * n;
  if (sizeC === 0) return;
  const small = m <= (transB ? WASM_SMALL_M : WASM_SMALL_M_ROW_MAJOR_B);
  if (k === 0 || (small && (bias || relu))) {
    // the epilogue as separate passes: the same bits
    if (bias) for (let i = 0; i < sizeC; i++) C[i] = bias[i % n]!;
    if (k > 0) wasmGemm(transA, transB, m, n, k, A, B, C, accumulate || bias !== undefined);
    else if (!accumulate && !bias) C.fill(0, 0, sizeC);
    if (relu) for (let i = 0; i < sizeC; i++) C[i] = C[i]! > 0 ? C[i]! : 0;
    return;
  }
  const kcb = blockSize(k, KC, 1);
  const mcb = blockSize(m, MC, 4);
  const ncb = blockSize(n, NC, 4);
  // Operands that are views of the module's memory (a stage, see wasmStage) are used where they lie;
  // the others are copied in above the stage. Offsets are taken before the memory may grow.
  const mem = instance!.memory.buffer;
  const aStaged = A.buffer === mem;
  const bStaged = B.buffer === mem;
  const cStaged = C.buffer === mem;
  if (small) {
    smallGemm(transA, transB, m, n, k, A, B, C, accumulate, aStaged, bStaged, cStaged);
    if (staged === 0) giveBack();
    return;
  }
  const [offA, afterA] = place(A, aStaged, m * k, keptTop + even(staged));
  const [offB, afterB] = place(B, bStaged, k * n, afterA);
  const [offC, offPackA] = place(C, cStaged, sizeC, afterB);
  // heap layout above the stage (doubles): A | B | C (those not staged) | packed A block | packed B block | 4×4 tile | bias
  const offPackB = offPackA + even(mcb * kcb);
  const offTile = offPackB + even(kcb * ncb);
  const offBias = offTile + 16;
  const h = memoryFor(offBias + (bias ? even(n) + 4 : 0)); // (an edge tile reads up to 3 values past the bias)
  if (bias) h.set(bias.length === n ? bias : bias.subarray(0, n), offBias);
  if (!aStaged) h.set(A.length === m * k ? A : A.subarray(0, m * k), offA);
  if (!bStaged) h.set(B.length === k * n ? B : B.subarray(0, k * n), offB);
  if (accumulate && !cStaged) h.set(C.length === sizeC ? C : C.subarray(0, sizeC), offC);
  instance!.gemm(
    m, n, k,
    offA * 8, transA ? 8 : 8 * k, transA ? 8 * m : 8,
    offB * 8, transB ? 8 : 8 * n, transB ? 8 * k : 8,
    offC * 8, accumulate ? 1 : 0,
    mcb, kcb, ncb,
    offPackA * 8, offPackB * 8, offTile * 8, transA && m <= DIRECT_A_MAX_N && n <= DIRECT_A_MAX_N ? 1 : 0,
    offBias * 8, (bias ? 2 : 0) | (relu ? 4 : 0),
  );
  if (!cStaged) C.set(h.subarray(offC, offC + sizeC));
  if (staged === 0) giveBack();
}

/** Where an operand lies (in doubles) and the next free offset: where it is when staged, else at `at`. */
function place(X: Float64Array, inStage: boolean, size: number, at: number): [number, number] {
  return inStage ? [X.byteOffset / 8, at] : [at, at + even(size)];
}

/**
 * `wasmGemm` for a few rows (WASM_SMALL_M, WASM_SMALL_M_ROW_MAJOR_B) through gemmSmall, which
 * packs nothing. B (unless staged) comes in by slices of its stored rows — ranges of p for row-major B, of j for stored-transposed B — each
 * multiplied as soon as it is copied. A slice of p continues the running sums that C holds (the
 * accumulating call, in p order: the contract is kept); a slice of j computes its own columns of C.
 */
function smallGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
  aStaged: boolean, bStaged: boolean, cStaged: boolean,
): void {
  const sizeC = m * n;
  const rowLen = transB ? k : n; // a stored row of B
  const rows = transB ? n : k;
  // rows per slice, a multiple of 4 (gemmSmall's steps) unless all of B fits
  const per = bStaged || rows * rowLen <= SLICE ? rows : Math.max(4, Math.floor(SLICE / rowLen / 4) * 4);
  // heap layout above the stage (doubles): A | C (those not staged) | the slice of B. Offsets are
  // taken before the memory may grow (which detaches the staged views: byteOffset then reads 0).
  const [offA, afterA] = place(A, aStaged, m * k, keptTop + even(staged));
  const [offC, offB] = place(C, cStaged, sizeC, afterA);
  const bStage = bStaged ? B.byteOffset : 0;
  const h = memoryFor(offB + (bStaged ? 0 : per * rowLen));
  if (!aStaged) h.set(A.length === m * k ? A : A.subarray(0, m * k), offA);
  if (accumulate && !cStaged) h.set(C.length === sizeC ? C : C.subarray(0, sizeC), offC);
  const [rsA, csA] = transA ? [8, 8 * m] : [8 * k, 8];
  const g = instance!;
  for (let r0 = 0; r0 < rows; r0 += per) {
    const r = Math.min(per, rows - r0);
    // the slice's first stored row: where it lies in the stage, or copied in at offB
    let b = bStage + r0 * rowLen * 8;
    if (!bStaged) {
      h.set(B.subarray(r0 * rowLen, (r0 + r) * rowLen), offB);
      b = offB * 8;
    }
    if (transB) g.gemmSmall(m, r, k, offA * 8, rsA, csA, b, 8, 8 * k, (offC + r0) * 8, 8 * n, accumulate ? 1 : 0);
    else g.gemmSmall(m, n, r, offA * 8 + r0 * csA, rsA, csA, b, 8 * n, 8, offC * 8, 8 * n, accumulate || r0 > 0 ? 1 : 0);
  }
  if (!cStaged) C.set(h.subarray(offC, offC + sizeC));
}

/** Drops the instance after a product that needed more than WASM_KEEP_BYTES (see there). */
function giveBack(): void {
  if (heap && heap.byteLength > WASM_KEEP_BYTES) {
    instance = undefined;
    heap = undefined;
  }
}

/**
 * Opens a stage: `doubles` values of the module's memory (above the kept regions), returned as a view, hold
 * operands that the caller writes in place (say im2col's patches) and results it reads in place;
 * `wasmGemm` uses views of the stage without copying them. The stage lasts until `wasmUnstage`;
 * a product may grow the memory meanwhile, which detaches the views: `wasmStaged()` gives the
 * current one (same values). One stage at a time; the caller checks `wasmAvailable()` first.
 */
export function wasmStage(doubles: number): Float64Array {
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
  if (previous && previous.generation === generation && previous.doubles >= doubles && regions.includes(previous)) return previous;
  if (previous) wasmRelease(previous);
  const size = even(doubles);
  // first fit among the gaps between the regions, else on top
  let offset = 0;
  let at = 0;
  for (; at < regions.length && regions[at]!.offset - offset < size; at++) offset = regions[at]!.offset + regions[at]!.doubles;
  if (offset + size > WASM_KEPT_MAX_DOUBLES) return undefined;
  const region: WasmKept = { offset, doubles: size, generation };
  regions.splice(at, 0, region);
  keptTop = Math.max(keptTop, offset + size);
  memoryFor(keptTop);
  release?.register(holder, region, region);
  return region;
}

/** The region's values as a view of the memory as it is now, or undefined when it was freed or lost. */
export function wasmKept(region: WasmKept): Float64Array | undefined {
  if (region.generation !== generation || !instance || !regions.includes(region)) return undefined;
  return memoryFor(keptTop + staged).subarray(region.offset, region.offset + region.doubles);
}

/** Frees a kept region (nothing when it is already freed or lost). */
export function wasmRelease(region: WasmKept): void {
  const at = regions.indexOf(region);
  if (at < 0) return;
  release?.unregister(region);
  regions.splice(at, 1);
  const last = regions[regions.length - 1];
  keptTop = last ? last.offset + last.doubles : 0;
}

/**
 * 2×2 max pooling at stride 2 of n images [inH, inW, C] (C even; every window inside the image) in
 * WebAssembly (gemm.wat `maxPool2x2`): x, y views of the module's memory, arg the i32 indices written
 * at byte `argAt` of it. The first maximum and its index as pool.ts's max2x2, so the same bits.
 */
export function wasmMaxPool2x2(x: Float64Array, y: Float64Array, argAt: number, n: number, inH: number, inW: number, C: number): void {
  instance!.maxPool2x2(x.byteOffset, y.byteOffset, argAt, n, inH, inW, C);
}

/** `length` i32 of the module's memory from byte `at` (a view of it as it is now). */
export function wasmInt32(at: number, length: number): Int32Array {
  return new Int32Array(instance!.memory.buffer, at, length);
}

/** The sizes of a convolution (conv.ts's ConvGeometry has them). */
export interface PatchGeometry {
  readonly inH: number; readonly inW: number; readonly inC: number; readonly outH: number; readonly outW: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly dh: number; readonly dw: number;
  readonly padTop: number; readonly padLeft: number;
}

let heap32: Int32Array | undefined;

/**
 * im2col (add = false: cols ← the patches of x, zeros outside the image) or col2im (add = true:
 * x += cols patch by patch, in row order) of the first `rows` output positions, in WebAssembly
 * (gemm.wat `patches`): x and cols are views of the module's memory, `geo` a view of at least 7
 * doubles of it (work space for the geometry). The values and the order of additions of conv.ts's
 * im2col / col2im, so the same bits.
 */
export function wasmPatches(x: Float64Array, g: PatchGeometry, rows: number, cols: Float64Array, add: boolean, geo: Float64Array): void {
  const mem = instance!.memory.buffer;
  if (!heap32 || heap32.buffer !== mem) heap32 = new Int32Array(mem);
  const at = geo.byteOffset >> 2;
  heap32[at] = g.inH; heap32[at + 1] = g.inW; heap32[at + 2] = g.inC; heap32[at + 3] = g.outH; heap32[at + 4] = g.outW;
  heap32[at + 5] = g.kh; heap32[at + 6] = g.kw; heap32[at + 7] = g.sh; heap32[at + 8] = g.sw; heap32[at + 9] = g.dh;
  heap32[at + 10] = g.dw; heap32[at + 11] = g.padTop; heap32[at + 12] = g.padLeft;
  instance!.patches(x.byteOffset, geo.byteOffset, rows, cols.byteOffset, add ? 1 : 0);
}

/**
 * dz = dy·[y > 0] for m×n arrays and, with `db`, db[j] = Σ_i dz[i, j] in row order (gemm.wat
 * `reluBackward`), all views of the module's memory. The bits of relu's backward and sumRows.
 */
export function wasmReluBackward(y: Float64Array, dy: Float64Array, dz: Float64Array, m: number, n: number, db?: Float64Array): void {
  instance!.reluBackward(y.byteOffset, dy.byteOffset, dz.byteOffset, m, n, db ? db.byteOffset : 0, db ? 1 : 0);
}

/** Bytes of WebAssembly memory the GEMM holds now (0 before its first use or after it gave memory back). */
export function wasmMemoryBytes(): number {
  return instance ? instance.memory.buffer.byteLength : 0;
}
