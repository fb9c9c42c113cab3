import { type GemmCall, KC, MC, NC, WASM_KEEP_BYTES, biasSpace, blockSize, even, kernelArgs, threading, viewOf } from './layout.js';
import { giveBack, instance, memoryFor, staged, wasmAvailable, wasmHolds, workBase } from './memory.js';

export { WASM_KEEP_BYTES } from './layout.js';
export {
  WASM_KEPT_MAX_DOUBLES, type WasmKept, wasmAvailable, wasmHolds, wasmKeep, wasmKept, wasmMemoryBytes, wasmRelease, wasmReleaseResident, wasmResident, wasmResidentInt32, wasmStage,
  wasmStaged, wasmUnstage,
} from './memory.js';

/**
 * The WebAssembly SIMD GEMM (gemm.wat) on the one-thread instance of memory.ts: the operands are
 * copied into its memory as they are stored (the kernel packs them, transposes included, into its
 * own work areas) unless they already lie there (a stage, a kept region, a resident array), multiplied there and C
 * is copied back. Products of a few rows (predict on one sample; see WASM_SMALL_M) take the
 * kernel's unpacked path, and B comes in by slices (see `smallGemm`). With `setThreads(n > 1)`
 * (threads.ts, through `threading`) a large product outside a stage runs in the shared
 * memory of the threads instead, cut into parts; with the same bits.
 */

/**
 * Products of at most this many rows take gemm.wat's small-m path (gemmSmall: nothing packed), and
 * of at most WASM_SMALL_M_ROW_MAJOR_B when B is row-major (x·W). Measured (bench/gemm.ts): at m ≤ 3
 * the packed 4×4 tile computes empty rows and packing B costs a pass over B for little arithmetic;
 * for row-major B the unpacked path stays ahead up to 7 rows (6×256×784: 5.6 against 4.2 GFLOP/s;
 * 8×100×784: 5.4 against 5.6), for stored-transposed B only up to 3 (4×784×100 Bᵀ: 5.8 against 6.4).
 */
export const WASM_SMALL_M = 3;
export const WASM_SMALL_M_ROW_MAJOR_B = 7;

/** Whether an m-row product takes the small-m path (which has no epilogue). */
export const wasmSmall = (m: number, transB: boolean): boolean => m <= (transB ? WASM_SMALL_M : WASM_SMALL_M_ROW_MAJOR_B);
/**
 * The small-m path copies B in by slices of whole stored rows of about this many doubles (128 KiB),
 * each multiplied while it is in L2, instead of all of B at once: at m = 1 a B of several MB copied
 * whole is a pass through memory (written, then read again) as long as the arithmetic.
 */
const SLICE = 16384;

/**
 * When A is read in place instead of packed (gemm.wat `directA`; a packed panel is copied once and
 * read once per 4 columns of C, so packing pays only when C is wide):
 * - a row-major A in a product of at most DIRECT_ROWS_MAX_N columns: the kernel loads the four rows
 *   of a panel at their stride (rsA), p after p along each row. Measured (bench A/B, one process,
 *   this machine): 1.04–1.25× on the convolutions' thin products (21632×8×9, 3872×16×72, 2048×16×512,
 *   256×32×256), even at n = 64–100, slower at 1024³ (0.85×, power-of-two strides alias in L1);
 * - a stored-transposed A of at most DIRECT_T_MAX rows times at most DIRECT_T_MAX columns: the four
 *   values of one p of its row panel are adjacent there, as in a packed panel, and the whole A is a
 *   few cache lines per p — the convolutions' ∂K = colsᵀ·dz of a first layer (9 rows). Longer rows
 *   of A spread a panel over half-used cache lines and are measured faster packed.
 */
const DIRECT_ROWS_MAX_N = 32;
const DIRECT_T_MAX = 16;
const directA = (transA: boolean, m: number, n: number): boolean =>
  transA ? m <= DIRECT_T_MAX && n <= DIRECT_T_MAX : n <= DIRECT_ROWS_MAX_N;

