/**
 * The pooling layers' forward pass and shapes (docs/specification.md §11): MaxPooling2D,
 * AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D against the naive
 * reference of ./pooling-reference.ts on random sizes, windows, strides (larger than the window
 * too), paddings and channels (fast-check, fixed seeds); hand-worked small cases; edge cases;
 * refusals; options and configs; buffers reused across batches.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AveragePooling2D, Dense, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, Layer, MaxPooling1D, MaxPooling2D, NumnetError, Random,
  Sequential, Tensor, setKernelBackend,
} from '../../src/index.js';
import { maxPoolBackward, poolGeometry } from '../../src/tensor/pool.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { Pad, refAxis, refPool2d } from './pooling-reference.js';

/** |a − b| ≤ 1e-12·max(1, |a|, |b|) element by element (the reference sums in the same order; this only allows for it not to). */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)))) bad.push(`[${i}] ${a} vs ${b}`);
  }
  expect(bad).toEqual([]);
}

/** A built layer (unnamed layers get a name, as a model would give them). */
function built<L extends Layer>(layer: L, inputShape: number[]): L {
  if (!layer.name) layer.name = 'pool';
  layer.build(inputShape, new Random(1));
  return layer;
}

function randomInput(shape: number[], seed: number): Tensor {
  const rng = new Random(seed);
  const size = shape.reduce((p, k) => p * k, 1);
  return new Tensor(Float64Array.from({ length: size }, () => rng.uniform(-3, 3)), shape);
}

const image = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  c: fc.integer({ min: 1, max: 4 }),
  kh: fc.integer({ min: 1, max: 5 }),
  kw: fc.integer({ min: 1, max: 5 }),
  sh: fc.integer({ min: 1, max: 7 }),
  sw: fc.integer({ min: 1, max: 7 }),
  padding: fc.constantFrom<Pad>('valid', 'same'),
  defaultStrides: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe.each([
  ['MaxPooling2D', 'max', (o: object) => new MaxPooling2D(o)],
  ['AveragePooling2D', 'avg', (o: object) => new AveragePooling2D(o)],
] as const)('%s forward = the naive loop of the rules', (_name, mode, make) => {
  it('on random sizes, windows, strides (also larger than the window), paddings and channels (fixed seed)', () => {
    let fitted = 0;
    let refused = 0;
    fc.assert(
      fc.property(image, ({ n, h, w, c, kh, kw, sh, sw, padding, defaultStrides, seed }) => {
        const strides = defaultStrides ? [kh, kw] : [sh, sw];
        const layer = make({ poolSize: kh === kw ? kh : [kh, kw], ...(defaultStrides ? {} : { strides: [sh, sw] }), padding });
        const fits = refAxis(h, kh, strides[0]!, padding).out >= 1 && refAxis(w, kw, strides[1]!, padding).out >= 1;
        if (!fits) {
          refused++;
          expect(codeOf(() => built(layer, [h, w, c]))).toBe('SHAPE_MISMATCH');
          return;
        }
        fitted++;
        const x = randomInput([n, h, w, c], seed);
        const ref = refPool2d(x.data, x.shape, [kh, kw], strides, padding, mode);
        const y = built(layer, [h, w, c]).forward(x, false);
        expect(y.shape).toEqual(ref.shape);
        expect(layer.outputShape).toEqual(ref.shape.slice(1));
        expectNear(y.data, ref.y);
      }),
      { seed: 20240611, numRuns: 400 },
    );
    // Both outcomes were exercised.
    expect(fitted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(10);
  });
});

describe('MaxPooling1D forward = the 2-D rules in one dimension', () => {
  it('on random lengths, windows, strides, paddings and channels (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }), steps: fc.integer({ min: 1, max: 12 }), c: fc.integer({ min: 1, max: 4 }),
          k: fc.integer({ min: 1, max: 5 }), s: fc.integer({ min: 1, max: 7 }), padding: fc.constantFrom<Pad>('valid', 'same'),
          seed: fc.integer({ min: 0, max: 1_000_000 }),
        }),
        ({ n, steps, c, k, s, padding, seed }) => {
          const layer = new MaxPooling1D({ poolSize: k, strides: s, padding });
          if (refAxis(steps, k, s, padding).out < 1) {
            expect(codeOf(() => built(layer, [steps, c]))).toBe('SHAPE_MISMATCH');
            return;
          }
          const x = randomInput([n, steps, c], seed);
          // [n, steps, c] read as images [n, steps, 1, c] with a [k, 1] window.
          const ref = refPool2d(x.data, [n, steps, 1, c], [k, 1], [s, 1], padding, 'max');
          const y = built(layer, [steps, c]).forward(x, false);
          expect(y.shape).toEqual([n, ref.shape[1]!, c]);
          expectNear(y.data, ref.y);
        },
      ),
      { seed: 777, numRuns: 300 },
    );
  });
});

