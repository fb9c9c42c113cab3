/**
 * featureMaps and plotFeatureMaps: a layer's output for one image, computed by hand for a small
 * convolution, equal to predict for the last layer, in inference mode, leaving the model as it was;
 * the figure's cells (the input, then one per channel), labels and color scales; determinism; bad
 * input a NumnetError.
 */
import { describe, expect, it } from 'vitest';
import {
  Activation, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Reshape, Sequential, Tensor,
} from '../../src/index.js';
import { featureMaps, plotFeatureMaps } from '../../src/plot/index.js';
import { cellLabels, cells, checkXml, codeOf, colorBar, expectCovered, titleOf } from './svg-grid.js';

/** A 3×3 one-channel image with pixels 1 … 9 row by row. */
const image3 = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3, 1]);

/**
 * Conv2D, one 2×2 filter [[1, 0], [0, −1]] and bias 0.5, ReLU: z[i, j] = x[i, j] − x[i+1, j+1] + 0.5
 * = −4 + 0.5 for every position of image3 (each pixel is 4 less than its lower-right neighbour), so
 * ReLU gives 0; the filter [[0, 0], [0, 1]] gives x[i+1, j+1] + 0.5: 5.5, 6.5, 8.5, 9.5.
 */
function smallModel(): Sequential {
  const model = new Sequential([
    new Conv2D({ filters: 2, kernelSize: 2, activation: 'relu', inputShape: [3, 3, 1], name: 'conv' }),
    new MaxPooling2D({ poolSize: 2, name: 'pool' }),
    new Flatten({ name: 'flat' }),
    new Dense({ units: 2, activation: 'softmax', name: 'out' }),
  ], { seed: 7 });
  const w = model.getWeights();
  // kernel [2, 2, 1, 2]: K[a, b, 0, f] at (a·2 + b)·2 + f.
  w[0] = new Tensor(Float64Array.from([1, 0, 0, 0, 0, 0, -1, 1]), [2, 2, 1, 2]);
  w[1] = new Tensor(Float64Array.from([0.5, 0.5]), [2]);
  model.setWeights(w);
  return model;
}

