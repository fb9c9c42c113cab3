/**
 * setThreads: the WebAssembly GEMM cut into parts over worker threads on a shared memory
 * (src/tensor/wasm/threads.ts). Every product must have the same bits with 1, 2 and 3 threads, on
 * the JS loops, and as the plain running sum in p order written out below (the contract of
 * gemm.wat's header: each C(i, j) = (acc ? C(i, j) : +0) + A(i, 0)·B(0, j) + … in p order) — an
 * independent statement of the product, not numnet's output. Training with threads gives the same
 * weights bit for bit. Bad counts are NumnetErrors. A failing worker turns the threads off and its
 * part is recomputed.
 */
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Conv2D, Dense, Flatten, SGD, Sequential, gemm, getThreads, setKernelBackend, setThreads as setCoreThreads, tensor } from '../../src/index.js';
import { setThreads } from '../../src/node/index.js';
import { gemmBiasRelu, stage, unstage } from '../../src/tensor/kernels.js';
import { wasmAvailable, wasmMemoryBytes } from '../../src/tensor/wasm/gemm.js';
import { wasmUseSharedMemory } from '../../src/tensor/wasm/memory.js';
import { GEMM_WASM_BASE64 } from '../../src/tensor/wasm/gemm-binary.js';
import { WASM_KEEP_BYTES, decodeBase64 } from '../../src/tensor/wasm/layout.js';
import { MAX_THREADS, PART_TIMEOUT, THREAD_MIN_WORK, type WorkerFactory, awaitWorkers, installWorkerFactory, sharedSpace, sharedVariant, threadStats, threadedProducts } from '../../src/tensor/wasm/threads.js';
import { codeOf, messageOf } from '../helpers/errors.js';
// @ts-expect-error the build script is plain JavaScript
import { assembleShared } from '../../scripts/build-wasm.mjs';
import { randomArray, reference, sameBits } from '../helpers/gemm-reference.js';

afterEach(() => {
  setThreads(1);
  setKernelBackend('auto');
});
afterAll(() => setThreads(1));


type Case = { m: number; n: number; k: number; ta: boolean; tb: boolean; acc: boolean; seed: number };

/** A product whose C alone is 64.06 MiB (over WASM_KEEP_BYTES); the number of products split for the threads. */
const huge = (): number => {
  const m = 4096, n = 2050, k = 3;
  const C = new Float64Array(m * n);
  const before = threadedProducts();
  gemm(false, false, m, n, k, new Float64Array(m * k).fill(1), new Float64Array(k * n).fill(2), C);
  expect(C[0]).toBe(6);
  expect(C[m * n - 1]).toBe(6);
  return threadedProducts() - before;
};


/** The product with `threads` threads (0: the JS loops); also how many products ran on several threads. */
function product(c: Case, threads: number): { C: Float64Array; split: number } {
  const A = randomArray(c.m * c.k, c.seed);
  const B = randomArray(c.k * c.n, c.seed + 1);
  const C = randomArray(c.m * c.n, c.seed + 2);
  setKernelBackend(threads === 0 ? 'js' : 'auto');
  setThreads(Math.max(threads, 1));
  const before = threadedProducts();
  gemm(c.ta, c.tb, c.m, c.n, c.k, A, B, C, c.acc);
  return { C, split: threadedProducts() - before };
}

/** Each case on the JS loops and on 1, 2, 3 threads (the count set once for all cases): all equal to the reference. */
function checkCases(cases: Case[]): void {
  const wants = cases.map((c) => {
    const A = randomArray(c.m * c.k, c.seed);
    const B = randomArray(c.k * c.n, c.seed + 1);
    return reference(c.ta, c.tb, c.m, c.n, c.k, A, B, randomArray(c.m * c.n, c.seed + 2), c.acc);
  });
  let splitting = 0;
  const workerParts = threadStats().workerParts;
  for (const threads of [0, 1, 2, 3]) {
    cases.forEach((c, i) => {
      const { C, split } = product(c, threads);
      expect(sameBits(C, wants[i]!), `${JSON.stringify(c)} with ${threads} threads`).toBe(true);
      // Products the kernel splits: enough work, not both operands transposed (that one runs in
      // JS), and more than one band of the split (rows when m > 4 and m ≥ n or n ≤ 4, else columns).
      const splits = c.m * c.n * c.k >= THREAD_MIN_WORK && !(c.ta && c.tb) && (c.m > 4 || c.n > 4);
      expect(split).toBe(threads >= 2 && splits ? 1 : 0);
      if (threads === 2) splitting += split;
    });
  }
  expect(splitting).toBeGreaterThanOrEqual(cases.length / 4); // the threaded path was exercised
  // and workers computed parts (the main thread computes a part itself only if its worker has not started it)
  expect(threadStats().workerParts).toBeGreaterThan(workerParts);
}