describe.each([
  ['GlobalMaxPooling2D', (x: number[]) => Math.max(...x), () => new GlobalMaxPooling2D()],
  ['GlobalAveragePooling2D', (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length, () => new GlobalAveragePooling2D()],
] as const)('%s: [n, h, w, c] → [n, c]', (_name, reduce, make) => {
  it('is the max / mean of each channel over the image (random shapes, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }),
        (n, h, w, c, seed) => {
          const x = randomInput([n, h, w, c], seed);
          const layer = built(make(), [h, w, c]);
          expect(layer.outputShape).toEqual([c]);
          const y = layer.forward(x, false);
          expect(y.shape).toEqual([n, c]);
          const expected: number[] = [];
          for (let b = 0; b < n; b++) {
            for (let ch = 0; ch < c; ch++) {
              const values: number[] = [];
              for (let p = 0; p < h * w; p++) values.push(x.data[(b * h * w + p) * c + ch]!);
              expected.push(reduce(values));
            }
          }
          expectNear(y.data, expected);
        },
      ),
      { seed: 99, numRuns: 150 },
    );
  });
});

/** [1, h, w, 1] images from rows of numbers. */
const img = (rows: number[][]) => new Tensor(Float64Array.from(rows.flat()), [1, rows.length, rows[0]!.length, 1]);
const grid4 = img([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]);

describe('hand-worked cases of the padding rule', () => {
  it("same, 4 wide, window 2, stride 1: P = 1 goes after the row (TensorFlow's rule), not before", () => {
    const y = built(new MaxPooling2D({ poolSize: [1, 2], strides: 1, padding: 'same' }), [1, 4, 1]).forward(img([[1, 5, 2, 0]]), false);
    // Windows [1, 5], [5, 2], [2, 0], [0]; padding before would give [1, 5, 5, 2].
    expect(Array.from(y.data)).toEqual([5, 5, 2, 0]);
  });

  it('same, 4×4, window 3, stride 1: P = 2, one row/column each side; the average counts only cells inside', () => {
    const avg = built(new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }), [4, 4, 1]).forward(grid4, false);
    expect(avg.shape).toEqual([1, 4, 4, 1]);
    // Corner (0, 0): mean(0, 1, 4, 5); edge (0, 1): mean(0, 1, 2, 4, 5, 6); inside (1, 1): mean of 0…10 minus 3, 7; corner (3, 3): mean(10, 11, 14, 15).
    expect(avg.data[0]).toBe(2.5);
    expect(avg.data[1]).toBe(3);
    expect(avg.data[5]).toBe(5);
    expect(avg.data[15]).toBe(12.5);
    const max = built(new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }), [4, 4, 1]).forward(grid4, false);
    // The window of (i, j) reaches row and column min(i + 1, 3), min(j + 1, 3): its largest value.
    expect(Array.from(max.data)).toEqual([5, 6, 7, 7, 9, 10, 11, 11, 13, 14, 15, 15, 13, 14, 15, 15]);
  });

  it('same pads with −∞: a window of negative values and padding gives the largest negative, never 0', () => {
    const y = built(new MaxPooling2D({ poolSize: 2, padding: 'same' }), [3, 3, 1]).forward(img([[-5, -4, -3], [-6, -7, -8], [-9, -2, -1]]), false);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([-4, -3, -2, -1]);
  });

  it('valid, 4×4, window 3, stride 2: one window; the last row and column are unused', () => {
    const y = built(new MaxPooling2D({ poolSize: 3, strides: 2 }), [4, 4, 1]).forward(grid4, false);
    expect(y.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(y.data)).toEqual([10]);
  });

  it('strides larger than the window skip cells: 1×7, window 2, stride 3 reads columns 0–1 and 3–4', () => {
    const y = built(new AveragePooling2D({ poolSize: [1, 2], strides: [1, 3] }), [1, 7, 1]).forward(img([[1, 3, 100, 5, 7, 100, 100]]), false);
    expect(Array.from(y.data)).toEqual([2, 6]);
  });

  it('odd and even sizes with same: ⌈in/s⌉ and the padding split', () => {
    const cases: [number[], number, number, number[]][] = [
      [[5, 5, 2], 2, 2, [3, 3, 2]],
      [[6, 6, 1], 2, 2, [3, 3, 1]],
      [[6, 8, 1], 3, 2, [3, 4, 1]],
      [[7, 7, 1], 2, 2, [4, 4, 1]],
      [[5, 6, 1], 3, 1, [5, 6, 1]],
    ];
    for (const [input, k, s, output] of cases) {
      expect(built(new MaxPooling2D({ poolSize: k, strides: s, padding: 'same' }), input).outputShape).toEqual(output);
      expect(built(new AveragePooling2D({ poolSize: k, strides: s, padding: 'same' }), input).outputShape).toEqual(output);
    }
  });
});

