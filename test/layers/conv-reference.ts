/**
 * Reference implementations for the convolution tests, written from the equations of
 * docs/specification.md §11 as plain loops (no im2col, no GEMM), and a numerical gradient check
 * of a single layer.
 */
import { Layer, Random, Tensor, numericalGradient, relativeError } from '../../src/index.js';

/** Output length and leading padding along one axis, from the specification's formulas. */
export function axis(size: number, k: number, s: number, d: number, padding: 'valid' | 'same'): { out: number; before: number } {
  const extent = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.floor((size - extent) / s) + 1, before: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + extent - size, 0);
  return { out, before: Math.floor(total / 2) };
}

export interface Conv2DCase {
  n: number; h: number; w: number; c: number; f: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  padding: 'valid' | 'same';
}

/**
 * y[n,i,j,f] = b[f] + Σ_{a,b,c} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c]·K[a,b,c,f]
 * (terms outside the image are 0), with x NHWC and K [kh, kw, c, f]; also returns Σ|terms| per
 * output (the scale of its rounding error).
 */
export function naiveConv2D(x: Float64Array, K: Float64Array, b: Float64Array | undefined, p: Conv2DCase): { y: Float64Array; scale: Float64Array; shape: number[] } {
  const H = axis(p.h, p.kh, p.sh, p.dh, p.padding);
  const W = axis(p.w, p.kw, p.sw, p.dw, p.padding);
  const y = new Float64Array(p.n * H.out * W.out * p.f);
  const scale = new Float64Array(y.length);
  for (let n = 0; n < p.n; n++) {
    for (let i = 0; i < H.out; i++) {
      for (let j = 0; j < W.out; j++) {
        for (let f = 0; f < p.f; f++) {
          let s = b ? b[f]! : 0;
          let abs = Math.abs(s);
          for (let a = 0; a < p.kh; a++) {
            for (let bb = 0; bb < p.kw; bb++) {
              const yy = i * p.sh + a * p.dh - H.before;
              const xx = j * p.sw + bb * p.dw - W.before;
              if (yy < 0 || yy >= p.h || xx < 0 || xx >= p.w) continue;
              for (let c = 0; c < p.c; c++) {
                const t = x[((n * p.h + yy) * p.w + xx) * p.c + c]! * K[((a * p.kw + bb) * p.c + c) * p.f + f]!;
                s += t;
                abs += Math.abs(t);
              }
            }
          }
          const o = ((n * H.out + i) * W.out + j) * p.f + f;
          y[o] = s;
          scale[o] = abs;
        }
      }
    }
  }
  return { y, scale, shape: [p.n, H.out, W.out, p.f] };
}

/** Uniform values in [−1, 1) from a seeded generator. */
export function randomValues(size: number, rng: Random): Float64Array {
  const a = new Float64Array(size);
  for (let i = 0; i < size; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Throws unless |a − e| ≤ 1e-13·(1 + scale) for every element (sums in another order). */
export function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= 1e-13 * (1 + scale[i]!))) {
      throw new Error(`${what}: [${i}] got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/**
 * The worst relative error (floor 1e-4, as gradCheck) between a built layer's backward pass and the five-point
 * numerical gradient of L = Σ y ⊙ r (r fixed random), for the input and every weight.
 */
export function layerGradientError(layer: Layer, x: Tensor, rng: Random): number {
  const out = layer.forward(x, true);
  const r = randomValues(out.size, rng);
  const loss = (): number => {
    const y = layer.forward(x, true).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
    return s;
  };
  layer.forward(x, true);
  const dx = layer.backward(new Tensor(r.slice(), out.shape), true)!.data.slice();
  const grads = layer.params.map((p) => p.grad.slice());
  let worst = 0;
  const compare = (analytic: Float64Array, numerical: Tensor) => {
    for (let i = 0; i < analytic.length; i++) worst = Math.max(worst, relativeError(analytic[i]!, numerical.data[i]!, 1e-4));
  };
  const xd = x.data;
  const x0 = xd.slice();
  compare(dx, numericalGradient((t) => (xd.set(t.data), loss()), new Tensor(x0, x.shape), { order: 4, epsilon: 1e-3 }));
  xd.set(x0);
  layer.params.forEach((p, k) => {
    const w = p.value.data;
    const w0 = w.slice();
    compare(grads[k]!, numericalGradient((t) => (w.set(t.data), loss()), new Tensor(w0, p.value.shape), { order: 4, epsilon: 1e-3 }));
    w.set(w0);
  });
  return worst;
}

/**
 * The adjoint of naiveConv2D for dz = ∂L/∂z: ∂L/∂K[a,b,c,f] = Σ_{n,i,j} x[n, i·sh + a·dh − padTop,
 * j·sw + b·dw − padLeft, c]·dz[n,i,j,f], ∂L/∂x the matching sum of K·dz, ∂L/∂b[f] = Σ dz[…, f].
 */
export function naiveConv2DBackward(x: Float64Array, K: Float64Array, dz: Float64Array, p: Conv2DCase): { dx: Float64Array; dK: Float64Array; db: Float64Array } {
  const H = axis(p.h, p.kh, p.sh, p.dh, p.padding);
  const W = axis(p.w, p.kw, p.sw, p.dw, p.padding);
  const dx = new Float64Array(x.length);
  const dK = new Float64Array(K.length);
  const db = new Float64Array(p.f);
  for (let n = 0; n < p.n; n++) {
    for (let i = 0; i < H.out; i++) {
      for (let j = 0; j < W.out; j++) {
        for (let f = 0; f < p.f; f++) {
          const g = dz[((n * H.out + i) * W.out + j) * p.f + f]!;
          db[f] += g;
          for (let a = 0; a < p.kh; a++) {
            for (let bb = 0; bb < p.kw; bb++) {
              const yy = i * p.sh + a * p.dh - H.before;
              const xx = j * p.sw + bb * p.dw - W.before;
              if (yy < 0 || yy >= p.h || xx < 0 || xx >= p.w) continue;
              for (let c = 0; c < p.c; c++) {
                const xi = ((n * p.h + yy) * p.w + xx) * p.c + c;
                const ki = ((a * p.kw + bb) * p.c + c) * p.f + f;
                dK[ki] += x[xi]! * g;
                dx[xi] += K[ki]! * g;
              }
            }
          }
        }
      }
    }
  }
  return { dx, dK, db };
}

/** Throws unless |a − e| ≤ tol·(1 + |e|) for every element. */
export function expectRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)))) throw new Error(`${what}: [${i}] got ${actual[i]}, expected ${expected[i]}`);
  }
}
