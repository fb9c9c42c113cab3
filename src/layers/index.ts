/**
 * The layer classes: numnet's export list of layers (src/index.ts re-exports this module) and
 * `LAYER_CLASSES`, the classes saved models are written and read with (`./registry.ts`). A new
 * layer is its own file — the class with its `static readonly spec` (./spec.ts) — and its entry
 * here; nothing in src/io changes.
 */
import { Activation, ELU, LeakyReLU } from './activation.js';
import { AveragePooling2D } from './average-pooling2d.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { BatchNormalization } from './batch-normalization.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { GlobalAveragePooling2D } from './global-average-pooling2d.js';
import { GlobalMaxPooling2D } from './global-max-pooling2d.js';
import { MaxPooling1D } from './max-pooling1d.js';
import { MaxPooling2D } from './max-pooling2d.js';
import { PReLU } from './prelu.js';
import { Reshape } from './reshape.js';
import { ZeroPadding2D } from './zero-padding2d.js';
import type { LayerClass } from './spec.js';

export { Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten };
export type { DenseConfig } from './dense.js';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D };
export type { Pooling1DConfig, Pooling2DConfig, PoolPadding } from './pooling.js';
export { BatchNormalization };
export type { BatchNormalizationConfig } from './batch-normalization.js';
export { Conv2D, Conv1D, ZeroPadding2D, Reshape };
export type { Conv2DConfig } from './conv2d.js';
export type { Conv1DConfig } from './conv1d.js';
export type { ConvBase, ConvConfig } from './conv-base.js';
export type { ZeroPadding2DConfig, ZeroPadding2DPadding } from './zero-padding2d.js';
export type { ReshapeConfig } from './reshape.js';
export type { LayerClass, LayerSpec } from './spec.js';
export type { LayerShapes, PreparedBuild, WeightShape } from './types.js';
export type { TFJSConfig, TFJSLayerJSON, TFJSLayerSpec, TFJSWriteContext } from '../io/tfjs-config.js';

/** Every layer class numnet saves and loads, in the order messages list them. */
export const LAYER_CLASSES: readonly LayerClass[] = Object.freeze([Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten, BatchNormalization, Conv2D, Conv1D, ZeroPadding2D, Reshape, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D]);
