/**
 * The pooling layers' backward pass (docs/specification.md §11). Average pooling: backpropagation
 * against central differences. Max pooling: the exact routing rule — all of ∂L/∂y to the FIRST
 * maximum in row-major window order — on inputs full of ties, against the naive reference of
 * ./pooling-reference.ts; and against central differences away from ties. fast-check with fixed
 * seeds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Layer, MaxPooling1D, MaxPooling2D, Random, Tensor, numericalGradient,
} from '../../src/index.js';
import { Pad, RefPool, refAxis, refBackward, refPool2d } from './pooling-reference.js';

function built<L extends Layer>(layer: L, inputShape: number[]): L {
  layer.name = 'pool';
  layer.build(inputShape, new Random(1));
  return layer;
}

const size = (shape: readonly number[]) => shape.reduce((p, k) => p * k, 1);

function values(n: number, seed: number, draw: (r: Random) => number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => draw(rng));
}

/** L = Σ y·u: backward(u) is ∂L/∂x. The analytic gradient, and the numerical one by central differences. */
function gradients(layer: Layer, x: Tensor, u: Float64Array): { analytic: number[]; numerical: number[] } {
  layer.forward(x, true);
  const analytic = Array.from(layer.backward(new Tensor(u, layer.forward(x, true).shape), true)!.data);
  const loss = (t: Tensor) => {
    const y = layer.forward(t, true).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * u[i]!;
    return s;
  };
  return { analytic, numerical: Array.from(numericalGradient(loss, x, { epsilon: 1e-6 }).data) };
}

/** |a − n| ≤ 1e-7·max(1, |a|, |n|): far above the rounding of a difference quotient of a piecewise-linear L. */
function expectGradClose(analytic: number[], numerical: number[]): void {
  const bad = analytic.flatMap((a, i) => (Math.abs(a - numerical[i]!) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(numerical[i]!)) ? [] : [`[${i}] ${a} vs ${numerical[i]}`]));
  expect(bad).toEqual([]);
}

/** The smallest gap between a window's maximum and any other value in it (Infinity for one-cell windows). */
function tieMargin(ref: RefPool, x: ArrayLike<number>): number {
  let margin = Infinity;
  ref.cells.forEach((cells, o) => {
    for (const p of cells) if (p !== ref.argmax[o]) margin = Math.min(margin, ref.y[o]! - x[p]!);
  });
  return margin;
}

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  c: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 5 }),
  sw: fc.integer({ min: 1, max: 5 }),
  padding: fc.constantFrom<Pad>('valid', 'same'),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
}).filter(({ h, w, kh, kw, sh, sw, padding }) => refAxis(h, kh, sh, padding).out >= 1 && refAxis(w, kw, sw, padding).out >= 1);

describe('AveragePooling2D and GlobalAveragePooling2D: analytic = numerical gradient', () => {
  it('AveragePooling2D on random geometries (same: border windows divide by the cells inside), fixed seed', () => {
    fc.assert(
      fc.property(geometry, ({ n, h, w, c, kh, kw, sh, sw, padding, seed }) => {
        const layer = built(new AveragePooling2D({ poolSize: [kh, kw], strides: [sh, sw], padding }), [h, w, c]);
        const x = new Tensor(values(n * h * w * c, seed, (r) => r.uniform(-2, 2)), [n, h, w, c]);
        const u = values(n * size(layer.outputShape), seed + 1, (r) => r.uniform(-1, 1));
        const { analytic, numerical } = gradients(layer, x, u);
        expectGradClose(analytic, numerical);
        // And it is the rule itself: u/|W| to each cell of each window.
        const ref = refPool2d(x.data, x.shape, [kh, kw], [sh, sw], padding, 'avg');
        expectGradClose(analytic, refBackward(ref, u, x.size, 'avg'));
      }),
      { seed: 4242, numRuns: 120 },
    );
  });

  it('GlobalAveragePooling2D: ∂L/∂x = u/(h·w) everywhere', () => {
    const layer = built(new GlobalAveragePooling2D(), [3, 4, 2]);
    const x = new Tensor(values(2 * 24, 5, (r) => r.uniform(-2, 2)), [2, 3, 4, 2]);
    const u = Float64Array.from([1, -2, 0.5, 3]);
    const { analytic, numerical } = gradients(layer, x, u);
    expectGradClose(analytic, numerical);
    expect(analytic).toEqual(Array.from({ length: 48 }, (_v, i) => u[Math.floor(i / 24) * 2 + (i % 2)]! / 12));
  });
});

