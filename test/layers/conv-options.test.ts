/**
 * The options of Conv2D, Conv1D, ZeroPadding2D and Reshape with values of any kind (fast-check,
 * fixed seed): a layer, or a NumnetError — never a TypeError — and a layer that builds for a
 * fitting input or refuses it with SHAPE_MISMATCH / INVALID_ARGUMENT.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conv1D, Conv2D, Layer, NumnetError, Reshape, Sequential, ZeroPadding2D } from '../../src/index.js';
import { weird, weirdArray, weirdScalar } from '../helpers/fuzz.js';

/** A size option for `rank` spatial axes: mostly valid (a number or `rank` of them), sometimes anything. */
const size = (rank: number) => fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 0, maxLength: 3 }) },
  { weight: 1, arbitrary: weirdScalar },
  { weight: 1, arbitrary: weirdArray },
);
const anyOf = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: weird });
const shapeArb = anyOf(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }));

/** Conv options: usually filters, kernelSize and inputShape present; sometimes a foreign key, sometimes any subset. */
const convOptions = (rank: number) => fc
  .tuple(
    fc.record(
      {
        filters: anyOf(fc.integer({ min: 1, max: 3 })), kernelSize: size(rank), strides: size(rank), dilationRate: size(rank),
        padding: anyOf(fc.constantFrom('valid', 'same', 'same', 'causal')), activation: anyOf(fc.constantFrom('relu', 'tanh', 'softmax', 'linear', 'nope')),
        useBias: anyOf(fc.boolean()), kernelInitializer: anyOf(fc.constantFrom('heNormal', 'zeros', { name: 'constant', value: 0.5 })),
        inputShape: fc.oneof({ weight: 3, arbitrary: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: rank + 1, maxLength: rank + 1 }) }, { weight: 1, arbitrary: shapeArb }),
      },
      { requiredKeys: [] },
    ),
    fc.integer({ min: 0, max: 9 }),
  )
  .map(([o, k]) => (k === 0 ? o : k === 1 ? { ...o, units: 3 } : { filters: 2, kernelSize: 2, inputShape: rank === 2 ? [5, 5, 2] : [6, 2], ...o }));

const classes: [string, new (c: never) => Layer, fc.Arbitrary<unknown>][] = [
  ['Conv2D', Conv2D as never, convOptions(2)],
  ['Conv1D', Conv1D as never, convOptions(1)],
  ['ZeroPadding2D', ZeroPadding2D as never, fc.record({ padding: anyOf(fc.oneof(size(2), fc.constant([[1, 2], [0, 3]]))), inputShape: shapeArb }, { requiredKeys: [] })],
  ['Reshape', Reshape as never, fc.record({ targetShape: anyOf(fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 1, maxLength: 3 })), inputShape: shapeArb }, { requiredKeys: [] })],
];

describe('options of any kind (fast-check, seed 1401, 400 runs per class)', () => {
  for (const [name, Cls, options] of classes) {
    it(`${name}: a layer or a NumnetError; a model of it builds or refuses with SHAPE_MISMATCH / INVALID_ARGUMENT`, () => {
      let built = 0;
      fc.assert(
        fc.property(fc.oneof({ weight: 6, arbitrary: options }, { weight: 1, arbitrary: weird }), (config) => {
          let layer: Layer;
          try {
            layer = new Cls(config as never);
          } catch (e) {
            expect(e).toBeInstanceOf(NumnetError);
            expect(['INVALID_ARGUMENT', 'UNKNOWN_NAME']).toContain((e as NumnetError).code);
            return;
          }
          expect(layer.className).toBe(name);
          if (!layer.inputShape) return;
          try {
            const m = new Sequential([layer]);
            built++;
            expect(m.predict(new Array(2).fill(0).map(() => zerosOf(layer.inputShape!)) as never).shape).toEqual([2, ...layer.outputShape]);
          } catch (e) {
            expect(e).toBeInstanceOf(NumnetError);
            expect(['SHAPE_MISMATCH', 'INVALID_ARGUMENT']).toContain((e as NumnetError).code);
          }
        }),
        { seed: 1401, numRuns: 400 },
      );
      expect(built).toBeGreaterThanOrEqual(15); // enough fitting configurations among the refused ones
    });
  }
});

/** A nested array of zeros of `shape`. */
function zerosOf(shape: readonly number[]): unknown {
  return shape.length === 0 ? 0 : Array.from({ length: shape[0]! }, () => zerosOf(shape.slice(1)));
}
