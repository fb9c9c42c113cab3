/**
 * The optimizers' updates in WebAssembly SIMD (gemm.wat `sgdStep`, `adamStep`): they run when the
 * weight, its gradient and the state are resident arrays (a model's weights where the WebAssembly
 * memory is shared), and must give the bits of the JS loops of sgd.ts and adam.ts — odd lengths
 * (the last element alone), amsgrad, signed zeros and values near overflow included — and keep the
 * transaction: an update that overflows is refused and leaves everything as it was.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Adam, NumnetError, Optimizer, SGD, Tensor, setKernelBackend } from '../../src/index.js';
import type { Parameter } from '../../src/index.js';
import { inKernelMemory } from '../../src/tensor/kernels.js';
import { wasmAvailable, wasmResident } from '../../src/tensor/wasm/gemm.js';
import { snapshot } from './helpers.js';

const residentHere = wasmAvailable() && wasmResident(2) !== undefined;

/** Parameters over resident arrays (as a model's layers make them; here of any length) or plain ones, with these values. */
function params(values: Float64Array[], inKernel: boolean): Parameter[] {
  return values.map((v, i) => {
    const value = inKernel ? wasmResident(v.length)! : new Float64Array(v.length);
    value.set(v);
    return { name: `w${i}`, value: new Tensor(value, [v.length]), grad: inKernel ? wasmResident(v.length)! : new Float64Array(v.length) };
  });
}

const value = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.constantFrom(0, -0, 1e-300, -1e-300, 1e150, -1e150),
);

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['SGD', () => new SGD({ learningRate: 0.1 })],
  ['Adam', () => new Adam({ learningRate: 0.01 })],
  ['Adam amsgrad', () => new Adam({ learningRate: 0.01, amsgrad: true })],
];

afterEach(() => setKernelBackend('auto'));

describe.skipIf(!residentHere)('optimizer updates in WebAssembly (resident weights)', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: the bits of the JS loop over several steps, any length (seed 1306)`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (lengths, steps, seed) => {
          const draw = (n: number, k: number) => Float64Array.from(fc.sample(value, { numRuns: n, seed: seed + k }));
          const start = lengths.map((n, i) => draw(n, i));
          const run = (inKernel: boolean): string => {
            setKernelBackend(inKernel ? 'auto' : 'js');
            const p = params(start, inKernel);
            const o = make();
            for (let s = 0; s < steps; s++) {
              p.forEach((q, i) => q.grad.set(draw(q.grad.length, 100 * s + i + 50)));
              try {
                o.apply(p);
              } catch (e) {
                if (!(e instanceof NumnetError)) throw e; // a refused step (overflow) must be refused by both
              }
            }
            if (inKernel) expect(p.every((q) => inKernelMemory(q.value.data))).toBe(true);
            return snapshot(o, p);
          };
          expect(run(true)).toBe(run(false));
        }),
        { seed: 1306, numRuns: 150 },
      );
    });
  }

  it('an update that overflows in the kernel is refused and restores the weights and the state exactly', () => {
    const p = params([Float64Array.from([1, 2, 3]), Float64Array.from([0.5])], true);
    const o = new Adam();
    p.forEach((q) => q.grad.fill(0.25));
    o.apply(p);
    const before = snapshot(o, p);
    p[0]!.grad[1] = 1e200; // g² overflows: v is Infinity
    expect(() => o.apply(p)).toThrow(expect.objectContaining({ code: 'NON_FINITE_LOSS' }));
    expect(snapshot(o, p)).toBe(before);
  });
});
