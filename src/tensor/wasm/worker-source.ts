/**
 * A GEMM worker thread (setThreads, threads.ts): what starts it, the code it runs, and the binary it
 * runs — the embedded kernel with its memory made an imported shared one.
 */

/** What a worker factory passes to a new worker as its first message. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
  spinMs: number;
}
/** A started worker, as a factory returns it. */
export interface GemmWorker {
  terminate(): void;
}
/** Starts a worker running `source` (WORKER_SOURCE) and posts `init`; `onError` if it dies. */
export type WorkerFactory = (source: string, init: WorkerInit, onError: () => void) => GemmWorker;

/** A worker factory for browsers: a Blob URL worker, where the page is cross-origin isolated. */
export function browserFactory(): WorkerFactory | undefined {
  const g = globalThis as { Worker?: typeof Worker; crossOriginIsolated?: boolean };
  if (typeof g.Worker !== 'function' || g.crossOriginIsolated !== true || typeof Blob !== 'function') return undefined;
  if (typeof URL !== 'function' || typeof URL.createObjectURL !== 'function') return undefined;
  const W = g.Worker;
  return (source, init, onError) => {
    const code = `${source}\nself.onmessage = function (e) { numnetGemmWorker(e.data); };\n`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const w = new W(url);
    w.onerror = onError;
    w.postMessage(init);
    return {
      terminate() {
        w.terminate();
        URL.revokeObjectURL(url);
      },
    };
  };
}

/**
 * The code a GEMM worker thread runs (setThreads, threads.ts), as text: a platform's worker factory
 * starts it (a Blob URL in browsers, `new Worker(code, { eval: true })` in Node) followed by one line
 * that passes the first message to `numnetGemmWorker`. It needs only WebAssembly and Atomics.
 *
 * The worker instantiates the shared-memory kernel on the shared memory, sets READY (and notifies it), then loops:
 * it spins on its slot's SEQ word (Atomics.load; a product handed over while it spins starts within
 * a microsecond), and after `spinMs` without work it parks in Atomics.wait (no CPU) until the main
 * thread's Atomics.notify. For each new SEQ it claims the part (CLAIM: the last SEQ claimed, set by
 * compare-and-exchange; the main thread claims a part whose worker has not started it by the time
 * its own part is done, and computes it itself), runs `gemm` with the 20 arguments of its slot and
 * stores STATUS (0 done, 1 the kernel threw) and then DONE = SEQ (notified: a Node main thread may wait). A negative m stops it. SEQ wraps
 * around (int32, never 0), hence the comparison by difference.
 * Slot layout (int32): SEQ 0, DONE 1, STATUS 2, READY 3, arguments 4 … 23, CLAIM 24; 32 words (128 bytes) a slot.
 */
export const WORKER_SOURCE = `function numnetGemmWorker(init) {
  var ctl = new Int32Array(init.control, init.slot * 128, 32);
  var gemm = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports.gemm;
  var clock = typeof performance === 'object' && performance ? performance : Date;
  var seen = 0;
  Atomics.store(ctl, 3, 1);
  Atomics.notify(ctl, 3);
  for (;;) {
    var since = clock.now(), spins = 0, seq;
    while ((seq = Atomics.load(ctl, 0)) === seen) {
      if (++spins === 256) {
        spins = 0;
        if (clock.now() - since > init.spinMs) {
          Atomics.wait(ctl, 0, seen);
          since = clock.now();
        }
      }
    }
    seen = seq;
    if (ctl[4] < 0) return;
    var claim = Atomics.load(ctl, 24);
    if (((seq - claim) | 0) <= 0 || Atomics.compareExchange(ctl, 24, claim, seq) !== claim) continue;
    var status = 0;
    try {
      gemm(ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10], ctl[11], ctl[12], ctl[13], ctl[14],
        ctl[15], ctl[16], ctl[17], ctl[18], ctl[19], ctl[20], ctl[21], ctl[22], ctl[23]);
    } catch (e) {
      status = 1;
    }
    Atomics.store(ctl, 2, status);
    Atomics.store(ctl, 1, seq);
    Atomics.notify(ctl, 1);
  }
}
`;

/** Slot fields (int32 indices within a worker's slot) and the slot size, as WORKER_SOURCE uses them. */
export const SLOT = { SEQ: 0, DONE: 1, STATUS: 2, READY: 3, ARGS: 4, CLAIM: 24, WORDS: 32 } as const;
