/**
 * The staged convolution and the fused relu passes (src/tensor/conv-fused.ts) give the bits of the
 * separate passes they replace: relu y = max(z, 0) as the loop of its equation (Keras 3,
 * keras/src/activations/activations.py `relu`; numnet's documented choice NaN → 0 kept), relu's
 * derivative dz = dy·[z > 0] and the bias gradient Σ_i dz[i, :] summed in row order (sumRows);
 * the staged forward and backward equal convForward / convBackward bit for bit with the WebAssembly
 * kernel (geometries with padding, strides and dilation; fast-check, fixed seeds); a GEMM on staged
 * operands equals the same GEMM on plain arrays, also when a product grows the memory meanwhile.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConvGeometry, convAxis, convBackward, convForward, fillBias, patchSize } from '../../src/tensor/conv.js';
import { Patches, convBackwardStaged, convForwardStaged, reluBackwardSum, reluDz } from '../../src/tensor/conv-fused.js';
import { Kept, gemm, gemmBiasRelu, keep, kept as keptValues, setKernelBackend, stage, staged, unstage } from '../../src/tensor/kernels.js';
import { wasmAvailable, wasmRelease as release } from '../../src/tensor/wasm/gemm.js';

afterEach(() => setKernelBackend('auto'));

const SPECIAL = [0, -0, 1, -1, 1e-310, -1e-310, 1e308, -1e308, Infinity, -Infinity, NaN];
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]], 'same bits').toEqual([i, b[i]]);
};
const values = (special: boolean) =>
  fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), ...(special ? [fc.constantFrom(...SPECIAL)] : []));

describe('fused relu passes', () => {
  it('reluBackwardSum is dz = (z > 0 ? dy : dy·0) and db[j] = 0 + dz[0, j] + dz[1, j] + … (seed 1402)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 11 }), fc.boolean(), fc.boolean(), fc.integer(), (m, n, special, bias, s) => {
        const z = Float64Array.from(fc.sample(values(special), { numRuns: m * n, seed: s }));
        const dy = Float64Array.from(fc.sample(values(special), { numRuns: m * n, seed: s + 1 }));
        const dz = new Float64Array(m * n).fill(7);
        const db = bias ? new Float64Array(n).fill(7) : undefined;
        reluBackwardSum(z, dy, dz, m, n, db);
        const want = Array.from(dy, (d, i) => (z[i]! > 0 ? d : d * 0));
        sameBits(dz, want);
        if (db) {
          const sums = new Array<number>(n).fill(0);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) sums[j]! += want[i * n + j]!;
          sameBits(db, sums);
        }
      }),
      { seed: 1402, numRuns: 300 },
    );
  });
});

/** A random convolution geometry: kernel 1–3, stride 1–2 or dilation 1–2, valid or same. */
const geometryArb = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), c: fc.integer({ min: 1, max: 5 }),
    f: fc.integer({ min: 1, max: 9 }), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 2 }), d: fc.integer({ min: 1, max: 2 }), same: fc.boolean(),
  })
  .map((p) => {
    const d = p.s > 1 ? 1 : p.d;
    const pad = p.same ? 'same' : 'valid';
    const y = convAxis(p.h, p.kh, p.s, d, pad);
    const x = convAxis(p.w, p.kw, p.s, d, pad);
    const g: ConvGeometry = {
      inH: p.h, inW: p.w, inC: p.c, outH: y.out, outW: x.out, filters: p.f, kh: p.kh, kw: p.kw, sh: p.s, sw: p.s, dh: d, dw: d,
      padTop: y.padBefore, padLeft: x.padBefore,
    };
    return { n: p.n, g };
  })
  .filter(({ g }) => g.outH >= 1 && g.outW >= 1 && !(g.kh === 1 && g.kw === 1 && g.sh === 1 && g.padTop === 0 && g.padLeft === 0));

const random = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 3);

