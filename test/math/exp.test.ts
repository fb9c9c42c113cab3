/**
 * exp.ts is fdlibm's exp as V8's Math.exp computes it: the same bits as Math.exp (here, on V8) for
 * any double — random bit patterns, the ranges each branch takes, and the thresholds between them.
 * The sigmoid of special.ts uses it, and gemm.wat's sigmoid (resident arrays) gives that sigmoid's
 * bits, on its SIMD path (both |z| of a pair in [2⁻²⁸, 708)) and on its one-by-one path.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { sigmoid as sigmoidActivation } from '../../src/activations/activations.js';
import { exp } from '../../src/math/exp.js';
import { sigmoid } from '../../src/math/special.js';
import { inKernelMemory, resident, setKernelBackend, sigmoidInKernel } from '../../src/tensor/kernels.js';
import { wasmAvailable } from '../../src/tensor/wasm/gemm.js';
import { instance } from '../../src/tensor/wasm/memory.js';

/** Equal bits, any NaN equal to any NaN (their payloads are the engine's). */
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** A double from 64 random bits. */
const fromBits = (b: bigint): number => new Float64Array(new BigUint64Array([b]).buffer)[0]!;

/** The doubles next to x (one ulp up and down). */
function neighbours(x: number): number[] {
  const f = new Float64Array([x]);
  const u = new BigInt64Array(f.buffer);
  const out = [x];
  for (const d of [-1n, 1n]) {
    u[0] = new BigInt64Array(new Float64Array([x]).buffer)[0]! + d;
    out.push(f[0]!);
  }
  return out;
}

/** fdlibm's thresholds (|x| compared by its high 32 bits) and where k changes, with both signs. */
const EDGES = [
  0, 1, 2 ** -28, 0.5 * Math.LN2, 0.34657359027997264, 1.0397207708399179, 1.5 * Math.LN2, 708, 707.99, 708.39, 709.782712893384,
  709.7822265625, 745.1332191019411, 745.1332191019412, 5e-324, 2.2250738585072014e-308, 1021.5 * Math.LN2, 1022.5 * Math.LN2, 1023.5 * Math.LN2,
  ...Array.from({ length: 60 }, (_, i) => (i - 30 + 0.5) * Math.LN2),
].flatMap((x) => [x, -x]).flatMap(neighbours);

describe('exp (fdlibm, the bits of Math.exp)', () => {
  it('gives the bits of Math.exp for any double: random bit patterns, every branch\'s range, its thresholds, ±0, ±Infinity, NaN', () => {
    const anyDouble = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(fromBits),
      fc.double({ min: -800, max: 800, noNaN: true }),
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.double({ min: -1e-7, max: 1e-7, noNaN: true }),
      fc.constantFrom(Infinity, -Infinity, NaN, -0, ...EDGES),
    );
    fc.assert(fc.property(anyDouble, (x) => same(exp(x), Math.exp(x))), { seed: 1501, numRuns: 200_000 });
    for (const x of EDGES) expect(same(exp(x), Math.exp(x)), `exp(${x})`).toBe(true);
  });

  it('is the exp of special.ts\'s sigmoid, which keeps its form: 1/(1 + e^{−x}) for x ≥ 0, e^x/(1 + e^x) below', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        const e = Math.exp(-Math.abs(x));
        return same(sigmoid(x), x >= 0 ? 1 / (1 + e) : e / (1 + e));
      }),
      { seed: 1502, numRuns: 20_000 },
    );
  });
});

afterEach(() => setKernelBackend('auto'));

describe.skipIf(!wasmAvailable() || typeof SharedArrayBuffer !== 'function')('the WebAssembly sigmoid (resident arrays)', () => {
  /** Values that take both paths: ordinary ones (the SIMD pairs) and, now and then, ones outside [2⁻²⁸, 708). */
  const value = fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: -40, max: 40, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -1e-8, max: 1e-8, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 708, -708, 707.99, -707.99, 1, -1, ...EDGES) },
  );

  it('gives the bits of the JS loop, on pairs and on the odd last value, whatever the values', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1024, maxLength: 1100 }), (values) => {
        const z = resident(values.length)!;
        const y = resident(values.length)!;
        expect(inKernelMemory(z) && inKernelMemory(y)).toBe(true);
        z.set(values);
        expect(sigmoidInKernel(z, y)).toBe(true);
        return values.every((v, i) => same(y[i]!, sigmoid(v)));
      }),
      { seed: 1503, numRuns: 60 },
    );
  });

  it('runs for the sigmoid activation on resident buffers, not on plain ones or with the JS kernels', () => {
    const n = 2001;
    const z = resident(n)!;
    const y = resident(n)!;
    for (let i = 0; i < n; i++) z[i] = (i - 1000) / 37;
    expect(sigmoidInKernel(new Float64Array(n), new Float64Array(n))).toBe(false);
    // count the kernel's calls (its export, wrapped on the one-thread instance)
    const local = instance as unknown as { sigmoid: (z: number, y: number, n: number) => void };
    const kernel = local.sigmoid;
    let calls = 0;
    local.sigmoid = (...args) => void (calls++, kernel(...args));
    try {
      sigmoidActivation.forward(z, y, 1);
      expect(calls).toBe(1);
      sigmoidActivation.forward(new Float64Array(n), new Float64Array(n), 1);
      expect(calls).toBe(1);
    } finally {
      local.sigmoid = kernel;
    }
    z.forEach((v, i) => expect(same(y[i]!, sigmoid(v)), `z = ${v}`).toBe(true));
    setKernelBackend('js');
    expect(sigmoidInKernel(z, y)).toBe(false);
  });
});
