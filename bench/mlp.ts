/**
 * The multilayer-perceptron sections of `npm run bench` (bench/run.ts calls `mlpBench` and writes
 * its lines into docs/benchmarks.md). Alone, printing the sections only:
 *
 *   node --expose-gc --import tsx bench/mlp.ts [--mlp-rounds N] [--sweep-rounds N] [--pair-rounds N] [--no-numpy]
 *     [--first-section] (only section 1: the check and the comparison with NumPy, SGD and Adam)
 *
 * 1. Against NumPy: the MNIST-MLP (784 → 100 sigmoid → 10 softmax, categorical crossentropy, batch
 *    32) trained with SGD (0.1) and with Adam (0.001) by numnet (`trainOnBatch` in a loop, and `fit`)
 *    and by a float64 NumPy implementation of the same step (bench/numpy_mlp.py, in a child process
 *    with one BLAS thread). Before timing, the NumPy script repeats numnet's first steps from numnet's
 *    initial weights on the same digits and must agree to 1e-12 (weights and loss), and its loss
 *    must fall over 100 steps. Then the ratios numnet/NumPy, and Adam's step over SGD's, paired
 *    (runners.ts `paired`: turns SGD Adam Adam SGD … on slices of 16 batches; the median of the
 *    rounds' ratios), as the host's speed drifts within seconds (see `adamLines`).
 * 2. The batch-size sweep (1, 8, 32, 128, 512) of that network with SGD: numnet, NumPy, TF.js WASM.
 * 3. Wider networks, 784-512-512-10 and 784-2048-10 (relu, SGD 0.01, batch 32): the same libraries.
 * 4. `predict` on one sample: µs per call, numnet against TF.js WASM (and a NumPy forward pass).
 *
 * Every measurement is a round of about `ms` ms (its size calibrated by runs of growing size, which
 * are also the warm-up); the runners alternate round by round; medians over the rounds, from wall
 * time and from CPU time (process.cpuUsage for node, time.process_time for Python). Without python3
 * or numpy, the NumPy parts are skipped and the report says why.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../examples/lib/mnist.js';
import type { Tensor } from '../src/index.js';
import { NumpyChild, tempDir, writeFloats } from './numpy.js';
import { type Net, type OptimizerName, type PairedRatios, type Runner, type Runs, alternate, median, onThreads, paired, numnetFit, numnetModel, numnetTrainOnBatch, numpyRunner, rows, tfFit, tfModel, tfTrainOnBatch } from './runners.js';

export interface MlpOptions {
  /** Rounds of the comparison with NumPy (default 5). */
  rounds?: number;
  /** Rounds of the batch-size sweep, the wider networks and the latency (default 3). */
  sweepRounds?: number;
  /** About how long one round of one runner takes, ms (default 400). */
  ms?: number;
  /** Rounds of the paired Adam / SGD measurement (default 9). */
  pairRounds?: number;
  /** Only the first section (the check and the comparison with NumPy, SGD and Adam). */
  firstOnly?: boolean;
}

interface Data {
  xTrain: Tensor;
  yTrain: Tensor;
}