describe.skipIf(!wasmAvailable())('relu passes in the stage (WebAssembly SIMD)', () => {
  it('gemmBiasRelu = relu(bias + A·B) as separate passes, bit for bit: wasm epilogue and JS, with special values (seed 1401)', () => {
    // The reference: C filled with the bias, the running sum in p order onto it (gemm.wat's contract), then (s > 0 ? s : 0).
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 21 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(),
        (m, n, k, ta, bias, relu, special, s) => {
          const A = Float64Array.from(fc.sample(values(special), { numRuns: m * k, seed: s }));
          const B = Float64Array.from(fc.sample(values(special), { numRuns: k * n, seed: s + 1 }));
          const b = bias ? Float64Array.from(fc.sample(values(special), { numRuns: n, seed: s + 2 })) : undefined;
          const want = new Float64Array(m * n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let acc = b ? b[j]! : 0;
            for (let p = 0; p < k; p++) acc += (ta ? A[p * m + i]! : A[i * k + p]!) * B[p * n + j]!;
            want[i * n + j] = relu ? (acc > 0 ? acc : 0) : acc;
          }
          for (const backend of ['wasm', 'js'] as const) {
            setKernelBackend(backend);
            const C = new Float64Array(m * n).fill(7);
            gemmBiasRelu(ta, false, m, n, k, A, B, C, b, relu);
            sameBits(C, want);
          }
        },
      ),
      { seed: 1401, numRuns: 300 },
    );
  });

  it('reluDz writes dz = (y > 0 ? dy : dy·0) and db[j] = 0 + dz[0, j] + dz[1, j] + … (the bits of reluBackwardSum; seed 1404)', () => {
    setKernelBackend('wasm');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 11 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(), (m, n, special, bias, inRegion, s) => {
        // y as relu gives it (≥ +0 or NaN-free), dy anything
        const y = Float64Array.from(fc.sample(values(special), { numRuns: m * n, seed: s }), (v) => (v > 0 ? v : 0));
        const dy = Float64Array.from(fc.sample(values(special), { numRuns: m * n, seed: s + 1 }));
        const db = bias ? new Float64Array(n).fill(7) : undefined;
        // y read where the forward kept it (a region holding y; the array then must not be read) or copied in
        const region = inRegion ? keep(m * n, {}) : undefined;
        if (region) keptValues(region)!.set(y);
        const writer = reluDz(region ? new Float64Array(m * n).fill(NaN) : y, dy, m, n, db, region);
        let dz = new Float64Array(0);
        try {
          const ws = stage(m * n + 1 + writer.scratch)!;
          const at = m * n + ((m * n) & 1);
          writer.write(ws.subarray(0, m * n), ws.subarray(at, at + writer.scratch));
          dz = staged().slice(0, m * n);
        } finally {
          unstage();
          if (region) release(region);
        }
        const want = Array.from(dy, (d, i) => (y[i]! > 0 ? d : d * 0));
        sameBits(dz, want);
        if (db) {
          const sums = new Array<number>(n).fill(0);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) sums[j]! += want[i * n + j]!;
          sameBits(db, sums);
        }
      }),
      { seed: 1404, numRuns: 300 },
    );
  });
});

