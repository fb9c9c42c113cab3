/**
 * The small-m path of the WebAssembly GEMM (gemm.wat's gemmSmall: `predict` on one sample or a
 * small batch, issue 13 item 4; m ≤ WASM_SMALL_M, or ≤ WASM_SMALL_M_ROW_MAJOR_B when B is row-major). It packs nothing and copies B in by slices, so its order of work is
 * not the packed kernel's: these tests hold it to the contract both kernels share — every C(i, j) one
 * running sum, started at C(i, j) (accumulate) or +0, adding op(A)(i, p)·op(B)(p, j) for p = 0 … k−1
 * in order — bit for bit against the JS loops and against that running sum written the plain way
 * (`reference`, the independent source), for m = 1 … 9 (both sides of both thresholds), sizes that are
 * not multiples of 2 or 4, k = 1, B larger than one slice (128 KiB), the three transpose cases,
 * accumulate, staged operands, and values from subnormal to overflow; then `predict` at batch 1 gives
 * the bits of the same row at batch 32.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Dense, Sequential, gemm, setKernelBackend, tensor } from '../../src/index.js';
import { WASM_SMALL_M, WASM_SMALL_M_ROW_MAJOR_B, wasmAvailable, wasmGemm, wasmMemoryBytes, wasmStage, wasmStaged, wasmUnstage } from '../../src/tensor/wasm/gemm.js';
import { checkBothKernels, firstDifference, reference } from '../helpers/gemm-reference.js';

afterEach(() => setKernelBackend('auto'));


type Mode = 'unit' | 'wide' | 'special';

/**
 * Seeded values (xorshift32): 'unit' in (−1, 1); 'wide' from 2⁻⁶⁰ to 2⁶⁰ (sums that cancel and
 * round, so any change of order shows); 'special' ±0, small integers, subnormals, values near
 * overflow (products overflow to ±∞, ∞ − ∞ gives NaN) and 'wide' ones.
 */
function values(len: number, seed: number, mode: Mode): Float64Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const sign = next() < 0.5 ? -1 : 1;
    const mant = 1 + next();
    const r = mode === 'special' ? next() : 1;
    if (mode === 'unit') a[i] = next() * 2 - 1;
    else if (r < 0.08) a[i] = sign * 0;
    else if (r < 0.2) a[i] = sign * Math.floor(next() * 8);
    else if (r < 0.3) a[i] = sign * mant * 2 ** Math.floor(next() * 60 - 1070);
    else if (r < 0.36) a[i] = sign * mant * 2 ** Math.floor(next() * 40 + 980);
    else a[i] = sign * mant * 2 ** Math.floor(next() * 121 - 60);
  }
  return a;
}

/** Small sizes (odd, 1, tile and vector edges) and, now and then, large ones (B over one 16,384-double slice). */
const small = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17));
const size = fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: fc.integer({ min: 150, max: 1100 }) });