/** The training set on TF.js's WASM backend (float32), made once. */
interface TfData {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

export const MNIST_MLP: Net = { name: '784-100-10', sizes: [784, 100, 10], hidden: 'sigmoid', lr: 0.1 };
const WIDE: Net[] = [
  { name: '784-512-512-10', sizes: [784, 512, 512, 10], hidden: 'relu', lr: 0.01 },
  { name: '784-2048-10', sizes: [784, 2048, 10], hidden: 'relu', lr: 0.01 },
];
const SWEEP = [1, 8, 32, 128, 512];
const BATCH = 32;
/** Adam against SGD, paired: slices of 16 batches, 6 per optimizer per round. */
const PAIR_SAMPLES = 16 * 32;
const PAIR_SLICES = 6;

const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
/** "wall (CPU)" medians of samples/s. */
const cell = (r: Runs | undefined) => (r ? `${fmt(median(r.wall))} (${fmt(median(r.cpu))})` : '—');
/** a/b by wall and by CPU median, as "x× (y×)". */
const ratio = (a: Runs | undefined, b: Runs | undefined) =>
  a && b ? `${fmt(median(a.wall) / median(b.wall), 2)}× (${fmt(median(a.cpu) / median(b.cpu), 2)}×)` : '—';
const find = (runs: Runs[], name: string) => runs.find((r) => r.name === name);
const params = (net: Net) => net.sizes.slice(1).reduce((s, units, i) => s + (net.sizes[i]! + 1) * units, 0);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

// ---------------------------------------------------------------- 1. the check against numnet
interface Check {
  net: Net;
  optimizer: OptimizerName;
  steps: number;
  weightDiff: number;
  lossDiff: number;
  lossBefore: number;
  lossAfter: number;
  ok: boolean;
}

/**
 * numnet's first steps (SGD: one, Adam: three, batch 32) from its seed-1 weights, written with those
 * weights and the digits to a temporary directory; the NumPy child repeats them and compares. The
 * MNIST-MLP with SGD and Adam, and the first wider network (relu) with SGD.
 */
async function checkSteps(child: NumpyChild, data: Data): Promise<Check[]> {
  const out: Check[] = [];
  for (const [net, optimizer, steps] of [[MNIST_MLP, 'sgd', 1], [MNIST_MLP, 'adam', 3], [WIDE[0]!, 'sgd', 1]] as const) {
    const dir = tempDir('numnet-check-');
    try {
      const model = numnetModel(net, optimizer);
      const x = rows(data.xTrain, 0, BATCH * steps), y = rows(data.yTrain, 0, BATCH * steps);
      writeFloats(join(dir.path, 'x.f64'), x.data);
      writeFloats(join(dir.path, 'y.f64'), y.data);
      model.getWeights().forEach((w, i) => writeFloats(join(dir.path, `w0_${i}.f64`), w.data));
      const losses = Array.from({ length: steps }, (_, s) => model.trainOnBatch(rows(x, s * BATCH, BATCH), rows(y, s * BATCH, BATCH)).loss!);
      model.getWeights().forEach((w, i) => writeFloats(join(dir.path, `w1_${i}.f64`), w.data));
      const { sizes, hidden, lr } = net;
      const spec = { rows: BATCH * steps, sizes, hidden, optimizer, lr: optimizer === 'sgd' ? lr : 0.001, batch: BATCH, steps, losses, sgd_lr: lr };
      writeFileSync(join(dir.path, 'check.json'), JSON.stringify(spec));
      const r = await child.request<Omit<Check, 'net' | 'optimizer' | 'steps'>>({ op: 'check', dir: dir.path });
      if (!r.ok) throw new Error(`bench/numpy_mlp.py does not repeat numnet's ${optimizer} step on ${net.name}: ${JSON.stringify(r)}`);
      out.push({ net, optimizer, steps, ...r });
    } finally {
      dir.remove();
    }
  }
  return out;
}

// ---------------------------------------------------------------- 1. against NumPy, SGD and Adam
async function againstNumpy(child: NumpyChild | string, data: Data, o: Required<MlpOptions>): Promise<string[]> {
  const checks = typeof child === 'string' ? [] : await checkSteps(child, data);
  const byOptimizer = (['sgd', 'adam'] as const).map((opt) => {
    const label = opt === 'sgd' ? 'SGD' : 'Adam';
    return [
      numnetTrainOnBatch(numnetModel(MNIST_MLP, opt), data.xTrain, data.yTrain, BATCH, `${label}: numnet trainOnBatch`),
      numnetFit(numnetModel(MNIST_MLP, opt), data.xTrain, data.yTrain, BATCH, `${label}: numnet fit`),
      ...(typeof child === 'string' ? [] : [numpyRunner(child, MNIST_MLP, opt, BATCH, `${label}: NumPy`)]),
    ];
  });
  // SGD's trainOnBatch on two threads (setThreads(2)), a runner of its own: every other row is one thread
  const twoThreads = onThreads(2, numnetTrainOnBatch(numnetModel(MNIST_MLP, 'sgd'), data.xTrain, data.yTrain, BATCH), 'SGD: numnet trainOnBatch, 2 threads');
  const runs = await alternate([...byOptimizer.flat(), twoThreads], o.rounds, o.ms, data.xTrain.shape[0]!, 'MNIST-MLP, SGD and Adam');
  const g = (name: string) => find(runs, name);
  const stepUs = (r: Runs, k: 'wall' | 'cpu') => (BATCH * 1e6) / median(r[k]);
  const lines = [
    '| step | samples per round | median samples/s (wall) | min–max (wall) | median samples/s (CPU time) | µs per step (CPU time) |',
    '|---|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.name} | ${fmt(r.samples)} | ${fmt(median(r.wall))} | ${fmt(Math.min(...r.wall))}–${fmt(Math.max(...r.wall))} | ${fmt(median(r.cpu))} | ${fmt(stepUs(r, 'cpu'))} |`),
    '',
  ];
  if (typeof child === 'string') lines.push(`**NumPy skipped**: ${child}. Only numnet's rows are measured.`, '');
  for (const opt of ['SGD', 'Adam']) {
    if (typeof child === 'string') break;
    const np = g(`${opt}: NumPy`);
    lines.push(`numnet / NumPy with ${opt} (samples/s, wall (CPU)): \`trainOnBatch\` **${ratio(g(`${opt}: numnet trainOnBatch`), np)}**, \`fit\` **${ratio(g(`${opt}: numnet fit`), np)}**.`);
  }
  // numnet against NumPy paired as Adam against SGD below: the ratios above come from rounds seconds apart
  const npPaired: { name: string; p: PairedRatios }[] = [];
  if (typeof child !== 'string') {
    for (const rs of byOptimizer) for (const r of rs.slice(0, 2)) npPaired.push({ name: r.name, p: await paired(rs[2]!, r, o.pairRounds, PAIR_SLICES, PAIR_SAMPLES, 'numnet / NumPy') });
    const speed = (v: number[]) => fmt(1 / median(v), 2);
    lines.push(
      '',
      `Paired (as Adam and SGD below: slices of ${fmt(PAIR_SAMPLES)} samples in turns NumPy, numnet, numnet, NumPy, …, ${PAIR_SLICES} each per round, the median of`,
      `${o.pairRounds} rounds; NumPy times its own loop in its process), numnet's samples/s / NumPy's, wall (CPU): ` +
        npPaired.map(({ name, p }) => `${name.replace(': numnet ', ' `')}\` **${speed(p.wall)}×** (${speed(p.cpu)}×; rounds ${fmt(1 / Math.max(...p.wall), 2)}–${fmt(1 / Math.min(...p.wall), 2)}×)`).join(', ') + '.',
    );
  }

  const pairs: PairedRatios[] = [];
  for (let i = 0; i < byOptimizer[0]!.length; i++) pairs.push(await paired(byOptimizer[0]![i]!, byOptimizer[1]![i]!, o.pairRounds, PAIR_SLICES, PAIR_SAMPLES, "Adam's step / SGD's step"));
  // two threads against one, paired as above (slices of 4× the samples: the workers start before each slice of the two-thread runner)
  const threads = await paired(byOptimizer[0]![0]!, twoThreads, o.pairRounds, PAIR_SLICES, 4 * PAIR_SAMPLES, 'two threads / one thread');
  const one = g('SGD: numnet trainOnBatch');
  const np = g('SGD: NumPy');
  const threadLines = [
    `Two threads against one, paired as Adam and SGD below (SGD \`trainOnBatch\`, slices of ${fmt(4 * PAIR_SAMPLES)} samples; the workers are`,
    `started and given 16 batches before each two-thread slice, untimed): one thread's time / two threads' time **${fmt(1 / median(threads.wall), 2)}×**`,
    `by wall time (rounds ${fmt(1 / Math.max(...threads.wall), 2)}–${fmt(1 / Math.min(...threads.wall), 2)}×; by CPU time, which counts both threads, ${fmt(1 / median(threads.cpu), 2)}×).`,
    ...(one && np && npPaired.length
      ? [
          `numnet / NumPy with SGD on two threads (\`setThreads(2)\`; NumPy on one): \`trainOnBatch\` **${fmt(1 / median(npPaired[0]!.p.wall) / median(threads.wall), 2)}×** by wall time —`,
          `the paired one-thread ratio above times that paired factor. (The two-thread row of the table, timed in rounds seconds apart like the`,
          `others, gives ${ratio(g('SGD: numnet trainOnBatch, 2 threads'), np)} against NumPy and ${ratio(g('SGD: numnet trainOnBatch, 2 threads'), one)} against one thread: as noisy as the unpaired Adam/SGD ratios below.)`,
        ]
      : []),
    '',
  ];
  const who = byOptimizer[0]!.map((r) => r.name.replace('SGD: ', ''));
  const unpaired = who.map((w) => ratio(g(`SGD: ${w}`), g(`Adam: ${w}`)));
  return [...checkLines(checks), ...lines, '', ...threadLines, ...adamLines(who, pairs, unpaired)];
}

/** Adam's step over SGD's, paired (bench/runners.ts `paired`): the median of the rounds' ratios. */
function adamLines(who: string[], pairs: PairedRatios[], unpaired: string[]): string[] {
  const p = pairs[0]!;
  const cellOf = (r: PairedRatios) => `**${fmt(median(r.wall), 2)}×** (${fmt(median(r.cpu), 2)}×) | ${fmt(Math.min(...r.wall), 2)}–${fmt(Math.max(...r.wall), 2)}`;
  return [
    `Adam's step / SGD's step (target for numnet ≤ 1.3×), measured paired: SGD and Adam train the same number of samples in`,
    `slices of ${fmt(p.samples)} (${p.samples / BATCH} batches), taking turns SGD, Adam, Adam, SGD, SGD, Adam, …, ${p.slices} slices each per round;`,
    `a round's ratio is Adam's summed time over SGD's; the median of ${p.wall.length} rounds (each after a forced GC), by wall time`,
    '(by CPU time). The turns are a few tens of ms apart, so both optimizers see the same state of this shared host, whose',
    'speed drifts within seconds. The last column, the ratio of the medians of the table above (rounds seconds apart,',
    'each runner with its own round size), is not paired: it has ranged from 1.2× to 2.1× in runs of the same code here.',
    '',
    '| step | Adam / SGD paired: median of the rounds, wall (CPU) | min–max of the rounds (wall) | unpaired: ratio of the table\'s medians |',
    '|---|---:|---:|---:|',
    ...pairs.map((r, i) => `| ${who[i]} | ${cellOf(r)} | ${unpaired[i]} |`),
    '',
    `(Per step, Adam updates two moments of each of the ${fmt(params(MNIST_MLP))} weights besides the weight, and numnet's update kernel saves`,
    `them too for the transaction (as it reads them); SGD updates and saves the weight only. The batch's GEMMs do ${fmt(3 * BATCH)} multiply-adds per weight.)`,
  ];
}

function checkLines(checks: Check[]): string[] {
  if (!checks.length) return [];
  const e = (v: number) => (v === 0 ? '0' : v.toExponential(1));
  return [
    'The NumPy step is checked before it is timed: from numnet\'s initial weights (seed 1) on the same digits, bench/numpy_mlp.py',
    'repeats numnet\'s first steps (batch 32) and must agree to 1e-12; then, trained alone with SGD for 100 steps from those',
    'weights, its loss on those 3,200 digits must fall.',
    '',
    '| network | optimizer, steps | largest weight difference | loss difference | NumPy\'s loss before → after 100 SGD steps |',
    '|---|---|---:|---:|---|',
    ...checks.map((c) => `| ${c.net.name} ${c.net.hidden} | ${c.optimizer === 'sgd' ? 'SGD' : 'Adam'}, ${c.steps} | ${e(c.weightDiff)} | ${e(c.lossDiff)} | ${fmt(c.lossBefore, 4)} → ${fmt(c.lossAfter, 4)} |`),
    '',
  ];
}

// ---------------------------------------------------------------- 2 and 3. numnet, NumPy, TF.js WASM
/** One network at one batch size (SGD): numnet trainOnBatch and fit, NumPy, TF.js WASM trainOnBatch and fit, alternating. */
async function threeLibraries(net: Net, batch: number, child: NumpyChild | string, data: Data, t: TfData, rounds: number, ms: number): Promise<Runs[]> {
  await tf.setBackend('wasm');
  const tfm = tfModel(net);
  const tfTob = tfTrainOnBatch(tfm, t.x, t.y, batch);
  const runners: Runner[] = [
    numnetTrainOnBatch(numnetModel(net, 'sgd'), data.xTrain, data.yTrain, batch),
    numnetFit(numnetModel(net, 'sgd'), data.xTrain, data.yTrain, batch),
    ...(typeof child === 'string' ? [] : [numpyRunner(child, net, 'sgd', batch)]),
    tfTob,
    tfFit(tfm, t.x, t.y, batch),
  ];
  try {
    return await alternate(runners, rounds, ms, data.xTrain.shape[0]!, `${net.name}, batch ${batch}`);
  } finally {
    tfTob.dispose();
    tfm.dispose();
  }
}

const LIBRARY_HEADER = 'numnet trainOnBatch | numnet fit | NumPy | tfjs-wasm trainOnBatch | tfjs-wasm fit | numnet fit / NumPy | numnet fit / tfjs-wasm fit |';
const libraryCells = (runs: Runs[]) =>
  ['numnet trainOnBatch', 'numnet fit', 'NumPy', 'tfjs-wasm trainOnBatch', 'tfjs-wasm fit'].map((k) => cell(find(runs, k))).join(' | ') +
  ` | ${ratio(find(runs, 'numnet fit'), find(runs, 'NumPy'))} | ${ratio(find(runs, 'numnet fit'), find(runs, 'tfjs-wasm fit'))} |`;

async function sweep(child: NumpyChild | string, data: Data, t: TfData, o: Required<MlpOptions>): Promise<string[]> {
  const lines = [`| batch | ${LIBRARY_HEADER}`, '|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const batch of SWEEP) {
    const runs = await threeLibraries(MNIST_MLP, batch, child, data, t, o.sweepRounds, o.ms);
    lines.push(`| ${batch} | ${libraryCells(runs)}`);
  }
  return lines;
}

async function wide(child: NumpyChild | string, data: Data, t: TfData, o: Required<MlpOptions>): Promise<string[]> {
  const lines = [`| network (parameters) | ${LIBRARY_HEADER}`, '|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const net of WIDE) {
    const runs = await threeLibraries(net, BATCH, child, data, t, o.sweepRounds, o.ms);
    lines.push(`| ${net.name} (${fmt(params(net))}) | ${libraryCells(runs)}`);
  }
  return lines;
}

// ---------------------------------------------------------------- 4. predict at batch 1
interface Calls {
  wall: number;
  cpu: number;
  calls: number;
}

/** Calls f until `ms` ms have passed. */
function callFor(f: () => unknown, ms: number): Calls {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  let wall = 0;
  do {
    f();
    calls++;
    wall = performance.now() - t0;
  } while (wall < ms);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, calls };
}

/** µs per call (wall, CPU) of numnet `predict`, TF.js `predict` + `dataSync` and NumPy's forward pass, alternating. */
async function latency(net: Net, child: NumpyChild | string, data: Data, rounds: number): Promise<Record<string, { wall: number[]; cpu: number[] }>> {
  await tf.setBackend('wasm');
  const model = numnetModel(net, 'sgd');
  const tfm = tfModel(net);
  const x1 = rows(data.xTrain, 0, 1);
  const tx1 = tf.tensor2d(Float32Array.from(x1.data), [1, net.sizes[0]!]);
  const probes: [string, (ms: number) => Promise<Calls>][] = [
    ['numnet', async (ms) => callFor(() => model.predict(x1), ms)],
    ['tfjs-wasm', async (ms) => callFor(() => tf.tidy(() => (tfm.predict(tx1) as tf.Tensor).dataSync()), ms)],
  ];
  if (typeof child !== 'string') {
    const spec = numpyRunner(child, net, 'sgd', 1).spec;
    probes.push(['NumPy', (ms) => child.request<Calls>({ op: 'predict', ...spec, ms })]);
  }
  const out: Record<string, { wall: number[]; cpu: number[] }> = {};
  for (const [, probe] of probes) await probe(100); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, probe] of probes) {
      const c = await probe(150);
      (out[name] ??= { wall: [], cpu: [] }).wall.push((c.wall * 1000) / c.calls);
      out[name].cpu.push((c.cpu * 1000) / c.calls);
    }
  }
  tx1.dispose();
  tfm.dispose();
  return out;
}

