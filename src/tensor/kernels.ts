import { NumnetError, describe } from '../errors.js';
import {
  WasmKept, wasmAvailable, wasmGemm, wasmHolds, wasmSmall, wasmKeep, wasmKept, wasmRelease, wasmReleaseResident, wasmResident, wasmResidentInt32, wasmStage,
  wasmStaged, wasmUnstage,
} from './wasm/gemm.js';
import { type PatchGeometry, wasmCopy, wasmPatches, wasmReluBackward, wasmSigmoid, wasmSum, wasmUpdate } from './wasm/passes.js';
import type { UpdateKernel } from './wasm/memory.js';

/**
 * Raw float64 kernels on flat row-major buffers. They write into a given output buffer so that
 * training can reuse its buffers; they do no validation (callers check shapes).
 */

/** Which GEMM implementation runs: the WebAssembly SIMD kernel when available ('auto'), or forced. */
export type KernelBackend = 'auto' | 'wasm' | 'js';
let backend: KernelBackend = 'auto';

/** Products smaller than this many multiply-adds stay in JS (copying in costs more than it saves). */
const WASM_MIN_WORK = 2048;
/** Operands of more doubles than this (2 GiB) stay in JS: WebAssembly's 32-bit memory cannot hold them. */
const WASM_MAX_DOUBLES = 2 ** 28;

/**
 * Chooses the GEMM implementation: 'auto' (default) uses WebAssembly SIMD where the platform has
 * it and the product is large enough, 'js' always the plain JS loops, 'wasm' the WebAssembly
 * kernel for every size (an error where it is unavailable). Both sum in the same order, so they
 * give bit-identical results.
 */
export function setKernelBackend(choice: KernelBackend): void {
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new NumnetError('INVALID_ARGUMENT', `setKernelBackend: choose 'auto', 'wasm' or 'js', got ${describe(choice)}`);
  }
  if (choice === 'wasm' && !wasmAvailable()) {
    throw new NumnetError('INVALID_ARGUMENT', 'setKernelBackend: WebAssembly SIMD is not available on this platform');
  }
  backend = choice;
}

/** The GEMM implementation in use for large products: 'wasm' or 'js'. */
export function getKernelBackend(): 'wasm' | 'js' {
  return backend === 'js' || !wasmAvailable() ? 'js' : 'wasm';
}

/** Whether a product runs in the WebAssembly kernel (see setKernelBackend). */
const useWasm = (transA: boolean, transB: boolean, m: number, n: number, k: number): boolean =>
  backend !== 'js' &&
  !(transA && transB) &&
  (backend === 'wasm' || m * n * k >= WASM_MIN_WORK) &&
  m * k + k * n + m * n <= WASM_MAX_DOUBLES &&
  wasmAvailable();

/**
 * C = op(A)·op(B) (or C += … when `accumulate`: each running sum starts at C's value), where op(A)
 * is m×k and op(B) is k×n.
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
  if (useWasm(transA, transB, m, n, k)) {
    wasmGemm(transA, transB, m, n, k, A, B, C, accumulate);
    return;
  }
  gemmStrided(m, n, k, A, transA ? 1 : k, transA ? m : 1, B, transB ? 1 : n, transB ? k : 1, C, accumulate);
}

/**
 * C = relu?(bias + op(A)·op(B)): each running sum starts at bias[j] (the bits of C filled with the
 * bias and accumulated onto) and, with `relu`, leaves as (s > 0 ? s : +0) — in the WebAssembly
 * kernel's epilogue when it runs (no pass of its own), else as those separate passes.
 */
export function gemmBiasRelu(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, bias: Float64Array | undefined, relu: boolean,
): void {
  if (k > 0 && !wasmSmall(m, transB) && useWasm(transA, transB, m, n, k)) return wasmGemm(transA, transB, m, n, k, A, B, C, false, bias, relu);
  // the separate passes (the JS loops, a few rows, k = 0): the same bits
  const size = m * n;
  if (bias) for (let i = 0; i < m; i++) C.set(bias.length === n ? bias : bias.subarray(0, n), i * n);
  gemm(transA, transB, m, n, k, A, B, C, bias !== undefined);
  if (relu) for (let i = 0; i < size; i++) C[i] = C[i]! > 0 ? C[i]! : 0;
}

/**
 * Work space for operands and results of several `gemm` calls, in WebAssembly memory when that
 * kernel is in use (`gemm` reads and writes it in place), else undefined (the caller uses its own
 * arrays). `doubles` values, held until `unstage()`; after a `gemm`, `staged()` gives the current
 * view (a product may grow the memory and detach the earlier one). Where the data lies changes no
 * result: the same kernel sums in the same order. One stage at a time: undefined while one is open.
 */
