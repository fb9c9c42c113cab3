import { NumnetError, describe, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { EPSILON, Loss } from './loss.js';

/**
 * Kullback–Leibler divergence (Keras's `kl_divergence`, also `kld`): with y and ŷ each clipped to
 * [ε, 1] (ε = 1e-7), ℓ = Σⱼ yⱼ log(yⱼ/ŷⱼ), summed over the row (not averaged), and
 * ∂ℓ/∂ŷⱼ = −yⱼ/ŷⱼ (y clipped) where ε ≤ ŷⱼ ≤ 1, else 0 (the clip is flat there).
 */
export class KLDivergence extends Loss {
  readonly name = 'klDivergence';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const y = clipUnit(t[to + j]!);
      s += y * Math.log(y / clipUnit(p[o + j]!));
    }
    return s;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    for (let j = 0; j < n; j++) {
      const v = p[o + j]!;
      g[o + j] = v >= EPSILON && v <= 1 ? (-scale * clipUnit(t[to + j]!)) / v : 0;
    }
  }
}

/** x clipped to [ε, 1]. */
const clipUnit = (x: number) => (x < EPSILON ? EPSILON : x > 1 ? 1 : x);

/**
 * Poisson (Keras's `poisson`): ℓ = (1/n)Σⱼ (ŷⱼ − yⱼ log(ŷⱼ + ε)), ∂ℓ/∂ŷⱼ = (1 − yⱼ/(ŷⱼ + ε))/n.
 * ŷ is a rate: `call` and `gradientOf` refuse ŷ ≤ −ε, where the logarithm is undefined (Keras
 * returns NaN); in training such an output gives a non-finite loss, which the step refuses.
 */
export class Poisson extends Loss {
  readonly name = 'poisson';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) s += p[o + j]! - t[to + j]! * Math.log(p[o + j]! + EPSILON);
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = scale / n;
    for (let j = 0; j < n; j++) g[o + j] = c * (1 - t[to + j]! / (p[o + j]! + EPSILON));
  }

  /** As every loss, then: every prediction must be > −ε (a rate whose log(ŷ + ε) exists). */
  override checkTargets(yTrue: Tensor, yPred: Tensor, where = this.name): void {
    super.checkTargets(yTrue, yPred, where);
    if (typeof where !== 'string') where = this.name;
    const d = yPred.data;
    for (let i = 0; i < d.length; i++) {
      if (!(d[i]! + EPSILON > 0)) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `${where}: yPred must be a rate > −1e-7 (Keras takes log(yPred + 1e-7)), got ${describe(d[i])} at flat index ${i} of yPred ${fmtShape(yPred.shape)}`,
        );
      }
    }
  }
}