describe('edge cases', () => {
  it('1×1 images: pool 1 valid, and any pool with same, give the input back', () => {
    const x = new Tensor(Float64Array.from([0.5, -2, 3, 7, -1, 4]), [2, 1, 1, 3]);
    for (const layer of [
      new MaxPooling2D({ poolSize: 1 }), new AveragePooling2D({ poolSize: 1 }), new MaxPooling2D({ poolSize: 3, padding: 'same' }),
      new AveragePooling2D({ poolSize: [2, 3], strides: 2, padding: 'same' }), new GlobalMaxPooling2D(), new GlobalAveragePooling2D(),
    ]) {
      const y = built(layer, [1, 1, 3]).forward(x, false);
      expect(Array.from(y.data), layer.className).toEqual(Array.from(x.data));
    }
    expect(Array.from(built(new MaxPooling1D({ poolSize: 4, padding: 'same' }), [1, 2]).forward(new Tensor(Float64Array.from([3, -3]), [1, 1, 2]), false).data)).toEqual([3, -3]);
  });

  it('a pool larger than the input with valid is SHAPE_MISMATCH at build, naming the layer, the pool and the shapes', () => {
    const m = new MaxPooling2D({ poolSize: [3, 2], name: 'p1' });
    expect(codeOf(() => m.build([2, 5, 1], new Random(1)))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => m.build([2, 5, 1], new Random(1)))).toBe(
      "layer p1 (MaxPooling2D): poolSize [3, 2] is larger than its input [2, 5, 1] with padding 'valid' (no window fits); use padding 'same' or a smaller poolSize",
    );
    expect(() => new Sequential([new AveragePooling2D({ poolSize: 4, inputShape: [3, 8, 2], name: 'avg' })])).toThrow(
      /layer avg \(AveragePooling2D\): poolSize \[4, 4\] is larger than its input \[3, 8, 2\]/,
    );
    expect(() => new Sequential([new MaxPooling1D({ poolSize: 5, inputShape: [4, 2], name: 'mp1' })])).toThrow(/layer mp1 \(MaxPooling1D\): poolSize 5 is larger than its input \[4, 2\]/);
    // The layer's shapes (used to check saved weights before building) refuses the same way.
    expect(codeOf(() => m.shapes([2, 5, 1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => new MaxPooling1D({ poolSize: 3 }).shapes([2, 1]))).toBe('SHAPE_MISMATCH');
    // With same it fits.
    expect(built(new MaxPooling2D({ poolSize: [3, 2], padding: 'same' }), [2, 5, 1]).outputShape).toEqual([1, 3, 1]);
  });

  it('an input of the wrong rank is SHAPE_MISMATCH naming the layer and the shape it takes', () => {
    expect(() => new Sequential([new Dense({ units: 4, inputShape: [3] }), new MaxPooling2D({ name: 'mp' })])).toThrow(
      /layer mp \(MaxPooling2D\) takes samples of shape \[height, width, channels\], got \[4\]/,
    );
    expect(() => new Sequential([new GlobalAveragePooling2D({ inputShape: [4, 4], name: 'gap' })])).toThrow(
      /layer gap \(GlobalAveragePooling2D\) takes samples of shape \[height, width, channels\], got \[4, 4\]/,
    );
    expect(() => new Sequential([new MaxPooling1D({ inputShape: [4, 4, 1], name: 'mp1' })])).toThrow(/layer mp1 \(MaxPooling1D\) takes samples of shape \[steps, channels\], got \[4, 4, 1\]/);
    for (const make of [() => new MaxPooling2D(), () => new AveragePooling2D(), () => new GlobalMaxPooling2D(), () => new GlobalAveragePooling2D()]) {
      expect(codeOf(() => built(make(), [6, 6]))).toBe('SHAPE_MISMATCH');
    }
  });

  it('forward of a batch of the wrong sample shape is SHAPE_MISMATCH; backward before forward is INVALID_ARGUMENT', () => {
    const layer = built(new MaxPooling2D(), [4, 4, 2]);
    expect(codeOf(() => layer.forward(randomInput([1, 4, 4, 1], 1), false))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => layer.backward(randomInput([1, 2, 2, 2], 1), true))).toBe('INVALID_ARGUMENT');
    layer.forward(randomInput([3, 4, 4, 2], 1), false);
    expect(codeOf(() => layer.backward(randomInput([3, 2, 2, 1], 1), true))).toBe('SHAPE_MISMATCH');
  });

  it('a NaN in a max window gives NaN (it is not dropped), whatever its place', () => {
    const y = built(new MaxPooling2D(), [2, 4, 1]).forward(img([[NaN, 1, 2, 3], [0, 0, 4, NaN]]), false);
    expect(Array.from(y.data)).toEqual([NaN, NaN]);
    const g = built(new GlobalMaxPooling2D(), [1, 3, 1]).forward(img([[1, NaN, 2]]), false);
    expect(Array.from(g.data)).toEqual([NaN]);
  });
});

