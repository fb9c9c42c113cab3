import { type UpdateKernel, instance } from './memory.js';

/**
 * The convolution and pooling layers' passes and the optimizers' updates in WebAssembly (gemm.wat):
 * on views of the one-thread memory (a stage, kept regions, resident arrays: see memory.ts), with
 * the values and the order of operations of the JS loops in conv.ts, conv-fused.ts, pool.ts and
 * src/optimizers, so the same bits.
 */

/**
 * 2×2 max pooling at stride 2 of n images [inH, inW, C] (C even; every window inside the image) in
 * WebAssembly (gemm.wat `maxPool2x2`): x, y views of the module's memory, arg the i32 indices written
 * at byte `argAt` of it. The first maximum and its index as pool.ts's max2x2, so the same bits.
 */
export function wasmMaxPool2x2(x: Float64Array, y: Float64Array, argAt: number, n: number, inH: number, inW: number, C: number): void {
  instance!.maxPool2x2(x.byteOffset, y.byteOffset, argAt, n, inH, inW, C);
}

/**
 * dx[arg[o]] = 0 + dy[o] for o < n (gemm.wat `maxPoolScatter`): dy and dx views of the module's
 * memory, arg n i32 at byte `argAt` of it. The bits of pool.ts's scatter.
 */
export function wasmMaxPoolScatter(dy: Float64Array, argAt: number, n: number, dx: Float64Array): void {
  instance!.maxPoolScatter(dy.byteOffset, argAt, n, dx.byteOffset);
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

/** dst ← src (the same length, both views of the module's memory): memory.copy, a native memmove. */
export function wasmCopy(dst: Float64Array, src: Float64Array): void {
  instance!.copy(dst.byteOffset, src.byteOffset, src.byteLength);
}

/** A sum of a's values (a view of the module's memory) in f64x2 SIMD, in an order of its own: for finiteness only. */
export function wasmSum(a: Float64Array): number {
  return instance!.sum(a.byteOffset, a.length);
}

/** y = sigmoid(z) (views of the module's memory, one length) in WebAssembly SIMD: the bits of the JS loop. */
export function wasmSigmoid(z: Float64Array, y: Float64Array): void {
  instance!.sigmoid(z.byteOffset, y.byteOffset, z.length);
}

/**
 * An optimizer's update in WebAssembly SIMD (gemm.wat: `sgdStep`, `adamStep`, …): the weight, its
 * gradient and the state buffers (views of the module's memory; undefined for an absent optional
 * one), then the scalars in the kernel's order; returns the sum of every value written.
 */
export function wasmUpdate(kernel: UpdateKernel, buffers: readonly (Float64Array | undefined)[], scalars: readonly number[]): number {
  updateArgs.length = 0;
  for (const b of buffers) updateArgs.push(b ? b.byteOffset : 0);
  updateArgs.push(buffers[0]!.length);
  for (const s of scalars) updateArgs.push(s);
  return instance!.updates[kernel].apply(undefined, updateArgs);
}
/** wasmUpdate's arguments, one array reused (an update runs per weight per step). */
const updateArgs: number[] = [];