describe.skipIf(!wasmAvailable())('the small-m GEMM path (gemmSmall)', () => {
  it('takes m ≤ 3, or m ≤ 7 for row-major B (the thresholds the tests below straddle)', () => {
    expect(WASM_SMALL_M).toBe(3);
    expect(WASM_SMALL_M_ROW_MAJOR_B).toBe(7);
  });

  it('wasm, js and the running sum agree bit for bit: m 1…9, random n and k, three transpose cases, accumulate', () => {
    const cases = fc.record({
      m: fc.integer({ min: 1, max: 9 }),
      n: size,
      k: size,
      trans: fc.constantFrom<[boolean, boolean]>([false, false], [true, false], [false, true]),
      acc: fc.boolean(),
      mode: fc.constantFrom<Mode>('unit', 'wide', 'special'),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    });
    fc.assert(
      fc.property(cases, ({ m, n, k, trans: [ta, tb], acc, mode, seed }) => {
        const A = values(m * k, seed, mode);
        const B = values(k * n, seed + 1, mode);
        const C0 = values(m * n, seed + 2, mode);
        checkBothKernels(mode, ta, tb, m, n, k, A, B, C0, acc);
      }),
      { seed: 20261129, numRuns: 250 },
    );
  });

  it('shapes of predict at batch 1 (B of 1 to 100 slices; k = 1; n = 1) agree bit for bit', () => {
    const shapes: [number, number, number][] = [
      [1, 100, 784], [1, 2048, 784], [1, 10, 2048], [3, 101, 777], [2, 1, 40000], [1, 33333, 1], [1, 7, 3], [2, 4099, 5], [7, 257, 130],
    ];
    let seed = 11;
    for (const [m, n, k] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
        for (const acc of [false, true]) {
          seed += 3;
          const A = values(m * k, seed, 'wide');
          const B = values(k * n, seed + 1, 'unit');
          const C0 = values(m * n, seed + 2, 'unit');
          const C = C0.slice();
          wasmGemm(ta, tb, m, n, k, A, B, C, acc);
          expect(firstDifference(C, reference(ta, tb, m, n, k, A, B, C0, acc)), `${m}×${n}×${k} ta=${ta} tb=${tb} acc=${acc}`).toBe(-1);
        }
      }
    }
  });

  it('staged operands (A, B or C a view of the module memory) are used in place, with the same bits, also when the memory grows', () => {
    // B = 29,197 doubles: two slices when copied, in place when staged
    for (const [m, n, k, tb] of [[2, 301, 97, false], [2, 301, 97, true], [6, 301, 97, false]] as const) {
      for (const where of ['A', 'B', 'C'] as const) {
        const A = values(m * k, 5, 'wide');
        const B = values(k * n, 6, 'wide');
        const C0 = values(m * n, 7, 'unit');
        const ref = reference(false, tb, m, n, k, A, B, C0, true);
        // A stage as large as the whole memory, so that copying the other operands in grows the
        // memory, which detaches the staged view: its place must have been read before.
        const st = wasmStage(Math.max(16 + m * k + k * n + m * n, wasmMemoryBytes() / 8))!;
        const bytes = wasmMemoryBytes();
        try {
          const src = { A, B, C: C0 }[where];
          st.set(src, 16); // not at 0, where a detached view's byteOffset would point too
          const view = st.subarray(16, 16 + src.length);
          const [a, b, c] = [where === 'A' ? view : A, where === 'B' ? view : B, where === 'C' ? view : C0.slice()];
          wasmGemm(false, tb, m, n, k, a, b, c, true);
          expect(wasmMemoryBytes()).toBeGreaterThan(bytes);
          const out = where === 'C' ? wasmStaged().slice(16, 16 + m * n) : c;
          expect(firstDifference(out, ref), `${m}×${n}×${k} tb=${tb}, ${where} staged`).toBe(-1);
        } finally {
          wasmUnstage();
        }
      }
    }
  });

  it('a longer C keeps its values past m×n; k = 0 still gives zeros or leaves C', () => {
    const A = values(40, 1, 'unit');
    const B = values(40 * 30, 2, 'unit');
    const C = new Float64Array(31).fill(42);
    wasmGemm(false, false, 1, 30, 40, A, B, C, false);
    expect(firstDifference(C.subarray(0, 30), reference(false, false, 1, 30, 40, A, B, new Float64Array(30), false))).toBe(-1);
    expect(C[30]).toBe(42);
    const D = Float64Array.of(1, 2, 3);
    wasmGemm(false, false, 1, 3, 0, new Float64Array(0), new Float64Array(0), D, true);
    expect(Array.from(D)).toEqual([1, 2, 3]);
    wasmGemm(false, true, 1, 3, 0, new Float64Array(0), new Float64Array(0), D, false);
    expect(Array.from(D)).toEqual([0, 0, 0]);
  });
});

describe('predict at batch 1', () => {
  const nets: [string, number[]][] = [
    ['784-100-10 (MNIST)', [784, 100, 10]],
    ['37-101-13-7 (odd widths)', [37, 101, 13, 7]],
  ];
  for (const [name, units] of nets) {
    it(`${name}: each sample alone, and batches of 2, 3, 5 and 7, give the bits of batch 32 (wasm and JS)`, () => {
      const byBackend = (['wasm', 'js'] as const).map((backend) => {
        setKernelBackend(backend);
        const layers = units.slice(1).map((u, i) =>
          new Dense({ units: u, activation: i === units.length - 2 ? 'softmax' : 'tanh', ...(i === 0 ? { inputShape: [units[0]!] } : {}) }));
        const model = new Sequential(layers, { seed: 3 });
        const rows = Array.from({ length: 32 }, (_, r) => Array.from(values(units[0]!, 100 + r, 'unit')));
        const full = model.predict(tensor(rows), { batchSize: 32 }).data;
        const out = units.at(-1)!;
        for (let r = 0; r < 32; r++) {
          const one = model.predict([rows[r]!]).data;
          expect(firstDifference(one, full.subarray(r * out, (r + 1) * out)), `${backend}, sample ${r}`).toBe(-1);
        }
        for (const batchSize of [2, 3, 5, 7]) {
          expect(firstDifference(model.predict(tensor(rows), { batchSize }).data, full), `${backend}, batch ${batchSize}`).toBe(-1);
        }
        return full;
      });
      expect(firstDifference(byBackend[0]!, byBackend[1]!)).toBe(-1);
    });
  }
});
