/**
 * The data door's hot path (issue 13, item 4):
 * - checkFiniteRows, a single branch-free pass (Σ v·0), accepts exactly the all-finite data and
 *   otherwise names the first NaN/±Infinity and its row, as the per-value loop did. The expected
 *   row and message are computed here from the definition (first index i with a non-finite value,
 *   row ⌊i / row size⌋), not from numnet's output; Keras has no such check.
 * - After a call returns, the model keeps no reference to the caller's data (nor to the float64 copy
 *   the door makes of nested arrays): the layers keep their last input for the backward pass, so the
 *   trainer hands them its own buffers. Checked with WeakRefs and the process's ArrayBuffer bytes
 *   after a full garbage collection (no timing).
 */
import fc from 'fast-check';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Dense, NumnetError, Sequential, SGD, Tensor, tensor } from '../../src/index.js';
import { checkFiniteRows } from '../../src/training/data.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('checkFiniteRows', () => {
  const finite = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE),
  );
  const bad = fc.constantFrom(NaN, Infinity, -Infinity);

  it('accepts every all-finite tensor (−0, ±MAX_VALUE and subnormals included)', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 })).chain(([r, c]) =>
      fc.tuple(fc.constant([r, c]), fc.array(finite, { minLength: r * c, maxLength: r * c })),
    );
    fc.assert(
      fc.property(arb, ([shape, values]) => {
        expect(() => checkFiniteRows(new Tensor(Float64Array.from(values), shape), 'x')).not.toThrow();
      }),
      { seed: 1304, numRuns: 300 },
    );
  });

  it('names the first non-finite value and its row, whatever follows it (lengths not a multiple of 4 too)', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }))
      .chain(([r, c]) =>
        fc.tuple(
          fc.constant([r, c]),
          fc.array(finite, { minLength: r * c, maxLength: r * c }),
          fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: r * c - 1 }), bad), { minLength: 1, maxLength: 3, selector: ([i]) => i }),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, values, holes]) => {
        const data = Float64Array.from(values);
        for (const [i, v] of holes) data[i] = v;
        const [first, value] = holes.reduce((a, b) => (b[0] < a[0] ? b : a));
        const row = Math.floor(first / shape[1]!);
        let err: unknown;
        try {
          checkFiniteRows(new Tensor(data, shape), 'fit(): x');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(NumnetError);
        expect((err as NumnetError).code).toBe('NON_FINITE_INPUT');
        expect((err as NumnetError).message).toBe(`fit(): x holds ${value} in row ${row} (shape [${shape[0]}, ${shape[1]}])`);
      }),
      { seed: 1305, numRuns: 300 },
    );
  });

  it('a rank-1 or empty tensor: row by the first axis, nothing to refuse when empty', () => {
    expect(() => checkFiniteRows(new Tensor(new Float64Array(0), [0, 3]), 'y')).not.toThrow();
    expect(() => checkFiniteRows(new Tensor(Float64Array.of(1, 2, -Infinity, NaN, 5), [5]), 'y')).toThrow('y holds -Infinity in row 2 (shape [5])');
  });
});

// ---------------------------------------------------------------- no reference kept

const model = () => {
  const m = new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [16] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 3 });
  m.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
  return m;
};
const rows = (n: number, cols: number, k = 0) => Array.from({ length: n }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(i * cols + j + k)));
const oneHot = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? [0, 1] : [1, 0]));

/** Whether the buffer of a tensor given to `use` is still reachable after `use` settled and a full gc. */
async function kept(use: (t: Tensor) => unknown): Promise<boolean> {
  const ref = await (async (): Promise<WeakRef<ArrayBuffer>> => {
    const t = tensor(rows(40, 16, 1));
    await use(t);
    return new WeakRef(t.data.buffer as ArrayBuffer);
  })();
  // A WeakRef's target stays alive until the end of the job that made it: collect in a later one.
  await new Promise((r) => setTimeout(r, 0));
  gc();
  return ref.deref() !== undefined;
}

describe('a call keeps no reference to the caller’s data', () => {
  it('predict, in one batch and in several (a view of the data would keep all of it)', async () => {
    const m = model();
    expect(await kept((t) => m.predict(t))).toBe(false);
    expect(await kept((t) => m.predict(t, { batchSize: 7 }))).toBe(false);
  });

  it('trainOnBatch, computeGradients, evaluate and fit', async () => {
    const m = model();
    const y = oneHot(40);
    expect(await kept((t) => m.trainOnBatch(t, y))).toBe(false);
    expect(await kept((t) => m.computeGradients(t, y))).toBe(false);
    expect(await kept((t) => m.evaluate(t, y, { batchSize: 40 }))).toBe(false);
    expect(await kept((t) => m.fit(t, y, { batchSize: 8, epochs: 2 }))).toBe(false);
    expect(await kept((t) => m.fit(t, y, { batchSize: 8, validationData: [t, y] }))).toBe(false);
    // The test's own control: a reference the test keeps is seen as kept.
    const held: Tensor[] = [];
    expect(await kept((t) => held.push(t))).toBe(true);
  });

  it('the float64 copy of nested arrays is collectable once predict / trainOnBatch return', async () => {
    const m = model();
    const x = rows(20000, 16); // 2.4 MiB as float64
    const y = oneHot(20000);
    // ArrayBuffers' memory is freed by a sweeper after the gc: collect and wait a few times.
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        gc();
      }
      return process.memoryUsage().arrayBuffers;
    };
    const calls = (data: number[][] | Tensor) => {
      m.predict(data);
      m.trainOnBatch(data, y);
    };
    const held = tensor(x); // the same shapes, kept by the test
    calls(x); // the model makes its own buffers (one batch each)
    calls(held); // whatever the model may still point at is now the test's own tensor
    const before = await settle();
    calls(x); // nested arrays: each call makes a float64 copy, which must not outlive it
    const after = await settle();
    expect(held.size).toBe(20000 * 16);
    expect(after - before).toBeLessThan(20000 * 16 * 8 * 0.25);
  });
});
