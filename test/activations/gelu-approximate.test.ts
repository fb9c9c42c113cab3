/**
 * gelu with Keras 3's `approximate=True` (keras/src/activations/activations.py → ops.gelu): the tanh
 * form y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), numnet's `geluApproximate` (TF.js: `gelu_new`).
 *
 * KERAS holds NumPy float64 values (numpy 2.4, run with python3 for this file; not numnet's output)
 * from Keras's NumPy backend, keras/src/backend/numpy/nn.py `gelu(x, approximate=True)`:
 *   cdf = 0.5 * (1.0 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))); y = x * cdf
 * The derivative is checked against numerical differentiation; saved models keep it (native JSON),
 * and TF.js's own `gelu_new` (tfjs-layers 4.22, a second implementation) predicts the same.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, Dense, NumnetError, Sequential, activate, activationGradient, fromTFJS, getActivation, numericalGradient, relativeError,
  tensor, toTFJS,
} from '../../src/index.js';
import { gelu, geluApproximate, makeGelu } from '../../src/activations/activations.js';
import { expectClose } from '../helpers/golden.js';
import { expectFloat32Close, useTfjsCpu } from '../helpers/tfjs.js';

/** Uniform on [min, max] (fc.double is spread over the exponents: mostly tiny values, where any cubic term vanishes). */
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: -1e6, max: 1e6 })).map((i) => (min + max) / 2 + ((max - min) / 2) * (i / 1e6));

const KERAS = {
  x: [-1000, -30, -6, -3, -2, -1.5, -1, -0.5, -0.1, -1e-9, 0, 1e-9, 0.1, 0.5, 1, 1.5, 2, 3, 6, 30, 1000],
  y: [
    -0, -0, -8.43964897967453e-11, -0.0036373920817729943, -0.04540230591222494, -0.10042842301976707, -0.1588080093917233,
    -0.15428599017485606, -0.04601724895456484, -4.999999996010577e-10, 0, 5.000000003989423e-10, 0.053982751045435165,
    0.34571400982514394, 0.8411919906082768, 1.3995715769802328, 1.954597694087775, 2.996362607918227, 5.9999999999156035, 30, 1000,
  ],
};

describe('geluApproximate: Keras 3 gelu(x, approximate=True)', () => {
  it("equals Keras's NumPy backend at 21 points from −1000 to 1000 (specification §10 tolerance)", () => {
    expectClose(activate('geluApproximate', KERAS.x).data, KERAS.y, 'geluApproximate');
  });

  it('is not the exact gelu: they differ by up to ~1e-3 (at |x| ≈ 2–3), and agree at 0 and far out', () => {
    const x = Array.from({ length: 801 }, (_, i) => -8 + i * 0.02);
    const a = activate('geluApproximate', x).data;
    const e = activate('gelu', x).data;
    const gap = Math.max(...x.map((_, i) => Math.abs(a[i]! - e[i]!)));
    expect(gap).toBeGreaterThan(1e-4);
    expect(gap).toBeLessThan(1e-3);
    expect(activate('geluApproximate', [0]).data[0]).toBe(0);
  });

  it('its derivative equals numerical differentiation (fast-check, fixed seed); with an upstream it is upstream·φ′', () => {
    fc.assert(
      fc.property(uniform(-8, 8), uniform(-2, 2), (x, u) => {
        const analytic = activationGradient('geluApproximate', [x]).data[0]!;
        const numerical = numericalGradient((t) => activate('geluApproximate', t).data[0]!, [x], { order: 4 }).data[0]!;
        // specification §8's bound, as test/gradcheck (where geluApproximate is also checked inside models).
        expect(relativeError(analytic, numerical), `x = ${x}`).toBeLessThanOrEqual(1e-6);
        expect(activationGradient('geluApproximate', [x], [u]).data[0]).toBe(u * analytic);
      }),
      { seed: 1511, numRuns: 500 },
    );
  });

  it('the derivative at the points where its closed form is easy: ½ at 0, → 1 and → 0 far out, finite at ±1e300', () => {
    expect(activationGradient('geluApproximate', [0]).data[0]).toBe(0.5);
    const g = Array.from(activationGradient('geluApproximate', [1000, -1000, 1e300, -1e300, 5e-324]).data, (v) => v + 0);
    expect(g.slice(0, 4)).toEqual([1, 0, 1, 0]);
    expect(g[4]).toBe(0.5);
    for (const v of activate('geluApproximate', [1e300, -1e300]).data) expect(Number.isFinite(v)).toBe(true);
  });

  it("follows numnet's pattern of an activation with an option: makeGelu(approximate), as makeLeakyRelu(α) and makeElu(α); by name 'geluApproximate' (any case, snake_case)", () => {
    expect(makeGelu(true)).toBe(geluApproximate);
    expect(makeGelu(false)).toBe(gelu);
    expect(ACTIVATIONS.geluApproximate).toBe(geluApproximate);
    expect(ACTIVATIONS.gelu).toBe(gelu);
    for (const name of ['geluApproximate', 'gelu_approximate', 'GeluApproximate', 'GELU_APPROXIMATE']) expect(getActivation(name)).toBe(geluApproximate);
    expect(geluApproximate.name).toBe('geluApproximate');
    for (const bad of ['true', 1, undefined, null]) {
      const e = (() => { try { makeGelu(bad as never); } catch (err) { return err; } return undefined; })();
      expect(e).toBeInstanceOf(NumnetError);
      expect((e as NumnetError).code).toBe('INVALID_ARGUMENT');
      expect((e as NumnetError).message).toContain('gelu: approximate must be true or false');
    }
  });

  it('a Dense layer with it round-trips through the native JSON, by name, with the same predictions bit for bit', () => {
    const m = new Sequential([new Dense({ units: 4, activation: 'gelu_approximate', inputShape: [3] }), new Dense({ units: 2, activation: makeGelu(true) })], { seed: 5 });
    const x = tensor([[0.5, -1, 2], [3, 0.25, -0.75]]);
    const json = m.toJSON() as unknown as { modelConfig: { layers: { config: { activation: string } }[] } };
    expect(json.modelConfig.layers.map((l) => l.config.activation)).toEqual(['geluApproximate', 'geluApproximate']);
    const native = Sequential.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(native.layers.map((l) => (l as Dense).activation)).toEqual([geluApproximate, geluApproximate]);
    expect(Array.from(native.predict(x).data)).toEqual(Array.from(m.predict(x).data));
  });
});

