/**
 * The training runners of bench/mlp.ts: the same multilayer perceptron trained by numnet
 * (`trainOnBatch` in a loop, and `fit`), by NumPy (the child of bench/numpy.ts) and by TensorFlow.js
 * on its WASM backend (`fit` and `trainOnBatch`), each timed by wall and CPU time; and the
 * alternation of runners round by round with medians, and the fine pairing of two runners (`paired`).
 *
 * A runner trains `samples` samples (a whole number of batches) per call. numnet and NumPy step
 * through the training set batch after batch (wrapping around); TF.js's `fit` takes the first
 * `samples` rows, and its `trainOnBatch` cycles through up to 64 batches sliced beforehand. The
 * data does not change the work: every step of a network costs the same.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, Dense, SGD, Sequential, Tensor } from '../src/index.js';
import { setThreads } from '../src/node/index.js';
import type { NumpyChild } from './numpy.js';

/** A network: Dense layers of `sizes[i + 1]` units, `hidden` on all but the last (softmax). */
export interface Net {
  name: string;
  sizes: number[];
  hidden: 'sigmoid' | 'relu';
  /** SGD's learning rate (Adam runs with its default 0.001). */
  lr: number;
}

export type OptimizerName = 'sgd' | 'adam';

/** Wall and process CPU time (user + system), in ms. */
export interface Time {
  wall: number;
  cpu: number;
}

export interface Runner {
  name: string;
  batch: number;
  /** Trains `samples` samples (a multiple of the batch) and says how long it took. */
  run(samples: number): Promise<Time>;
}

/** The rounds of one runner: samples per round, and samples/s by wall and by CPU time. */
export interface Runs {
  name: string;
  samples: number;
  wall: number[];
  cpu: number[];
}

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const gc = (globalThis as { gc?: () => void }).gc;
const adamLr = 0.001;

export async function timed(f: () => unknown): Promise<Time> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** Rows [from, from + count) of a 2-D tensor (a view, no copy). */
export function rows(x: Tensor, from: number, count: number): Tensor {
  const cols = x.shape[1]!;
  return new Tensor(x.data.subarray(from * cols, (from + count) * cols), [count, cols]);
}

// ---------------------------------------------------------------- numnet
export function numnetModel(net: Net, optimizer: OptimizerName): Sequential {
  const layers = net.sizes.slice(1).map((units, i) =>
    new Dense({ units, activation: i === net.sizes.length - 2 ? 'softmax' : net.hidden, ...(i === 0 ? { inputShape: [net.sizes[0]!] } : {}) }),
  );
  const m = new Sequential(layers, { seed: 1 });
  m.compile({ optimizer: optimizer === 'sgd' ? new SGD({ learningRate: net.lr }) : new Adam({ learningRate: adamLr }), loss: 'categoricalCrossentropy' });
  return m;
}

/** numnet's `trainOnBatch` over the batches of (x, y) in turn. */
export function numnetTrainOnBatch(model: Sequential, x: Tensor, y: Tensor, batch: number, name = 'numnet trainOnBatch'): Runner {
  const count = Math.floor(x.shape[0]! / batch);
  const xs = Array.from({ length: count }, (_, i) => rows(x, i * batch, batch));
  const ys = Array.from({ length: count }, (_, i) => rows(y, i * batch, batch));
  let next = 0;
  return {
    name,
    batch,
    run: (samples) =>
      timed(() => {
        for (let s = 0; s < samples / batch; s++, next = (next + 1) % count) model.trainOnBatch(xs[next]!, ys[next]!);
      }),
  };
}

/**
 * A runner on `threads` threads (`setThreads` of numnet/node): the workers are started before each
 * round and given 16 batches (not timed; setThreads waits until they are ready), and stopped after
 * it, so that the other runners run on one thread. CPU time then counts every thread of the process.
 */
export function onThreads(threads: number, r: Runner, name = `${r.name}, ${threads} threads`): Runner {
  return {
    name,
    batch: r.batch,
    run: async (samples) => {
      setThreads(threads);
      try {
        await r.run(16 * r.batch); // not timed: the new workers' first products
        return await r.run(samples);
      } finally {
        setThreads(1);
      }
    },
  };
}

/** numnet's `fit`, one epoch over the first `samples` rows, shuffle off. */
export function numnetFit(model: Sequential, x: Tensor, y: Tensor, batch: number, name = 'numnet fit'): Runner {
  return { name, batch, run: (samples) => timed(() => model.fit(rows(x, 0, samples), rows(y, 0, samples), { epochs: 1, batchSize: batch, shuffle: false })) };
}

// ---------------------------------------------------------------- NumPy
let numpyIds = 0;

/** The NumPy child's training loop (its own clock: the request and reply are not timed). */
export function numpyRunner(child: NumpyChild, net: Net, optimizer: OptimizerName, batch: number, name = 'NumPy'): Runner & { spec: Record<string, unknown> } {
  const id = `${net.name} ${optimizer} ${batch} #${++numpyIds}`;
  const spec = { id, sizes: net.sizes, hidden: net.hidden, optimizer, lr: optimizer === 'sgd' ? net.lr : adamLr, batch };
  return { name, batch, spec, run: (samples) => child.request<Time>({ op: 'train', ...spec, start: 0, samples }) };
}

