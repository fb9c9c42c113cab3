import { Worker } from 'node:worker_threads';
import { NumnetError } from '../errors.js';
import { type WorkerFactory, awaitWorkers, installWorkerFactory, setThreads as setCoreThreads, stopThreads } from '../tensor/wasm/threads.js';

/** Starts a GEMM worker with Node's worker_threads, unref'd: an idle worker keeps no process alive. */
const nodeWorker: WorkerFactory = (source, init, onError) => {
  const w = new Worker(`${source}\nrequire('node:worker_threads').parentPort.once('message', numnetGemmWorker);\n`, { eval: true });
  w.unref();
  w.on('error', onError);
  w.on('exit', onError);
  w.postMessage(init);
  return { terminate: () => void w.terminate() };
};

/** How long setThreads waits for its workers to start. */
const START_MS = 10_000;

/**
 * Runs the WebAssembly GEMM on `threads` threads (the main thread and threads − 1 workers of
 * `node:worker_threads`); 1, the default, stops the workers. Every result has the same bits whatever
 * the count. Returns when the workers are ready. Idle workers spin for 2 ms after a product, then
 * sleep; they do not keep the process alive. See `setThreads` of the core for the rest.
 */
export function setThreads(threads: number): void {
  installWorkerFactory(nodeWorker);
  setCoreThreads(threads);
  if (!awaitWorkers(START_MS)) {
    stopThreads();
    throw new NumnetError('INVALID_ARGUMENT', `setThreads(${threads}): the worker threads did not start within ${START_MS / 1000} s`);
  }
}
