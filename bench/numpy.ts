/**
 * The NumPy child of `npm run bench`: starts `python3 bench/numpy_mlp.py` (when python3 and numpy
 * are there) with the training digits written to a temporary directory, in a one-thread
 * environment (OPENBLAS_NUM_THREADS=1 and the like), and sends it JSON requests one at a time (the
 * child answers each with one JSON line; see bench/numpy_mlp.py for the requests). While the child
 * works, this process waits on a pipe and uses no CPU; while this process works, the child waits
 * on stdin. So the libraries alternate in one run, each timing itself.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../src/index.js';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), 'numpy_mlp.py');

/** Every BLAS and OpenMP thread-count variable NumPy's possible BLAS libraries read: one thread each. */
export const ONE_THREAD: Record<string, string> = {
  OPENBLAS_NUM_THREADS: '1',
  OMP_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  BLIS_NUM_THREADS: '1',
  VECLIB_MAXIMUM_THREADS: '1',
  NUMEXPR_NUM_THREADS: '1',
};

/** What the child reports about itself (`info`). */
export interface NumpyInfo {
  python: string;
  numpy: string;
  /** OpenBLAS's thread count and configuration, read from the loaded library (null if not found). */
  blas: { threads: number; config: string } | null;
  env: Record<string, string | null>;
}

/** Writes a Float64Array as raw little-endian float64 (what np.fromfile(…, '<f8') reads). */
export function writeFloats(path: string, data: Float64Array): void {
  if (os.endianness() !== 'LE') throw new Error('bench/numpy.ts writes float64 files in this machine\'s byte order, which must be little-endian');
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** A temporary directory that `remove` deletes. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(os.tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export class NumpyChild {
  private readonly pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private exited: string | undefined;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    private readonly dir: { path: string; remove: () => void },
    readonly python: string,
  ) {
    createInterface({ input: proc.stdout }).on('line', (line) => this.pending.shift()?.resolve(JSON.parse(line)));
    proc.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    proc.on('exit', (code, signal) => {
      this.exited = `the NumPy child (${python} bench/numpy_mlp.py) exited (${signal ?? code}): ${this.stderr.trim().split('\n').slice(-3).join(' ')}`;
      for (const p of this.pending.splice(0)) p.reject(new Error(this.exited));
    });
  }

  /**
   * Starts the child on the training set (x, y), or says why it cannot: no python3, or no numpy.
   * `python` is the interpreter (default: $NUMNET_BENCH_PYTHON, else python3).
   */
  static async start(x: Tensor, y: Tensor, python = process.env.NUMNET_BENCH_PYTHON ?? 'python3'): Promise<NumpyChild | string> {
    const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8', env: { ...process.env, ...ONE_THREAD } });
    if (probe.error) return `${python} was not found (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
    if (probe.status !== 0) return `${python} has no numpy (${probe.stderr.trim().split('\n').pop()})`;
    const dir = tempDir('numnet-bench-');
    process.once('exit', dir.remove); // also when the bench fails before close()
    const [n, features] = x.shape as [number, number];
    writeFloats(join(dir.path, 'x.f64'), x.data);
    writeFloats(join(dir.path, 'y.f64'), y.data);
    writeFileSync(join(dir.path, 'meta.json'), JSON.stringify({ n, features, classes: y.shape[1] }));
    const proc = spawn(python, [SCRIPT, dir.path], { env: { ...process.env, ...ONE_THREAD }, stdio: 'pipe' });
    const child = new NumpyChild(proc, dir, python);
    await child.request({ op: 'info' }); // the data is read: the child is ready
    return child;
  }

  /** Sends one request and resolves to the child's reply; a reply with `error` rejects with the Python traceback. */
  async request<T = Record<string, unknown>>(r: Record<string, unknown>): Promise<T> {
    if (this.exited) throw new Error(this.exited);
    const reply = (await new Promise<unknown>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.proc.stdin.write(JSON.stringify(r) + '\n');
    })) as T & { error?: string };
    if (reply.error) throw new Error(`bench/numpy_mlp.py failed on ${JSON.stringify(r)}:\n${reply.error}`);
    return reply;
  }

  info(): Promise<NumpyInfo> {
    return this.request<NumpyInfo>({ op: 'info' });
  }

  /** Ends the child (end of its stdin) and deletes the data directory. */
  async close(): Promise<void> {
    if (!this.exited) {
      const done = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.stdin.end();
      await done;
    }
    this.dir.remove();
  }
}
