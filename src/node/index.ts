/**
 * numnet for Node.js: everything of the browser-safe core, plus the helpers that need Node
 * (file saving and the terminal progress bar arrive here in later releases; see CHANGELOG).
 * @packageDocumentation
 */
export * from '../index.js';