async function latencyLines(child: NumpyChild | string, data: Data, o: Required<MlpOptions>): Promise<string[]> {
  const us = (v: { wall: number[]; cpu: number[] } | undefined) => (v ? `${fmt(median(v.wall), 1)} (${fmt(median(v.cpu), 1)})` : '—');
  const lines = [
    '| network | numnet `predict` | tfjs-wasm `predict` + `dataSync` | NumPy forward | tfjs-wasm time / numnet time |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const net of [MNIST_MLP, ...WIDE]) {
    const l = await latency(net, child, data, o.rounds);
    const speedup = `${fmt(median(l['tfjs-wasm']!.wall) / median(l.numnet!.wall), 1)}× (${fmt(median(l['tfjs-wasm']!.cpu) / median(l.numnet!.cpu), 1)}×)`;
    console.log(`predict latency ${net.name}: ${Object.entries(l).map(([k, v]) => `${k} ${fmt(median(v.wall), 1)} µs`).join(', ')}`);
    lines.push(`| ${net.name} | ${us(l.numnet)} | ${us(l['tfjs-wasm'])} | ${us(l.NumPy)} | ${speedup} |`);
  }
  return lines;
}

// ---------------------------------------------------------------- the sections
export async function mlpBench(child: NumpyChild | string, data: Data, options: MlpOptions = {}): Promise<string[]> {
  const o: Required<MlpOptions> = { rounds: 5, sweepRounds: 3, ms: 400, pairRounds: 9, firstOnly: false, ...options };
  const loads = [load()];
  const t0 = performance.now();
  const numpyNote = typeof child === 'string' ? `NumPy: skipped, ${child}.` : await numpyLine(child);
  console.log(`MLP sections: ${numpyNote}`);
  await tf.setBackend('wasm');
  const n = data.xTrain.shape[0]!;
  const t: TfData = { x: tf.tensor2d(Float32Array.from(data.xTrain.data), [n, 784]), y: tf.tensor2d(Float32Array.from(data.yTrain.data), [n, 10]) };
  try {
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
    const a = await againstNumpy(child, data, o);
    console.log(`… ${elapsed()}`);
    const first = report(numpyNote, [...loads, load()], o, a, [], [], []);
    if (o.firstOnly) return first.slice(0, first.indexOf('## Batch-size sweep: MNIST-MLP, SGD'));
    const b = await sweep(child, data, t, o);
    console.log(`… ${elapsed()}`);
    const c = await wide(child, data, t, o);
    console.log(`… ${elapsed()}`);
    const d = await latencyLines(child, data, o);
    console.log(`MLP sections: ${elapsed()}`);
    loads.push(load());
    return report(numpyNote, loads, o, a, b, c, d);
  } finally {
    tf.dispose([t.x, t.y]);
  }
}

