import type { Regularizer } from './regularizers.js';
import type { Tensor } from '../tensor/tensor.js';

/** A trainable weight with its gradient buffer (same size), filled by `backward`. */
export interface Parameter {
  /** `layer/kernel`, `layer/bias`, `layer/alpha`: the layer's name and the weight's. */
  readonly name: string;
  /** The current values (updated in place by the optimizer). */
  readonly value: Tensor;
  /** ∂L/∂value from the last backward pass, the same size as `value`. */
  readonly grad: Float64Array;
  /** The penalty added to the loss for this weight, if any. */
  readonly regularizer?: Regularizer;
  /**
   * False for a weight the optimizer does not update — state a layer keeps itself, such as
   * BatchNormalization's moving mean (its grad stays 0). True when omitted.
   */
  readonly trainable?: boolean;
}

/** A weight a layer will build, named as its Parameter is within the layer (`kernel`, `bias`, `alpha`). */
export interface WeightShape {
  /** The weight's name in its layer. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** False for state the optimizer does not update (a moving mean); true when omitted. */
  trainable?: boolean;
  /** The penalty added to the loss for this weight, if any. */
  regularizer?: Regularizer;
}

/** What a layer gives for samples of an input shape: its output shape and the weights it builds. */
export interface LayerShapes {
  /** The shape of one output sample. */
  outputShape: number[];
  /** The weights, in build order. */
  weights: WeightShape[];
}

/** Options every layer takes. */
export interface LayerConfig {
  /** Unique name in the model; defaults to the snake_case class name with a counter. */
  name?: string;
  /** The shape of one sample (no batch axis), on the first layer of a model. */
  inputShape?: number[];
  /** False freezes the layer, as Keras's `trainable` (see `Layer.trainable`); true when omitted. */
  trainable?: boolean;
}

/** A layer's build, computed without changing the layer: `prepareBuild` makes it, `commitBuild` adopts it. */
export interface PreparedBuild {
  /** The shape of one input sample. */
  readonly inputShape: number[];
  /** The shape of one output sample. */
  readonly outputShape: number[];
  /** The weights with their initial values, in `shapes().weights` order. */
  readonly params: Parameter[];
  /** What the layer keeps besides its weights (Dropout's mask generator), from `prepareState`. */
  readonly state?: unknown;
}
