/**
 * Conv1D: the forward pass against a plain loop of z[n,t,f] = b[f] + Σ_{a,c} x[n, t·s + a·d − padLeft, c]·K[a,c,f],
 * analytic against numerical gradients (fast-check, fixed seeds), shapes, options and fans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conv1D, Random, Sequential, Tensor, glorotUniform } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { axis, expectNear, layerGradientError, randomValues } from './conv-reference.js';

interface Case { n: number; steps: number; c: number; f: number; k: number; s: number; d: number; padding: 'valid' | 'same'; useBias: boolean }

const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), steps: fc.integer({ min: 1, max: 12 }), c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 5 }), sd: fc.integer({ min: 1, max: 4 }), dilated: fc.boolean(),
    padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), useBias: fc.boolean(),
  })
  .map(({ sd, dilated, ...r }): Case => ({ ...r, s: dilated ? 1 : sd, d: dilated ? sd : 1 }));

const fits = (p: Case) => axis(p.steps, p.k, p.s, p.d, p.padding).out >= 1;

/** The equation as a loop; also Σ|terms| per output. */
function naiveConv1D(x: Float64Array, K: Float64Array, b: Float64Array | undefined, p: Case) {
  const T = axis(p.steps, p.k, p.s, p.d, p.padding);
  const y = new Float64Array(p.n * T.out * p.f);
  const scale = new Float64Array(y.length);
  for (let n = 0; n < p.n; n++) {
    for (let t = 0; t < T.out; t++) {
      for (let f = 0; f < p.f; f++) {
        let s = b ? b[f]! : 0;
        let abs = Math.abs(s);
        for (let a = 0; a < p.k; a++) {
          const u = t * p.s + a * p.d - T.before;
          if (u < 0 || u >= p.steps) continue;
          for (let c = 0; c < p.c; c++) {
            const term = x[(n * p.steps + u) * p.c + c]! * K[(a * p.c + c) * p.f + f]!;
            s += term;
            abs += Math.abs(term);
          }
        }
        y[(n * T.out + t) * p.f + f] = s;
        scale[(n * T.out + t) * p.f + f] = abs;
      }
    }
  }
  return { y, scale, shape: [p.n, T.out, p.f] };
}

function make(p: Case, seed: number, activation = 'linear') {
  const layer = new Conv1D({
    filters: p.f, kernelSize: seed % 2 ? p.k : [p.k], strides: p.s, dilationRate: seed % 3 ? p.d : [p.d], padding: p.padding,
    useBias: p.useBias, activation, inputShape: [p.steps, p.c],
  });
  new Sequential([layer], { seed });
  const rng = new Random(seed);
  for (const q of layer.params) q.value.data.set(randomValues(q.value.size, rng));
  return { layer, x: new Tensor(randomValues(p.n * p.steps * p.c, rng), [p.n, p.steps, p.c]), rng };
}

describe('Conv1D against the equation (fast-check, seeds 1201 and 1202)', () => {
  it('forward: random lengths, kernels, strides, dilations, paddings (300 cases); a kernel that does not fit is SHAPE_MISMATCH', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
        if (!fits(p)) {
          expect(codeOf(() => make(p, seed))).toBe('SHAPE_MISMATCH');
          return;
        }
        const { layer, x } = make(p, seed);
        const y = layer.forward(x, false);
        const ref = naiveConv1D(x.data, layer.kernel.value.data, layer.bias?.value.data, p);
        expect(y.shape).toEqual(ref.shape);
        expectNear(y.data, ref.y, ref.scale, 'conv1d forward');
      }),
      { seed: 1201, numRuns: 300 },
    );
  });

  it('gradients of the input, kernel and bias against central differences (80 cases)', () => {
    let worst = 0;
    fc.assert(
      fc.property(caseArb.filter(fits), fc.constantFrom('linear', 'tanh'), fc.integer({ min: 1, max: 1e6 }), (p, act, seed) => {
        const { layer, x, rng } = make(p, seed, act);
        const e = layerGradientError(layer, x, rng);
        worst = Math.max(worst, e);
        expect(e).toBeLessThan(1e-7);
      }),
      { seed: 1202, numRuns: 80 },
    );
    console.log(`Conv1D: worst relative gradient error over 80 random layers: ${worst.toExponential(2)}`);
  });
});

describe('Conv1D shapes and options', () => {
  it('kernel [k, in, filters], bias [filters]; output lengths; the config writes sizes as numbers', () => {
    const m = new Sequential([new Conv1D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [9, 2] })]);
    const layer = m.layers[0] as Conv1D;
    expect(m.getWeights().map((w) => w.shape)).toEqual([[3, 2, 4], [4]]);
    expect(layer.outputShape).toEqual([5, 4]);
    expect(layer.getConfig()).toMatchObject({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', dilationRate: 1, activation: 'linear', useBias: true });
    expect(m.summary({ printFn: () => {} })).toMatch(/conv1d \(Conv1D\)\s+│ \(None, 5, 4\)\s+│\s+28 │\n/);
  });

  it('fans: fanIn = k·in, fanOut = k·filters', () => {
    const layer = new Conv1D({ filters: 6, kernelSize: 4, inputShape: [10, 3] });
    new Sequential([layer], { seed: 8 });
    expect(Array.from(layer.kernel.value.data)).toEqual(Array.from(glorotUniform.init(4 * 3 * 6, 4 * 3, 4 * 6, new Random(8))));
  });

  it('errors name Conv1D: a 2-D kernelSize, causal padding, images as input, a kernel longer than the sequence', () => {
    expect(messageOf(() => new Conv1D({ filters: 2, kernelSize: [3, 3] }))).toMatch(/Conv1D: kernelSize must be a positive integer \(or an array of one\)/);
    expect(codeOf(() => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Conv1D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => new Sequential([new Conv1D({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] })]))).toMatch(/Conv1D layer conv1d takes samples of shape \[steps, channels\], got \[5, 5, 1\]/);
    const long = () => new Sequential([new Conv1D({ filters: 2, kernelSize: 4, dilationRate: 2, inputShape: [6, 1] })]);
    expect(codeOf(long)).toBe('SHAPE_MISMATCH');
    expect(messageOf(long)).toMatch(/the kernel \[4\] \(dilation \[2\], extent \[7\]\) is larger than its input \[6, 1\]/);
  });
});
