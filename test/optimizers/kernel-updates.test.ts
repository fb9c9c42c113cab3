/**
 * The optimizers' updates in WebAssembly SIMD (gemm.wat `sgdStep`, `adamStep`, … one per optimizer):
 * they run when the weight, its gradient and the state are resident arrays (a model's weights where
 * the WebAssembly memory is shared), and must give the bits of each optimizer's JS loop — every
 * variant (momentum, nesterov, centered, amsgrad, weight decay), odd lengths (the last element
 * alone), signed zeros and values near overflow included — and keep the transaction: an update that
 * overflows is refused and leaves everything as it was.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Adam, AdamW, NumnetError, SGD, Tensor, setKernelBackend } from '../../src/index.js';
import type { Parameter } from '../../src/index.js';
import { RESIDENT_MIN, inKernelMemory, releaseResident, resident } from '../../src/tensor/kernels.js';
import { wasmAvailable, wasmResident } from '../../src/tensor/wasm/gemm.js';
import { VARIANTS, snapshot } from './helpers.js';

const residentHere = wasmAvailable() && wasmResident(2) !== undefined;

/** Parameters over resident arrays (as a model's layers make them) or plain ones, with these values. */
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


afterEach(() => setKernelBackend('auto'));

describe.skipIf(!residentHere)('optimizer updates in WebAssembly (resident weights)', () => {
  for (const [name, make] of VARIANTS) {
    it(`${name}: the bits of the JS loop over several steps, odd and even lengths (seed 1306)`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: RESIDENT_MIN, max: RESIDENT_MIN + 9 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (lengths, steps, seed) => {
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
            if (inKernel) {
              // the kernels ran: the weights, gradients and every state buffer are resident
              expect(p.every((q) => inKernelMemory(q.value.data) && inKernelMemory(q.grad))).toBe(true);
              const slots = (o as unknown as { slots: Record<string, Float64Array>[] }).slots;
              expect(slots.every((s) => Object.values(s).every((b) => inKernelMemory(b)))).toBe(true);
              const bits = snapshot(o, p);
              // free the regions now (the garbage collector would, later: many runs would fill them first)
              for (const b of [...p.flatMap((q) => [q.value.data, q.grad]), ...slots.flatMap((s) => Object.values(s))]) releaseResident(b);
              return bits;
            }
            return snapshot(o, p);
          };
          expect(run(true)).toBe(run(false));
        }),
        { seed: 1306, numRuns: 60 },
      );
    });
  }

  it('an update that overflows in the kernel is refused and restores the weights and the state exactly', () => {
    const p = params([Float64Array.from({ length: RESIDENT_MIN + 1 }, (_, i) => i / 100), Float64Array.from({ length: RESIDENT_MIN }, () => 0.5)], true);
    const o = new Adam();
    p.forEach((q) => q.grad.fill(0.25));
    o.apply(p);
    const slots = (o as unknown as { slots: Record<string, Float64Array>[] }).slots;
    expect(slots.every((s) => Object.values(s).every((b) => inKernelMemory(b)))).toBe(true); // the kernel runs
    const before = snapshot(o, p);
    p[1]!.grad[7] = 1e200; // g² overflows in the second weight, after the first was updated: v is Infinity
    expect(() => o.apply(p)).toThrow(expect.objectContaining({ code: 'NON_FINITE_LOSS' }));
    expect(snapshot(o, p)).toBe(before);
  });

  it('a non-finite resident gradient is refused before anything changes, wherever it lies; the backups are copies in a stage of the kernels\' memory, closed after the update', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (at, bad) => {
        const n = RESIDENT_MIN + 13;
        const p = params([Float64Array.from({ length: n }, (_, i) => i / 100), Float64Array.from({ length: RESIDENT_MIN }, () => 0.5)], true);
        const o = new SGD({ learningRate: 0.1, momentum: 0.9 });
        p.forEach((q) => q.grad.fill(0.25));
        o.apply(p);
        o.apply(p);
        const backups = (o as unknown as { backups: { copies: Float64Array[]; plain: Float64Array[] } }).backups;
        expect(backups.copies).toHaveLength(4); // each weight, then its v
        expect(backups.copies.every((b) => inKernelMemory(b))).toBe(true);
        expect(backups.plain).toEqual([]);
        const after = resident(RESIDENT_MIN); // the stage is closed: a resident array can be made again
        expect(after).toBeDefined();
        releaseResident(after!);
        const before = snapshot(o, p);
        p[0]!.grad[at % n] = bad;
        expect(() => o.apply(p)).toThrow(expect.objectContaining({ code: 'NON_FINITE_LOSS', message: expect.stringContaining('the gradient of w0') }));
        expect(snapshot(o, p)).toBe(before);
        const slots = (o as unknown as { slots: Record<string, Float64Array>[] }).slots;
        // free the regions now (the garbage collector would, later: many runs would fill them first)
        for (const b of [...p.flatMap((q) => [q.value.data, q.grad]), ...slots.flatMap((s) => Object.values(s))]) releaseResident(b);
      }),
      { seed: 1403, numRuns: 30 },
    );
  });

  it('Adam\'s and SGD\'s kernels save the backups as they read the old values (none copied before), and a step refused mid-way restores them exactly', () => {
    const makers: [string, () => Adam | SGD, number][] = [
      ['adam', () => new Adam(), 1e200], // g² overflows: v = Infinity
      ['adam amsgrad', () => new Adam({ amsgrad: true }), 1e200],
      ['sgd', () => new SGD({ learningRate: 10 }), 1e308], // lr·g overflows: w = −Infinity
    ];
    for (const [name, make, huge] of makers) {
      fc.assert(
        fc.property(fc.integer({ min: RESIDENT_MIN, max: RESIDENT_MIN + 5 }), fc.nat(), (n, at) => {
          const p = params([Float64Array.from({ length: n }, (_, i) => Math.sin(i)), Float64Array.from({ length: n + 1 }, (_, i) => Math.cos(i)), Float64Array.from({ length: n }, () => 0.5)], true);
          const o = make();
          const backups = (o as unknown as { backups: { copies: Float64Array[] } }).backups;
          p.forEach((q, i) => q.grad.fill(0.25 * (i + 1)));
          o.apply(p); // builds the state (the weights' first backups are copies)
          p.forEach((q, i) => q.grad.fill(-0.5 * (i + 1)));
          o.apply(p);
          expect(backups.copies, name).toHaveLength(0); // every weight's group was saved by its kernel
          const before = snapshot(o, p);
          // the last weight overflows after the first two were updated and saved
          p[2]!.grad[at % n] = huge;
          expect(() => o.apply(p), name).toThrow(expect.objectContaining({ code: 'NON_FINITE_LOSS' }));
          expect(snapshot(o, p), name).toBe(before);
          p[2]!.grad[at % n] = -1.5;
          o.apply(p);
          expect(resident(RESIDENT_MIN)).toBeDefined(); // the stage is closed
          const slots = (o as unknown as { slots: Record<string, Float64Array>[] }).slots;
          for (const b of [...p.flatMap((q) => [q.value.data, q.grad]), ...slots.flatMap((s) => Object.values(s))]) releaseResident(b);
        }),
        { seed: 1404, numRuns: 15 },
      );
    }
  });

  it('copies the backups first where the kernel does not save them: a decay before the update (AdamW), a subclass\'s own updateStep, SGD with momentum', () => {
    class Mine extends Adam {
      protected override updateStep(w: Float64Array, g: Float64Array, s: Record<string, Float64Array>, lr: number, t: number): number | void {
        return super.updateStep(w, g, s, lr, t);
      }
    }
    for (const [o, copies] of [[new AdamW(), 3], [new Mine(), 3], [new SGD({ momentum: 0.9 }), 2]] as const) {
      const p = params([Float64Array.from({ length: RESIDENT_MIN }, (_, i) => i / 100)], true);
      p[0]!.grad.fill(0.25);
      o.apply(p);
      o.apply(p);
      expect((o as unknown as { backups: { copies: Float64Array[] } }).backups.copies).toHaveLength(copies); // w and its state
    }
  });
});
