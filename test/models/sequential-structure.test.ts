/**
 * Sequential's structure under hostile or careless callers: setWeights with the model's own live
 * tensors in any order, adding many layers in linear time, and plain-object options.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dense, Sequential, setSeed } from '../../src/index.js';
import { getGlobalRandom } from '../../src/random.js';

describe('setWeights reads every source before writing', () => {
  it('a permutation of the model\'s own live weights (same shapes) is applied as given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.nat(), (layers, seed) => {
        // Square kernels [3, 3] and biases [3], so any permutation among kernels or among biases fits.
        const m = new Sequential(Array.from({ length: layers }, (_, i) => new Dense({ units: 3, ...(i === 0 ? { inputShape: [3] } : {}), biasInitializer: 'randomNormal' })), { seed });
        const copies = m.getWeights().map((w) => Array.from(w.data));
        const live = m.parameters.map((p) => p.value);
        // Reverse the kernels among themselves and the biases among themselves.
        const kernels = live.filter((_, i) => i % 2 === 0).reverse();
        const biases = live.filter((_, i) => i % 2 === 1).reverse();
        const order = live.map((_, i) => (i % 2 === 0 ? kernels[i / 2]! : biases[(i - 1) / 2]!));
        m.setWeights(order);
        const expected = live.map((_, i) => (i % 2 === 0 ? copies[2 * (layers - 1 - i / 2)]! : copies[2 * (layers - 1 - (i - 1) / 2) + 1]!));
        expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(expected);
      }),
      { seed: 41, numRuns: 50 },
    );
  });
});

describe('building is linear in the number of layers', () => {
  it('add() builds only the new layer: 3,000 adds touch each layer once', () => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] })], { seed: 1 });
    let builds = 0;
    for (let i = 0; i < 3000; i++) {
      const d = new Dense({ units: 2 });
      const prepare = d.prepareBuild.bind(d);
      d.prepareBuild = (shape, rng, name) => {
        builds++;
        return prepare(shape, rng, name);
      };
      m.add(d);
    }
    expect(builds).toBe(3000);
    expect(m.countParams()).toBe(3001 * 6);
  });

  it('the constructor builds each layer once', () => {
    const layers = Array.from({ length: 2000 }, (_, i) => new Dense({ units: 1, ...(i === 0 ? { inputShape: [1] } : {}) }));
    let builds = 0;
    for (const d of layers) {
      const prepare = d.prepareBuild.bind(d);
      d.prepareBuild = (shape, rng, name) => {
        builds++;
        return prepare(shape, rng, name);
      };
    }
    new Sequential(layers, { seed: 1 });
    expect(builds).toBe(2000);
  });
});

describe('a rejected constructor changes nothing', () => {
  it('the global generator does not move when new Sequential throws', () => {
    setSeed(7);
    const before = getGlobalRandom().getState();
    // The second layer cannot be built: a Dense after [2, 2] samples needs a Flatten.
    expect(() => new Sequential([new Dense({ units: 2, inputShape: [2, 2] })])).toThrow();
    expect(() => new Sequential([new Dense({ units: 1, inputShape: [1], name: 'a' }), new Dense({ units: 1, name: 'a' })])).toThrow(/a layer named "a"/);
    expect(getGlobalRandom().getState()).toEqual(before);
  });
});

describe('options must be plain objects', () => {
  it.each([
    ['a Map', new Map([['epochs', 1]])],
    ['an array', []],
    ['a class instance', new (class Options { epochs = 1; })()],
  ])('fit with %s: INVALID_ARGUMENT', async (_what, options) => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit([[1]], [[1]], options as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => m.evaluate([[1]], [[1]], options as never)).toThrow(/options must be a plain object/);
    expect(() => m.predict([[1]], options as never)).toThrow(/options must be a plain object/);
  });
});

describe('a layer from another copy of numnet', () => {
  it('is refused with a message that says what happened', () => {
    // What a Dense made by require('numnet') looks like to the ES module build: the same shape, another class.
    const foreign = { className: 'Dense', name: '', forward() {}, backward() {}, params: [], outputShape: [] };
    expect(() => new Sequential([foreign as never])).toThrow(/a Dense layer from another copy of numnet/);
    expect(() => new Sequential().add(foreign as never)).toThrow(/another copy of numnet/);
  });
});

describe('summary()', () => {
  it('a long layer name wraps in its column (Keras 3’s table); trainable and non-trainable counts', async () => {
    const { BatchNormalization } = await import('../../src/index.js');
    const m = new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization()]);
    const table = m.summary({ printFn: () => {} });
    expect(table).toMatch(/│ batch_normalization +│ \(None, 4\) +│ +16 │\n│ \(BatchNormalization\) +│ +│ +│/);
    // Dense 3·4 + 4 = 16; BatchNormalization: gamma, beta (8, trained), moving mean and variance (8, not).
    expect(table).toContain('Total params: 32');
    expect(table).toContain('Trainable params: 24');
    expect(table).toContain('Non-trainable params: 8');
  });
});

describe('default layer names', () => {
  it("follow Keras's to_snake_case", async () => {
    const L = await import('../../src/index.js');
    const m = new Sequential([
      new L.Conv2D({ filters: 2, kernelSize: 3, inputShape: [8, 8, 1] }), new L.BatchNormalization(), new L.MaxPooling2D(),
      new L.ZeroPadding2D({ padding: 1 }), new L.GlobalAveragePooling2D(), new L.Dense({ units: 2 }), new L.LeakyReLU(), new L.PReLU(), new L.Dense({ units: 1 }),
    ]);
    // The names Keras 3 gives these classes (keras/src/utils/naming.py: to_snake_case).
    expect(m.layers.map((l) => l.name)).toEqual([
      'conv2d', 'batch_normalization', 'max_pooling2d', 'zero_padding2d', 'global_average_pooling2d', 'dense', 'leaky_re_lu', 'p_re_lu', 'dense_1',
    ]);
  });
});
