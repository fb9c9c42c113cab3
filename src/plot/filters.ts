/**
 * {@link plotFilters}: the kernels of a Conv2D layer as a grid of heat maps.
 * @module
 */
import { NumnetError, describe, fmtShape } from '../errors.js';
import { Conv2D } from '../layers/conv2d.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../models/sequential.js';
import { allFinite } from '../tensor/kernels.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkInt, checkOptions, checkTitle } from './checks.js';
import { divergingScale, heatmapFigure, type Cell } from './heatmap.js';

/** Options of {@link plotFilters}. */
export interface PlotFiltersOptions {
  /** The Conv2D layer of a model: its index in `model.layers` or its name (default: the first Conv2D). */
  layer?: number | string;
  /** The input channel whose slice of each kernel is drawn (default 0; a first layer on gray images has only 0). */
  channel?: number;
  /** Cells per row (default: the number of filters, at most 8). */
  columns?: number;
  /** The side of one cell in pixels (default 56). */
  cellSize?: number;
  /** The figure title (default: the layer's name, the number of filters and their size). */
  title?: string;
}

/** A built Sequential model, or INVALID_ARGUMENT naming `who`. */
export function checkModel(model: unknown, who: string): asserts model is Sequential {
  if (!(model instanceof Sequential)) throw new NumnetError('INVALID_ARGUMENT', `${who}: expected a Sequential model, got ${describe(model)}`);
  if (!model.built) {
    throw new NumnetError('INVALID_ARGUMENT', `${who}: the model is not built yet: give the first layer an inputShape, or call fit/predict first`);
  }
}

/**
 * The index of a layer of `model` chosen by `choice` (an index or a name), or by default the
 * first Conv2D layer; INVALID_ARGUMENT naming `who` when there is no such layer.
 */
export function layerIndex(model: Sequential, choice: unknown, who: string): number {
  const layers = model.layers;
  if (choice === undefined) {
    const i = layers.findIndex((l) => l instanceof Conv2D);
    if (i < 0) throw new NumnetError('INVALID_ARGUMENT', `${who}: the model has no Conv2D layer; choose one with options.layer`);
    return i;
  }
  if (typeof choice === 'string') {
    const i = layers.findIndex((l) => l.name === choice);
    if (i < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${who}: no layer named ${JSON.stringify(choice)}; the layers are ${layers.map((l) => l.name).join(', ')}`);
    }
    return i;
  }
  return checkInt(choice, `${who}: layer`, 0, layers.length - 1, 0);
}

/** The kernel [kh, kw, in, filters] of the chosen Conv2D layer of a model, and a name for the title. */
function modelKernel(model: Sequential, choice: unknown): { kernel: Tensor; name: string } {
  checkModel(model, 'plotFilters()');
  const layer: Layer = model.layers[layerIndex(model, choice, 'plotFilters()')]!;
  if (!(layer instanceof Conv2D)) {
    throw new NumnetError('INVALID_ARGUMENT', `plotFilters(): layer ${layer.name} is a ${layer.className}, not a Conv2D`);
  }
  return { kernel: layer.kernel.value, name: layer.name };
}

/** A kernel given directly: a tensor [kh, kw, in, filters] of finite numbers. */
function givenKernel(source: TensorLike): Tensor {
  const kernel = toTensor(source, 'plotFilters() kernel');
  if (kernel.rank !== 4 || kernel.size === 0) {
    throw new NumnetError('SHAPE_MISMATCH', `plotFilters(): a kernel has shape [height, width, inChannels, filters] (none of them 0), got ${fmtShape(kernel.shape)}`);
  }
  if (!allFinite(kernel.data)) throw new NumnetError('NON_FINITE_INPUT', 'plotFilters(): the kernel holds NaN or Infinity');
  return kernel;
}

/**
 * The filters of a Conv2D layer — its kernel K of shape [kh, kw, inChannels, filters] — as heat
 * maps in a grid, one cell per filter f showing K[·, ·, channel, f]: blue negative, white 0, red
 * positive, on one scale symmetric around 0 for all of them (the color bar), so that cells can be
 * compared. A first layer trained on digits shows small edge and stroke detectors.
 *
 * ```ts
 * const svg = plotFilters(model);                      // the first Conv2D layer of a model
 * const svg2 = plotFilters(model, { layer: 'conv2d_1', channel: 3, columns: 8 });
 * const svg3 = plotFilters(kernelTensor);              // or a kernel [kh, kw, in, filters]
 * ```
 *
 * INVALID_ARGUMENT for a model that is not built, has no such layer, or a layer that is not a
 * Conv2D, and for bad options; SHAPE_MISMATCH for a kernel that is not of rank 4;
 * NON_FINITE_INPUT for a kernel holding NaN or Infinity.
 */
export function plotFilters(source: Sequential | TensorLike, options: PlotFiltersOptions = {}): string {
  checkOptions(options, 'plotFilters()');
  const fromModel = source instanceof Sequential;
  const { kernel, name } = fromModel ? modelKernel(source, options.layer) : { kernel: givenKernel(source), name: 'Kernel' };
  if (!fromModel && options.layer !== undefined) {
    throw new NumnetError('INVALID_ARGUMENT', 'plotFilters(): options.layer chooses a layer of a model, but a kernel was given');
  }
  const [kh, kw, inChannels, filters] = kernel.shape as [number, number, number, number];
  const channel = checkInt(options.channel, 'plotFilters() channel', 0, inChannels - 1, 0);
  const columns = checkInt(options.columns, 'plotFilters() columns', 1, 1000, Math.min(filters, 8));
  const size = checkInt(options.cellSize, 'plotFilters() cellSize', 8, 1000, 56);
  const of = inChannels > 1 ? `, input channel ${channel}` : '';
  const title = checkTitle(options.title, `${name}: ${filters} filter${filters === 1 ? '' : 's'} of ${kh}×${kw}${of}`);

  const data = kernel.data;
  const slice = new Float64Array(kh * kw * filters);
  for (let p = 0; p < kh * kw; p++) {
    for (let f = 0; f < filters; f++) slice[p * filters + f] = data[(p * inChannels + channel) * filters + f]!;
  }
  const scale = divergingScale(slice);
  const cells: Cell[] = Array.from({ length: filters }, (_, f) => ({
    rows: kh,
    cols: kw,
    at: (r: number, c: number) => slice[(r * kw + c) * filters + f]!,
    label: `filter ${f}`,
    scale,
  }));
  return heatmapFigure(cells, columns, size, title, scale, 'weight');
}