// ---------------------------------------------------------------- TensorFlow.js (WASM)
export function tfModel(net: Net): tf.Sequential {
  const m = tf.sequential({
    layers: net.sizes.slice(1).map((units, i) =>
      tf.layers.dense({
        units,
        activation: i === net.sizes.length - 2 ? 'softmax' : net.hidden,
        kernelInitializer: 'glorotUniform',
        ...(i === 0 ? { inputShape: [net.sizes[0]!] } : {}),
      }),
    ),
  });
  m.compile({ optimizer: tf.train.sgd(net.lr), loss: 'categoricalCrossentropy' });
  return m;
}

/** TF.js `fit` on `backend`, one epoch over the first `samples` rows (sliced before the clock starts). */
export function tfFit(model: tf.Sequential, x: tf.Tensor2D, y: tf.Tensor2D, batch: number, backend = 'wasm'): Runner {
  return {
    name: `tfjs-${backend} fit`,
    batch,
    async run(samples) {
      await tf.setBackend(backend);
      const xs = x.slice([0, 0], [samples, x.shape[1]]);
      const ys = y.slice([0, 0], [samples, y.shape[1]]);
      try {
        return await timed(() => model.fit(xs, ys, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 }));
      } finally {
        xs.dispose();
        ys.dispose();
      }
    },
  };
}

/** TF.js `trainOnBatch` on `backend`, cycling through up to 64 batches sliced once; `dispose` frees them. */
export function tfTrainOnBatch(model: tf.Sequential, x: tf.Tensor2D, y: tf.Tensor2D, batch: number, backend = 'wasm'): Runner & { dispose: () => void } {
  const count = Math.min(64, Math.floor(x.shape[0] / batch));
  const xs = Array.from({ length: count }, (_, i) => x.slice([i * batch, 0], [batch, x.shape[1]]));
  const ys = Array.from({ length: count }, (_, i) => y.slice([i * batch, 0], [batch, y.shape[1]]));
  let next = 0;
  return {
    name: `tfjs-${backend} trainOnBatch`,
    batch,
    async run(samples) {
      await tf.setBackend(backend);
      return timed(async () => {
        for (let s = 0; s < samples / batch; s++, next = (next + 1) % count) await model.trainOnBatch(xs[next]!, ys[next]!);
      });
    },
    dispose: () => tf.dispose([...xs, ...ys]),
  };
}

// ---------------------------------------------------------------- calibration and alternation
/**
 * Samples per round for a runner so that a round takes about `ms` ms: runs of 2, 8, 32, … batches
 * until one takes a quarter of that (these runs are also its warm-up); at most `cap` samples.
 */
export async function calibrate(r: Runner, ms: number, cap: number): Promise<number> {
  const most = Math.floor(cap / r.batch) * r.batch;
  let samples = Math.min(most, 2 * r.batch);
  for (;;) {
    const t = await r.run(samples);
    if (t.wall >= ms / 4 || samples >= most) {
      const batches = Math.round((samples * ms) / t.wall / r.batch);
      return Math.min(most, Math.max(1, batches) * r.batch);
    }
    samples = Math.min(most, samples * 4);
  }
}

/** Calibrates each runner, then `rounds` rounds running each runner once in turn (after a GC). */
export async function alternate(runners: Runner[], rounds: number, ms: number, cap: number, label: string): Promise<Runs[]> {
  const runs: Runs[] = [];
  for (const r of runners) runs.push({ name: r.name, samples: await calibrate(r, ms, cap), wall: [], cpu: [] });
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < runners.length; i++) {
      gc?.();
      const t = await runners[i]!.run(runs[i]!.samples);
      runs[i]!.wall.push((runs[i]!.samples / t.wall) * 1000);
      runs[i]!.cpu.push((runs[i]!.samples / t.cpu) * 1000);
    }
  }
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(`${label}: ${runs.map((r) => `${r.name} ${fmt(median(r.wall))} (CPU ${fmt(median(r.cpu))})`).join(', ')} samples/s`);
  return runs;
}

/** Per-round ratios time(b) / time(a) of `paired`: b's step over a's step, by wall and by CPU time. */
export interface PairedRatios {
  samples: number;
  slices: number;
  wall: number[];
  cpu: number[];
}

/**
 * The step of `b` against the step of `a`, paired finely: after a warm-up, `rounds` rounds (each after
 * a GC), each of `slices` slices of `samples` samples per runner in the order a b b a a b b a …, so
 * that the two runners share the machine's state of the moment (this host's speed drifts within
 * seconds) and neither is always first. A round's ratio is b's summed time over a's (the same samples).
 */
export async function paired(a: Runner, b: Runner, rounds: number, slices: number, samples: number, label: string): Promise<PairedRatios> {
  for (const r of [a, b, a, b]) await r.run(samples);
  const out: PairedRatios = { samples, slices, wall: [], cpu: [] };
  for (let round = 0; round < rounds; round++) {
    gc?.();
    const sum = { a: { wall: 0, cpu: 0 }, b: { wall: 0, cpu: 0 } };
    for (let s = 0; s < 2 * slices; s++) {
      const which = (s + 1) % 4 < 2 ? 'a' : 'b'; // a b b a a b b a …
      const t = await (which === 'a' ? a : b).run(samples);
      sum[which].wall += t.wall;
      sum[which].cpu += t.cpu;
    }
    out.wall.push(sum.b.wall / sum.a.wall);
    out.cpu.push(sum.b.cpu / sum.a.cpu);
  }
  const f = (v: number) => v.toFixed(2);
  console.log(`${label}: ${b.name} / ${a.name} per round ${out.wall.map(f).join(' ')} (wall), ${out.cpu.map(f).join(' ')} (CPU); median ${f(median(out.wall))} (${f(median(out.cpu))})`);
  return out;
}
