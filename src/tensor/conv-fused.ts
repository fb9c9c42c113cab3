import { ConvGeometry, im2col, patchSize } from './conv.js';
import { Kept, gemm, gemmBiasRelu, inKernelMemory, kept, patchesStaged, reluBackwardStaged, stage, staged, unstage } from './kernels.js';

/**
 * The convolution of a batch that fits one im2col chunk, staged in the GEMM's memory (`stage` in
 * kernels.ts: WebAssembly memory when that kernel runs), and the passes of relu fused with their
 * neighbours. The same products and sums in the same order as convForward / convBackward and the
 * separate relu and bias passes, so the same bits; what changes is how often the data is copied.
 */

/** Doubles of stage work space for a geometry (patchesStaged). */
const GEO = 8;

/** Doubles rounded up to an even count (16-byte aligned regions in a stage). */
const even = (doubles: number): number => doubles + (doubles & 1);

/**
 * Where a layer keeps its forward's patches for the backward pass: a region of the GEMM's memory
 * (`keep` in kernels.ts: read and written there in place, never copied), or a JS array (copied out
 * of the stage in the forward and back in for the backward).
 */
export type Patches = Kept | Float64Array;

/**
 * convForward for a batch of one chunk (not pointwise), staged (see `stage` in kernels.ts): im2col
 * writes the patches into `patches` (a kept region, where the GEMM reads them in place) or into the
 * stage (then copied into the array `patches`); the GEMM's sums start at the bias and, with `relu`,
 * leave as relu(z) (its epilogue: gemmBiasRelu), written into the stage or into `into` — a kept
 * region, or a resident array (lying in the GEMM's memory: `inKernelMemory`); `out` receives them
 * where they lie (valid during the call only) and whether they went into `into`. The same sums as
 * convForward and relu's forward, so the same bits. Returns false, doing nothing, when no stage is
 * available (the JS kernel in use).
 */
export function convForwardStaged(
  x: Float64Array, K: Float64Array, bias: Float64Array | undefined, g: ConvGeometry, rows: number, patches: Patches,
  relu: boolean, into: Kept | Float64Array | undefined, out: (z: Float64Array, inRegion: boolean) => void,
): boolean {
  const F = g.filters;
  const size = rows * patchSize(g);
  const inStage = patches instanceof Float64Array;
  const zAt = inStage ? even(size) : 0;
  const xAt = zAt + even(rows * F);
  const geoAt = xAt + even(x.length);
  const ws = stage(geoAt + GEO);
  if (!ws) return false;
  try {
    const c = inStage ? ws.subarray(0, size) : kept(patches)!.subarray(0, size);
    const place = (): Float64Array | undefined => (into instanceof Float64Array ? (inKernelMemory(into) ? into : undefined) : into && kept(into));
    const region = place();
    // im2col in WebAssembly from x where it lies (a resident array) or a copy of it beside the patches
    const xs = inKernelMemory(x) ? x : ws.subarray(xAt, xAt + x.length);
    if (xs !== x) xs.set(x);
    patchesStaged(xs, g, rows, c, false, ws.subarray(geoAt, geoAt + GEO));
    const z = () => (region ? place()! : staged().subarray(zAt)).subarray(0, rows * F);
    gemmBiasRelu(false, false, rows, F, patchSize(g), c, K, z(), bias, relu);
    if (inStage) patches.set(staged().subarray(0, size));
    out(z(), region !== undefined);
  } finally {
    unstage();
  }
  return true;
}

/** Writes dz = ∂L/∂z into the stage, using `scratch` doubles of stage memory beside it. */
export interface DzWriter {
  readonly scratch: number;
  write(dz: Float64Array, scratch: Float64Array): void;
}

/**
 * convBackward for a batch of one chunk (not pointwise), staged: `writeDz` writes dz = ∂L/∂z into
 * the stage (with its scratch space there), where both GEMMs read it: ∂L/∂K = colsᵀ·dz, then (when `dx` is given) ∂L/∂cols = dz·Kᵀ
 * written over the patches, which col2im reads where they lie. The patches are the forward's:
 * in place in a kept region, copied in from an array, or — when the region was lost or overwritten
 * (`patches` undefined) — made again from x by im2col. The same products as convBackward. Returns
 * false, doing nothing, when no stage is available; else whether `patches` still holds the patches
 * (a region is overwritten when ∂L/∂x is computed; an array never is).
 */
