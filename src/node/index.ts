/**
 * numnet for Node.js: everything of the browser-safe core, plus the helpers that need Node
 * (file saving arrives here in a later release; see CHANGELOG).
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

setProgressFactory((verbose) => new ProgressBar({ verbose }));