describe('options, configs and parameters', () => {
  it('defaults: poolSize 2, strides = poolSize, padding valid; strides follow a given poolSize', () => {
    const d = new MaxPooling2D();
    expect([d.poolSize, d.strides, d.padding]).toEqual([[2, 2], [2, 2], 'valid']);
    const a = new AveragePooling2D({ poolSize: [3, 2] });
    expect([a.poolSize, a.strides]).toEqual([[3, 2], [3, 2]]);
    expect(new MaxPooling2D({ poolSize: 3, strides: [1, 2], padding: 'same' }).getConfig()).toEqual({ name: '', poolSize: [3, 3], strides: [1, 2], padding: 'same' });
    const p1 = new MaxPooling1D({ poolSize: [3] });
    expect([p1.poolSize, p1.strides, p1.padding]).toEqual([3, 3, 'valid']);
    expect(new MaxPooling1D().getConfig()).toEqual({ name: '', poolSize: 2, strides: 2, padding: 'valid' });
    expect(new GlobalMaxPooling2D({ name: 'g' }).getConfig()).toEqual({ name: 'g' });
  });

  it('bad options are INVALID_ARGUMENT naming the layer and the option', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new MaxPooling2D({ poolSize: 0 }), /MaxPooling2D: poolSize must be a positive integer or \[height, width\]/],
      [() => new MaxPooling2D({ poolSize: 1.5 }), /MaxPooling2D: poolSize/],
      [() => new AveragePooling2D({ poolSize: [2] as never }), /AveragePooling2D: poolSize .* got \[2\]/],
      [() => new AveragePooling2D({ poolSize: [2, 2, 2] as never }), /AveragePooling2D: poolSize/],
      [() => new MaxPooling2D({ strides: -1 }), /MaxPooling2D: strides must be/],
      [() => new MaxPooling2D({ strides: [1, 0] }), /MaxPooling2D: strides must be/],
      [() => new MaxPooling2D({ padding: 'causal' as never }), /MaxPooling2D: padding must be 'valid' or 'same', got "causal"/],
      [() => new MaxPooling1D({ poolSize: [2, 2] as never }), /MaxPooling1D: poolSize must be a positive integer, got \[2,2\]/],
      [() => new MaxPooling1D({ strides: '2' as never }), /MaxPooling1D: strides must be a positive integer, got "2"/],
      [() => new MaxPooling2D({ pool_size: 2 } as never), /MaxPooling2D has no option "pool_size"/],
      [() => new GlobalAveragePooling2D({ poolSize: 2 } as never), /GlobalAveragePooling2D has no option "poolSize"/],
      [() => new GlobalMaxPooling2D(3 as never), /GlobalMaxPooling2D options must be a plain object/],
    ];
    for (const [f, message] of bad) {
      expect(codeOf(f)).toBe('INVALID_ARGUMENT');
      expect(f).toThrow(message);
    }
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow(NumnetError);
  });

  it('has no weights: countParams() 0 in a model, and the summary shows the output shapes', () => {
    const m = new Sequential([
      new MaxPooling2D({ inputShape: [8, 8, 3] }), new AveragePooling2D({ padding: 'same' }), new GlobalMaxPooling2D(), new Dense({ units: 2 }),
    ]);
    for (const l of m.layers.slice(0, 3)) {
      expect(l.countParams()).toBe(0);
      expect(l.params).toEqual([]);
    }
    expect(m.layers.map((l) => l.outputShape)).toEqual([[4, 4, 3], [2, 2, 3], [3], [2]]);
    expect(m.countParams()).toBe(3 * 2 + 2);
  });
});