describe('featureMaps', () => {
  it("is the chosen layer's output for the image, computed by hand", () => {
    const model = smallModel();
    const conv = featureMaps(model, image3);
    expect(conv.shape).toEqual([2, 2, 2]);
    expect(Array.from(conv.data)).toEqual([0, 5.5, 0, 6.5, 0, 8.5, 0, 9.5]);
    const pool = featureMaps(model, image3, { layer: 'pool' });
    expect(pool.shape).toEqual([1, 1, 2]);
    expect(Array.from(pool.data)).toEqual([0, 9.5]);
    // The image may come as a batch of one.
    expect(featureMaps(model, image3.reshape([1, 3, 3, 1]), { layer: 1 })).toEqual(pool);
  });

  it('is predict for the last layer, in inference mode (Dropout off, moving statistics), and leaves the model as it was', async () => {
    const model = new Sequential([
      new Conv2D({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2] }),
      new BatchNormalization(),
      new Activation({ activation: 'relu' }),
      new Dropout({ rate: 0.5 }),
    ], { seed: 11 });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = new Tensor(Float64Array.from({ length: 8 * 72 }, (_, i) => Math.sin(i * 0.37)), [8, 6, 6, 2]);
    const y = new Tensor(Float64Array.from({ length: 8 * 48 }, (_, i) => Math.cos(i * 0.11)), [8, 4, 4, 3]);
    await model.fit(x, y, { epochs: 2, batchSize: 4 }); // moving statistics away from their start
    const weights = model.getWeights();
    const rng = model.getRandomState();
    const one = x.slice(2, 1);
    const expected = model.predict(one);
    expect(featureMaps(model, one, { layer: 3 }).data).toEqual(expected.data);
    expect(featureMaps(model, one.reshape([6, 6, 2]), { layer: 3 }).shape).toEqual([4, 4, 3]);
    expect(model.getWeights()).toEqual(weights);
    expect(model.getRandomState()).toEqual(rng);
    expect(model.predict(one)).toEqual(expected);
  });

  it('bad input is a NumnetError', () => {
    const model = smallModel();
    const mine = { name: 'mine', differentiable: true, forward: (z: Float64Array, y: Float64Array) => y.set(z), backward: () => {} };
    const custom = new Sequential([new Conv2D({ filters: 1, kernelSize: 2, activation: mine, inputShape: [3, 3, 1] })], { seed: 1 });
    expect(codeOf(() => featureMaps({} as never, image3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => featureMaps(new Sequential([new Conv2D({ filters: 1, kernelSize: 2 })]), image3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => featureMaps(model, new Tensor(new Float64Array(9), [9])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => featureMaps(model, new Tensor(new Float64Array(18), [2, 3, 3, 1])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => featureMaps(model, new Tensor(new Float64Array(9).fill(NaN), [3, 3, 1])))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => featureMaps(model, image3, { layer: 4 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => featureMaps(model, image3, { layer: 'nope' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => featureMaps(custom, image3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => featureMaps(model, image3, 'x' as never))).toBe('INVALID_ARGUMENT');
  });
});

/** A model on 8×8 images: Conv2D 4@3×3 ReLU (6×6), pooling (3×3), a linear Conv2D 2@2×2 (2×2). */
function imageModel(): Sequential {
  return new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], name: 'c1' }),
    new MaxPooling2D({ poolSize: 2, name: 'p1' }),
    new Conv2D({ filters: 2, kernelSize: 2, name: 'c2' }),
    new Flatten(),
    new Dense({ units: 3, activation: 'softmax' }),
  ], { seed: 5 });
}

/** An 8×8 image, 0 but for a 1 at row 2, column 5. */
const dot = new Tensor(Float64Array.from({ length: 64 }, (_, i) => (i === 2 * 8 + 5 ? 1 : 0)), [8, 8, 1]);

describe('plotFeatureMaps', () => {
  it('draws the input, then one cell per channel of the layer output, each square once', () => {
    const model = imageModel();
    const svg = plotFeatureMaps(model, dot);
    checkXml(svg);
    const drawn = cells(svg);
    expect(drawn).toHaveLength(1 + 4);
    expectCovered(drawn[0]!, 8, 8);
    for (const c of drawn.slice(1)) expectCovered(c, 8 - 3 + 1, 8 - 3 + 1);
    expect(cellLabels(svg)).toEqual(['input', 'filter 0', 'filter 1', 'filter 2', 'filter 3']);
    expect(titleOf(svg)).toBe('c1 (Conv2D): 4 feature maps of 6×6');
    // The input in gray: one dark square where the 1 is, the same light color everywhere else.
    const input = drawn[0]!.colors;
    const light = input[0]![0]!;
    const dark = input[2]![5]!;
    expect(input.flat().filter((c) => c === dark)).toHaveLength(1);
    expect(input.flat().filter((c) => c === light)).toHaveLength(63);
    expect(parseInt(dark.slice(1, 3), 16)).toBeLessThan(parseInt(light.slice(1, 3), 16));
  });

  it('ReLU outputs on a scale from 0 to the largest activation; signed outputs around 0', () => {
    const model = imageModel();
    const x = new Tensor(Float64Array.from({ length: 64 }, (_, i) => ((i * 7) % 11) / 10), [8, 8, 1]);
    const relu = plotFeatureMaps(model, x, { showInput: false });
    const maps = featureMaps(model, x);
    const max = Math.max(...maps.data);
    const bar = colorBar(relu);
    expect(bar.labels).toEqual([String(Number(max.toPrecision(3))), '0']);
    // The squares of the largest activation have the top color, zeros the bottom one.
    const drawn = cells(relu);
    expect(drawn).toHaveLength(4);
    const at = (k: number, r: number, c: number) => maps.data[(r * 6 + c) * 4 + k]!;
    for (let k = 0; k < 4; k++) {
      for (let r = 0; r < 6; r++) {
        for (let c = 0; c < 6; c++) {
          if (at(k, r, c) === max) expect(drawn[k]!.colors[r]![c]).toBe(bar.colors[bar.colors.length - 1]);
          if (at(k, r, c) === 0) expect(drawn[k]!.colors[r]![c]).toBe(bar.colors[0]);
        }
      }
    }
    const linear = plotFeatureMaps(model, x, { layer: 'c2' });
    const signed = featureMaps(model, x, { layer: 'c2' });
    expect(Math.min(...signed.data)).toBeLessThan(0);
    const m = Math.max(...signed.data.map(Math.abs));
    const fmt = (v: number) => String(Number(v.toPrecision(3))).replace('-', '−');
    expect(colorBar(linear).labels).toEqual([fmt(m), '0', fmt(-m)]);
    expect(colorBar(linear).colors[(colorBar(linear).colors.length - 1) / 2]).toBe('#f7f7f7');
    expect(cellLabels(linear)).toEqual(['input', 'filter 0', 'filter 1']);
    expect(cellLabels(plotFeatureMaps(model, x, { layer: 'p1', showInput: false }))).toEqual(['channel 0', 'channel 1', 'channel 2', 'channel 3']);
  });

  it('inputs that are not images: no input cell (and showInput: true is refused)', () => {
    const model = new Sequential([
      new Reshape({ targetShape: [4, 4, 1], inputShape: [16] }),
      new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu' }),
    ], { seed: 2 });
    const x = new Tensor(Float64Array.from({ length: 16 }, (_, i) => i / 16), [16]);
    const svg = plotFeatureMaps(model, x);
    checkXml(svg);
    expect(cellLabels(svg)).toEqual(['filter 0', 'filter 1']);
    expect(codeOf(() => plotFeatureMaps(model, x, { showInput: true }))).toBe('INVALID_ARGUMENT');
  });

  it('lays out columns and cell sizes, and is deterministic', () => {
    const model = imageModel();
    const svg = plotFeatureMaps(model, dot, { columns: 2, cellSize: 60, title: 'Maps' });
    const drawn = cells(svg);
    expect(new Set(drawn.map((c) => c.x)).size).toBe(2);
    expect(new Set(drawn.map((c) => c.y)).size).toBe(3);
    expect(drawn[1]!.pixel * 6).toBeCloseTo(60, 1);
    expect(titleOf(svg)).toBe('Maps');
    expect(plotFeatureMaps(model, dot)).toBe(plotFeatureMaps(model, dot));
  });

  it('bad input is a NumnetError', () => {
    const model = imageModel();
    expect(codeOf(() => plotFeatureMaps(model, dot, { layer: 3 }))).toBe('INVALID_ARGUMENT'); // Flatten: [18]
    expect(codeOf(() => plotFeatureMaps(model, dot, { showInput: 1 as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFeatureMaps(model, dot, { columns: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFeatureMaps(model, dot, { cellSize: 5000 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFeatureMaps(model, dot, { title: null as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotFeatureMaps(model, new Tensor(new Float64Array(49), [7, 7, 1])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => plotFeatureMaps(null as never, dot))).toBe('INVALID_ARGUMENT');
  });
});
