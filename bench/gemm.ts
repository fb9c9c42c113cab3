/**
 * GEMM micro-benchmark: the WebAssembly kernel of the working tree (src/tensor/wasm) against the
 * one of an older commit (its gemm.wat binary with its gemm.ts wrapper, unpacked from git into a
 * temporary folder), alternating old/new round by round, single
 * thread. Reports GFLOP/s (2·m·n·k per product) from wall time and from process CPU time, and
 * checks that old, new and the JS loops give the same bits.
 *
 *   node --import tsx bench/gemm.ts [--old <git rev>] [--rounds N] [--ms T]
 *
 * --old defaults to the last committed gemm.wat that differs from the working tree's (so before
 * and after the kernel is committed, "old" is the kernel it replaced). Not wired into npm scripts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gemm, setKernelBackend } from '../src/index.js';
import { wasmAvailable, wasmGemm } from '../src/tensor/wasm/gemm.js';
import { random } from './random.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rounds = Number(opt('--rounds') ?? 5);
const targetMs = Number(opt('--ms') ?? 150);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WAT = 'src/tensor/wasm/gemm.wat';

// ---------------------------------------------------------------- the old kernel, from git
function oldRev(): string {
  const explicit = opt('--old');
  if (explicit) return explicit;
  const current = readFileSync(resolve(root, WAT), 'utf8');
  const revs = execFileSync('git', ['log', '--format=%H', '--', WAT], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  for (const rev of revs) {
    if (execFileSync('git', ['show', `${rev}:${WAT}`], { cwd: root, encoding: 'utf8' }) !== current) return rev;
  }
  throw new Error('no committed gemm.wat differs from the working tree');
}
const rev = oldRev();
// The old kernel with the wrapper it shipped with: that revision's src/ (gemm.wat, its embedded
// binary and gemm.ts, whose call signature changes with the kernel), unpacked into a temporary folder.
const oldSrc = mkdtempSync(join(os.tmpdir(), 'numnet-gemm-'));
execFileSync('sh', ['-c', `git archive ${rev} src | tar -x -C ${oldSrc}`], { cwd: root });
const oldModule = (await import(pathToFileURL(join(oldSrc, 'src/tensor/wasm/gemm.ts')).href)) as typeof import('../src/tensor/wasm/gemm.js');
if (!oldModule.wasmAvailable()) throw new Error('the old kernel does not load');
const oldGemm = oldModule.wasmGemm;

// ---------------------------------------------------------------- shapes
type Shape = { name: string; ta: boolean; tb: boolean; m: number; n: number; k: number };
const shapes: Shape[] = [
  { name: 'MNIST fwd x·W', ta: false, tb: false, m: 32, n: 100, k: 784 },
  { name: 'MNIST dW = xᵀ·g', ta: true, tb: false, m: 784, n: 100, k: 32 },
  { name: 'MNIST dX = g·Wᵀ', ta: false, tb: true, m: 32, n: 784, k: 100 },
  // predict at batch 1 (m = 1: gemm.wat's small-m path) and the rows around its threshold
  { name: 'predict 784-100', ta: false, tb: false, m: 1, n: 100, k: 784 },
  { name: 'predict 784-512', ta: false, tb: false, m: 1, n: 512, k: 784 },
  { name: 'predict 512-512', ta: false, tb: false, m: 1, n: 512, k: 512 },
  { name: 'predict 784-2048', ta: false, tb: false, m: 1, n: 2048, k: 784 },
  { name: 'predict 2048-10', ta: false, tb: false, m: 1, n: 10, k: 2048 },
  { name: 'batch-1 dX = g·Wᵀ', ta: false, tb: true, m: 1, n: 784, k: 100 },
  { name: 'batch-1 dW = xᵀ·g', ta: true, tb: false, m: 1, n: 100, k: 784 },
  { name: '2 rows', ta: false, tb: false, m: 2, n: 100, k: 784 },
  { name: '3 rows', ta: false, tb: false, m: 3, n: 100, k: 784 },
  { name: '4 rows', ta: false, tb: false, m: 4, n: 100, k: 784 },
  { name: '5 rows', ta: false, tb: false, m: 5, n: 100, k: 784 },
  { name: '7 rows', ta: false, tb: false, m: 7, n: 100, k: 784 },
  { name: '8 rows', ta: false, tb: false, m: 8, n: 100, k: 784 },
  { name: '6 rows, 256 wide', ta: false, tb: false, m: 6, n: 256, k: 784 },
  { name: '4 rows dX = g·Wᵀ', ta: false, tb: true, m: 4, n: 784, k: 100 },
  { name: '256³', ta: false, tb: false, m: 256, n: 256, k: 256 },
  { name: '512³', ta: false, tb: false, m: 512, n: 512, k: 512 },
  { name: '1024³', ta: false, tb: false, m: 1024, n: 1024, k: 1024 },
];

if (!wasmAvailable()) throw new Error('WebAssembly SIMD is not available');
type Kernel = typeof oldGemm;
const newGemm: Kernel = wasmGemm;

/** Runs `reps` products; returns [wall ms, CPU ms]. */
function time(f: Kernel, s: Shape, reps: number, A: Float64Array, B: Float64Array, C: Float64Array): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) f(s.ta, s.tb, s.m, s.n, s.k, A, B, C, false);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return [wall, (cpu.user + cpu.system) / 1000];
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const fmt = (v: number) => v.toFixed(1).padStart(6);