describe.skipIf(!wasmAvailable())('setThreads: the GEMM on several threads', () => {
  it('the core alone has no worker factory in Node: a NumnetError that points to numnet/node', () => {
    expect(codeOf(() => setCoreThreads(2))).toBe('INVALID_ARGUMENT');
    expect(messageOf(() => setCoreThreads(2))).toMatch(/setThreads\(2\).*numnet\/node.*cross-origin isolated/);
    expect(getThreads()).toBe(1);
    setCoreThreads(1); // 1 needs no workers
  });

  it('refuses counts that are not integers from 1 to MAX_THREADS, naming the argument; getThreads reports the count', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, MAX_THREADS + 1, 2 ** 53, '2', undefined, null, 2n]) {
      expect(codeOf(() => setThreads(bad as number))).toBe('INVALID_ARGUMENT');
      expect(messageOf(() => setThreads(bad as number))).toMatch(/^setThreads: threads must be an integer from 1 to 64, got /);
    }
    expect(getThreads()).toBe(1);
    setThreads(2);
    expect(getThreads()).toBe(2);
    expect(codeOf(() => setThreads(0))).toBe('INVALID_ARGUMENT');
    expect(getThreads()).toBe(2); // a refused call changes nothing
    setThreads(3);
    expect(getThreads()).toBe(3);
    setThreads(1);
    expect(getThreads()).toBe(1);
  });

  it('the shared-memory binary derived from the embedded one is, byte for byte, what wabt assembles from gemm.wat with an imported shared memory', async () => {
    const derived = sharedVariant(decodeBase64(GEMM_WASM_BASE64));
    const assembled: Uint8Array = await assembleShared();
    expect(assembled.length).toBeGreaterThan(1000);
    expect(Buffer.from(derived).equals(Buffer.from(assembled))).toBe(true);
  });

  it('edge shapes: m, n not multiples of 4, m < 4 (a column split), n < 4, k = 1, transposes, accumulate: same bits with 1, 2, 3 threads and the JS loops', () => {
    // each (but 2×2, which has one 4-band either way) over THREAD_MIN_WORK multiply-adds
    const edges: [number, number, number][] = [
      [1, 3001, 200], [3, 999, 200], [4, 1000, 160], [5, 7, 16000], [6, 2, 48000], [130, 3, 1400],
      [725, 725, 1], [2, 2, 140000], [32, 100, 784], [33, 101, 160], [9, 9, 6500],
    ];
    expect(edges.filter(([m, n, k]) => m * n * k < THREAD_MIN_WORK)).toEqual([]);
    let seed = 11;
    const cases: Case[] = [];
    for (const [m, n, k] of edges) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
        cases.push({ m, n, k, ta, tb, acc: seed % 2 === 0, seed: seed++ });
      }
    }
    checkCases(cases);
  });

  it('random shapes (fast-check, fixed seed): same bits with 1, 2, 3 threads, the JS loops and the plain running sum', () => {
    const cases = fc.record({
      m: fc.integer({ min: 1, max: 384 }),
      n: fc.integer({ min: 1, max: 384 }),
      k: fc.integer({ min: 1, max: 384 }),
      ta: fc.boolean(),
      tb: fc.boolean(),
      acc: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    checkCases(fc.sample(cases, { seed: 20261129, numRuns: 40 }));
  });

  it('the bias and relu epilogue (a Dense or Conv2D forward pass) on threads: each part starts at the bias of its columns — the bits of one thread and of the JS passes, row and column splits', () => {
    const cases = [
      { m: 61, n: 53, k: 300, ta: false, tb: false }, // rows in bands; 53 columns: an edge tile reads past the bias
      { m: 41, n: 53, k: 300, ta: false, tb: false }, // wider than tall: a column split of 5 > 4 rows
      { m: 3, n: 201, k: 900, ta: false, tb: false }, // at most 4 rows: a column split, the bias offset per part
      { m: 37, n: 45, k: 333, ta: true, tb: false },
      { m: 4, n: 150, k: 877, ta: false, tb: true },
    ];
    let split = 0;
    for (const c of cases) {
      expect(c.m * c.n * c.k).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const A = randomArray(c.m * c.k, c.m);
      const B = randomArray(c.k * c.n, c.n);
      const bias = randomArray(c.n, c.k);
      for (const [withBias, relu] of [[true, true], [true, false], [false, true]] as const) {
        const run = (threads: number) => {
          setKernelBackend(threads === 0 ? 'js' : 'auto');
          setThreads(Math.max(threads, 1));
          const C = new Float64Array(c.m * c.n).fill(Number.NaN); // every value must be written
          const before = threadedProducts();
          gemmBiasRelu(c.ta, c.tb, c.m, c.n, c.k, A, B, C, withBias ? bias : undefined, relu);
          if (threads === 2) split += threadedProducts() - before;
          return C;
        };
        const js = run(0);
        for (const threads of [1, 2, 3]) expect(sameBits(run(threads), js), `${JSON.stringify(c)} bias ${withBias} relu ${relu}, ${threads} threads`).toBe(true);
      }
    }
    expect(split).toBe(cases.length * 3); // every product with an epilogue ran on the threads
  });

  it('NaN, ±∞ and −0 in the operands give the same bits on every thread count', () => {
    const m = 96, n = 96, k = 64; // over THREAD_MIN_WORK
    const A = randomArray(m * k, 5);
    const B = randomArray(k * n, 6);
    A[3] = Number.NaN; A[700] = Infinity; B[50] = -Infinity; A[1000] = -0; B.fill(-0, 200, 260);
    const run = (threads: number) => {
      setThreads(threads);
      const C = new Float64Array(m * n);
      gemm(false, false, m, n, k, A, B, C);
      return C;
    };
    const one = run(1);
    const before = threadedProducts();
    expect(sameBits(run(2), one)).toBe(true);
    expect(sameBits(run(3), one)).toBe(true);
    expect(threadedProducts() - before).toBe(2);
  });

  const small = (threads: number) => product({ m: 96, n: 80, k: 100, ta: false, tb: false, acc: false, seed: 3 }, threads); // over THREAD_MIN_WORK

  it('the threads work in the one-thread shared memory itself (operands where they lie); after a huge product gave it back they follow the new one', () => {
    setThreads(2);
    const space = sharedSpace() as unknown as { memory: WebAssembly.Memory; inPlace: boolean };
    expect(space.inPlace).toBe(true);
    expect(huge()).toBe(1); // in place, on the threads
    expect(wasmMemoryBytes()).toBe(0); // and the memory was given back
    const one = small(1).C;
    setThreads(2);
    small(2); // the pool starts again on the new instance (its workers ready soon after)
    expect(awaitWorkers(10_000)).toBe(true);
    const { C, split } = small(2);
    expect(split).toBe(1);
    expect(sameBits(C, one)).toBe(true);
    expect(sharedSpace()!.memory).not.toBe(space.memory);
  });

  it('without a shared one-thread memory the threads have their own: a product needing more than its maximum runs on one thread, right, and it stays bounded', () => {
    wasmUseSharedMemory(false);
    try {
      setThreads(2);
      expect((sharedSpace() as unknown as { inPlace: boolean }).inPlace).toBe(false);
      expect(huge()).toBe(0);
      expect(sharedSpace()!.memory.buffer.byteLength).toBeLessThanOrEqual(WASM_KEEP_BYTES);
      const { C, split } = small(2);
      expect(split).toBe(1);
      expect(sameBits(C, small(1).C)).toBe(true);
    } finally {
      setThreads(1);
      wasmUseSharedMemory(true);
    }
  });
});

