/**
 * {@link featureMaps} and {@link plotFeatureMaps}: what the layers of a model make of one image,
 * channel by channel.
 * @module
 */
import { NumnetError, fmtShape } from '../errors.js';
import { ConvBase } from '../layers/conv-base.js';
import { layerFromConfig, layerToConfig } from '../layers/registry.js';
import { Sequential } from '../models/sequential.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkInt, checkOptions, checkTitle } from './checks.js';
import { checkModel, layerIndex } from './filters.js';
import { activationScale, grayScale, heatmapFigure, type Cell } from './heatmap.js';

/** Options of {@link featureMaps}. */
export interface FeatureMapsOptions {
  /** The layer whose output is returned: its index in `model.layers` or its name (default: the first Conv2D). */
  layer?: number | string;
}

/** Options of {@link plotFeatureMaps}. */
export interface PlotFeatureMapsOptions extends FeatureMapsOptions {
  /** Draw the input image (its first channel, white 0 to black 1) before the maps (default true). */
  showInput?: boolean;
  /** Cells per row (default: the number of cells, at most 9: the input and 8 maps). */
  columns?: number;
  /** The side of one cell in pixels (default 96). */
  cellSize?: number;
  /** The figure title (default: the layer's name and the maps' number and size). */
  title?: string;
}

/** The image as a batch of one, [1, …inputShape]: given as one sample or as a batch of one. */
function batchOfOne(image: TensorLike, inputShape: readonly number[]): Tensor {
  const x = toTensor(image, 'featureMaps() image');
  const same = (shape: readonly number[]) => shape.length === inputShape.length && shape.every((n, i) => n === inputShape[i]);
  if (same(x.shape)) return x.reshape([1, ...inputShape]);
  if (x.shape[0] === 1 && same(x.shape.slice(1))) return x;
  throw new NumnetError(
    'SHAPE_MISMATCH',
    `featureMaps(): the image must have the model's input shape ${fmtShape(inputShape)} (or [1, ...] of it), got ${fmtShape(x.shape)}`,
  );
}

/**
 * The output of one layer of `model` for one image, without the batch axis: the model's layers up
 * to that one are copied into a new model (their configs through `layerToConfig` /
 * `layerFromConfig`, their weights through `setWeights`) that runs `predict`, so it is inference
 * (no dropout, BatchNormalization's moving statistics) and the model itself is not touched.
 *
 * ```ts
 * const maps = featureMaps(model, xTest.slice(0, 1), { layer: 0 });   // [26, 26, 8] after a Conv2D 8@3×3
 * ```
 *
 * INVALID_ARGUMENT for a model that is not built, has no such layer, or holds a layer that cannot
 * be copied (a class of your own); SHAPE_MISMATCH for an image of another shape; NON_FINITE_INPUT
 * for an image holding NaN or Infinity.
 */
export function featureMaps(model: Sequential, image: TensorLike, options: FeatureMapsOptions = {}): Tensor {
  checkOptions(options, 'featureMaps()');
  checkModel(model, 'featureMaps()');
  const index = layerIndex(model, options.layer, 'featureMaps()');
  const inputShape = model.getInputShape()!;
  const x = batchOfOne(image, inputShape);
  const kept = model.layers.slice(0, index + 1);
  const copies = kept.map((layer, i) => {
    let saved: ReturnType<typeof layerToConfig>;
    try {
      saved = layerToConfig(layer);
    } catch (e) {
      if (e instanceof NumnetError) throw new NumnetError(e.code, `featureMaps(): layer ${layer.name} cannot be copied: ${e.message}`);
      throw e;
    }
    return layerFromConfig(saved.className, i === 0 ? { ...saved.config, inputShape } : saved.config);
  });
  // A seed of its own: the copy draws initial weights (overwritten at once) without touching the global generator.
  const copy = new Sequential(copies, { seed: 0 });
  copy.setWeights(kept.flatMap((layer) => layer.params.map((p) => p.value)));
  const out = copy.predict(x);
  return out.reshape(out.shape.slice(1));
}

/** The input's cell: its first channel in gray, or undefined when it is not an image ([h, w] or [h, w, c]). */
function inputCell(image: Tensor): Cell | undefined {
  const shape = image.shape.slice(1);
  if (shape.length !== 2 && shape.length !== 3) return undefined;
  const [h, w] = shape as [number, number];
  const c = shape[2] ?? 1;
  const data = image.data;
  const values = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) values[p] = data[p * c]!;
  return { rows: h, cols: w, at: (r, col) => values[r * w + col]!, label: c > 1 ? 'input, channel 0' : 'input', scale: grayScale(values) };
}

/**
 * One image's feature maps after a layer of a model (see {@link featureMaps}): a grid with the
 * input first, then one heat map per channel of the layer's output [height, width, channels],
 * all on one color scale (viridis from 0 to the largest activation; blue–white–red around 0 when
 * some are negative) so that the channels that answer most strongly stand out.
 *
 * ```ts
 * const svg = plotFeatureMaps(model, xTest.slice(0, 1));                  // after the first Conv2D
 * const svg2 = plotFeatureMaps(model, xTest.slice(0, 1), { layer: 'max_pooling2d' });
 * ```
 *
 * The errors of {@link featureMaps}, and INVALID_ARGUMENT for a layer whose output is not
 * [height, width, channels], for `showInput: true` with an input that is not an image, and for bad
 * options.
 */
export function plotFeatureMaps(model: Sequential, image: TensorLike, options: PlotFeatureMapsOptions = {}): string {
  checkOptions(options, 'plotFeatureMaps()');
  checkModel(model, 'plotFeatureMaps()');
  const layer = model.layers[layerIndex(model, options.layer, 'plotFeatureMaps()')]!;
  if (layer.outputShape.length !== 3) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `plotFeatureMaps(): layer ${layer.name} (${layer.className}) outputs samples of shape ${fmtShape(layer.outputShape)}; feature maps are [height, width, channels]`,
    );
  }
  if (options.showInput !== undefined && typeof options.showInput !== 'boolean') {
    throw new NumnetError('INVALID_ARGUMENT', `plotFeatureMaps(): showInput must be true or false, got ${String(options.showInput)}`);
  }
  const input = options.showInput === false ? undefined : inputCell(batchOfOne(image, model.getInputShape()!));
  if (options.showInput === true && !input) {
    throw new NumnetError('INVALID_ARGUMENT', `plotFeatureMaps(): showInput: the input ${fmtShape(model.getInputShape()!)} is not an image [height, width(, channels)]`);
  }
  const [h, w, channels] = layer.outputShape as [number, number, number];
  const columns = checkInt(options.columns, 'plotFeatureMaps() columns', 1, 1000, Math.min(channels + (input ? 1 : 0), 9));
  const size = checkInt(options.cellSize, 'plotFeatureMaps() cellSize', 8, 1000, 96);
  const title = checkTitle(options.title, `${layer.name} (${layer.className}): ${channels} feature map${channels === 1 ? '' : 's'} of ${h}×${w}`);

  const maps = featureMaps(model, image, { layer: options.layer });
  const scale = activationScale(maps.data);
  const what = layer instanceof ConvBase ? 'filter' : 'channel';
  const cells: Cell[] = Array.from({ length: channels }, (_, k) => ({
    rows: h,
    cols: w,
    at: (r: number, c: number) => maps.data[(r * w + c) * channels + k]!,
    label: `${what} ${k}`,
    scale,
  }));
  if (input) cells.unshift(input);
  return heatmapFigure(cells, columns, size, title, scale, 'activation');
}
