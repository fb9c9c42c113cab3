import { convAxis } from './conv.js';
import { inKernelMemory, stage, unstage } from './kernels.js';
import { even } from './wasm/layout.js';
import { wasmInt32, wasmMaxPool2x2, wasmMaxPoolScatter } from './wasm/passes.js';

/**
 * Pooling kernels on flat channels-last buffers: x is [rows, inH, inW, C], y is [rows, outH, outW, C].
 * Output (i, j) reads the window of rows i·sh − padTop … + kh − 1 and columns j·sw − padLeft … +
 * kw − 1, clipped to the image (cells outside it are padding: −∞ for max, left out of the average).
 * They write into given buffers and do no validation: the pooling layers (src/layers/pooling.ts)
 * check the shapes. A 1-D pooling is the 2-D one on [rows, steps, 1, C]; a global pooling is the
 * window of the whole image.
 */

/** Padding mode: `valid` (windows inside the input only) or `same` (output ⌈in/s⌉, padded). */
export type PoolPadding = 'valid' | 'same';

/** The geometry of a pooling over samples of one shape. */
export interface PoolGeometry {
  /** Input height. */
  readonly inH: number;
  /** Input width. */
  readonly inW: number;
  /** Channels (the last axis, pooled independently). */
  readonly channels: number;
  /** Window height. */
  readonly kh: number;
  /** Window width. */
  readonly kw: number;
  /** Step between windows down. */
  readonly sh: number;
  /** Step between windows across. */
  readonly sw: number;
  /** Output height. */
  readonly outH: number;
  /** Output width. */
  readonly outW: number;
  /** Padding rows above the image (the rest of `same` padding goes below). */
  readonly padTop: number;
  /** Padding columns left of the image (the rest goes right). */
  readonly padLeft: number;
}

/**
 * The geometry of a k = [kh, kw], s = [sh, sw] pooling of [inH, inW, channels] samples: the sizes
 * of a convolution with that kernel and dilation 1 (`convAxis`: `valid` ⌊(in − k)/s⌋ + 1, below 1
 * when the window does not fit; `same` ⌈in/s⌉ with TensorFlow's padding, ⌊P/2⌋ before).
 */
export function poolGeometry(input: readonly [number, number, number], k: readonly [number, number], s: readonly [number, number], padding: PoolPadding): PoolGeometry {
  const [inH, inW, channels] = input;
  const rows = convAxis(inH, k[0], s[0], 1, padding);
  const cols = convAxis(inW, k[1], s[1], 1, padding);
  return { inH, inW, channels, kh: k[0], kw: k[1], sh: s[0], sw: s[1], outH: rows.out, outW: cols.out, padTop: rows.padBefore, padLeft: cols.padBefore };
}

/**
 * y = the maximum of each window, per channel; `arg` receives the index in x of the value taken:
 * the first maximum in row-major window order (a later equal value does not replace it). A NaN in
 * a window gives NaN.
 */