describe('buffers are reused: no allocation per batch in steady state', () => {
  it.each([
    ['MaxPooling2D', () => new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), [7, 6, 2]],
    ['AveragePooling2D', () => new AveragePooling2D({ padding: 'same' }), [5, 5, 3]],
    ['GlobalMaxPooling2D', () => new GlobalMaxPooling2D(), [4, 5, 2]],
    ['GlobalAveragePooling2D', () => new GlobalAveragePooling2D(), [4, 5, 2]],
    ['MaxPooling1D', () => new MaxPooling1D({ poolSize: 3, padding: 'same' }), [9, 2]],
  ] as const)('%s returns the same output and gradient buffers (and keeps one index buffer) while the batch size stays', (_n, make, sample) => {
    const layer = built(make(), sample.slice());
    const shape = [4, ...sample];
    const y1 = layer.forward(randomInput(shape, 1), true);
    const dy = randomInput(y1.shape.slice(), 2);
    const dx1 = layer.backward(dy, true);
    const index = (layer as unknown as { argmax?: Int32Array }).argmax;
    const y2 = layer.forward(randomInput(shape, 3), true);
    const dx2 = layer.backward(dy, true);
    expect(y2).toBe(y1);
    expect(dx2).toBe(dx1);
    expect((layer as unknown as { argmax?: Int32Array }).argmax).toBe(index);
    // A smaller last batch keeps the index buffer too.
    layer.forward(randomInput([1, ...sample], 4), true);
    expect((layer as unknown as { argmax?: Int32Array }).argmax).toBe(index);
    // The first layer of a model needs no input gradient.
    expect(layer.backward(randomInput(layer.forward(randomInput(shape, 5), true).shape.slice(), 6), false)).toBeUndefined();
  });

  it('a model with pooling trains with fit (loss goes down)', async () => {
    const rng = new Random(5);
    const x = Array.from({ length: 32 }, () => Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => [rng.uniform(-1, 1)])));
    const y = x.map((s) => [s.flat(2).reduce((a, b) => Math.max(a, b), -Infinity) > 0.8 ? 1 : 0]);
    const m = new Sequential([new MaxPooling2D({ inputShape: [6, 6, 1], padding: 'same' }), new AveragePooling2D(), new Flatten(), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const h = await m.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
    const loss = h.history.loss!;
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]!);
  });
});

