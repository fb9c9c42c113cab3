/**
 * Reshape: samples keep their row-major values under a new shape (one −1 inferred); the output
 * shares the input's data; errors for sizes that do not fit.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Reshape, Sequential, Tensor } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';

describe('Reshape', () => {
  it('infers −1, shares the data both ways, and reuses the view while the buffer stays the same', () => {
    const layer = new Reshape({ targetShape: [-1, 3], inputShape: [2, 2, 3] });
    new Sequential([layer]);
    expect(layer.outputShape).toEqual([4, 3]);
    const x = new Tensor(Float64Array.from({ length: 24 }, (_v, i) => i), [2, 2, 2, 3]);
    const y = layer.forward(x, true);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(y.data).toBe(x.data);
    expect(layer.forward(x, true)).toBe(y);
    const dy = new Tensor(new Float64Array(24), [2, 4, 3]);
    const dx = layer.backward(dy, true)!;
    expect(dx.shape).toEqual([2, 2, 2, 3]);
    expect(dx.data).toBe(dy.data);
    expect(layer.backward(dy, false)).toBeUndefined();
    expect(layer.getConfig()).toEqual({ name: 'reshape', inputShape: [2, 2, 3], targetShape: [-1, 3] });
  });

  it('Dense → Reshape → images: summary and predict', () => {
    const m = new Sequential([new Dense({ units: 12, inputShape: [4] }), new Reshape({ targetShape: [2, 3, 2] })]);
    expect(m.outputShape).toEqual([2, 3, 2]);
    expect(m.predict([[1, 2, 3, 4]]).shape).toEqual([1, 2, 3, 2]);
    expect(m.summary({ printFn: () => {} })).toMatch(/reshape \(Reshape\)\s+│ \(None, 2, 3, 2\)\s+│\s+0 │\n/);
  });

  it('sizes that do not fit are SHAPE_MISMATCH naming the shapes; bad target shapes are INVALID_ARGUMENT', () => {
    const f = () => new Sequential([new Reshape({ targetShape: [5, 2], inputShape: [3, 3] })]);
    expect(codeOf(f)).toBe('SHAPE_MISMATCH');
    expect(messageOf(f)).toMatch(/Reshape layer reshape: samples of shape \[3, 3\] \(9 values\) cannot be reshaped to targetShape \[5, 2\] \(10 values\)/);
    expect(messageOf(() => new Sequential([new Reshape({ targetShape: [-1, 2], inputShape: [3, 3] })]))).toMatch(/9 is not a multiple of 2/);
    for (const bad of [[], [-1, -1], [0, 3], [2.5], [-2, 3], 'x', undefined]) {
      expect(codeOf(() => new Reshape({ targetShape: bad as never })), JSON.stringify(bad)).toBe('INVALID_ARGUMENT');
    }
    expect(codeOf(() => new Reshape(undefined as never))).toBe('INVALID_ARGUMENT');
  });
});
