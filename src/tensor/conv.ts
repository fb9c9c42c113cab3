import { gemm } from './kernels.js';

/**
 * Convolution kernels on flat channels-last buffers (no validation: the layers check shapes at
 * build). A 2-D convolution of x [n, inH, inW, inC] with K [kh, kw, inC, filters] is one GEMM per
 * chunk of output positions (im2col):
 *
 *   cols[(n,i,j), (a,b,c)] = x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c]  (0 outside)
 *   z = cols · K                      (K read as the matrix [kh·kw·inC, filters]; z is NHWC)
 *   ∂L/∂K = colsᵀ · dz,   ∂L/∂cols = dz · Kᵀ,   ∂L/∂x = col2im(∂L/∂cols)
 *
 * A 1-D convolution is the same with inH = outH = kh = 1. The chunks split the rows (n, i, j) only,
 * and `gemm` continues each running sum in p order when it accumulates, so the results do not
 * depend on the chunk size: every chunking gives the bits of one GEMM over the whole batch.
 */

/** The sizes of one convolution; 1-D convolutions have inH = outH = kh = sh = dh = 1, padTop = 0. */
export interface ConvGeometry {
  /** Input height, width and channels. */
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  /** Output height and width (the output has `filters` channels). */
  readonly outH: number;
  readonly outW: number;
  readonly filters: number;
  /** Kernel size, strides and dilation rates along height and width. */
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Rows of zeros above and columns left of the image (the rest of `same` padding goes below/right). */
  readonly padTop: number;
  readonly padLeft: number;
}

/** Output length and leading padding along one axis (TensorFlow's rule for `same`). */
export interface AxisSize {
  /** `valid`: ⌊(in − ((k−1)d + 1))/s⌋ + 1 (≤ 0 when the kernel does not fit); `same`: ⌈in/s⌉. */
  out: number;
  /** ⌊P/2⌋ with P = max((out − 1)s + (k−1)d + 1 − in, 0) for `same`; 0 for `valid`. */
  padBefore: number;
  /** P (0 for `valid`). */
  padTotal: number;
}

/** The output size of a convolution along one axis of length `size`. */
export function convAxis(size: number, k: number, stride: number, dilation: number, padding: 'valid' | 'same'): AxisSize {
  const extent = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((size - extent) / stride) + 1, padBefore: 0, padTotal: 0 };
  const out = Math.ceil(size / stride);
  const padTotal = Math.max((out - 1) * stride + extent - size, 0);
  return { out, padBefore: Math.floor(padTotal / 2), padTotal };
}

/** The length of a row of cols: kh·kw·inC. */
export const patchSize = (g: ConvGeometry): number => g.kh * g.kw * g.inC;

/** True when cols is x itself (a 1×1 kernel, stride 1, no padding): no im2col needed. */
export const isPointwise = (g: ConvGeometry): boolean =>
  g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;

/** dst[d + t] = src[s + t] for t < len, four at a time (measured twice as fast as one at a time). */
function copyRun(src: Float64Array, s: number, dst: Float64Array, d: number, len: number): void {
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    const v0 = src[s + t]!, v1 = src[s + t + 1]!, v2 = src[s + t + 2]!, v3 = src[s + t + 3]!;
    dst[d + t] = v0; dst[d + t + 1] = v1; dst[d + t + 2] = v2; dst[d + t + 3] = v3;
  }
  for (; t < len; t++) dst[d + t] = src[s + t]!;
}

/** dst[d + t] += src[s + t] for t < len, four at a time (each element's one addition, as before). */
function addRun(src: Float64Array, s: number, dst: Float64Array, d: number, len: number): void {
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    const v0 = dst[d + t]! + src[s + t]!, v1 = dst[d + t + 1]! + src[s + t + 1]!;
    const v2 = dst[d + t + 2]! + src[s + t + 2]!, v3 = dst[d + t + 3]! + src[s + t + 3]!;
    dst[d + t] = v0; dst[d + t + 1] = v1; dst[d + t + 2] = v2; dst[d + t + 3] = v3;
  }
  for (; t < len; t++) dst[d + t]! += src[s + t]!;
}

/**
 * cols[r − r0, :] for the output positions r ∈ [r0, r1) (r = (n·outH + i)·outW + j): each row the
 * patch under output (n, i, j) in (a, b, c) order, zeros where it leaves the image. Whole output
 * rows whose patches all lie inside the image are copied a kernel row at a time along j (the same
 * values, fewer steps); the other positions one by one.
 */