export function maxPoolForward(x: Float64Array, y: Float64Array, arg: Int32Array, rows: number, g: PoolGeometry): void {
  const { inH, inW, kh, kw, sh, sw, outH, outW, padTop, padLeft } = g;
  const C = g.channels;
  // 2×2 windows at stride 2, all inside the image, an even number of channels: WebAssembly SIMD
  if (tiles2x2(g) && C % 2 === 0 && y.length === rows * outH * outW * C) {
    if (maxPool2x2Staged(x, y, arg, rows, inH, inW, C)) return;
  }
  const rowW = inW * C;
  let o = 0;
  // Per output cell: y and arg start at the window's first cell, then the other cells in row-major
  // order update them channel by channel (contiguous reads; per channel the same comparisons in the
  // same order as a window walk, so the same first maximum).
  for (let n = 0; n < rows; n++) {
    const xBase = n * inH * rowW;
    for (let i = 0; i < outH; i++) {
      const r = i * sh - padTop;
      const a0 = r > 0 ? r : 0;
      const a1 = Math.min(r + kh, inH);
      for (let j = 0; j < outW; j++, o += C) {
        const q = j * sw - padLeft;
        const b0 = q > 0 ? q : 0;
        const b1 = Math.min(q + kw, inW);
        const first = xBase + a0 * rowW + b0 * C;
        if (a1 - a0 === 2 && b1 - b0 === 2) {
          max2x2(x, y, arg, first, first + C, first + rowW, first + rowW + C, o, C);
          continue;
        }
        for (let c = 0; c < C; c++) {
          y[o + c] = x[first + c]!;
          arg[o + c] = first + c;
        }
        for (let a = a0; a < a1; a++) {
          for (let b = a === a0 ? b0 + 1 : b0; b < b1; b++) {
            const p = xBase + a * rowW + b * C;
            for (let c = 0; c < C; c++) {
              const v = x[p + c]!;
              const best = y[o + c]!;
              if (v > best || (v !== v && best === best)) {
                y[o + c] = v;
                arg[o + c] = p + c;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * maxPoolForward of one 2×2 window (cells p0, p1, p2, p3 in row-major order) for every channel,
 * without branches (relu's outputs make the comparisons unpredictable): a tournament — the first
 * row's winner, the second row's, then the two — where each match takes the later cell only when
 * it is greater or is NaN against a number (t = 0 or 1, the index moves by t·(q − at)). Ties stay
 * with the earlier cell and the first NaN wins: the window walk's first maximum, the same bits.
 */
function max2x2(x: Float64Array, y: Float64Array, arg: Int32Array, p0: number, p1: number, p2: number, p3: number, o: number, C: number): void {
  for (let c = 0; c < C; c++) {
    const v0 = x[p0 + c]!, v1 = x[p1 + c]!, v2 = x[p2 + c]!, v3 = x[p3 + c]!;
    const top = p0 + c + (+(v1 > v0) | (+(v1 !== v1) & +(v0 === v0))) * (p1 - p0);
    const bottom = p2 + c + (+(v3 > v2) | (+(v3 !== v3) & +(v2 === v2))) * (p3 - p2);
    const a = x[top]!, b = x[bottom]!;
    const at = top + (+(b > a) | (+(b !== b) & +(a === a))) * (bottom - top);
    y[o + c] = x[at]!;
    arg[o + c] = at;
  }
}

/** dx = 0, then each dy goes to the input its window's maximum came from: dx[arg[o]] += dy[o]. */
export function maxPoolBackward(dy: Float64Array, dx: Float64Array, arg: Int32Array, outSize: number, g?: PoolGeometry): void {
  if (g && tiles2x2(g) && outSize === dx.length / (g.inH * g.inW) * g.outH * g.outW) return maxPoolBackward2x2(dy, dx, arg, outSize);
  dx.fill(0);
  for (let o = 0; o < outSize; o++) dx[arg[o]!]! += dy[o]!;
}

/** 2×2 windows at stride 2 without padding: they tile the image (but for an odd last row or column). */
const tiles2x2 = (g: PoolGeometry): boolean =>
  g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH >> 1 && g.outW === g.inW >> 1;

/**
 * maxPoolBackward for windows that tile the image (tiles2x2): no two windows share a cell, so each
 * dy is written, not added, at its maximum's cell — 0 + dy, the bits of "fill 0, then add" — after
 * one fill of dx (a block fill, then a scatter that never reads dx back), in WebAssembly when that
 * kernel is in use (maxPoolScatterStaged).
 */
function maxPoolBackward2x2(dy: Float64Array, dx: Float64Array, arg: Int32Array, outSize: number): void {
  if (maxPoolScatterStaged(dy, dx, arg, outSize)) return;
  dx.fill(0);
  for (let o = 0; o < outSize; o++) dx[arg[o]!] = 0 + dy[o]!;
}

/** y = the mean of each window over the cells inside the image (padding is not counted). */
export function avgPoolForward(x: Float64Array, y: Float64Array, rows: number, g: PoolGeometry): void {
  const C = g.channels;
  let o = 0;
  for (let n = 0; n < rows; n++) {
    const xBase = n * g.inH * g.inW * C;
    for (let i = 0; i < g.outH; i++) {
      const r = i * g.sh - g.padTop;
      const a0 = r > 0 ? r : 0;
      const a1 = Math.min(r + g.kh, g.inH);
      for (let j = 0; j < g.outW; j++, o += C) {
        const q = j * g.sw - g.padLeft;
        const b0 = q > 0 ? q : 0;
        const b1 = Math.min(q + g.kw, g.inW);
        const count = (a1 - a0) * (b1 - b0);
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let a = a0; a < a1; a++) {
            for (let p = xBase + (a * g.inW + b0) * C + c, end = xBase + (a * g.inW + b1) * C; p < end; p += C) sum += x[p]!;
          }
          y[o + c] = sum / count;
        }
      }
    }
  }
}

/** dx = 0, then each dy is shared equally by the cells of its window inside the image: dx += dy/count. */
export function avgPoolBackward(dy: Float64Array, dx: Float64Array, rows: number, g: PoolGeometry): void {
  dx.fill(0);
  const C = g.channels;
  let o = 0;
  for (let n = 0; n < rows; n++) {
    const xBase = n * g.inH * g.inW * C;
    for (let i = 0; i < g.outH; i++) {
      const r = i * g.sh - g.padTop;
      const a0 = r > 0 ? r : 0;
      const a1 = Math.min(r + g.kh, g.inH);
      for (let j = 0; j < g.outW; j++, o += C) {
        const q = j * g.sw - g.padLeft;
        const b0 = q > 0 ? q : 0;
        const b1 = Math.min(q + g.kw, g.inW);
        const count = (a1 - a0) * (b1 - b0);
        for (let c = 0; c < C; c++) {
          const share = dy[o + c]! / count;
          for (let a = a0; a < a1; a++) {
            for (let p = xBase + (a * g.inW + b0) * C + c, end = xBase + (a * g.inW + b1) * C; p < end; p += C) dx[p]! += share;
          }
        }
      }
    }
  }
}

/**
 * 2×2 max pooling at stride 2 (every window inside the image, C even) of n images [inH, inW, C] in
 * WebAssembly SIMD: x, y and arg (indices into x) used in place when they lie in the GEMM's memory
 * (resident arrays), else through the stage (x copied in, y and arg out); false, doing nothing,
 * where the WebAssembly kernel is not in use. The bits of pool.ts's loop.
 */
function maxPool2x2Staged(x: Float64Array, y: Float64Array, arg: Int32Array, n: number, inH: number, inW: number, C: number): boolean {
  const xLen = n * inH * inW * C;
  const yLen = y.length;
  const [xIn, yIn, argIn] = [inKernelMemory(x), inKernelMemory(y), inKernelMemory(arg)];
  // stage: x | y | arg, each only when it is not in the memory already
  const yAt = xIn ? 0 : even(xLen);
  const argAt = yAt + (yIn ? 0 : even(yLen));
  const ws = stage(argAt + (argIn ? 0 : Math.ceil(yLen / 2)) + 1);
  if (!ws) return false;
  try {
    const xs = xIn ? x : ws.subarray(0, xLen);
    if (!xIn) xs.set(x.length === xLen ? x : x.subarray(0, xLen));
    const ys = yIn ? y : ws.subarray(yAt, yAt + yLen);
    const argByte = argIn ? arg.byteOffset : ws.byteOffset + argAt * 8;
    wasmMaxPool2x2(xs, ys, argByte, n, inH, inW, C);
    if (!yIn) y.set(ys);
    if (!argIn) arg.set(wasmInt32(argByte, yLen));
  } finally {
    unstage();
  }
  return true;
}

/**
 * The backward of a max pooling whose windows share no cell: dx = 0, then dx[arg[o]] = 0 + dy[o]
 * for o < n, in WebAssembly — each operand in place when it lies in the GEMM's memory, else through
 * the stage (dy and arg copied in, dx out); false, doing nothing, where the WebAssembly kernel is
 * not in use. The bits of pool.ts's fill and scatter.
 */
function maxPoolScatterStaged(dy: Float64Array, dx: Float64Array, arg: Int32Array, n: number): boolean {
  const xLen = dx.length;
  const [dxIn, dyIn, argIn] = [inKernelMemory(dx), inKernelMemory(dy), inKernelMemory(arg)];
  // stage: dx | dy | arg, each only when it is not in the memory already
  const dyAt = dxIn ? 0 : even(xLen);
  const argAt = dyAt + (dyIn ? 0 : even(n));
  const ws = stage(argAt + (argIn ? 0 : Math.ceil(n / 2)) + 1);
  if (!ws) return false;
  try {
    const dxs = dxIn ? dx : ws.subarray(0, xLen);
    const dys = dyIn ? dy : ws.subarray(dyAt, dyAt + n);
    dxs.fill(0);
    if (!dyIn) dys.set(dy.length === n ? dy : dy.subarray(0, n));
    const argByte = argIn ? arg.byteOffset : ws.byteOffset + argAt * 8;
    if (!argIn) wasmInt32(argByte, n).set(arg.length === n ? arg : arg.subarray(0, n));
    wasmMaxPoolScatter(dys, argByte, n, dxs);
    if (!dxIn) dx.set(dxs);
  } finally {
    unstage();
  }
  return true;
}
