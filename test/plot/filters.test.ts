/**
 * plotFilters: one cell per filter, each square of a cell the color of its weight on one scale
 * symmetric around 0 (white at 0, red positive, blue negative), the kernels of a model's Conv2D
 * layers or a kernel tensor, deterministic, and bad input a NumnetError.
 */
import { describe, expect, it } from 'vitest';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential, Tensor } from '../../src/index.js';
import { plotFilters } from '../../src/plot/index.js';
import { cellLabels, cells, checkXml, codeOf, colorBar, expectCovered, rgb, titleOf } from './svg-grid.js';

/** A kernel [kh, kw, in, filters] whose value at (r, c, ch, f) is value(r, c, ch, f). */
function kernel(kh: number, kw: number, inChannels: number, filters: number, value: (r: number, c: number, ch: number, f: number) => number): Tensor {
  const data = new Float64Array(kh * kw * inChannels * filters);
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      for (let ch = 0; ch < inChannels; ch++) {
        for (let f = 0; f < filters; f++) data[((r * kw + c) * inChannels + ch) * filters + f] = value(r, c, ch, f);
      }
    }
  }
  return new Tensor(data, [kh, kw, inChannels, filters]);
}

// Filter 0 all +0.5, filter 1 all −0.5, filter 2 all 0, filter 3 +0.5 on the top row and −0.25 elsewhere.
const K = kernel(2, 3, 1, 4, (r, _c, _ch, f) => [0.5, -0.5, 0, r === 0 ? 0.5 : -0.25][f]!);