describe.skipIf(!wasmAvailable())('staged convolution (WebAssembly kernel)', () => {
  it('forward and backward give the bits of convForward / convBackward, with the patches in an array, in a kept region or lost (seed 1403)', () => {
    setKernelBackend('wasm');
    const where = fc.constantFrom('array', 'region', 'lost', 'overwritten');
    fc.assert(
      fc.property(geometryArb, fc.boolean(), fc.boolean(), where, fc.boolean(), fc.integer({ min: 1, max: 1e6 }), ({ n, g }, bias, needDx, kept, relu, seed) => {
        const rows = n * g.outH * g.outW;
        const P = patchSize(g);
        const x = random(n * g.inH * g.inW * g.inC, seed);
        const K = random(P * g.filters, seed + 1);
        const b = bias ? random(g.filters, seed + 2) : undefined;
        const dz = random(rows * g.filters, seed + 3);
        // The separate passes.
        const z1 = new Float64Array(rows * g.filters);
        if (b) fillBias(z1, b, rows, g.filters);
        const cols1 = new Float64Array(rows * P);
        convForward(x, K, g, rows, z1, cols1, b !== undefined);
        const patches1 = cols1.slice(0, rows * P);
        const dK1 = new Float64Array(P * g.filters);
        const dx1 = needDx ? new Float64Array(x.length) : undefined;
        convBackward(x, K, g, rows, dz, dK1, dx1, cols1, true);
        // Staged.
        const holder = {};
        const patches: Patches = kept === 'array' ? new Float64Array(rows * P) : keep(rows * P, holder)!;
        expect(patches).toBeDefined();
        // z, or relu(z) by the GEMM's epilogue into a kept region or the stage
        const into = relu && seed % 2 === 0 ? keep(rows * g.filters, holder) : undefined;
        let z2 = new Float64Array(0);
        let inRegion = false;
        expect(convForwardStaged(x, K, b, g, rows, patches, relu, into, (zs, r) => ((z2 = zs.slice()), (inRegion = r)))).toBe(true);
        sameBits(z2, relu ? Array.from(z1, (v) => (v > 0 ? v : 0)) : z1);
        expect(inRegion).toBe(into !== undefined);
        if (into) release(into);
        if (kept === 'overwritten') keptValues(patches as Kept)!.fill(NaN); // the backward must not read them
        const dK2 = new Float64Array(P * g.filters).fill(5);
        const dx2 = needDx ? new Float64Array(x.length).fill(5) : undefined;
        const from = kept === 'lost' || kept === 'overwritten' ? undefined : patches;
        const done = convBackwardStaged(x, K, g, rows, { scratch: 0, write: (d) => d.set(dz) }, dK2, dx2, from);
        expect(done).toEqual({ kept: kept === 'array' || (kept === 'region' && !needDx) });
        sameBits(dK2, dK1);
        if (dx1) sameBits(dx2!, dx1);
        if (kept === 'array') sameBits(patches as Float64Array, patches1); // never overwritten
        if (kept === 'region' && !needDx) sameBits(keptValues(patches as Kept)!.subarray(0, rows * P), patches1);
        if (!(patches instanceof Float64Array)) release(patches);
      }),
      { seed: 1403, numRuns: 150 },
    );
  });

  it('with the JS kernel nothing is staged: the staged functions return false and write nothing', () => {
    setKernelBackend('js');
    const g: ConvGeometry = { inH: 4, inW: 4, inC: 1, outH: 2, outW: 2, filters: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 0, padLeft: 0 };
    const cols = new Float64Array(4 * 9).fill(3);
    let called = false;
    expect(convForwardStaged(random(16, 1), random(18, 2), undefined, g, 4, cols, true, undefined, () => (called = true))).toBe(false);
    expect(convBackwardStaged(random(16, 1), random(18, 2), g, 4, { scratch: 0, write: () => (called = true) }, new Float64Array(18), undefined, cols)).toBe(false);
    expect(keep(36, {})).toBeUndefined();
    expect(called).toBe(false);
    expect(cols.every((v) => v === 3)).toBe(true);
    expect(stage(10)).toBeUndefined();
  });

  it('a GEMM on staged operands equals the GEMM on plain arrays, also after a product grew the memory', () => {
    setKernelBackend('wasm');
    const [m, n, k] = [37, 9, 21];
    const A = random(m * k, 4);
    const B = random(k * n, 5);
    const C0 = random(m * n, 6);
    const want = C0.slice();
    gemm(false, false, m, n, k, A, B, want, true);
    const ws = stage(m * k + k * n + m * n)!;
    try {
      ws.set(A, 0);
      ws.set(B, m * k);
      ws.set(C0, m * k + k * n);
      // A product of 2,000 × 600 × 300 (9.6 MB of operands, copied in above the stage) grows the memory.
      const big = (len: number) => new Float64Array(len).fill(0.5);
      const Cbig = new Float64Array(2000 * 600);
      gemm(false, false, 2000, 600, 300, big(2000 * 300), big(300 * 600), Cbig);
      expect(Cbig[0]).toBe(75);
      const now = staged();
      // a shared memory (where SharedArrayBuffer exists) keeps the first view valid; the module's own
      // memory detaches it when it grows — staged() gives the values either way
      if (ws.buffer instanceof SharedArrayBuffer) sameBits(ws, now.subarray(0, ws.length));
      else expect(ws.length).toBe(0);
      gemm(false, false, m, n, k, now.subarray(0, m * k), now.subarray(m * k, m * k + k * n), now.subarray(m * k + k * n, m * k + k * n + m * n), true);
      sameBits(staged().subarray(m * k + k * n, m * k + k * n + m * n), want);
      sameBits(staged().subarray(0, m * k), A); // the operands are left as they were
    } finally {
      unstage();
    }
  });
});
