/**
 * `numnet/plot`: pictures of training as SVG strings, made from numnet's public API, with no
 * native dependency and no DOM (browser-safe; write the string to a file or put it in a page).
 *
 * - {@link plotHistory}: loss and metric curves of `fit`, training and validation.
 * - {@link plotActivations}: activation functions and their derivatives.
 * - {@link plotOptimizerPaths}: the paths real numnet optimizers take on a 2-D loss surface,
 *   over its contour lines (the pictures of cs231n that the course slides show).
 * - {@link plotFilters}: the kernels of a Conv2D layer as heat maps.
 * - {@link plotFeatureMaps}: one image's feature maps after a layer ({@link featureMaps} computes them).
 *
 * Output is deterministic: the same arguments give the same bytes.
 * @packageDocumentation
 * @module numnet/plot
 */
export { plotHistory, type HistoryLike, type PlotHistoryOptions } from './history.js';
export { plotActivations, type ActivationEntry, type PlotActivationsOptions } from './activations.js';
export { SURFACES, type LossSurface } from './surfaces.js';
export {
  optimizerPath, plotOptimizerPaths, type OptimizerEntry, type OptimizerPath, type PlotOptimizerPathsOptions,
} from './optimizer-paths.js';
export { plotFilters, type PlotFiltersOptions } from './filters.js';
export { featureMaps, plotFeatureMaps, type FeatureMapsOptions, type PlotFeatureMapsOptions } from './feature-maps.js';