describe('plotFilters', () => {
  it('draws one cell per filter, every weight one square, on a scale symmetric around 0', () => {
    const svg = plotFilters(K);
    checkXml(svg);
    const drawn = cells(svg);
    expect(drawn).toHaveLength(4);
    for (const cell of drawn) expectCovered(cell, 2, 3);
    expect(cellLabels(svg)).toEqual(['filter 0', 'filter 1', 'filter 2', 'filter 3']);
    expect(titleOf(svg)).toBe('Kernel: 4 filters of 2×3');

    // The bar runs from −max|w| to +max|w| through 0, and the cells use its colors.
    const bar = colorBar(svg);
    expect(bar.labels).toEqual(['0.5', '0', '−0.5']);
    expect(bar.colors.length % 2).toBe(1);
    const [lowest, middle, highest] = [bar.colors[0]!, bar.colors[(bar.colors.length - 1) / 2]!, bar.colors[bar.colors.length - 1]!];
    const one = (cell: (typeof drawn)[number]) => new Set(cell.colors.flat());
    expect(one(drawn[0]!)).toEqual(new Set([highest]));
    expect(one(drawn[1]!)).toEqual(new Set([lowest]));
    expect(one(drawn[2]!)).toEqual(new Set([middle]));
    expect(middle).toBe('#f7f7f7'); // white at 0
    const [r, , b] = rgb(highest);
    expect(r).toBeGreaterThan(b); // positive red
    const [r2, , b2] = rgb(lowest);
    expect(b2).toBeGreaterThan(r2); // negative blue
    // Filter 3: the top row is the top color; the rest (−0.25, half way down) lies between white and blue.
    expect(drawn[3]!.colors[0]).toEqual([highest, highest, highest]);
    const mid = drawn[3]!.colors[1]![0]!;
    expect(new Set(drawn[3]!.colors[1])).toEqual(new Set([mid]));
    expect(bar.colors.indexOf(mid)).toBeGreaterThan(0);
    expect(bar.colors.indexOf(mid)).toBeLessThan((bar.colors.length - 1) / 2);
  });

  it('lays cells out in rows of `columns`, each `cellSize` pixels, inside the picture', () => {
    const many = kernel(3, 3, 1, 10, (r, c, _ch, f) => Math.sin(r + 2 * c + 3 * f));
    const svg = plotFilters(many, { columns: 4, cellSize: 40, title: 'T' });
    checkXml(svg);
    const drawn = cells(svg);
    expect(drawn).toHaveLength(10);
    const xs = [...new Set(drawn.map((c) => c.x))];
    const ys = [...new Set(drawn.map((c) => c.y))];
    expect(xs).toHaveLength(4);
    expect(ys).toHaveLength(3);
    for (const c of drawn) expect(c.pixel * 3).toBeCloseTo(40, 1);
    const [, w, h] = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!.map(Number);
    for (const c of drawn) {
      expect(c.x + 40).toBeLessThanOrEqual(w!);
      expect(c.y + 40).toBeLessThanOrEqual(h!);
    }
    expect(titleOf(svg)).toBe('T');
    // By default at most 8 in a row.
    expect(new Set(cells(plotFilters(many)).map((c) => c.y)).size).toBe(2);
  });

  it('draws the chosen input channel of each kernel', () => {
    const k2 = kernel(2, 2, 2, 3, (_r, _c, ch) => (ch === 0 ? 0 : 1));
    const first = plotFilters(k2);
    expect(new Set(cells(first).flatMap((c) => c.colors.flat()))).toEqual(new Set(['#f7f7f7']));
    expect(titleOf(first)).toBe('Kernel: 3 filters of 2×2, input channel 0');
    const second = plotFilters(k2, { channel: 1 });
    const bar = colorBar(second);
    expect(new Set(cells(second).flatMap((c) => c.colors.flat()))).toEqual(new Set([bar.colors[bar.colors.length - 1]]));
    expect(titleOf(second)).toBe('Kernel: 3 filters of 2×2, input channel 1');
  });

  it("takes a model's Conv2D layer: the first by default, or by index or name", () => {
    const model = new Sequential([
      new Conv2D({ filters: 4, kernelSize: [2, 3], inputShape: [6, 6, 1], name: 'c1' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 2, kernelSize: 2, name: 'c2' }),
      new Flatten(),
      new Dense({ units: 2 }),
    ], { seed: 3 });
    const w = model.getWeights();
    w[0] = K;
    model.setWeights(w);
    expect(plotFilters(model, { title: 'same' })).toBe(plotFilters(K, { title: 'same' }));
    expect(titleOf(plotFilters(model))).toBe('c1: 4 filters of 2×3');
    const k2 = w[2]!; // c2's kernel [2, 2, 4, 2]
    for (const choice of [2, 'c2']) {
      expect(plotFilters(model, { layer: choice, channel: 3, title: 'x' })).toBe(plotFilters(k2, { channel: 3, title: 'x' }));
    }
    expect(titleOf(plotFilters(model, { layer: 'c2' }))).toBe('c2: 2 filters of 2×2, input channel 0');
  });

  it('is deterministic', () => {
    const k = kernel(5, 5, 1, 6, (r, c, _ch, f) => Math.cos(r * 1.3 - c * 0.7 + f));
    expect(plotFilters(k)).toBe(plotFilters(k));
  });

  it('bad input is a NumnetError', () => {
    const model = new Sequential([new Conv2D({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }), new Flatten()], { seed: 1 });
    const unbuilt = new Sequential([new Conv2D({ filters: 2, kernelSize: 2 })]);
    const dense = new Sequential([new Dense({ units: 2, inputShape: [3] })], { seed: 1 });
    expect(codeOf(() => plotFilters(new Tensor(new Float64Array(8), [2, 2, 2])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => plotFilters(new Tensor(new Float64Array(0), [2, 2, 1, 0])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => plotFilters(kernel(2, 2, 1, 2, () => NaN)))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => plotFilters('filters' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(unbuilt))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(dense))).toBe('INVALID_ARGUMENT'); // no Conv2D
    expect(codeOf(() => plotFilters(model, { layer: 1 }))).toBe('INVALID_ARGUMENT'); // a Flatten
    expect(codeOf(() => plotFilters(model, { layer: 2 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(model, { layer: 'nope' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(model, { channel: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(K, { layer: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(K, { columns: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(K, { cellSize: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(K, { title: 3 as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFilters(K, null as never))).toBe('INVALID_ARGUMENT');
  });
});
