import type { Layer, Parameter } from '../layers/layer.js';
import type { Loss } from '../losses/loss.js';
import type { Metric } from '../losses/metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { RandomState } from '../random.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The native saved-model format (`model.toJSON()`, `Sequential.fromJSON()`): its fields, as
 * docs/saving.md describes them. Written and read by ./native.ts.
 */

/** The `format` field of a native model. */
export const NUMNET_FORMAT = 'numnet';
/** The version of the native format this numnet writes and reads. */
export const NUMNET_FORMAT_VERSION = 1;

/** One layer of a saved model: its class and `getConfig()`. */
export interface LayerJSON {
  /** The layer class ('Dense', …: the `className` of a class in `LAYER_CLASSES`). */
  className: string;
  /** The options that rebuild the layer (`layer.getConfig()`). */
  config: Record<string, unknown>;
}

/** One weight: its parameter name (`dense/kernel`), shape, and little-endian float64 bytes as base64. */
export interface WeightJSON {
  /** `layer/kernel`, `layer/bias` or `layer/alpha`. */
  name: string;
  /** The weight's shape. */
  shape: number[];
  /** Always 'float64'. */
  dtype: 'float64';
  /** Base64 of the little-endian float64 bytes. */
  data: string;
}

/**
 * The native saved model (`model.toJSON()`, `Sequential.fromJSON()`); plain JSON. See
 * docs/saving.md for every field.
 */
export interface NumnetModelJSON {
  /** Always 'numnet' ({@link NUMNET_FORMAT}). */
  format: 'numnet';
  /** The format version ({@link NUMNET_FORMAT_VERSION}). */
  version: 1;
  /** The model: its class, name and layers in order. */
  modelConfig: {
    /** Always 'Sequential'. */
    className: 'Sequential';
    /** The model's name. */
    name: string;
    /** Every layer's class and options. */
    layers: LayerJSON[];
  };
  /** What `compile` was given, when the model is compiled. */
  compileConfig?: {
    /** The optimizer's name ('adam', …) and options. */
    optimizer: {
      /** The optimizer's name. */
      name: string;
      /** Its options (`optimizer.getConfig()`). */
      config: Record<string, unknown>;
    };
    /** The loss's name and options. */
    loss: {
      /** The loss's name. */
      name: string;
      /** Its options (`fromLogits`, `delta`, …). */
      config: Record<string, unknown>;
    };
    /** The metric names. */
    metrics: string[];
    /** The weighted metric names (written only when there are some). */
    weightedMetrics?: string[];
  };
  /** Every weight in `getWeights()` order; empty while the model is not built. */
  weights: WeightJSON[];
  /** The optimizer's step count and per-weight slots (base64 float64), with `compileConfig`. */
  optimizerState?: {
    /** Updates applied so far. */
    iterations: number;
    /** Each weight's buffers by name, base64 float64, in weight order. */
    slots: Record<string, string>[];
  };
  /** The generators behind shuffling (`model`) and each Dropout layer's masks (`layers`, by name). */
  randomState?: {
    /** The model's generator (shuffling). */
    model: RandomState;
    /** Each Dropout layer's generator, by layer name. */
    layers: Record<string, RandomState>;
  };
}

/** Builds the Sequential (passed in, and described by the interfaces below, so this module does not import the model's). */
export type SequentialFactory<M extends LoadableModel = LoadableModel> = (layers: Layer[], options: { seed?: number; name?: string }) => M;

/** A saved compile config, resolved: what loading passes to `compile`. */
export interface CompileJSON {
  optimizer: Optimizer;
  loss: Loss;
  metrics: string[];
  weightedMetrics?: string[];
}

/** What saving reads from a model (a Sequential). */
export interface SavableModel {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly built: boolean;
  readonly parameters: readonly Parameter[];
  getInputShape(): number[] | undefined;
  getCompileConfig(): { optimizer: Optimizer; loss: Loss; metrics: (string | Metric)[]; weightedMetrics: (string | Metric)[] } | undefined;
  getRandomState(): RandomState;
}

/** What loading does to the model it constructs (a Sequential). */
export interface LoadableModel {
  readonly layers: readonly Layer[];
  setWeights(weights: Tensor[]): void;
  compile(config: CompileJSON): void;
  setRandomState(state: RandomState): void;
}