describe("TF.js: its gelu_new is this function; numnet reads it, and refuses to write what tfjs-layers 4.22 cannot load", () => {
  useTfjsCpu();

  it("a TF.js model with activation 'gelu_new' (tf.io.withSaveHandler artifacts) loads as geluApproximate and predicts as TF.js does (float32)", async () => {
    const tm = tf.sequential();
    tm.add(tf.layers.dense({ units: 5, activation: 'gelu_new', inputShape: [3] }));
    tm.add(tf.layers.dense({ units: 2, activation: 'gelu_new' }));
    tm.setWeights(tm.getWeights().map((w, i) => tf.randomUniform(w.shape, -1.5, 1.5, 'float32', 40 + i)));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tm.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const m = fromTFJS(artifacts!);
    expect(m.layers.map((l) => (l as Dense).activation)).toEqual([geluApproximate, geluApproximate]);
    const x = [[0.5, -1, 2], [3, 0.25, -0.75], [-2.5, 1.25, 0]];
    const expected = (tm.predict(tf.tensor2d(x)) as tf.Tensor).dataSync();
    expectFloat32Close(m.predict(x).data, expected);
  });

  it('toTFJS refuses it with INVALID_ARGUMENT naming the layer and the reason (TF.js writes gelu_new but cannot load it back)', () => {
    const m = new Sequential([new Dense({ units: 2, activation: 'geluApproximate', inputShape: [3] })]);
    let e: unknown;
    try {
      toTFJS(m);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(NumnetError);
    expect((e as NumnetError).code).toBe('INVALID_ARGUMENT');
    expect((e as NumnetError).message).toMatch(/activation 'geluApproximate' cannot be expressed in TF\.js \(TF\.js's gelu_new is this function, but tfjs-layers 4\.22 cannot load it/);
  });

  it('is reachable from the package root as Keras writes it: makeGelu(true) (gelu(x, approximate=True)) in a Dense layer', async () => {
    const { Dense, Sequential, makeGelu: fromRoot } = await import('../../src/index.js');
    expect(fromRoot).toBe(makeGelu);
    const m = new Sequential([new Dense({ units: 1, inputShape: [1], activation: fromRoot(true), kernelInitializer: 'ones' })]);
    const x = 0.7;
    const want = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    expect(m.predict([[x]]).data[0]).toBeCloseTo(want, 15);
    expect(m.toJSON().modelConfig.layers[0]!.config.activation).toBe('geluApproximate');
  });
});
