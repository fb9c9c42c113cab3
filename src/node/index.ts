/**
 * numnet for Node.js: everything of the browser-safe core, plus the helpers that need Node:
 * `save(model, dir, { format })` / `load(dir)` (the native format or TF.js's `model.json` +
 * `weights.bin`, written atomically; docs/saving.md) and the `ModelCheckpoint` callback.
 *
 * Importing `numnet/node` installs the terminal {@link ProgressBar} as `fit`'s reporter, through
 * the core's `setProgressFactory`: from then on `fit(…, { verbose: 1 })` draws a Keras-style bar
 * on `process.stdout` (redrawn in place on a TTY, one final line per epoch otherwise) and
 * `verbose: 2` prints one line per epoch. `setProgressFactory(undefined)` restores the core's plain
 * `EpochLogger`. The browser-safe `numnet` entry installs nothing.
 * @packageDocumentation
 */
import { setProgressFactory } from '../callbacks/progress.js';
import { ProgressBar } from './progress-bar.js';

export * from '../index.js';
export { ProgressBar } from './progress-bar.js';
export type { ProgressBarOptions, ProgressStream } from './progress-bar.js';
export { save, load } from './save.js';
export type { SaveFormat, SaveOptions } from './save.js';
export { ModelCheckpoint } from './model-checkpoint.js';
export type { ModelCheckpointConfig } from './model-checkpoint.js';

setProgressFactory((verbose) => new ProgressBar({ verbose }));