/**
 * C = op(A)·op(B) (C += … with `accumulate`), op(A) m×k (A stored k×m when `transA`), op(B) k×n
 * (B stored n×k when `transB`), all row-major, through the WebAssembly kernel; the transposes are
 * read by strides while the kernel packs its panels. Each C(i, j) is the running sum in p order
 * that the JS loops compute (see gemm.wat). With `bias` (not with `accumulate`) the sums start at
 * bias[j] — the bits of C filled with the bias and accumulated onto — and with `relu` each result
 * leaves as relu(s) = (s > 0 ? s : +0): the kernel's epilogue, no extra pass; only for products the
 * packed kernel runs (k ≥ 1 and not `wasmSmall`: kernels.ts's gemmBiasRelu sends the others to
 * separate passes). The caller checks `wasmAvailable()` first.
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
  if (k === 0) {
    if (!accumulate) C.fill(0, 0, sizeC);
    return;
  }
  wasmAvailable(); // makes a new one-thread instance if the last one was given back
  // Operands that are views of the module's memory (a stage, a kept region, a resident array) are used where they
  // lie; the others are copied in above the stage. Offsets are taken before the memory may grow.
  const aStaged = wasmHolds(A);
  const bStaged = wasmHolds(B);
  const cStaged = wasmHolds(C);
  // with setThreads(n > 1), a large product runs on the threads (its operands and bias copied into
  // their memory, resident ones too) — but not while a stage is open: a staged convolution stays here
  // (where the threads work in this memory itself, the product is cut into parts below instead, nothing copied)
  const inPlace = threading.hooks?.inPlace(instance!.memory) === true;
  if (threading.hooks && !inPlace && staged === 0 && gemmThreaded(transA, transB, m, n, k, A, B, C, accumulate, bias, relu)) return;
  // a few rows take the unpacked path, unless the threads take the product (in parts of the packed kernel)
  const small = wasmSmall(m, transB) && !(inPlace && m * n * k >= threading.hooks!.minWork);
  if (small) {
    smallGemm(transA, transB, m, n, k, A, B, C, accumulate, aStaged, bStaged, cStaged);
    return giveBack();
  }
  const kcb = blockSize(k, KC, 1);
  const mcb = blockSize(m, MC, 4);
  const ncb = blockSize(n, NC, 4);
  const [offA, afterA] = place(A, aStaged, m * k, workBase());
  const [offB, afterB] = place(B, bStaged, k * n, afterA);
  const [offC, offPackA] = place(C, cStaged, sizeC, afterB);
  // heap layout above the stage (doubles): A | B | C (those not staged) | packed A block | packed B block | 4×4 tile | bias
  const offPackB = offPackA + even(mcb * kcb);
  const offTile = offPackB + even(kcb * ncb);
  const offBias = offTile + 16;
  const end = offBias + (bias ? biasSpace(n) : 0);
  const h = memoryFor(end);
  if (bias) h.set(bias.length === n ? bias : bias.subarray(0, n), offBias);
  if (!aStaged) h.set(A.length === m * k ? A : A.subarray(0, m * k), offA);
  if (!bStaged) h.set(B.length === k * n ? B : B.subarray(0, k * n), offB);
  if (accumulate && !cStaged) h.set(C.length === sizeC ? C : C.subarray(0, sizeC), offC);
  const rsA = transA ? 8 : 8 * k;
  const csA = transA ? 8 * m : 8;
  const rsB = transB ? 8 : 8 * n;
  const csB = transB ? 8 * k : 8;
  const mode = (bias ? 2 : 0) | (relu ? 4 : 0);
  // in place on the threads: the parts' work areas above this call's
  const plan = inPlace
    ? threading.hooks!.plan([m, n, k, offA * 8, rsA, csA, offB * 8, rsB, csB, offC * 8, accumulate ? 1 : 0], end, mode ? { bias: offBias * 8, mode } : undefined)
    : undefined;
  if (plan) plan.run(memoryFor(plan.end));
  else {
    instance!.gemm(
      m, n, k, offA * 8, rsA, csA, offB * 8, rsB, csB, offC * 8, accumulate ? 1 : 0,
      mcb, kcb, ncb, offPackA * 8, offPackB * 8, offTile * 8, directA(transA, m, n) ? 1 : 0, offBias * 8, mode,
    );
  }
  if (!cStaged) C.set(h.subarray(offC, offC + sizeC));
  giveBack();
}

/**
 * The product on the threads' shared memory (operands copied in from its start), when threads.ts
 * plans it in parts; false, having changed nothing, when it stays on one thread (copying into a
 * shared memory is slower: the private one serves) or the shared memory cannot hold it.
 */
function gemmThreaded(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean, bias: Float64Array | undefined, relu: boolean,
): boolean {
  const space = threading.hooks!.space();
  if (!space) return false;
  const sizeC = m * n;
  const [offA, afterA] = [0, even(m * k)];
  const [offB, afterB] = [afterA, afterA + even(k * n)];
  const [offC, afterC] = [afterB, afterB + even(sizeC)];
  const [offBias, free] = bias ? [afterC, afterC + biasSpace(n)] : [0, afterC];
  const call: GemmCall = [
    m, n, k,
    offA * 8, transA ? 8 : 8 * k, transA ? 8 * m : 8,
    offB * 8, transB ? 8 : 8 * n, transB ? 8 * k : 8,
    offC * 8, accumulate ? 1 : 0,
  ];
  const mode = (bias ? 2 : 0) | (relu ? 4 : 0);
  const plan = threading.hooks!.plan(call, free, mode ? { bias: offBias * 8, mode } : undefined);
  if (!plan) return false;
  const h = viewOf(space, plan.end, WASM_KEEP_BYTES);
  if (!h) return false;
  if (bias) h.set(bias.length === n ? bias : bias.subarray(0, n), offBias);
  h.set(A.length === m * k ? A : A.subarray(0, m * k), offA);
  h.set(B.length === k * n ? B : B.subarray(0, k * n), offB);
  if (accumulate) h.set(C.length === sizeC ? C : C.subarray(0, sizeC), offC);
  plan.run(h);
  C.set(h.subarray(offC, offC + sizeC));
  return true;
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
  const [offA, afterA] = place(A, aStaged, m * k, workBase());
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

