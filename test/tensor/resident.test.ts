/**
 * Resident arrays (kernels.ts `resident`): where the WebAssembly memory is shared (Node; pages that
 * are cross-origin isolated), the convolution, max-pooling and Dense layers keep their outputs, input
 * gradients and pooling indices in it, and the model its batch input, and every WebAssembly pass takes an operand that lies there
 * in place. A resident array stays valid when the memory grows and after a huge product gave the
 * memory back (then it is an ordinary array and its layer takes a new one). Training gives the same
 * bits with resident buffers, with the module's own memory (staged copies, as where
 * SharedArrayBuffer is missing) and with the JS loops.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Conv2D, Dense, Flatten, MaxPooling2D, SGD, Sequential, Tensor, setKernelBackend } from '../../src/index.js';
import fc from 'fast-check';
import { RESIDENT_MIN, copyValues, gemm, inKernelMemory, releaseResident, resident, residentInt32, residentLost, sumInKernel } from '../../src/tensor/kernels.js';
import { wasmAvailable, wasmMemoryBytes } from '../../src/tensor/wasm/gemm.js';
import { instance, wasmUseSharedMemory } from '../../src/tensor/wasm/memory.js';
import { checkFiniteRows } from '../../src/training/data.js';
import { randomArray, sameBits } from '../helpers/gemm-reference.js';

const shared = typeof SharedArrayBuffer === 'function';

/** A product whose C alone is more than WASM_KEEP_BYTES: the one-thread instance is dropped after it. */
function hugeProduct(): void {
  const [m, n, k] = [4096, 2050, 3];
  const C = new Float64Array(m * n);
  gemm(false, false, m, n, k, new Float64Array(m * k).fill(1), new Float64Array(k * n).fill(2), C);
  expect(C[m * n - 1]).toBe(6);
  expect(wasmMemoryBytes()).toBe(0);
}

/** conv 4@3×3 relu → pool 2 → conv 6@2×2 relu → pool 2 → dense 3 softmax on 20×20×2 images (every buffer at least RESIDENT_MIN). */
function cnn(): Sequential {
  const m = new Sequential(
    [
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [20, 20, 2] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 6, kernelSize: 2, activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 11 },
  );
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  return m;
}