/** A worker whose kernel throws (or, `hang`, that claims its part and never answers). */
const failingWorker = (hang: boolean): WorkerFactory => (source, init, onError) => {
  const broken = source.replace('gemm(ctl[4]', hang ? 'for (;;) {} gemm(ctl[4]' : 'null.gemm(ctl[4]');
  expect(broken).not.toBe(source);
  const w = new Worker(`${broken}\nrequire('node:worker_threads').parentPort.once('message', numnetGemmWorker);\n`, { eval: true });
  w.unref();
  w.on('error', onError);
  w.postMessage(init);
  return { terminate: () => void w.terminate() };
};

describe.skipIf(!wasmAvailable())('setThreads: a failing worker', () => {
  it.each([
    ['throws', false],
    ['hangs (the part times out)', true],
  ])('that %s does not hang the main thread or corrupt C: its part is recomputed on the main thread, a warning, threads off', async (_, hang) => {
    const c: Case = { m: 80, n: 80, k: 96, ta: false, tb: false, acc: true, seed: 9 }; // over THREAD_MIN_WORK
    const want = product(c, 1).C;
    const saved = { ...PART_TIMEOUT };
    PART_TIMEOUT.baseMs = 300;
    installWorkerFactory(failingWorker(hang));
    setCoreThreads(2);
    const deadline = Date.now() + 10_000; // the worker becomes ready asynchronously
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      let got: Float64Array | undefined;
      while (Date.now() < deadline && getThreads() === 2) {
        const A = randomArray(c.m * c.k, c.seed);
        const B = randomArray(c.k * c.n, c.seed + 1);
        const C = randomArray(c.m * c.n, c.seed + 2);
        gemm(false, false, c.m, c.n, c.k, A, B, C, true);
        got = C;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(getThreads()).toBe(1);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/GEMM worker thread failed.*setThreads\(1\)/));
      expect(sameBits(got!, want)).toBe(true);
    } finally {
      warn.mockRestore();
      Object.assign(PART_TIMEOUT, saved);
    }
  });
});

