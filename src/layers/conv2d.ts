import { ConvBase, ConvConfig } from './conv-base.js';
import { convSpec } from './conv-spec.js';
import type { LayerSpec } from './spec.js';

/** The options of Conv2D: `kernelSize`, `strides` and `dilationRate` a number or [h, w]. */
export type Conv2DConfig = ConvConfig;

/**
 * A 2-D convolution over images [batch, height, width, channels] (channels last, as Keras), with
 * kernel K of shape [kh, kw, inChannels, filters] and bias b of shape [filters]:
 *
 *   z[n,i,j,f] = b[f] + Σ_{a,b,c} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c] · K[a,b,c,f]
 *
 * (terms outside the image are 0), y = φ(z). Output size per axis: `valid` ⌊(in − ((k−1)d + 1))/s⌋ + 1;
 * `same` ⌈in/s⌉ with total padding P = max((out − 1)s + (k−1)d + 1 − in, 0), ⌊P/2⌋ at the top/left
 * and the rest at the bottom/right (TensorFlow's rule). Glorot/He fans: fanIn = kh·kw·in,
 * fanOut = kh·kw·filters. Backward from dy: dz = dy ⊙ φ′(z); ∂L/∂K[a,b,c,f] = Σ_{n,i,j} x[…]·dz[n,i,j,f];
 * ∂L/∂b = Σ_{n,i,j} dz; ∂L/∂x scatters dz·Kᵀ back to the input positions (im2col + GEMM, see
 * src/tensor/conv.ts).
 */
export class Conv2D extends ConvBase {
  /** How Conv2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Conv2D> = convSpec('Conv2D', 2, (c) => new Conv2D(c));

  readonly className = 'Conv2D';

  constructor(config: Conv2DConfig) {
    super(2, config, 'Conv2D');
  }
}