export function convBackwardStaged(
  x: Float64Array, K: Float64Array, g: ConvGeometry, rows: number, writeDz: DzWriter, dK: Float64Array,
  dx: Float64Array | undefined, patches: Patches | undefined,
): { kept: boolean } | false {
  const F = g.filters;
  const P = patchSize(g);
  const size = rows * P;
  const resident = patches !== undefined && !(patches instanceof Float64Array) && kept(patches) !== undefined;
  const inStage = !resident;
  const colsAt = even(rows * F);
  // stage: dz | the patches (unless kept) or writeDz's scratch | ∂L/∂x (col2im's, unless dx is resident) | the geometry
  const dxAt = colsAt + even(Math.max(inStage ? size : 0, writeDz.scratch));
  const dxIn = dx !== undefined && inKernelMemory(dx);
  const geoAt = dxAt + (dx && !dxIn ? even(x.length) : 0);
  const ws = stage(geoAt + GEO);
  if (!ws) return false;
  try {
    writeDz.write(ws.subarray(0, rows * F), ws.subarray(colsAt, colsAt + writeDz.scratch));
    const region = resident ? kept(patches as Kept) : undefined;
    const c = region ? region.subarray(0, size) : ws.subarray(colsAt, colsAt + size);
    if (!region) {
      if (patches instanceof Float64Array) c.set(patches.length === size ? patches : patches.subarray(0, size));
      else im2col(x, g, 0, rows, c);
    }
    gemm(true, false, P, F, rows, c, ws.subarray(0, rows * F), dK);
    if (!dx) return { kept: region !== undefined || patches instanceof Float64Array };
    const place = () => (region ? kept(patches as Kept)! : staged().subarray(colsAt)).subarray(0, size);
    gemm(false, true, rows, P, F, staged().subarray(0, rows * F), K, place());
    const now = staged();
    const dxs = dxIn ? dx : now.subarray(dxAt, dxAt + x.length);
    dxs.fill(0);
    patchesStaged(dxs, g, rows, place(), true, now.subarray(geoAt, geoAt + GEO));
    if (!dxIn) dx.set(dxs);
    return { kept: patches instanceof Float64Array };
  } finally {
    unstage();
  }
}

/**
 * relu's backward and the bias gradient in one pass over an m×n dz: dz = dy where z > 0, else
 * dy·0 (as relu.backward; written dy·1 or dy·0, the same bits without a branch), and, when `db`
 * is given, db[j] = Σ_i dz[i, j] summed in i order from 0 (as sumRows). `z` may be y = relu(z)
 * as well: y > 0 exactly where z > 0 (NaN gives y = 0).
 */
export function reluBackwardSum(z: Float64Array, dy: Float64Array, dz: Float64Array, m: number, n: number, db?: Float64Array): void {
  if (!db) {
    for (let i = 0, end = m * n; i < end; i++) {
      dz[i] = dy[i]! * +(z[i]! > 0);
    }
    return;
  }
  // Four columns at a time in local sums (as sumRows), each over i in order.
  const end = m * n;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let o = j; o < end; o += n) {
      const v0 = dy[o]! * +(z[o]! > 0);
      const v1 = dy[o + 1]! * +(z[o + 1]! > 0);
      const v2 = dy[o + 2]! * +(z[o + 2]! > 0);
      const v3 = dy[o + 3]! * +(z[o + 3]! > 0);
      dz[o] = v0; dz[o + 1] = v1; dz[o + 2] = v2; dz[o + 3] = v3;
      s0 += v0; s1 += v1; s2 += v2; s3 += v3;
    }
    db[j] = s0; db[j + 1] = s1; db[j + 2] = s2; db[j + 3] = s3;
  }
  for (; j < n; j++) {
    let s = 0;
    for (let o = j; o < end; o += n) {
      const v = dy[o]! * +(z[o]! > 0);
      dz[o] = v;
      s += v;
    }
    db[j] = s;
  }
}

/**
 * A DzWriter for relu (y = relu(z)): dz = dy·[y > 0] and, with `db`, db[j] = Σ_i dz[i, j] in row
 * order, computed in the stage (WebAssembly SIMD) from y and dy where they lie in the GEMM's memory
 * (resident arrays; y also where the forward kept it, `yKept`, when still there) or copies: the
 * bits of reluBackwardSum.
 */
export function reluDz(y: Float64Array, dy: Float64Array, m: number, n: number, db: Float64Array | undefined, yKept?: Kept): DzWriter {
  const size = m * n;
  return {
    scratch: 2 * even(size) + n,
    write(dz, scratch) {
      const yk = inKernelMemory(y) ? y : yKept && kept(yKept);
      const ys = yk ? yk.subarray(0, size) : scratch.subarray(0, size);
      const dyIn = inKernelMemory(dy);
      const dys = dyIn ? dy.subarray(0, size) : scratch.subarray(even(size), even(size) + size);
      const dbs = scratch.subarray(2 * even(size), 2 * even(size) + n);
      if (!yk) ys.set(y.length === size ? y : y.subarray(0, size));
      if (!dyIn) dys.set(dy.length === size ? dy : dy.subarray(0, size));
      reluBackwardStaged(ys, dys, dz, m, n, db ? dbs : undefined);
      db?.set(dbs);
    },
  };
}
