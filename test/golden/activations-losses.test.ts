import { describe, expect, it } from 'vitest';
import {
  BinaryCrossentropy, CategoricalCrossentropy, Huber, MeanAbsoluteError, MeanSquaredError,
  SparseCategoricalCrossentropy, activate, activationGradient, getLoss, Loss,
} from '../../src/index.js';
import { close, expectClose, flat, readGolden } from '../helpers/golden.js';

const acts = readGolden('activations.json');
const losses = readGolden('losses.json');

describe('golden activations (PyTorch autograd, float64)', () => {
  const x: number[] = acts.x;
  for (const [name, ref] of Object.entries<any>(acts.functions)) {
    it(`${name}: value and derivative at ${x.length} points`, () => {
      expectClose(activate(name, [x]).data, ref.y, `${name} y`);
      expectClose(activationGradient(name, [x]).data, ref.dy, `${name} dy`);
    });
  }

  it('softmax: value and vector–Jacobian product over the last axis', () => {
    const { x: sx, upstream, y, vjp } = acts.softmax;
    expectClose(activate('softmax', sx).data, flat(y), 'softmax y');
    expectClose(activationGradient('softmax', sx, upstream).data, flat(vjp), 'softmax vjp');
  });

  it('the tolerance helper rejects a difference of one part in 1e9', () => {
    expect(close(1, 1 + 1e-9)).toBe(false);
    expect(close(1, 1 + 1e-11)).toBe(true);
    expect(close(1e-13, 0)).toBe(true);
  });
});

const LOSS_OBJECTS: Record<string, () => Loss> = {
  mse: () => new MeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  huber: () => new Huber({ delta: 1 }),
  binaryCrossentropy: () => new BinaryCrossentropy(),
  categoricalCrossentropy: () => new CategoricalCrossentropy(),
  sparseCategoricalCrossentropy: () => new SparseCategoricalCrossentropy(),
  binaryCrossentropyFromLogits: () => new BinaryCrossentropy({ fromLogits: true }),
  categoricalCrossentropyFromLogits: () => new CategoricalCrossentropy({ fromLogits: true }),
  sparseCategoricalCrossentropyFromLogits: () => new SparseCategoricalCrossentropy({ fromLogits: true }),
};

describe('golden losses (Keras reduction, PyTorch autograd gradients)', () => {
  it('covers every entry of losses.json', () => {
    expect(Object.keys(losses).sort()).toEqual(Object.keys(LOSS_OBJECTS).sort());
  });
  for (const [name, ref] of Object.entries<any>(losses)) {
    it(`${name}: loss and dLoss/dyPred`, () => {
      const loss = LOSS_OBJECTS[name]!();
      expectClose(loss.call(ref.yTrue, ref.yPred), ref.loss, `${name} loss`);
      expectClose(loss.gradientOf(ref.yTrue, ref.yPred).data, flat(ref.grad), `${name} grad`);
    });
  }
  it('the string names resolve to the same losses (Keras aliases too)', () => {
    for (const [alias, name] of [
      ['mse', 'mse'], ['mean_squared_error', 'mse'], ['meanSquaredError', 'mse'], ['mae', 'mae'],
      ['binary_crossentropy', 'binaryCrossentropy'], ['categorical_crossentropy', 'categoricalCrossentropy'],
      ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'], ['huber', 'huber'],
    ] as const) {
      const ref = losses[name];
      expectClose(getLoss(alias).call(ref.yTrue, ref.yPred), ref.loss, alias);
    }
  });
});
