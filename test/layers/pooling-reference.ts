/**
 * A naive pooling written from the rules of docs/specification.md §11, independent of
 * src/tensor/pool.ts: one output at a time, each window listed cell by cell in row-major window
 * order. Used by the pooling tests as the reference for forward values and for where the
 * gradient goes.
 */

export type Pad = 'valid' | 'same';

/**
 * One axis: `valid` out = ⌊(in − k)/s⌋ + 1, `same` out = ⌈in/s⌉ with total padding
 * P = max((out − 1)s + k − in, 0), ⌊P/2⌋ of it before the first cell.
 */
export function refAxis(inSize: number, k: number, s: number, padding: Pad): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((inSize - k) / s) + 1, before: 0 };
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  return { out, before: Math.floor(total / 2) };
}

export interface RefPool {
  /** Output shape [n, outH, outW, c]. */
  shape: number[];
  /** Output values, row-major. */
  y: number[];
  /** For each output, the flat input indices of its window inside the image, in row-major window order. */
  cells: number[][];
  /** For max pooling: the flat input index of the first maximum of each window. */
  argmax: number[];
}

/**
 * Pools x ([n, h, w, c], flat row-major) with window [kh, kw], strides [sh, sw]: `max` treats cells
 * outside the image as −∞ (and keeps the first of equal maxima: a later value must be strictly
 * larger to replace it); `avg` divides by the number of cells inside the image.
 */
export function refPool2d(
  x: ArrayLike<number>, [n, h, w, c]: readonly number[], [kh, kw]: readonly number[], [sh, sw]: readonly number[], padding: Pad, mode: 'max' | 'avg',
): RefPool {
  const rows = refAxis(h!, kh!, sh!, padding);
  const cols = refAxis(w!, kw!, sw!, padding);
  const out: RefPool = { shape: [n!, rows.out, cols.out, c!], y: [], cells: [], argmax: [] };
  for (let b = 0; b < n!; b++) {
    for (let i = 0; i < rows.out; i++) {
      for (let j = 0; j < cols.out; j++) {
        for (let ch = 0; ch < c!; ch++) {
          const cells: number[] = [];
          for (let a = 0; a < kh!; a++) {
            for (let q = 0; q < kw!; q++) {
              const r = i * sh! + a - rows.before;
              const col = j * sw! + q - cols.before;
              if (r >= 0 && r < h! && col >= 0 && col < w!) cells.push(((b * h! + r) * w! + col) * c! + ch);
            }
          }
          let best = -Infinity;
          let at = -1;
          let sum = 0;
          for (const p of cells) {
            sum += x[p]!;
            if (x[p]! > best) {
              best = x[p]!;
              at = p;
            }
          }
          out.y.push(mode === 'max' ? best : sum / cells.length);
          out.cells.push(cells);
          out.argmax.push(at);
        }
      }
    }
  }
  return out;
}

/** The input gradient the rules give for upstream `u`: max → all of u to the first maximum; avg → u/|W| to each cell. */
export function refBackward(ref: RefPool, u: ArrayLike<number>, inputSize: number, mode: 'max' | 'avg'): number[] {
  const dx = new Array<number>(inputSize).fill(0);
  ref.cells.forEach((cells, o) => {
    if (mode === 'max') dx[ref.argmax[o]!]! += u[o]!;
    else for (const p of cells) dx[p]! += u[o]! / cells.length;
  });
  return dx;
}
