/**
 * numnet for Node.js: everything of the browser-safe core, plus the helpers that need Node:
 * `save(model, dir, { format })` / `load(dir)` (the native format or TF.js's `model.json` +
 * `weights.bin`, written atomically; docs/saving.md) and the `ModelCheckpoint` and `CSVLogger`
 * callbacks.
 *
 * Importing it has no side effects: the terminal progress bar of `fit(…, { verbose: 1 })` comes
 * from the core, which finds `process.stdout` at run time.
 * @packageDocumentation
 * @module numnet/node
 */
export * from '../index.js';
export { save, load, LOAD_LIMITS } from './save.js';
export type { LoadOptions, SaveFormat, SaveOptions } from './save.js';
export { ModelCheckpoint } from './model-checkpoint.js';
export type { ModelCheckpointConfig } from './model-checkpoint.js';
export { CSVLogger } from './csv-logger.js';
export { setThreads } from './threads.js';
export type { CSVLoggerConfig } from './csv-logger.js';