export function stage(doubles: number): Float64Array | undefined {
  if (getKernelBackend() !== 'wasm' || doubles > WASM_MAX_DOUBLES / 2) return undefined;
  return wasmStage(doubles);
}

/** The open stage's values as a view of the memory as it is now (after `stage`, before `unstage`). */
export const staged = (): Float64Array => wasmStaged();

/** Closes the stage opened by `stage`. */
export const unstage = (): void => wasmUnstage();

/** dz = dy·[y > 0] and db[j] = Σ_i dz[i, j] (row order) for m×n views of the stage: WebAssembly SIMD, the bits of the JS passes. */
export const reluBackwardStaged = (y: Float64Array, dy: Float64Array, dz: Float64Array, m: number, n: number, db?: Float64Array): void =>
  wasmReluBackward(y, dy, dz, m, n, db);

/**
 * im2col (`add` false) or col2im (`add` true: x += cols) of `rows` output positions for views of the
 * stage (x, cols, and `geo`: 7 doubles of work space), in WebAssembly: the bits of conv.ts's loops.
 */
export const patchesStaged = (x: Float64Array, g: PatchGeometry, rows: number, cols: Float64Array, add: boolean, geo: Float64Array): void =>
  wasmPatches(x, g, rows, cols, add, geo);

/**
 * An optimizer's update in WebAssembly SIMD when the weight, its gradient and every state buffer
 * given lie in the GEMM's memory (resident arrays): `kernel` of gemm.wat on `buffers` (weight,
 * gradient, state; undefined for an absent optional one) and `scalars` in its order, returning the
 * sum of every value written (the optimizer's check); undefined, doing nothing, otherwise (the
 * optimizer's JS loop runs). Each kernel does the operations of its optimizer's loop in the same
 * order, element by element, so the same bits (test/optimizers/kernel-updates.test.ts).
 */
export function updateInKernel(kernel: UpdateKernel, buffers: readonly (Float64Array | undefined)[], ...scalars: number[]): number | undefined {
  for (const b of buffers) if (b && !inKernelMemory(b)) return undefined;
  return wasmUpdate(kernel, buffers, scalars);
}

/** dst ← src (one length): memory.copy when both are resident (a JS `set` between shared views goes value by value, 2.3× slower). */
export const copyValues = (dst: Float64Array, src: Float64Array): void =>
  src.length >= RESIDENT_MIN && inKernelMemory(dst) && inKernelMemory(src) ? wasmCopy(dst, src) : dst.set(src);

/**
 * y = sigmoid(z) in WebAssembly SIMD when both are resident (the sigmoid of src/math/special.ts with
 * its exp, lane by lane: the same bits), returning true; false, doing nothing, for other arrays.
 */
export const sigmoidInKernel = (z: Float64Array, y: Float64Array): boolean =>
  z.length >= RESIDENT_MIN && inKernelMemory(z) && inKernelMemory(y) ? (wasmSigmoid(z, y), true) : false;

/** A sum of a resident array's values in WebAssembly SIMD (its own order: for finiteness only); undefined for others. */
export const sumInKernel = (a: Float64Array): number | undefined => (a.length >= RESIDENT_MIN && inKernelMemory(a) ? wasmSum(a) : undefined);

/** A region kept between `gemm` calls (see `keep`). */
export type Kept = WasmKept;

/**
 * Arrays shorter than this stay plain (`resident` gives none): copying them costs little, and a
 * region each (a list entry, freed only when the garbage collector finds the array) would cost more
 * where many small models come and go.
 */
export const RESIDENT_MIN = 1024;

/**
 * A resident array of `length` doubles: it lies in the GEMM's memory (WebAssembly, when that kernel
 * runs and its memory is shared: see memory.ts), where the kernels read and write it in place, and
 * stays valid as an ordinary array whatever happens to that memory. Undefined where there is none or
 * for fewer than RESIDENT_MIN values (the caller makes a plain array). A layer's output and gradient
 * buffers are resident, so that the next layer's WebAssembly pass takes them without a copy.
 */
export const resident = (length: number): Float64Array | undefined =>
  getKernelBackend() === 'wasm' && length >= RESIDENT_MIN ? wasmResident(length) : undefined;

/**
 * Frees a resident array's place in the GEMM's memory when its holder replaces it (a new batch
 * size): the array keeps its values only until another one is made there. Nothing for other arrays.
 */