describe.skipIf(!wasmAvailable() || typeof SharedArrayBuffer !== 'function')('setThreads: workers that cannot start again', () => {
  it('after a huge product gave the memory back, workers that cannot be started on the new one turn the threads off with a warning; the products stay right', () => {
    let made = 0;
    installWorkerFactory(() => {
      if (made++ > 0) throw new Error('no more workers');
      return { terminate: () => {} }; // never ready: products run on the main thread
    });
    setCoreThreads(2);
    expect(getThreads()).toBe(2);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      huge();
      const [m, n, k] = [96, 80, 100]; // over THREAD_MIN_WORK
      const A = randomArray(m * k, 5);
      const B = randomArray(k * n, 6);
      const C = randomArray(m * n, 7);
      const want = reference(false, false, m, n, k, A, B, C.slice(), true);
      gemm(false, false, m, n, k, A, B, C, true); // (core setThreads: the factory above stays installed)
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not start again.*setThreads\(1\)/));
      expect(getThreads()).toBe(1);
      expect(sameBits(C, want)).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

/** Weights after `steps` trainOnBatch steps of the model `make` builds, on the JS loops (0) or on 1–3 threads. */
function train(make: () => Sequential, x: number[][] | number[][][][], y: number[][], steps: number, threads: number): { weights: Float64Array[]; split: number } {
  setKernelBackend(threads === 0 ? 'js' : 'auto');
  setThreads(Math.max(threads, 1));
  const before = threadedProducts();
  const model = make();
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  for (let s = 0; s < steps; s++) model.trainOnBatch(tensor(x as number[][]), tensor(y));
  return { weights: model.getWeights().map((w) => w.data.slice()), split: threadedProducts() - before };
}

function data(batch: number, features: number, classes: number, seed: number): { x: number[][]; y: number[][] } {
  const flat = randomArray(batch * features, seed);
  const x = Array.from({ length: batch }, (_, i) => Array.from(flat.subarray(i * features, (i + 1) * features)));
  const y = Array.from({ length: batch }, (_, i) => Array.from({ length: classes }, (_, j) => (j === (i * 7) % classes ? 1 : 0)));
  return { x, y };
}

describe.skipIf(!wasmAvailable())('setThreads: training', () => {
  it('the MNIST MLP (784-100 sigmoid-10 softmax, batch 32, SGD) trains to the same weights bit for bit on 1, 2, 3 threads and the JS loops', () => {
    const { x, y } = data(32, 784, 10, 77);
    const make = () =>
      new Sequential([new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })], { seed: 5 });
    const one = train(make, x, y, 4, 1);
    for (const threads of [0, 2, 3]) {
      const run = train(make, x, y, 4, threads);
      run.weights.forEach((w, i) => expect(sameBits(w, one.weights[i]!), `weight ${i}, ${threads} threads`).toBe(true));
      // forward x·W1 and the gradient xᵀ·dZ1 of each step are large enough to be split
      if (threads >= 2) expect(run.split).toBeGreaterThanOrEqual(8);
    }
  });

  it('a Conv2D model (its convolution staged in the one-thread memory beside its kept patches, bias in the epilogue) trains to the same weights on 1 and 2 threads and the JS loops', () => {
    const batch = 8;
    const { y } = data(batch, 1, 10, 1);
    const flat = randomArray(batch * 20 * 20 * 2, 13);
    const x = Array.from({ length: batch }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => Array.from({ length: 20 }, (_, j) => [flat[((b * 20 + i) * 20 + j) * 2]!, flat[((b * 20 + i) * 20 + j) * 2 + 1]!])),
    );
    const make = () =>
      new Sequential(
        [
          new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [20, 20, 2] }),
          new Conv2D({ filters: 8, kernelSize: 3, activation: 'tanh' }),
          new Flatten(),
          new Dense({ units: 10, activation: 'softmax' }),
        ],
        { seed: 8 },
      );
    setThreads(2);
    // A stage lives in the one-thread memory with threads on too (the kept regions and the layers'
    // WebAssembly passes are there) — where that memory is shared, the threads' memory.
    const ws = stage(1000);
    expect(ws?.buffer).toBe(sharedSpace()!.memory.buffer);
    unstage();
    const one = train(make, x, y, 3, 1);
    const two = train(make, x, y, 3, 2);
    two.weights.forEach((w, i) => expect(sameBits(w, one.weights[i]!), `weight ${i}`).toBe(true));
    const js = train(make, x, y, 3, 0);
    js.weights.forEach((w, i) => expect(sameBits(w, one.weights[i]!), `weight ${i} (JS)`).toBe(true));
  });
});
