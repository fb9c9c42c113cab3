/**
 * GEMM micro-benchmark: the WebAssembly kernel of the working tree (src/tensor/wasm) against an
 * older gemm.wat assembled at run time from git, alternating old/new round by round, single
 * thread. Reports GFLOP/s (2·m·n·k per product) from wall time and from process CPU time, and
 * checks that old, new and the JS loops give the same bits.
 *
 *   node --import tsx bench/gemm.ts [--old <git rev>] [--rounds N] [--ms T]
 *
 * --old defaults to the last committed gemm.wat that differs from the working tree's (so before
 * and after the kernel is committed, "old" is the kernel it replaced). Not wired into npm scripts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { gemm, setKernelBackend } from '../src/index.js';
import { wasmAvailable, wasmGemm } from '../src/tensor/wasm/gemm.js';

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
const wabt = await wabtInit();
const mod = wabt.parseWat('old.wat', execFileSync('git', ['show', `${rev}:${WAT}`], { cwd: root, encoding: 'utf8' }), { simd: true });
const { buffer } = mod.toBinary({});
mod.destroy();
const old = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(buffer)), {}).exports as unknown as {
  memory: WebAssembly.Memory;
  gemm(m: number, n: number, k: number, a: number, rs: number, cs: number, b: number, c: number, acc: number): void;
};
let oldHeap = new Float64Array(old.memory.buffer);

/** The wrapper the old kernel shipped with: copy in (B transposed by a JS loop), multiply, copy out. */
function oldGemm(transA: boolean, transB: boolean, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, acc: boolean) {
  const sizeA = m * k, sizeB = k * n, sizeC = m * n;
  const need = (sizeA + sizeB + sizeC) * 8;
  if (old.memory.buffer.byteLength < need) old.memory.grow(Math.ceil((need - old.memory.buffer.byteLength) / 65536));
  if (oldHeap.buffer !== old.memory.buffer) oldHeap = new Float64Array(old.memory.buffer);
  const h = oldHeap, offB = sizeA, offC = sizeA + sizeB;
  h.set(A.subarray(0, sizeA), 0);
  if (!transB) h.set(B.subarray(0, sizeB), offB);
  else for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) h[offB + p * n + j] = B[j * k + p]!;
  if (acc) h.set(C.subarray(0, sizeC), offC);
  old.gemm(m, n, k, 0, transA ? 8 : 8 * k, transA ? 8 * m : 8, offB * 8, offC * 8, acc ? 1 : 0);
  C.set(h.subarray(offC, offC + sizeC));
}

// ---------------------------------------------------------------- shapes
type Shape = { name: string; ta: boolean; tb: boolean; m: number; n: number; k: number };
const shapes: Shape[] = [
  { name: 'MNIST fwd x·W', ta: false, tb: false, m: 32, n: 100, k: 784 },
  { name: 'MNIST dW = xᵀ·g', ta: true, tb: false, m: 784, n: 100, k: 32 },
  { name: 'MNIST dX = g·Wᵀ', ta: false, tb: true, m: 32, n: 784, k: 100 },
  { name: '256³', ta: false, tb: false, m: 256, n: 256, k: 256 },
  { name: '512³', ta: false, tb: false, m: 512, n: 512, k: 512 },
  { name: '1024³', ta: false, tb: false, m: 1024, n: 1024, k: 1024 },
];

function random(len: number, seed: number): Float64Array {
  const a = new Float64Array(len);
  let s = seed;
  for (let i = 0; i < len; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

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