describe('max pooling routes the gradient to the first maximum in row-major window order', () => {
  it('by hand: a window [[1, 3], [3, 2]] sends it to (0, 1) — column-major order would pick (1, 0)', () => {
    const layer = built(new MaxPooling2D(), [2, 2, 1]);
    const x = new Tensor(Float64Array.from([1, 3, 3, 2]), [1, 2, 2, 1]);
    expect(Array.from(layer.forward(x, true).data)).toEqual([3]);
    expect(Array.from(layer.backward(new Tensor(Float64Array.from([5]), [1, 1, 1, 1]), true)!.data)).toEqual([0, 5, 0, 0]);
    // Four equal values: the first cell takes it all.
    layer.forward(new Tensor(Float64Array.from([7, 7, 7, 7]), [1, 2, 2, 1]), true);
    expect(Array.from(layer.backward(new Tensor(Float64Array.from([5]), [1, 1, 1, 1]), true)!.data)).toEqual([5, 0, 0, 0]);
  });

  it('by hand: overlapping windows that share their maximum add their gradients there', () => {
    const layer = built(new MaxPooling2D({ poolSize: [1, 2], strides: 1 }), [1, 3, 1]);
    layer.forward(new Tensor(Float64Array.from([1, 5, 2]), [1, 1, 3, 1]), true);
    expect(Array.from(layer.backward(new Tensor(Float64Array.from([0.25, 2]), [1, 1, 2, 1]), true)!.data)).toEqual([0, 2.25, 0]);
  });

  it('by hand: GlobalMaxPooling2D and MaxPooling1D take the first of equal maxima too', () => {
    const g = built(new GlobalMaxPooling2D(), [2, 2, 2]);
    // Channel 0: 4 at (0, 1) and (1, 0); channel 1: 9 at (0, 0) and (1, 1).
    g.forward(new Tensor(Float64Array.from([1, 9, 4, 0, 4, 3, 2, 9]), [1, 2, 2, 2]), true);
    expect(Array.from(g.backward(new Tensor(Float64Array.from([1, 2]), [1, 2]), true)!.data)).toEqual([0, 2, 1, 0, 0, 0, 0, 0]);
    const p = built(new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }), [5, 1]);
    // same: out 3, P = max(2·2 + 3 − 5, 0) = 2, one step before; windows [pad, 2, 2], [2, 6, 6], [6, 1, pad].
    p.forward(new Tensor(Float64Array.from([2, 2, 6, 6, 1]), [1, 5, 1]), true);
    expect(Array.from(p.backward(new Tensor(Float64Array.from([1, 10, 100]), [1, 3, 1]), true)!.data)).toEqual([1, 0, 10, 100, 0]);
  });

  it('MaxPooling2D on random geometries with ties everywhere (values from {0, 1, 2}): = the rule, exactly', () => {
    fc.assert(
      fc.property(geometry, ({ n, h, w, c, kh, kw, sh, sw, padding, seed }) => {
        const layer = built(new MaxPooling2D({ poolSize: [kh, kw], strides: [sh, sw], padding }), [h, w, c]);
        const x = new Tensor(values(n * h * w * c, seed, (r) => Math.floor(r.uniform(0, 3))), [n, h, w, c]);
        const ref = refPool2d(x.data, x.shape, [kh, kw], [sh, sw], padding, 'max');
        expect(Array.from(layer.forward(x, true).data)).toEqual(ref.y);
        const u = values(ref.y.length, seed + 1, (r) => r.uniform(-1, 1));
        expect(Array.from(layer.backward(new Tensor(u, ref.shape), true)!.data)).toEqual(refBackward(ref, u, x.size, 'max'));
      }),
      { seed: 31337, numRuns: 300 },
    );
  });

  it('MaxPooling1D and GlobalMaxPooling2D with ties: = the rule, exactly (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<Pad>('valid', 'same'), fc.integer({ min: 0, max: 1e6 }),
        (steps, c, k, s, padding, seed) => {
          const x = new Tensor(values(2 * steps * c, seed, (r) => Math.floor(r.uniform(0, 2))), [2, steps, c]);
          const u = (m: number) => values(m, seed + 1, (r) => r.uniform(-1, 1));
          const g = built(new GlobalMaxPooling2D(), [steps, 1, c]);
          const gx = new Tensor(x.data, [2, steps, 1, c]);
          const gref = refPool2d(gx.data, gx.shape, [steps, 1], [1, 1], 'valid', 'max');
          expect(Array.from(g.forward(gx, true).data)).toEqual(gref.y);
          const gu = u(2 * c);
          expect(Array.from(g.backward(new Tensor(gu, [2, c]), true)!.data)).toEqual(refBackward(gref, gu, gx.size, 'max'));
          if (refAxis(steps, k, s, padding).out < 1) return;
          const p = built(new MaxPooling1D({ poolSize: k, strides: s, padding }), [steps, c]);
          const ref = refPool2d(x.data, [2, steps, 1, c], [k, 1], [s, 1], padding, 'max');
          expect(Array.from(p.forward(x, true).data)).toEqual(ref.y);
          const pu = u(ref.y.length);
          expect(Array.from(p.backward(new Tensor(pu, [2, ref.shape[1]!, c]), true)!.data)).toEqual(refBackward(ref, pu, x.size, 'max'));
        },
      ),
      { seed: 8080, numRuns: 200 },
    );
  });

  it('MaxPooling2D away from ties: analytic = numerical gradient (random geometries, fixed seed)', () => {
    let checked = 0;
    fc.assert(
      fc.property(geometry, ({ n, h, w, c, kh, kw, sh, sw, padding, seed }) => {
        const x = new Tensor(values(n * h * w * c, seed, (r) => r.uniform(-2, 2)), [n, h, w, c]);
        const ref = refPool2d(x.data, x.shape, [kh, kw], [sh, sw], padding, 'max');
        // ε = 1e-6 cannot change a window's maximum when every other value is 1e-4 below it.
        if (tieMargin(ref, x.data) < 1e-4) return;
        checked++;
        const layer = built(new MaxPooling2D({ poolSize: [kh, kw], strides: [sh, sw], padding }), [h, w, c]);
        const { analytic, numerical } = gradients(layer, x, values(ref.y.length, seed + 1, (r) => r.uniform(-1, 1)));
        expectGradClose(analytic, numerical);
      }),
      { seed: 2718, numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('GlobalMaxPooling2D and MaxPooling1D away from ties: analytic = numerical gradient', () => {
    const x = new Tensor(values(2 * 4 * 3 * 2, 11, (r) => r.uniform(-2, 2)), [2, 4, 3, 2]);
    const g = gradients(built(new GlobalMaxPooling2D(), [4, 3, 2]), x, Float64Array.from([1, -1, 2, 0.5]));
    expectGradClose(g.analytic, g.numerical);
    expect(g.analytic.filter((v) => v !== 0)).toHaveLength(4);
    const s = new Tensor(values(2 * 7 * 3, 12, (r) => r.uniform(-2, 2)), [2, 7, 3]);
    const layer = built(new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }), [7, 3]);
    const p = gradients(layer, s, values(2 * 4 * 3, 13, (r) => r.uniform(-1, 1)));
    expectGradClose(p.analytic, p.numerical);
  });
});
