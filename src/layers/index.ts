/**
 * The layer classes: numnet's export list of layers (src/index.ts re-exports this module) and
 * `LAYER_CLASSES`, the classes saved models are written and read with (`./registry.ts`). A new
 * layer is its own file — the class with its `static readonly spec` (./spec.ts) — and its entry
 * here; nothing in src/io changes.
 */
import { Activation, ELU, LeakyReLU } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { PReLU } from './prelu.js';
import type { LayerClass } from './spec.js';

export { Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten };
export type { DenseConfig } from './dense.js';
export { BatchNormalization };
export type { BatchNormalizationConfig } from './batch-normalization.js';
export type { LayerClass, LayerShapes, LayerSpec, WeightShape } from './spec.js';
export type { TFJSConfig, TFJSLayerJSON, TFJSLayerSpec, TFJSWriteContext } from '../io/tfjs-config.js';

/** Every layer class numnet saves and loads, in the order messages list them. */
export const LAYER_CLASSES: readonly LayerClass[] = Object.freeze([Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten, BatchNormalization]);
