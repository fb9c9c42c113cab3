/**
 * ZeroPadding2D: y[n, i, j, c] = x[n, i − top, j − left, c] inside and 0 in the border, for the
 * three forms of `padding` (fast-check, fixed seed); the gradient is ∂L/∂y without the border.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, Sequential, Tensor, ZeroPadding2D } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { randomValues } from './conv-reference.js';

describe('ZeroPadding2D', () => {
  it('forward and backward against the definition (fast-check, seed 1301, 200 cases)', () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 3 }),
      t: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }), l: fc.integer({ min: 0, max: 3 }), r: fc.integer({ min: 0, max: 3 }),
      form: fc.constantFrom('number', 'pair', 'full'),
    });
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
        const { t, l } = p;
        const b = p.form === 'full' ? p.b : t;
        const r = p.form === 'number' ? t : p.form === 'pair' ? l : p.r;
        const left = p.form === 'number' ? t : l;
        const padding = p.form === 'number' ? t : p.form === 'pair' ? [t, l] : [[t, b], [l, r]];
        const layer = new ZeroPadding2D({ padding: padding as never, inputShape: [p.h, p.w, p.c] });
        new Sequential([layer]);
        const H = p.h + t + b;
        const W = p.w + left + r;
        expect(layer.outputShape).toEqual([H, W, p.c]);
        const rng = new Random(seed);
        const x = new Tensor(randomValues(p.n * p.h * p.w * p.c, rng), [p.n, p.h, p.w, p.c]);
        const y = layer.forward(x, true);
        const dy = new Tensor(randomValues(y.size, rng), y.shape);
        const dx = layer.backward(dy, true)!;
        for (let n = 0; n < p.n; n++) {
          for (let i = 0; i < H; i++) {
            for (let j = 0; j < W; j++) {
              for (let c = 0; c < p.c; c++) {
                const inside = i >= t && i < t + p.h && j >= left && j < left + p.w;
                const yi = ((n * H + i) * W + j) * p.c + c;
                const xi = ((n * p.h + i - t) * p.w + j - left) * p.c + c;
                expect(y.data[yi]).toBe(inside ? x.data[xi] : 0);
                if (inside) expect(dx.data[xi]).toBe(dy.data[yi]);
              }
            }
          }
        }
      }),
      { seed: 1301, numRuns: 200 },
    );
  });

  it('the border stays zero across batches (the buffer is reused), and the config holds [[top, bottom], [left, right]]', () => {
    const layer = new ZeroPadding2D({ padding: [1, 2], inputShape: [2, 2, 1] });
    new Sequential([layer]);
    const y1 = layer.forward(new Tensor(Float64Array.of(1, 2, 3, 4), [1, 2, 2, 1]), false);
    const y2 = layer.forward(new Tensor(Float64Array.of(5, 6, 7, 8), [1, 2, 2, 1]), false);
    expect(y2).toBe(y1);
    expect(Array.from(y2.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 0, 0, 0, 0, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(layer.getConfig()).toEqual({ name: 'zero_padding2d', inputShape: [2, 2, 1], padding: [[1, 1], [2, 2]] });
    expect(new ZeroPadding2D().padding).toEqual([[1, 1], [1, 1]]);
    expect(layer.countParams()).toBe(0);
  });

  it('bad padding is INVALID_ARGUMENT; samples that are not images are SHAPE_MISMATCH', () => {
    expect(new ZeroPadding2D({ padding: null as never }).padding).toEqual([[1, 1], [1, 1]]);
    for (const bad of [-1, 1.5, [1], [1, 2, 3], [[1, 2], [3]], [[1, -2], [3, 4]], 'same', {}]) {
      expect(codeOf(() => new ZeroPadding2D({ padding: bad as never })), JSON.stringify(bad)).toBe('INVALID_ARGUMENT');
    }
    expect(messageOf(() => new ZeroPadding2D({ padding: [[1, -2], [3, 4]] as never }))).toMatch(/ZeroPadding2D: padding must be .* got \[\[1, -2\], \[3, 4\]\]/);
    expect(messageOf(() => new Sequential([new ZeroPadding2D({ inputShape: [4, 3] })]))).toMatch(/ZeroPadding2D layer zero_padding2d takes samples of shape \[height, width, channels\], got \[4, 3\]/);
  });
});