async function numpyLine(child: NumpyChild): Promise<string> {
  const i = await child.info();
  const blas = i.blas ? `${i.blas.config.split(' ').slice(0, 2).join(' ')}, which reports ${i.blas.threads} thread${i.blas.threads === 1 ? '' : 's'}` : 'BLAS thread count not readable';
  return `NumPy ${i.numpy} (Python ${i.python}; ${blas}), in a child process started with OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1, MKL_NUM_THREADS=1 and the like.`;
}

function report(numpyNote: string, loads: string[], o: Required<MlpOptions>, a: string[], b: string[], c: string[], d: string[]): string[] {
  const skipped = numpyNote.startsWith('NumPy: skipped');
  return [
    '## Against NumPy: MNIST-MLP, SGD and Adam',
    '',
    'The MNIST-MLP above (784 → 100 sigmoid → 10 softmax, categorical crossentropy, batch 32, shuffle off), trained',
    'with SGD 0.1 and with Adam 0.001 by numnet (`trainOnBatch` in a loop over the batches, and `fit`) and by',
    'bench/numpy_mlp.py: the same forward pass, loss (Keras\'s clipping), fused softmax-crossentropy gradient,',
    'backward pass and update, written with NumPy in float64. Both libraries compute in float64 on one thread.',
    numpyNote,
    `Loaded machine: load average (1, 5, 15 min) ${loads[0]} at the start of these sections, ${loads[1]} at their end.`,
    `Each runner's round is about ${o.ms} ms (its size found by runs of growing size, which are its warm-up); the`,
    `runners alternate round by round; medians of ${o.rounds} rounds (${o.sweepRounds} in the sections after this one), from wall`,
    'time and from CPU time (`process.cpuUsage` for node, `time.process_time` for Python: the child times its own loop).',
    '',
    ...a,
    '',
    '## Batch-size sweep: MNIST-MLP, SGD',
    '',
    'The same network and SGD 0.1 at batch sizes 1 to 512: median samples/s by wall time (by CPU time in',
    'parentheses); the ratios are numnet `fit`\'s samples/s over the other library\'s. TensorFlow.js runs on its',
    'WASM backend (float32, one thread, as in the MNIST-MLP section). numnet and NumPy step through the training',
    'digits batch after batch; TF.js `trainOnBatch` cycles through up to 64 batches sliced beforehand.',
    ...(skipped ? ['NumPy: skipped (see above).'] : []),
    '',
    ...b,
    '',
    '## Wider networks',
    '',
    '784-512-512-10 and 784-2048-10, relu hidden layers, softmax output, categorical crossentropy, SGD 0.01,',
    'batch 32; the same runners as the sweep. Median samples/s by wall time (by CPU time).',
    '',
    ...c,
    '',
    '## Prediction latency at batch 1',
    '',
    'One sample through the network, µs per call: numnet `predict` (input checks included), TensorFlow.js WASM',
    '`predict` and `dataSync` (the result read back, as a caller must), and NumPy\'s forward pass for reference.',
    `Median of ${o.rounds} rounds of ~150 ms by wall time (by CPU time); untrained weights (the work is the same).`,
    'Each layer is a GEMM with m = 1 here: compare the 1×784×100 row of the GEMM table below with the 32×784×100 row.',
    '',
    ...d,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (name: string) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || undefined : undefined);
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  const data = loadMnist(1);
  const child = args.includes('--no-numpy') ? 'turned off by --no-numpy' : await NumpyChild.start(data.xTrain, data.yTrain);
  try {
    const o = { ...(opt('--mlp-rounds') ? { rounds: opt('--mlp-rounds') } : {}), ...(opt('--sweep-rounds') ? { sweepRounds: opt('--sweep-rounds') } : {}), ...(opt('--ms') ? { ms: opt('--ms') } : {}) };
    const more = { ...(opt('--pair-rounds') ? { pairRounds: opt('--pair-rounds') } : {}), firstOnly: args.includes('--first-section') };
    console.log('\n' + (await mlpBench(child, data, { ...o, ...more })).join('\n'));
  } finally {
    if (typeof child !== 'string') await child.close();
  }
}