const x = new Tensor(randomArray(12 * 20 * 20 * 2, 31), [12, 20, 20, 2]);
const y = new Tensor(Float64Array.from({ length: 36 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [12, 3]);

/** 30 → Dense 40 sigmoid → Dense 30 tanh → Dense 3 softmax: at batch 40 every Dense buffer but the last's is at least RESIDENT_MIN. */
function mlp(): Sequential {
  const m = new Sequential(
    [new Dense({ units: 40, activation: 'sigmoid', inputShape: [30] }), new Dense({ units: 30, activation: 'tanh' }), new Dense({ units: 3, activation: 'softmax' })],
    { seed: 12 },
  );
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  return m;
}
const xm = new Tensor(randomArray(40 * 30, 32), [40, 30]);
const ym = new Tensor(Float64Array.from({ length: 120 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [40, 3]);

/** The weights of `make()` after `steps` batches of (x, y), with `between` run after the first half of them. */
function train(steps: number, between: () => void = () => {}, make = cnn, data: [Tensor, Tensor] = [x, y]): Float64Array[] {
  const m = make();
  for (let s = 0; s < steps; s++) {
    if (s === steps >> 1) between();
    m.trainOnBatch(...data);
  }
  return m.getWeights().map((w) => w.data.slice());
}

afterEach(() => {
  setKernelBackend('auto');
  wasmUseSharedMemory(true);
});

describe.skipIf(!wasmAvailable() || !shared)('resident arrays (a shared WebAssembly memory)', () => {
  it('lie in the kernels\' memory, keep their values when it grows, and stay valid — no longer resident — after it was given back', () => {
    const a = resident(2000)!;
    const idx = residentInt32(1999)!;
    expect(resident(RESIDENT_MIN - 1)).toBeUndefined(); // short arrays stay plain
    expect(inKernelMemory(resident(RESIDENT_MIN)!)).toBe(true);
    expect(inKernelMemory(a) && inKernelMemory(idx)).toBe(true);
    a.set(randomArray(2000, 3));
    idx.fill(-7);
    const before = a.slice();
    // a product that grows the memory (24 MB of operands copied in above the kept regions)
    gemm(false, false, 1000, 1000, 1000, new Float64Array(1e6).fill(1), new Float64Array(1e6).fill(1), new Float64Array(1e6));
    expect(a.length).toBe(2000);
    expect(sameBits(a, before)).toBe(true);
    expect(inKernelMemory(a)).toBe(true);
    hugeProduct();
    gemm(false, false, 8, 8, 8, new Float64Array(64), new Float64Array(64), new Float64Array(64)); // a new instance
    expect(sameBits(a, before)).toBe(true); // still an array with its values …
    expect(idx.every((v) => v === -7)).toBe(true);
    expect(inKernelMemory(a)).toBe(false); // … but not in the new memory
    expect(residentLost(a) && residentLost(idx)).toBe(true);
    expect(residentLost(new Float64Array(3))).toBe(false);
  });

  it('are freed when their layer replaces them (a new batch size), so that the next one takes their place', () => {
    const a = resident(5000)!;
    releaseResident(a);
    expect(resident(5000)!.byteOffset).toBe(a.byteOffset); // first fit: the same place
    const conv = cnn().layers[0] as Conv2D;
    const part = new Tensor(x.data.subarray(0, 8 * 800), [8, 20, 20, 2]);
    const at = conv.forward(x, true).data.byteOffset;
    for (let i = 0; i < 20; i++) {
      conv.forward(part, true);
      expect(conv.forward(x, true).data.byteOffset).toBe(at); // batches of 12 and 8 take turns in two places
    }
  });

  it('hold the convolution and pooling layers\' outputs and input gradients, and the pooling indices, after a training step', () => {
    const m = cnn();
    m.trainOnBatch(x, y);
    const [conv1, pool1, conv2, pool2] = m.layers as [Conv2D, MaxPooling2D, Conv2D, MaxPooling2D];
    const h1 = conv1.forward(x, true);
    const p1 = pool1.forward(h1, true);
    const h2 = conv2.forward(p1, true);
    const p2 = pool2.forward(h2, true);
    for (const [name, t] of [['conv1 y', h1], ['pool1 y', p1], ['conv2 y', h2], ['pool2 y', p2]] as const) expect(inKernelMemory(t.data), name).toBe(true);
    const d2 = pool2.backward(new Tensor(randomArray(p2.size, 5), p2.shape))!;
    const dc2 = conv2.backward(d2)!;
    const d1 = pool1.backward(dc2)!;
    for (const [name, t] of [['pool2 dx', d2], ['conv2 dx', dc2], ['pool1 dx', d1]] as const) expect(inKernelMemory(t.data), name).toBe(true);
  });

  it('hold the Dense layers\' z, y, dz and dx, and the batch input the first layer reads, after a training step', () => {
    const m = mlp();
    m.trainOnBatch(xm, ym);
    const [d1, d2] = m.layers as [Dense, Dense];
    // the model's batch buffer, which the first layer keeps for ∂L/∂W = xᵀ·dz (a private field)
    const input = (d1 as unknown as { x: Tensor }).x;
    expect(input.data).not.toBe(xm.data);
    expect(inKernelMemory(input.data), 'batch input').toBe(true);
    for (const [name, key] of [['z', 'z'], ['y', 'y'], ['dz', 'dz']] as const) {
      expect(inKernelMemory((d1 as unknown as { buffers: Map<string, Tensor> }).buffers.get(key)!.data), `dense 1 ${name}`).toBe(true);
    }
    const h1 = d1.forward(xm, true);
    const h2 = d2.forward(h1, true);
    expect(inKernelMemory(h1.data) && inKernelMemory(h2.data)).toBe(true);
    const dx2 = d2.backward(new Tensor(randomArray(h2.size, 6), h2.shape))!;
    expect(inKernelMemory(dx2.data), 'dense 2 dx').toBe(true);
  });

  it('take trainOnBatch\'s x into the resident batch buffer at the door and check it there (a SIMD sum): a value that is not finite is refused by row, nothing changed', () => {
    const m = mlp();
    m.trainOnBatch(xm, ym);
    const local = instance as unknown as { sum: (a: number, n: number) => number };
    const kernel = local.sum;
    const summed: number[] = [];
    local.sum = (a, n) => (summed.push(a), kernel(a, n));
    try {
      m.trainOnBatch(xm, ym);
    } finally {
      local.sum = kernel;
    }
    const input = (m.layers[0] as unknown as { x: Tensor }).x.data;
    expect(inKernelMemory(input)).toBe(true);
    expect(summed).toContain(input.byteOffset);
    const before = m.getWeights().map((w) => w.data.slice());
    const bad = xm.data.slice();
    bad[17 * 30 + 4] = NaN;
    expect(() => m.trainOnBatch(new Tensor(bad, [40, 30]), ym)).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT', message: expect.stringContaining('row 17') }));
    m.getWeights().forEach((w, i) => expect(sameBits(w.data, before[i]!)).toBe(true));
    // finite values whose sum overflows are looked at one by one: accepted
    const huge = resident(2000)!.fill(1e308);
    expect(() => checkFiniteRows(new Tensor(huge, [20, 100]), 'x')).not.toThrow();
    huge[1999] = -Infinity;
    expect(() => checkFiniteRows(new Tensor(huge, [20, 100]), 'x')).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT', message: expect.stringContaining('row 19') }));
  });

  it('train to the weights of the module\'s own memory (staged copies) and of the JS loops, bit for bit, also when the memory is given back mid-way', () => {
    for (const [model, make, data] of [['cnn', cnn, [x, y]], ['mlp', mlp, [xm, ym]]] as const) {
      const run = (between?: () => void) => train(6, between, make, data as [Tensor, Tensor]);
      const residentRun = run();
      const afterLoss = run(hugeProduct);
      wasmUseSharedMemory(false);
      const ownMemory = run();
      const ownAfterLoss = run(hugeProduct);
      setKernelBackend('js');
      const js = run();
      setKernelBackend('auto');
      wasmUseSharedMemory(true);
      for (const [name, r] of [['given back mid-way', afterLoss], ['own memory', ownMemory], ['own memory, given back', ownAfterLoss], ['JS loops', js]] as const) {
        r.forEach((w, i) => expect(sameBits(w, residentRun[i]!), `${model}, ${name}: weight ${i}`).toBe(true));
      }
    }
  });
});

describe.skipIf(!wasmAvailable() || !shared)('copies and sums of resident arrays in WebAssembly (the optimizers\' transaction)', () => {
  /** Doubles with their bits: NaN payloads, ±0, ±Infinity, subnormals and ordinary values. */
  const bits = fc.oneof(
    fc.double(),
    fc.constantFrom(-0, 0, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((b) => new Float64Array(new BigUint64Array([b]).buffer)[0]!),
  );

  it('copyValues copies every bit of one resident array into another (memory.copy), and of plain arrays with set', () => {
    fc.assert(
      fc.property(fc.integer({ min: RESIDENT_MIN, max: RESIDENT_MIN + 40 }), fc.array(fc.tuple(fc.nat(), bits), { minLength: 1, maxLength: 12 }), (n, writes) => {
        const src = resident(n)!;
        const dst = resident(n)!;
        expect(inKernelMemory(src) && inKernelMemory(dst)).toBe(true); // the WebAssembly path
        for (let i = 0; i < n; i++) src[i] = i * 0.5 - 3;
        for (const [i, v] of writes) src[i % n] = v;
        dst.fill(7);
        copyValues(dst, src);
        const plain = new Float64Array(n);
        copyValues(plain, src);
        const asBits = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));
        expect(asBits(dst)).toEqual(asBits(src));
        expect(asBits(plain)).toEqual(asBits(src));
        releaseResident(src);
        releaseResident(dst);
      }),
      { seed: 1401, numRuns: 60 },
    );
  });

  it('sumInKernel adds every value (small integers: exact), and is not finite when any value is not, wherever it lies', () => {
    fc.assert(
      fc.property(fc.integer({ min: RESIDENT_MIN, max: RESIDENT_MIN + 40 }), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (n, at, bad) => {
        const a = resident(n)!;
        let exact = 0;
        for (let i = 0; i < n; i++) exact += a[i] = (i % 7) - 3 + (i === n - 1 ? 1000 : 0); // the last value too (the tail loop)
        expect(sumInKernel(a)).toBe(exact);
        a[at % n] = bad;
        const s = sumInKernel(a)!;
        expect(Number.isFinite(s)).toBe(false);
        releaseResident(a);
      }),
      { seed: 1402, numRuns: 80 },
    );
    expect(sumInKernel(new Float64Array(RESIDENT_MIN))).toBeUndefined(); // a plain array: the JS loops
  });
});

describe.skipIf(!wasmAvailable())('without a shared memory (as where SharedArrayBuffer is missing)', () => {
  it('there are no resident arrays: the layers\' buffers are plain arrays and the passes copy through the stage', () => {
    wasmUseSharedMemory(false);
    expect(resident(10)).toBeUndefined();
    expect(residentInt32(10)).toBeUndefined();
    const m = cnn();
    m.trainOnBatch(x, y);
    const h1 = (m.layers[0] as Conv2D).forward(x, true);
    expect(inKernelMemory(h1.data)).toBe(false);
    expect(h1.data.buffer).toBeInstanceOf(ArrayBuffer);
  });
});

describe.skipIf(!wasmAvailable() || !shared)('where a shared memory cannot be made', () => {
  it('the kernel runs on its own memory instead (no resident arrays), and gives the same products', () => {
    const Memory = WebAssembly.Memory;
    const refuse = vi.spyOn(WebAssembly, 'Memory').mockImplementation(function (this: unknown, d: WebAssembly.MemoryDescriptor) {
      if (d.shared) throw new RangeError('could not allocate memory');
      return new Memory(d);
    } as never);
    try {
      wasmUseSharedMemory(true); // recompiles: the next instance tries a shared memory first
      const C = new Float64Array(16 * 16);
      gemm(false, false, 16, 16, 16, new Float64Array(256).fill(1), new Float64Array(256).fill(2), C);
      expect(C.every((v) => v === 32)).toBe(true);
      expect(wasmAvailable()).toBe(true);
      expect(resident(10)).toBeUndefined();
      expect(refuse).toHaveBeenCalled();
    } finally {
      refuse.mockRestore();
    }
  });
});
