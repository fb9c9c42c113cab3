import { canonicalName, describe } from '../errors.js';
import { TFJSConfig, TFJSLayerJSON, TFJSWriteContext, kernelLayerFromTFJS, kernelLayerToTFJS, nullish } from '../io/tfjs-config.js';
import { kernelLayerConfig, kernelLayerOptions } from './config.js';
import { CONV_KEYS, ConvBase, ConvConfig } from './conv-base.js';
import type { LayerSpec } from './spec.js';

/**
 * The saving and TF.js mapping of Conv2D and Conv1D (one spec factory for both): native configs
 * as `getConfig()` writes them, Keras configs with `filters, kernel_size, strides, padding,
 * data_format: 'channels_last', dilation_rate, activation, use_bias, kernel_initializer,
 * bias_initializer, kernel_regularizer, bias_regularizer` (Conv1D without data_format, as
 * tfjs-layers writes it), weights `<layer>/kernel` and `<layer>/bias` as numnet holds them.
 */

/** `data_format` must be channels_last (or absent); channels_first is refused. */
export function checkChannelsLast(c: TFJSConfig): void {
  const df = c.get('data_format');
  if (nullish(df)) return;
  if (typeof df !== 'string' || canonicalName(df) !== 'channelslast') {
    throw c.error('data_format', `is ${describe(df)}; numnet reads channels_last ([batch, height, width, channels]) only`);
  }
}

/** A Keras size field: an integer ≥ 1 for every axis, or an array of `rank` of them; `fallback` when absent. */
function tfjsSizes(c: TFJSConfig, key: string, rank: number, fallback?: number): number[] {
  const v = c.get(key);
  if (nullish(v) && fallback !== undefined) return new Array<number>(rank).fill(fallback);
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
  if (ok(v)) return new Array<number>(rank).fill(v);
  if (Array.isArray(v) && v.length === rank && v.every(ok)) return v.slice() as number[];
  throw c.error(key, `must be an integer ≥ 1 or an array of ${rank} of them, got ${describe(v)}`);
}

/** The Keras config of a convolution layer (plus a LeakyReLU layer for a leakyRelu activation, as Dense). */
function toTFJS(l: ConvBase, ctx: TFJSWriteContext): TFJSLayerJSON[] {
  return kernelLayerToTFJS(
    l,
    {
      filters: l.filters,
      kernel_size: l.kernelSize.slice(),
      strides: l.strides.slice(),
      padding: l.padding,
      ...(l.rank === 2 ? { data_format: 'channels_last' } : {}),
      dilation_rate: l.dilationRate.slice(),
    },
    ctx,
  );
}

/** The options of a convolution layer from its Keras config (INVALID_FORMAT naming the field). */
function fromTFJS(c: TFJSConfig, rank: 1 | 2): ConvConfig {
  const shared = kernelLayerFromTFJS(c);
  checkChannelsLast(c);
  const groups = c.get('groups');
  if (!nullish(groups) && groups !== 1) throw c.error('groups', `is ${describe(groups)}; numnet has no grouped convolutions`);
  const padding = c.get('padding') ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw c.error('padding', `is ${describe(padding)}; numnet reads 'valid' and 'same'${padding === 'causal' ? ' (no causal padding)' : ''}`);
  }
  const one = (v: number[]) => (rank === 1 ? v[0]! : v);
  return {
    ...c.base,
    filters: c.integer('filters', 1),
    kernelSize: one(tfjsSizes(c, 'kernel_size', rank)),
    strides: one(tfjsSizes(c, 'strides', rank, 1)),
    padding,
    dilationRate: one(tfjsSizes(c, 'dilation_rate', rank, 1)),
    ...shared,
  };
}

/** The spec of a convolution class: `className` 'Conv2D' (rank 2) or 'Conv1D' (rank 1), made by `make`. */
export function convSpec<L extends ConvBase>(className: string, rank: 1 | 2, make: (config: ConvConfig) => L): LayerSpec<L> {
  return {
    className,
    keys: CONV_KEYS,
    fromConfig: (c) => make(kernelLayerOptions(c) as unknown as ConvConfig),
    toConfig: (l) => kernelLayerConfig(l),
    tfjs: {
      className,
      toConfig: (l, ctx) => toTFJS(l, ctx),
      fromConfig: (c) => make(fromTFJS(c, rank)),
    },
  };
}
