import { ConvBase, ConvConfig } from './conv-base.js';
import { convSpec } from './conv-spec.js';
import type { LayerSpec } from './spec.js';

/** The options of Conv1D: `kernelSize`, `strides` and `dilationRate` a number (or an array of one). */
export type Conv1DConfig = ConvConfig;

/**
 * A 1-D convolution over sequences [batch, steps, channels], with kernel K of shape
 * [k, inChannels, filters] and bias b of shape [filters]:
 *
 *   z[n,t,f] = b[f] + Σ_{a,c} x[n, t·s + a·d − padLeft, c] · K[a,c,f]
 *
 * (terms outside the sequence are 0), y = φ(z). Output length: `valid` ⌊(steps − ((k−1)d + 1))/s⌋ + 1;
 * `same` ⌈steps/s⌉ with total padding P = max((out − 1)s + (k−1)d + 1 − steps, 0), ⌊P/2⌋ before
 * and the rest after. Glorot/He fans: fanIn = k·in, fanOut = k·filters. It runs as a Conv2D of
 * height 1 (the same memory layout), with the same backward pass.
 */
export class Conv1D extends ConvBase {
  /** How Conv1D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Conv1D> = convSpec('Conv1D', 1, (c) => new Conv1D(c));

  readonly className = 'Conv1D';

  constructor(config: Conv1DConfig) {
    super(1, config, 'Conv1D');
  }
}
