import { NumnetError, canonicalName, describe, fmtShape } from '../errors.js';
import { nullish } from '../io/tfjs-config.js';
import type { TFJSConfig } from '../io/tfjs-config.js';
import { PoolGeometry, PoolPadding, poolGeometry } from '../tensor/pool.js';
import { releaseResident, residentInt32, residentLost } from '../tensor/kernels.js';
import { MAX_SIZE } from '../tensor/tensor.js';
import type { Layer, LayerConfig } from './layer.js';

/**
 * What the pooling layers share: their options (pool size, strides, padding), checked the same
 * way, and the geometry of a pooling over a sample shape, refused with SHAPE_MISMATCH naming the
 * layer and the shapes when it does not fit. The loops are in src/tensor/pool.ts.
 */

export type { PoolPadding } from '../tensor/pool.js';

/** Options of MaxPooling2D and AveragePooling2D. */
export interface Pooling2DConfig extends LayerConfig {
  /** The window, a number or [height, width] (default 2). */
  poolSize?: number | [number, number];
  /** The step between windows, a number or [height, width] (default: poolSize). */
  strides?: number | [number, number];
  /** 'valid' (default: windows inside the input only) or 'same' (output ⌈in/strides⌉, padded). */
  padding?: PoolPadding;
}

/** Options of MaxPooling1D. */
export interface Pooling1DConfig extends LayerConfig {
  /** The window length (default 2); [n] is read as n. */
  poolSize?: number | [number];
  /** The step between windows (default: poolSize); [n] is read as n. */
  strides?: number | [number];
  /** 'valid' (default) or 'same'. */
  padding?: PoolPadding;
}

/** The config keys of the windowed pooling layers. */
export const POOLING_KEYS = ['poolSize', 'strides', 'padding'] as const;

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_SIZE;

/** A window size or stride in two dimensions: n gives [n, n]; INVALID_ARGUMENT naming `what` otherwise. */
export function sizePair(value: unknown, what: string): [number, number] {
  if (isSize(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && isSize(value[0]) && isSize(value[1])) return [value[0], value[1]];
  throw new NumnetError(
    'INVALID_ARGUMENT',
    `${what} must be a positive integer or [height, width] of positive integers, got ${Array.isArray(value) ? JSON.stringify(value) : describe(value)}`,
  );
}

/** A window size or stride in one dimension: n or [n]; INVALID_ARGUMENT naming `what` otherwise. */
export function sizeOne(value: unknown, what: string): number {
  if (isSize(value)) return value;
  if (Array.isArray(value) && value.length === 1 && isSize(value[0])) return value[0];
  throw new NumnetError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${Array.isArray(value) ? JSON.stringify(value) : describe(value)}`);
}

/** 'valid' (for undefined or null) or 'same'; INVALID_ARGUMENT naming `what` otherwise. */
export function paddingOption(value: unknown, what: string): PoolPadding {
  if (value === undefined || value === null) return 'valid';
  if (value === 'valid' || value === 'same') return value;
  throw new NumnetError('INVALID_ARGUMENT', `${what} must be 'valid' or 'same', got ${describe(value)}`);
}

/** `layer <name> (<class>)`: how shape errors name a layer. */
const label = (layer: Layer): string => `layer ${layer.name} (${layer.className})`;

/** Throws SHAPE_MISMATCH unless `inputShape` has `rank` axes (`axes` describes them). */
function checkRank(layer: Layer, inputShape: readonly number[], rank: number, axes: string): void {
  if (inputShape.length !== rank) {
    throw new NumnetError('SHAPE_MISMATCH', `${label(layer)} takes samples of shape [${axes}], got ${fmtShape(inputShape)}`);
  }
}

/** The geometry, or SHAPE_MISMATCH when a `valid` window is larger than the input. */
function fitted(layer: Layer, g: PoolGeometry, inputShape: readonly number[], poolSize: string): PoolGeometry {
  if (g.outH < 1 || g.outW < 1) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `${label(layer)}: poolSize ${poolSize} is larger than its input ${fmtShape(inputShape)} with padding 'valid' (no window fits); use padding 'same' or a smaller poolSize`,
    );
  }
  return g;
}

/** The geometry of a [kh, kw] pooling of [height, width, channels] samples (SHAPE_MISMATCH when it cannot take them). */
export function imageGeometry(
  layer: Layer, inputShape: readonly number[], poolSize: readonly [number, number], strides: readonly [number, number], padding: PoolPadding,
): PoolGeometry {
  checkRank(layer, inputShape, 3, 'height, width, channels');
  const g = poolGeometry([inputShape[0]!, inputShape[1]!, inputShape[2]!], poolSize, strides, padding);
  return fitted(layer, g, inputShape, fmtShape(poolSize));
}

/** The geometry of a length-k pooling of [steps, channels] samples, as [steps, 1, channels] images. */
export function sequenceGeometry(layer: Layer, inputShape: readonly number[], poolSize: number, strides: number, padding: PoolPadding): PoolGeometry {
  checkRank(layer, inputShape, 2, 'steps, channels');
  const g = poolGeometry([inputShape[0]!, 1, inputShape[1]!], [poolSize, 1], [strides, 1], padding);
  return fitted(layer, g, inputShape, String(poolSize));
}

/** The geometry of a pooling of each whole [height, width, channels] sample: one window, output [channels]. */
export function globalGeometry(layer: Layer, inputShape: readonly number[]): PoolGeometry {
  checkRank(layer, inputShape, 3, 'height, width, channels');
  return poolGeometry([inputShape[0]!, inputShape[1]!, inputShape[2]!], [inputShape[0]!, inputShape[1]!], [1, 1], 'valid');
}

/**
 * An index buffer of at least `n` entries: `buffer` itself when large enough (no allocation per
 * batch), else a resident one where there is one (kernels.ts `residentInt32`: the WebAssembly
 * pooling writes and reads it in place) or a plain one.
 */
export function indexBuffer(buffer: Int32Array, n: number): Int32Array {
  if (buffer.length >= n && !residentLost(buffer)) return buffer;
  releaseResident(buffer);
  return residentInt32(n) ?? new Int32Array(n);
}

/** INVALID_FORMAT unless a Keras pooling config's `data_format` is channels_last (or absent). */
export function checkChannelsLast(c: TFJSConfig): void {
  const df = c.get('data_format');
  if (!nullish(df) && canonicalName(String(df)) !== 'channelslast') {
    throw c.error('data_format', `is ${JSON.stringify(df)}; numnet pools channels_last images only`);
  }
}

/** INVALID_FORMAT unless a Keras global pooling config keeps no dimensions (`keepdims` false or absent) and is channels_last. */
export function checkGlobalPooling(c: TFJSConfig): void {
  checkChannelsLast(c);
  const keep = c.get('keepdims');
  if (!nullish(keep) && keep !== false) throw c.error('keepdims', `is ${JSON.stringify(keep)}; numnet's GlobalAveragePooling2D and GlobalMaxPooling2D give [batch, channels] only`);
}