export const releaseResident = (a: ArrayBufferView): void => wasmReleaseResident(a);

/** `resident` for `length` int32 values. */
export const residentInt32 = (length: number): Int32Array | undefined =>
  getKernelBackend() === 'wasm' && length >= RESIDENT_MIN ? wasmResidentInt32(length) : undefined;

/** True when `a` lies in the GEMM's memory as it is now (a resident array, a stage, a kept region): the kernels use it in place. */
export const inKernelMemory = (a: ArrayBufferView): boolean => getKernelBackend() === 'wasm' && wasmHolds(a);

/** True when `a` was resident but its memory was given back (its holder takes a new one). */
export const residentLost = (a: ArrayBufferView): boolean =>
  typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer && !wasmHolds(a);

/**
 * Work space that keeps its values between `gemm` calls, in WebAssembly memory where `gemm` reads and
 * writes it in place (say a convolution's patches, from its forward to its backward pass), held for
 * `holder` (freed when it is garbage-collected): `previous` when still there and large enough, else a
 * new region; undefined when the JS kernel is in use, a stage is open or the kept regions are full.
 * Call before `stage`. The values can be lost (see `kept`): the holder must be able to recompute them.
 */
export function keep(doubles: number, holder: object, previous?: Kept): Kept | undefined {
  if (getKernelBackend() !== 'wasm') {
    if (previous) wasmRelease(previous);
    return undefined;
  }
  return wasmKeep(doubles, holder, previous);
}

/** The kept region's values as a view of the memory as it is now, or undefined when they were lost. */
export const kept = (region: Kept): Float64Array | undefined => (getKernelBackend() === 'wasm' ? wasmKept(region) : undefined);

/**
 * The JS GEMM: C[i, j] = (C[i, j] if accumulate, else 0) + Σₚ A(i, p)·B(p, j), summed in p order,
 * with A(i, p) = A[i·rsA + p·csA] and B(p, j) = B[p·rsB + j·csB] (so one loop serves every
 * transpose). Register-blocked 4 × 4 with 16 scalar accumulators; edges one element at a time.
 */
function gemmStrided(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  rsA: number,
  csA: number,
  B: Float64Array,
  rsB: number,
  csB: number,
  C: Float64Array,
  acc: boolean,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * rsA;
    const a1 = a0 + rsA;
    const a2 = a1 + rsA;
    const a3 = a2 + rsA;
    for (let j = 0; j < n4; j += 4) {
      const c0 = i * n + j;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      if (acc) {
        s00 = C[c0]!; s01 = C[c0 + 1]!; s02 = C[c0 + 2]!; s03 = C[c0 + 3]!;
        s10 = C[c1]!; s11 = C[c1 + 1]!; s12 = C[c1 + 2]!; s13 = C[c1 + 3]!;
        s20 = C[c2]!; s21 = C[c2 + 1]!; s22 = C[c2 + 2]!; s23 = C[c2 + 3]!;
        s30 = C[c3]!; s31 = C[c3 + 1]!; s32 = C[c3 + 2]!; s33 = C[c3 + 3]!;
      }
      const bj = j * csB;
      for (let p = 0; p < k; p++) {
        const pa = p * csA;
        const pb = p * rsB + bj;
        const b0 = B[pb]!;
        const b1 = B[pb + csB]!;
        const b2 = B[pb + 2 * csB]!;
        const b3 = B[pb + 3 * csB]!;
        let a = A[a0 + pa]!;
        s00 += a * b0; s01 += a * b1; s02 += a * b2; s03 += a * b3;
        a = A[a1 + pa]!;
        s10 += a * b0; s11 += a * b1; s12 += a * b2; s13 += a * b3;
        a = A[a2 + pa]!;
        s20 += a * b0; s21 += a * b1; s22 += a * b2; s23 += a * b3;
        a = A[a3 + pa]!;
        s30 += a * b0; s31 += a * b1; s32 += a * b2; s33 += a * b3;
      }
      C[c0] = s00; C[c0 + 1] = s01; C[c0 + 2] = s02; C[c0 + 3] = s03;
      C[c1] = s10; C[c1 + 1] = s11; C[c1 + 2] = s12; C[c1 + 3] = s13;
      C[c2] = s20; C[c2 + 1] = s21; C[c2 + 2] = s22; C[c2 + 3] = s23;
      C[c3] = s30; C[c3 + 1] = s31; C[c3 + 2] = s32; C[c3 + 3] = s33;
    }
  }
  // The edges: the last m % 4 rows (every column) and the last n % 4 columns of the other rows.
  for (let i = m4; i < m; i++) gemmRow(i, n, k, A, rsA, csA, B, rsB, csB, C, acc);
  for (let i = 0; i < m4; i++) {
    for (let j = n4; j < n; j++) {
      let s = acc ? C[i * n + j]! : 0;
      for (let p = 0; p < k; p++) s += A[i * rsA + p * csA]! * B[p * rsB + j * csB]!;
      C[i * n + j] = s;
    }
  }
}

