import type { TFJSLayerSpec } from '../io/tfjs-config.js';
import type { RandomState } from '../random.js';
import type { Layer } from './layer.js';

/**
 * What a layer class declares about itself, as `static readonly spec` beside its code: how it is
 * saved and rebuilt (native format), which weights it builds, and how it maps to TF.js/Keras. The
 * registry (`./registry.ts`) collects the specs of the classes in `./index.ts`; the saving code
 * (`src/io/`) only iterates and looks up specs, so a new layer is its file plus its line in
 * `./index.ts`.
 */

/** A weight a layer will build, named as its Parameter is within the layer (`kernel`, `bias`, `alpha`). */
export interface WeightShape {
  /** The weight's name in its layer. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** False for state the optimizer does not update (a moving mean); true when omitted. */
  trainable?: boolean;
}

/** What a layer gives for samples of an input shape: its output shape and the weights it builds. */
export interface LayerShapes {
  /** The shape of one output sample. */
  outputShape: number[];
  /** The weights, in build order. */
  weights: WeightShape[];
}

/** A layer class's self-description; `L` is the class. */
export interface LayerSpec<L extends Layer = Layer> {
  /** The saved class name: the `className` of the class's instances. */
  readonly className: string;
  /** The config keys besides `name` and `inputShape` (the constructor's options). */
  readonly keys: readonly string[];
  /** A new (unbuilt) layer from a `getConfig()` object. Throws NumnetError on a bad config. */
  fromConfig(config: Record<string, unknown>): L;
  /**
   * `layer.getConfig()`, after checking that every part of it can be rebuilt: INVALID_ARGUMENT for
   * a custom activation, initializer or regularizer.
   */
  toConfig(layer: L): Record<string, unknown>;
  /**
   * The output shape and the weights the layer builds for samples of `inputShape`, in build order,
   * without building it (a saved model's weights are checked before anything is allocated).
   * SHAPE_MISMATCH when the layer cannot take that input.
   */
  shapes(layer: L, inputShape: readonly number[]): LayerShapes;
  /** The TF.js layers-format mapping; a class without one is not exported to or read from TF.js. */
  readonly tfjs?: TFJSLayerSpec<L>;
  /** For a layer with a random generator of its own (Dropout): its state, saved by the native format. */
  readonly randomState?: {
    /** The generator's state (undefined until built). */
    get(layer: L): RandomState | undefined;
    /** Restores it on the built layer. */
    set(layer: L, state: RandomState): void;
  };
}

/** A layer class with its spec. */
export type LayerClass<L extends Layer = Layer> = (abstract new (...args: never[]) => L) & {
  /** The class's self-description. */
  readonly spec: LayerSpec<L>;
};

/** `shapes` of a layer that keeps the shape and has no weights: y has the shape of x. */
export function sameShape(_layer: Layer, inputShape: readonly number[]): LayerShapes {
  return { outputShape: inputShape.slice(), weights: [] };
}

/** True when `cls` declares a spec of its own (a subclass of a layer class inherits none). */
export function hasOwnSpec(cls: unknown): cls is LayerClass {
  if (typeof cls !== 'function' || !Object.prototype.hasOwnProperty.call(cls, 'spec')) return false;
  const spec = (cls as { spec?: unknown }).spec;
  return typeof spec === 'object' && spec !== null && typeof (spec as LayerSpec).className === 'string';
}
