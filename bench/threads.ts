/**
 * setThreads benchmark: the WebAssembly GEMM on 1 and 2 threads (and more with --threads), the
 * counts alternating round by round in one run. Reports GFLOP/s (2·m·n·k per product) from wall
 * time and from process CPU time (all threads: the CPU the product costs), median over the rounds;
 * then the MNIST-MLP step (784-100 sigmoid-10 softmax, batch 32, SGD, trainOnBatch) in samples/s;
 * then the smallest products that gain from a second thread (THREAD_MIN_WORK). Checks that every
 * count gives the same bits.
 *
 *   node --import tsx bench/threads.ts [--rounds N] [--ms T] [--threads 1,2]
 */
import os from 'node:os';
import { Dense, SGD, Sequential, gemm, setThreads, tensor } from '../src/node/index.js';
import { wasmAvailable } from '../src/tensor/wasm/gemm.js';
import { THREAD_MIN_WORK } from '../src/tensor/wasm/threads.js';
import { random } from './random.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rounds = Number(opt('--rounds') ?? 7);
const targetMs = Number(opt('--ms') ?? 150);
const counts = (opt('--threads') ?? '1,2').split(',').map(Number);
if (!wasmAvailable()) throw new Error('WebAssembly SIMD is not available');

/** Runs f `reps` times; [wall ms, CPU ms of the whole process]. */
function time(f: () => void, reps: number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) f();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return [wall, (cpu.user + cpu.system) / 1000];
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Per thread count: median of `rate(reps, ms)` from wall and CPU time, the counts alternating each round. */
function alternate(f: () => void, rate: (reps: number, ms: number) => number): Map<number, [number, number]> {
  const reps = new Map<number, number>();
  for (const t of counts) {
    setThreads(t);
    let n = 1;
    while (time(f, n)[0] < targetMs / 3) n *= 2;
    reps.set(t, Math.max(1, Math.round((n * targetMs) / time(f, n)[0])));
  }
  const res = new Map(counts.map((t) => [t, [[], []] as number[][]]));
  for (let r = 0; r < rounds; r++) {
    for (const t of counts) {
      setThreads(t);
      f(); // a worker just started is warm after one product
      const [wall, cpu] = time(f, reps.get(t)!);
      res.get(t)![0]!.push(rate(reps.get(t)!, wall));
      res.get(t)![1]!.push(rate(reps.get(t)!, cpu));
    }
  }
  return new Map(counts.map((t) => [t, [median(res.get(t)![0]!), median(res.get(t)![1]!)]]));
}

const shapes = [
  { name: 'MNIST fwd x·W', ta: false, tb: false, m: 32, n: 100, k: 784 },
  { name: 'MNIST dW = xᵀ·g', ta: true, tb: false, m: 784, n: 100, k: 32 },
  { name: '256³', ta: false, tb: false, m: 256, n: 256, k: 256 },
  { name: '1024³', ta: false, tb: false, m: 1024, n: 1024, k: 1024 },
];
const fmt = (v: number, d = 1) => v.toFixed(d).padStart(7);
const head = counts.map((t) => `${t} thr: wall     CPU`).join(' │ ');

console.log(`node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs; ${rounds} alternating rounds of ~${targetMs} ms`);
console.log(`GFLOP/s = 2mnk / time, median over the rounds\n`);
console.log(`shape              m×n×k            │ ${head} │ wall ×`);
for (const s of shapes) {
  const A = random(s.m * s.k, 1);
  const B = random(s.k * s.n, 2);
  const C = new Float64Array(s.m * s.n);
  const outs = counts.map((t) => {
    setThreads(t);
    gemm(s.ta, s.tb, s.m, s.n, s.k, A, B, C);
    return C.slice();
  });
  for (const o of outs) for (let i = 0; i < o.length; i++) if (!Object.is(o[i], outs[0]![i])) throw new Error(`${s.name}: thread counts differ at ${i}`);
  const flop = 2 * s.m * s.n * s.k;
  const r = alternate(() => gemm(s.ta, s.tb, s.m, s.n, s.k, A, B, C), (reps, ms) => (flop * reps) / ms / 1e6);
  const cells = counts.map((t) => `${fmt(r.get(t)![0], 2)} ${fmt(r.get(t)![1], 2)}`).join('    │ ');
  const dims = `${s.m}×${s.n}×${s.k}${s.ta ? ' Aᵀ' : ''}`;
  console.log(`${s.name.padEnd(18)} ${dims.padEnd(16)} │ ${cells}    │ ×${(r.get(counts.at(-1)!)![0] / r.get(counts[0]!)![0]).toFixed(2)}`);
}

// ---------------------------------------------------------------- the MNIST-MLP step
const x = tensor(Array.from({ length: 32 }, (_, i) => Array.from(random(784, 100 + i))));
const y = tensor(Array.from({ length: 32 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0))));
const model = new Sequential([new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })], { seed: 1 });
model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
const step = alternate(() => model.trainOnBatch(x, y), (reps, ms) => (32 * reps) / (ms / 1000));
console.log(`\nMNIST-MLP trainOnBatch (784-100 sigmoid-10 softmax, batch 32, SGD), samples/s (wall, CPU):`);
console.log(counts.map((t) => `${t} thread${t > 1 ? 's' : ''}: ${step.get(t)![0].toFixed(0)} (${step.get(t)![1].toFixed(0)})`).join('; '));

// ---------------------------------------------------------------- the threshold
console.log(`\nsmall products, wall GFLOP/s on each thread count (THREAD_MIN_WORK = ${THREAD_MIN_WORK} multiply-adds: smaller`);
console.log('products run on one thread whatever the count; to find the break-even, lower it and run again):');
for (const [m, n, k] of [[16, 64, 64], [32, 64, 64], [32, 64, 128], [32, 128, 128], [64, 128, 128], [64, 256, 128]] as const) {
  const A = random(m * k, 3);
  const B = random(k * n, 4);
  const C = new Float64Array(m * n);
  const flop = 2 * m * n * k;
  const r = alternate(() => gemm(false, false, m, n, k, A, B, C), (reps, ms) => (flop * reps) / ms / 1e6);
  const note = m * n * k < THREAD_MIN_WORK ? ' (below the threshold: both on one thread)' : '';
  console.log(`${`${m}×${n}×${k}`.padEnd(12)} ${String(m * n * k).padStart(8)} MACs: ${counts.map((t) => fmt(r.get(t)![0], 2)).join(' ')}${note}`);
}
setThreads(1);