/**
 * Row i of C, for the m % 4 rows outside the 4×4 tiles (all of a product of 1 to 3 rows, such as
 * `predict` at batch 1 on the JS backend): four columns at a time in four running sums, each
 * started at C(i, j) or +0 and summed in p order (the contract), then the last n % 4 columns one at
 * a time.
 */
function gemmRow(
  i: number,
  n: number,
  k: number,
  A: Float64Array,
  rsA: number,
  csA: number,
  B: Float64Array,
  rsB: number,
  csB: number,
  C: Float64Array,
  acc: boolean,
): void {
  const a0 = i * rsA;
  const c = i * n;
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j += 4) {
    let s0 = acc ? C[c + j]! : 0;
    let s1 = acc ? C[c + j + 1]! : 0;
    let s2 = acc ? C[c + j + 2]! : 0;
    let s3 = acc ? C[c + j + 3]! : 0;
    const b1 = csB;
    const b2 = 2 * csB;
    const b3 = 3 * csB;
    for (let p = 0, pb = j * csB; p < k; p++, pb += rsB) {
      const a = A[a0 + p * csA]!;
      s0 += a * B[pb]!;
      s1 += a * B[pb + b1]!;
      s2 += a * B[pb + b2]!;
      s3 += a * B[pb + b3]!;
    }
    C[c + j] = s0;
    C[c + j + 1] = s1;
    C[c + j + 2] = s2;
    C[c + j + 3] = s3;
  }
  for (let j = n4; j < n; j++) {
    let s = acc ? C[c + j]! : 0;
    for (let p = 0; p < k; p++) s += A[a0 + p * csA]! * B[p * rsB + j * csB]!;
    C[c + j] = s;
  }
}

/**
 * `gemm` for callers outside the library (exported as `gemm` from `numnet`): the same product,
 * after checking its arguments (booleans, sizes that are integers in [0, 2²⁸], Float64Arrays long
 * enough for m×k, k×n and m×n). INVALID_ARGUMENT / SHAPE_MISMATCH otherwise. The library's own
 * calls go to the unchecked kernel.
 */
export function checkedGemm(
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
  const flags = [transA, transB, accumulate];
  if (flags.some((f) => typeof f !== 'boolean')) {
    throw new NumnetError('INVALID_ARGUMENT', `gemm(): transA, transB and accumulate must be true or false, got ${flags.map(describe).join(', ')}`);
  }
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 28) {
      throw new NumnetError('INVALID_ARGUMENT', `gemm(): ${name} must be an integer in [0, 2^28], got ${describe(v)}`);
    }
  }
  for (const [name, v, need] of [['A', A, m * k], ['B', B, k * n], ['C', C, m * n]] as const) {
    if (!(v instanceof Float64Array)) throw new NumnetError('INVALID_ARGUMENT', `gemm(): ${name} must be a Float64Array, got ${describe(v)}`);
    if (v.length < need) {
      throw new NumnetError('SHAPE_MISMATCH', `gemm(): ${name} has ${v.length} elements but m=${m}, n=${n}, k=${k} need ${need}`);
    }
  }
  gemm(transA, transB, m, n, k, A, B, C, accumulate);
}

/** out[j] = Σ_i x[i, j] (or += with `accumulate`) for an m×n `x`. */
export function sumRows(x: Float64Array, out: Float64Array, m: number, n: number, accumulate = false): void {
  // Four columns at a time in local sums, each over i in order (the same additions as a row walk).
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s0 = accumulate ? out[j]! : 0;
    let s1 = accumulate ? out[j + 1]! : 0;
    let s2 = accumulate ? out[j + 2]! : 0;
    let s3 = accumulate ? out[j + 3]! : 0;
    for (let o = j, end = m * n; o < end; o += n) {
      s0 += x[o]!;
      s1 += x[o + 1]!;
      s2 += x[o + 2]!;
      s3 += x[o + 3]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < n; j++) {
    let s = accumulate ? out[j]! : 0;
    for (let o = j, end = m * n; o < end; o += n) s += x[o]!;
    out[j] = s;
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
