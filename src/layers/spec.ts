import type { TFJSLayerSpec } from '../io/tfjs-config.js';
import type { RandomState } from '../random.js';
import type { Layer } from './layer.js';

export type { LayerShapes, WeightShape } from './types.js';

/**
 * What a layer class declares about itself, as `static readonly spec` beside its code: how it is
 * saved and rebuilt (native format), which weights it builds, and how it maps to TF.js/Keras. The
 * registry (`./registry.ts`) collects the specs of the classes in `./index.ts`; the saving code
 * (`src/io/`) only iterates and looks up specs, so a new layer is its file plus its line in
 * `./index.ts`.
 */

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

/** True when `cls` declares a spec of its own (a subclass of a layer class inherits none). */
export function hasOwnSpec(cls: unknown): cls is LayerClass {
  if (typeof cls !== 'function' || !Object.prototype.hasOwnProperty.call(cls, 'spec')) return false;
  const spec = (cls as { spec?: unknown }).spec;
  return typeof spec === 'object' && spec !== null && typeof (spec as LayerSpec).className === 'string';
}