console.log(`old kernel: ${WAT} at ${rev.slice(0, 10)}; new: working tree. ${rounds} alternating rounds of ~${targetMs} ms each.`);
console.log(`node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
console.log('GFLOP/s = 2mnk / time; median over the rounds from wall time and from process CPU time, and the best round (CPU)\n');
console.log('shape               (m×n×k)             old: wall    CPU   best │ new: wall    CPU   best │ speed-up (CPU median)');
for (const s of shapes) {
  const A = random(s.m * s.k, 1), B = random(s.k * s.n, 2);
  const C = new Float64Array(s.m * s.n);
  // same bits: old, new and the JS loops
  const ref = new Float64Array(s.m * s.n);
  setKernelBackend('js');
  gemm(s.ta, s.tb, s.m, s.n, s.k, A, B, ref);
  setKernelBackend('auto');
  for (const f of [oldGemm, newGemm]) {
    f(s.ta, s.tb, s.m, s.n, s.k, A, B, C, false);
    for (let i = 0; i < ref.length; i++) if (!Object.is(C[i], ref[i])) throw new Error(`${s.name}: ${f === oldGemm ? 'old' : 'new'} kernel differs from JS at ${i}`);
  }
  // warm up (tier-up to optimised code) and size the repetitions
  const flop = 2 * s.m * s.n * s.k;
  const reps: number[] = [];
  for (const f of [oldGemm, newGemm]) {
    let n = 1;
    for (;;) {
      const [ms] = time(f, s, n, A, B, C);
      if (ms > targetMs / 3) break;
      n *= 2;
    }
    const [ms] = time(f, s, n, A, B, C);
    reps.push(Math.max(1, Math.round((n * targetMs) / ms)));
  }
  const res = { old: [[], []] as number[][], new: [[], []] as number[][] };
  for (let r = 0; r < rounds; r++) {
    for (const [key, f, n] of [['old', oldGemm, reps[0]!], ['new', newGemm, reps[1]!]] as const) {
      const [wall, cpu] = time(f, s, n, A, B, C);
      res[key][0]!.push((flop * n) / wall / 1e6);
      res[key][1]!.push((flop * n) / cpu / 1e6);
    }
  }
  const ow = median(res.old[0]!), oc = median(res.old[1]!), nw = median(res.new[0]!), nc = median(res.new[1]!);
  const ob = Math.max(...res.old[1]!), nb = Math.max(...res.new[1]!);
  const dims = `${s.m}×${s.n}×${s.k}${s.ta ? ' Aᵀ' : ''}${s.tb ? ' Bᵀ' : ''}`;
  console.log(`${s.name.padEnd(19)} ${dims.padEnd(18)} ${fmt(ow)} ${fmt(oc)} ${fmt(ob)} │ ${fmt(nw)} ${fmt(nc)} ${fmt(nb)} │ ×${(nc / oc).toFixed(2)}`);
}