export function im2col(x: Float64Array, g: ConvGeometry, r0: number, r1: number, cols: Float64Array): void {
  const { inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const across = dw === 1 && padLeft === 0 && (outW - 1) * sw + kw <= inW;
  if (!across || r0 % outW !== 0 || r1 % outW !== 0) return im2colPositions(x, g, r0, r1, cols, 0);
  const P = patchSize(g);
  for (let r = r0; r < r1; r += outW) {
    const y0 = (Math.floor(r / outW) % outH) * sh - padTop;
    if (y0 < 0 || y0 + (kh - 1) * dh >= inH) im2colPositions(x, g, r, r + outW, cols, (r - r0) * P);
    else im2colRow(x, g, (Math.floor(r / (outW * outH)) * inH + y0) * inW * inC, cols, (r - r0) * P);
  }
}

/** The patches of one output row inside the image (its first input value at x[src]) into cols from o. */
function im2colRow(x: Float64Array, g: ConvGeometry, src: number, cols: Float64Array, o: number): void {
  const kwc = g.kw * g.inC;
  const P = g.kh * kwc;
  const step = g.sw * g.inC;
  const outW = g.outW;
  for (let a = 0; a < g.kh; a++) {
    const s0 = src + a * g.dh * g.inW * g.inC;
    if (kwc === 3) {
      for (let j = 0, s = s0, d = o + a * 3; j < outW; j++, s += step, d += P) {
        cols[d] = x[s]!;
        cols[d + 1] = x[s + 1]!;
        cols[d + 2] = x[s + 2]!;
      }
    } else {
      for (let j = 0, s = s0, d = o + a * kwc; j < outW; j++, s += step, d += P) {
        copyRun(x, s, cols, d, kwc);
      }
    }
  }
}

/** im2col position by position, writing cols from index o. */
function im2colPositions(x: Float64Array, g: ConvGeometry, r0: number, r1: number, cols: Float64Array, o: number): void {
  const { inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const rowW = inW * inC;
  const kwc = kw * inC;
  let j = r0 % outW;
  let i = Math.floor(r0 / outW) % outH;
  let n = Math.floor(r0 / (outW * outH));
  for (let r = r0; r < r1; r++) {
    const sample = n * inH * rowW;
    const x0 = j * sw - padLeft;
    // With dilation 1 and the kernel row inside the image, a patch row is kw·inC contiguous values.
    const whole = dw === 1 && x0 >= 0 && x0 + kw <= inW;
    const y0 = i * sh - padTop;
    if (whole && y0 >= 0 && y0 + (kh - 1) * dh < inH) {
      // The whole patch inside the image: kh runs of kw·inC contiguous values.
      const step = dh * rowW;
      if (kwc === 3) {
        for (let a = 0, src = sample + y0 * rowW + x0 * inC; a < kh; a++, src += step, o += 3) {
          cols[o] = x[src]!;
          cols[o + 1] = x[src + 1]!;
          cols[o + 2] = x[src + 2]!;
        }
      } else {
        for (let a = 0, src = sample + y0 * rowW + x0 * inC; a < kh; a++, src += step, o += kwc) {
          copyRun(x, src, cols, o, kwc);
        }
      }
    } else for (let a = 0; a < kh; a++) {
      const y = y0 + a * dh;
      if (y < 0 || y >= inH) {
        for (let t = 0; t < kwc; t++) cols[o + t] = 0;
      } else if (whole) {
        const src = sample + y * rowW + x0 * inC;
        copyRun(x, src, cols, o, kwc);
      } else {
        const line = sample + y * rowW;
        for (let b = 0; b < kw; b++) {
          const xx = x0 + b * dw;
          const ob = o + b * inC;
          if (xx < 0 || xx >= inW) for (let c = 0; c < inC; c++) cols[ob + c] = 0;
          else for (let c = 0, src = line + xx * inC; c < inC; c++) cols[ob + c] = x[src + c]!;
        }
      }
      o += kwc;
    }
    if (++j === outW) {
      j = 0;
      if (++i === outH) {
        i = 0;
        n++;
      }
    }
  }
}

/** dx[patch of r] += dcols[r − r0, :] for r ∈ [r0, r1): the adjoint of im2col (dx is not cleared). */
export function col2im(dcols: Float64Array, g: ConvGeometry, r0: number, r1: number, dx: Float64Array): void {
  const { inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const rowW = inW * inC;
  const kwc = kw * inC;
  let j = r0 % outW;
  let i = Math.floor(r0 / outW) % outH;
  let n = Math.floor(r0 / (outW * outH));
  let o = 0;
  for (let r = r0; r < r1; r++) {
    const sample = n * inH * rowW;
    const x0 = j * sw - padLeft;
    const whole = dw === 1 && x0 >= 0 && x0 + kw <= inW;
    const y0 = i * sh - padTop;
    if (whole && y0 >= 0 && y0 + (kh - 1) * dh < inH) {
      // The whole patch inside the image: kh runs of kw·inC contiguous values.
      for (let a = 0, dst = sample + y0 * rowW + x0 * inC; a < kh; a++, dst += dh * rowW, o += kwc) {
        addRun(dcols, o, dx, dst, kwc);
      }
    } else for (let a = 0; a < kh; a++) {
      const y = y0 + a * dh;
      if (y >= 0 && y < inH) {
        if (whole) {
          const dst = sample + y * rowW + x0 * inC;
          addRun(dcols, o, dx, dst, kwc);
        } else {
          const line = sample + y * rowW;
          for (let b = 0; b < kw; b++) {
            const xx = x0 + b * dw;
            if (xx < 0 || xx >= inW) continue;
            for (let c = 0, ob = o + b * inC, dst = line + xx * inC; c < inC; c++) dx[dst + c]! += dcols[ob + c]!;
          }
        }
      }
      o += kwc;
    }
    if (++j === outW) {
      j = 0;
      if (++i === outH) {
        i = 0;
        n++;
      }
    }
  }
}

/**
 * Output positions per chunk: the cols of a chunk hold at most CHUNK_DOUBLES values (16 MiB), so
 * a layer's work space stays bounded whatever the batch, and WebAssembly's copy of it stays well
 * under the memory the GEMM keeps (WASM_KEEP_BYTES). Below that the forward's patches are kept for
 * the backward pass (measured faster than smaller, cache-sized chunks that im2col again there). The
 * results do not depend on it (see above).
 */
export const CHUNK_DOUBLES = 2 ** 21;

/** The number of output positions a chunk holds for this geometry (at least 1). */
export function chunkRows(g: ConvGeometry): number {
  return Math.max(1, Math.floor(CHUNK_DOUBLES / Math.max(patchSize(g), g.filters)));
}

/** z[r, f] = b[f] for r < rows: the first row, then doubling copies (log₂ rows native copies, fast for few filters). */
export function fillBias(z: Float64Array, b: Float64Array, rows: number, filters: number): void {
  if (rows === 0) return;
  for (let f = 0; f < filters; f++) z[f] = b[f]!;
  const total = rows * filters;
  for (let done = filters; done < total; done *= 2) z.copyWithin(done, 0, Math.min(done, total - done));
}

const view = (a: Float64Array, from: number, to: number): Float64Array => (from === 0 && to === a.length ? a : a.subarray(from, to));

/**
 * z = conv(x, K) for `rows` = n·outH·outW output positions, added onto z's values when
 * `accumulate` (z filled with the bias). `cols` holds one chunk.
 */
export function convForward(
  x: Float64Array, K: Float64Array, g: ConvGeometry, rows: number, z: Float64Array, cols: Float64Array, accumulate: boolean,
): void {
  const F = g.filters;
  const P = patchSize(g);
  const pointwise = isPointwise(g);
  const step = chunkRows(g);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    let a: Float64Array;
    if (pointwise) a = view(x, r0 * P, r1 * P);
    else {
      im2col(x, g, r0, r1, cols);
      a = cols;
    }
    gemm(false, false, r1 - r0, F, P, a, K, view(z, r0 * F, r1 * F), accumulate);
  }
}

/**
 * From dz = ∂L/∂z: ∂L/∂K into `dK` (overwritten) and, when `dx` is given, ∂L/∂x into it
 * (overwritten). `cols` holds the forward's patches when `colsKept` (one chunk), else it is work
 * space of one chunk; once a chunk's ∂L/∂K is added, its patches are no longer needed and ∂L/∂cols
 * is written over them. Returns whether `cols` still holds the patches.
 */
export function convBackward(
  x: Float64Array, K: Float64Array, g: ConvGeometry, rows: number, dz: Float64Array, dK: Float64Array,
  dx: Float64Array | undefined, cols: Float64Array, colsKept: boolean,
): boolean {
  const F = g.filters;
  const P = patchSize(g);
  const pointwise = isPointwise(g);
  const step = chunkRows(g);
  if (dx && !pointwise) dx.fill(0);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    const dzc = view(dz, r0 * F, r1 * F);
    let a: Float64Array;
    if (pointwise) a = view(x, r0 * P, r1 * P);
    else {
      if (!colsKept) im2col(x, g, r0, r1, cols);
      a = cols;
    }
    gemm(true, false, P, F, r1 - r0, a, dzc, dK, r0 > 0);
    if (!dx) continue;
    if (pointwise) gemm(false, true, r1 - r0, P, F, dzc, K, view(dx, r0 * P, r1 * P));
    else {
      gemm(false, true, r1 - r0, P, F, dzc, K, cols);
      col2im(cols, g, r0, r1, dx);
      colsKept = false;
    }
  }
  return colsKept;
}
