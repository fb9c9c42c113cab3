import { Loss } from './loss.js';

/**
 * Keras's convert_binary_labels_to_hinge (keras/src/losses/losses.py): when every target of the
 * batch is 0 or 1, the labels are taken as 2y − 1 (so 0/1 become −1/1); otherwise as they are.
 * True when the first `count` targets of `t` are all 0 or 1.
 */
function binaryLabels(t: Float64Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (t[i] !== 0 && t[i] !== 1) return false;
  return true;
}

/**
 * The hinge losses' common part: the label conversion, decided once per batch as Keras decides
 * it once per call (over the whole yTrue tensor), then each row's loss with the labels a·y + b.
 */
abstract class SignedLabelLoss extends Loss {
  /** The conversion of the current batch: y ↦ a·y + b, (2, −1) for 0/1 labels, else (1, 0). */
  protected labelScale = 1;
  protected labelShift = 0;

  override perSample(t: Float64Array, p: Float64Array, rows: number, cols: number, out: Float64Array): void {
    this.checkBuffers('perSample', t, p, rows, cols, out, 1);
    const binary = binaryLabels(t, rows * cols);
    this.labelScale = binary ? 2 : 1;
    this.labelShift = binary ? -1 : 0;
    super.perSample(t, p, rows, cols, out);
  }

  override gradient(t: Float64Array, p: Float64Array, rows: number, cols: number, g: Float64Array, weights?: Float64Array): void {
    this.checkBuffers('gradient', t, p, rows, cols, g, 0, weights);
    const binary = binaryLabels(t, rows * cols);
    this.labelScale = binary ? 2 : 1;
    this.labelShift = binary ? -1 : 0;
    super.gradient(t, p, rows, cols, g, weights);
  }
}

/**
 * Hinge (Keras's `hinge`): with labels y ∈ {−1, 1} (0/1 labels converted to −1/1, see above),
 * ℓ = (1/n)Σⱼ max(1 − yⱼŷⱼ, 0), ∂ℓ/∂ŷⱼ = −yⱼ/n where 1 − yⱼŷⱼ > 0, else 0 (0 at the kink too).
 */
export class Hinge extends SignedLabelLoss {
  readonly name = 'hinge';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    const a = this.labelScale;
    const b = this.labelShift;
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.max(1 - (a * t[to + j]! + b) * p[o + j]!, 0);
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = scale / n;
    for (let j = 0; j < n; j++) {
      const y = this.labelScale * t[to + j]! + this.labelShift;
      g[o + j] = 1 - y * p[o + j]! > 0 ? -y * c : 0;
    }
  }
}

/**
 * Squared hinge (Keras's `squared_hinge`): with labels y ∈ {−1, 1} (0/1 converted as for Hinge),
 * ℓ = (1/n)Σⱼ max(1 − yⱼŷⱼ, 0)², ∂ℓ/∂ŷⱼ = −2yⱼ·max(1 − yⱼŷⱼ, 0)/n.
 */
export class SquaredHinge extends SignedLabelLoss {
  readonly name = 'squaredHinge';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const m = Math.max(1 - (this.labelScale * t[to + j]! + this.labelShift) * p[o + j]!, 0);
      s += m * m;
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = (-2 * scale) / n;
    for (let j = 0; j < n; j++) {
      const y = this.labelScale * t[to + j]! + this.labelShift;
      g[o + j] = c * y * Math.max(1 - y * p[o + j]!, 0);
    }
  }
}

/**
 * Categorical hinge (Keras's `categorical_hinge`, labels as given, one-hot 0/1 or −1/1):
 * with pos = Σⱼ yⱼŷⱼ and neg = maxⱼ (1 − yⱼ)ŷⱼ (reached at k, the first such j),
 * ℓ = max(neg − pos + 1, 0), summed over the row (not averaged), and
 * ∂ℓ/∂ŷⱼ = −yⱼ + [j = k](1 − yₖ) where neg − pos + 1 > 0, else 0.
 */
export class CategoricalHinge extends Loss {
  readonly name = 'categoricalHinge';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    const { pos, neg } = categoricalHingeParts(t, to, p, o, n);
    return Math.max(neg - pos + 1, 0);
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const { pos, neg, k } = categoricalHingeParts(t, to, p, o, n);
    const active = neg - pos + 1 > 0;
    for (let j = 0; j < n; j++) {
      const y = t[to + j]!;
      g[o + j] = active ? scale * (j === k ? 1 - 2 * y : -y) : 0;
    }
  }
}

/** pos = Σ yⱼŷⱼ, neg = max (1 − yⱼ)ŷⱼ and its first index k, for one row. */
function categoricalHingeParts(t: Float64Array, to: number, p: Float64Array, o: number, n: number): { pos: number; neg: number; k: number } {
  let pos = 0;
  let neg = -Infinity;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const y = t[to + j]!;
    const v = p[o + j]!;
    pos += y * v;
    const m = (1 - y) * v;
    if (m > neg) {
      neg = m;
      k = j;
    }
  }
  return { pos, neg, k };
}