describe.each(['wasm', 'js'] as const)('MaxPooling2D with 2×2 windows (branch-free; WebAssembly SIMD for an even channel count) keeps the first maximum (%s kernel)', (backend) => {
  afterEach(() => setKernelBackend('auto'));
  it('ties, ±0, ±∞ and NaN: y and the cell the gradient goes to are those of the window walk (seed 2911)', () => {
    setKernelBackend(backend);
    // The rule of src/tensor/pool.ts: walk the window in row-major order and take a value when it is
    // greater than the best so far, or when it is NaN and the best is not (the first NaN wins).
    const special = fc.constantFrom(0, -0, 1, -1, 2, Infinity, -Infinity, NaN);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (h, w, c, seed) => {
        const [H, W] = [2 * h + (seed & 1), 2 * w + ((seed >> 1) & 1)];
        const x = new Tensor(Float64Array.from(fc.sample(special, { numRuns: H * W * c, seed })), [1, H, W, c]);
        const layer = built(new MaxPooling2D({ poolSize: 2 }), [H, W, c]);
        const y = layer.forward(x, true);
        // dy with ±0, ±∞ and NaN too: dx is "fill 0, then add dy at the maximum's cell" bit for bit (0 + −0 is +0)
        const dy = new Tensor(Float64Array.from(fc.sample(special, { numRuns: h * w * c, seed: seed + 1 })), [1, h, w, c]);
        const dx = layer.backward(dy)!;
        const wantDx = new Float64Array(H * W * c);
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
          const cells = [[2 * i, 2 * j], [2 * i, 2 * j + 1], [2 * i + 1, 2 * j], [2 * i + 1, 2 * j + 1]].map(([a, b]) => (a! * W + b!) * c + k);
          let at = cells[0]!;
          for (const q of cells.slice(1)) {
            const v = x.data[q]!, best = x.data[at]!;
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) at = q;
          }
          const o = (i * w + j) * c + k;
          expect(Object.is(y.data[o], x.data[at]), `y[${o}]`).toBe(true);
          wantDx[at] = 0 + dy.data[o]!;
        }
        for (let q = 0; q < wantDx.length; q++) expect(Object.is(dx.data[q], wantDx[q]), `dx[${q}]`).toBe(true);
      }),
      { seed: 2911, numRuns: 300 },
    );
  });
});

describe('maxPoolBackward over 2×2 windows that tile the image writes every cell of dx', () => {
  it('whatever dx held before (odd last rows and columns included): the bits of "fill 0, then add dy at arg"', () => {
    for (const [H, W, C] of [[5, 7, 3], [4, 4, 2], [3, 5, 1]] as const) {
      const g = poolGeometry([H, W, C], [2, 2], [2, 2], 'valid');
      const out = g.outH * g.outW * C;
      const dy = Float64Array.from({ length: 2 * out }, (_, i) => (i % 3 === 0 ? -0 : i - out));
      // arg: for each window and channel some cell of that window (the first image, then the second)
      const arg = new Int32Array(2 * out);
      let o = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) for (let c = 0; c < C; c++, o++) {
        arg[o] = ((n * H + 2 * i + (o & 1)) * W + 2 * j + ((o >> 1) & 1)) * C + c;
      }
      const want = new Float64Array(2 * H * W * C);
      for (let q = 0; q < 2 * out; q++) want[arg[q]!]! += dy[q]!;
      const dx = new Float64Array(2 * H * W * C).fill(7);
      maxPoolBackward(dy, dx, arg, 2 * out, g);
      for (let q = 0; q < want.length; q++) expect(Object.is(dx[q], want[q]), `${H}×${W}×${C}: dx[${q}]`).toBe(true);
    }
  });
});
