import { Activation, sigmoid as sigmoidActivation, softmax } from '../activations/activations.js';
import { NumnetError, checkBoolean, checkOptions, describe, lookupName } from '../errors.js';
import { sigmoid } from '../math/special.js';
import { CategoricalHinge, Hinge, SquaredHinge } from './hinge.js';
import { EPSILON, Loss } from './loss.js';
import { KLDivergence, Poisson } from './probabilistic.js';
import { CosineSimilarity, LogCosh } from './regression.js';

export { EPSILON, Loss } from './loss.js';
export { CategoricalHinge, Hinge, SquaredHinge } from './hinge.js';
export { KLDivergence, Poisson } from './probabilistic.js';
export { CosineSimilarity, LogCosh } from './regression.js';

const clip = (p: number) => (p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p);
const inRange = (p: number) => p >= EPSILON && p <= 1 - EPSILON;

/** Mean squared error: ℓ = (1/n)Σ(y − ŷ)², ∂ℓ/∂ŷ = −2(y − ŷ)/n (the slides' form). */
export class MeanSquaredError extends Loss {
  readonly name = 'meanSquaredError';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = t[to + j]! - p[o + j]!;
      s += d * d;
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = (-2 * scale) / n;
    for (let j = 0; j < n; j++) g[o + j] = c * (t[to + j]! - p[o + j]!);
  }
}

/** Mean absolute error: ℓ = (1/n)Σ|y − ŷ|, ∂ℓ/∂ŷ = sign(ŷ − y)/n (0 where equal). */
export class MeanAbsoluteError extends Loss {
  readonly name = 'meanAbsoluteError';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(t[to + j]! - p[o + j]!);
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    for (let j = 0; j < n; j++) g[o + j] = (Math.sign(p[o + j]! - t[to + j]!) * scale) / n;
  }
}

/** Huber: with d = |y − ŷ|, ℓ = (1/n)Σ(½d² where d ≤ δ, else δ(d − ½δ)). */
export class Huber extends Loss {
  readonly name = 'huber';
  /** δ: quadratic below it, linear above. */
  readonly delta: number;
  constructor(options: { delta?: number } = {}) {
    super();
    const delta = checkOptions(options, ['delta'], 'Huber').delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
      throw new NumnetError('INVALID_ARGUMENT', `Huber: delta must be a positive number, got ${describe(delta)}`);
    }
    this.delta = delta;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    const k = this.delta;
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = Math.abs(t[to + j]! - p[o + j]!);
      s += d <= k ? 0.5 * d * d : k * (d - 0.5 * k);
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const k = this.delta;
    for (let j = 0; j < n; j++) {
      const e = p[o + j]! - t[to + j]!;
      g[o + j] = ((Math.abs(e) <= k ? e : k * Math.sign(e)) * scale) / n;
    }
  }
  override getConfig(): Record<string, unknown> {
    return { delta: this.delta };
  }
}

/**
 * Binary crossentropy: ℓ = −(1/n)Σ(y log p + (1 − y) log(1 − p)) with p = ŷ clipped to
 * [ε, 1 − ε]. With `fromLogits`, ŷ is z and ℓ = (1/n)Σ(max(z, 0) − zy + log(1 + e^{−|z|})).
 */
export class BinaryCrossentropy extends Loss {
  readonly name = 'binaryCrossentropy';
  override readonly fromLogits: boolean;
  override readonly fusedActivation: Activation | undefined;
  constructor(options: { fromLogits?: boolean } = {}) {
    super();
    this.fromLogits = checkBoolean(checkOptions(options, ['fromLogits'], 'BinaryCrossentropy').fromLogits, 'BinaryCrossentropy fromLogits', false);
    this.fusedActivation = this.fromLogits ? undefined : sigmoidActivation;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const y = t[to + j]!;
      if (this.fromLogits) {
        const z = p[o + j]!;
        s += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      } else {
        const q = clip(p[o + j]!);
        s -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
      }
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = scale / n;
    for (let j = 0; j < n; j++) {
      const y = t[to + j]!;
      const v = p[o + j]!;
      if (this.fromLogits) g[o + j] = c * (sigmoid(v) - y);
      else g[o + j] = inRange(v) ? c * (-y / v + (1 - y) / (1 - v)) : 0;
    }
  }
}

/**
 * Categorical crossentropy: ℓ = −Σⱼ yⱼ log pⱼ with p = ŷ/Σŷ clipped to [ε, 1 − ε]. With
 * `fromLogits`, ℓ = Σⱼ yⱼ(logΣₖe^{zₖ} − zⱼ) (log-softmax, stable).
 */
export class CategoricalCrossentropy extends Loss {
  readonly name: string = 'categoricalCrossentropy';
  override readonly fromLogits: boolean;
  override readonly fusedActivation: Activation | undefined;
  constructor(options: { fromLogits?: boolean } = {}) {
    super();
    const what = new.target === SparseCategoricalCrossentropy ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy';
    this.fromLogits = checkBoolean(checkOptions(options, ['fromLogits'], what).fromLogits, `${what} fromLogits`, false);
    this.fusedActivation = this.fromLogits ? undefined : softmax;
  }
  /** yⱼ of the row (the one-hot label for the sparse subclass). */
  protected target(t: Float64Array, to: number, j: number): number {
    return t[to + j]!;
  }
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    if (this.fromLogits) {
      const lse = logSumExp(p, o, n);
      for (let j = 0; j < n; j++) {
        const y = this.target(t, to, j);
        if (y !== 0) s += y * (lse - p[o + j]!);
      }
      return s;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += p[o + j]!;
    for (let j = 0; j < n; j++) {
      const y = this.target(t, to, j);
      // ŷ all zero (sum 0): every q is 0, clipped to ε, so the loss stays finite (−Σy·log ε).
      if (y !== 0) s -= y * Math.log(clip(sum === 0 ? 0 : p[o + j]! / sum));
    }
    return s;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    if (this.fromLogits) {
      const lse = logSumExp(p, o, n);
      let ySum = 0;
      for (let j = 0; j < n; j++) ySum += this.target(t, to, j);
      for (let j = 0; j < n; j++) g[o + j] = scale * (Math.exp(p[o + j]! - lse) * ySum - this.target(t, to, j));
      return;
    }
    // ℓ = −Σ yⱼ log clip(qⱼ), qⱼ = ŷⱼ/S: ∂ℓ/∂ŷₖ = (aₖ − Σⱼ aⱼqⱼ)/S with aⱼ = −yⱼ/pⱼ inside the clip.
    let sum = 0;
    for (let j = 0; j < n; j++) sum += p[o + j]!;
    if (sum === 0) {
      // Every q = 0 is clipped, where the gradient is 0 (as for any clipped q).
      for (let j = 0; j < n; j++) g[o + j] = 0;
      return;
    }
    let aq = 0;
    for (let j = 0; j < n; j++) {
      const q = p[o + j]! / sum;
      const y = this.target(t, to, j);
      const a = y !== 0 && inRange(q) ? -y / q : 0;
      g[o + j] = a;
      aq += a * q;
    }
    for (let j = 0; j < n; j++) g[o + j] = (scale * (g[o + j]! - aq)) / sum;
  }
}

/**
 * Sparse categorical crossentropy: as categorical, with integer labels (shape [B] or [B, 1]):
 * ℓ = −log p[label].
 */
export class SparseCategoricalCrossentropy extends CategoricalCrossentropy {
  override readonly name: string = 'sparseCategoricalCrossentropy';
  override readonly sparse = true;
  protected override target(t: Float64Array, to: number, j: number): number {
    return t[to] === j ? 1 : 0;
  }
}

function logSumExp(z: Float64Array, o: number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (z[o + j]! > m) m = z[o + j]!;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(z[o + j]! - m);
  return m + Math.log(s);
}

/** One loss class: its saved name (its instances' `name`), Keras's short names, its options. */
export interface LossEntry {
  readonly name: string;
  /** Also taken by `getLoss` (as are snake_case and any case of every name). */
  readonly aliases: readonly string[];
  /** Only instances of exactly this class are saved under `name`. */
  readonly type: new (options?: never) => Loss;
  readonly options: readonly string[];
  /** 'binary' when the metric 'acc' means binary accuracy with this loss. */
  readonly accuracy?: 'binary';
}

/** Every built-in loss: the one table `getLoss`, saving and the metrics resolve losses with. */
export const LOSS_CLASSES: readonly LossEntry[] = Object.freeze([
  { name: 'meanSquaredError', aliases: ['mse'], type: MeanSquaredError, options: [] },
  { name: 'meanAbsoluteError', aliases: ['mae'], type: MeanAbsoluteError, options: [] },
  { name: 'huber', aliases: [], type: Huber, options: ['delta'] },
  { name: 'binaryCrossentropy', aliases: [], type: BinaryCrossentropy, options: ['fromLogits'], accuracy: 'binary' },
  { name: 'categoricalCrossentropy', aliases: [], type: CategoricalCrossentropy, options: ['fromLogits'] },
  { name: 'sparseCategoricalCrossentropy', aliases: [], type: SparseCategoricalCrossentropy, options: ['fromLogits'] },
  { name: 'hinge', aliases: [], type: Hinge, options: [] },
  { name: 'squaredHinge', aliases: [], type: SquaredHinge, options: [] },
  { name: 'categoricalHinge', aliases: [], type: CategoricalHinge, options: [] },
  { name: 'klDivergence', aliases: ['kld', 'kullbackLeiblerDivergence'], type: KLDivergence, options: [] },
  { name: 'poisson', aliases: [], type: Poisson, options: [] },
  { name: 'logCosh', aliases: [], type: LogCosh, options: [] },
  { name: 'cosineSimilarity', aliases: [], type: CosineSimilarity, options: [] },
] satisfies LossEntry[]);

/** The entry whose saved name is exactly `name`, or undefined. */
export function lossEntry(name: string): LossEntry | undefined {
  return LOSS_CLASSES.find((e) => e.name === name);
}

/** Every name `getLoss` takes, each entry's name then its aliases (the order messages list them). */
const LOSS_NAMES: Record<string, LossEntry> = Object.fromEntries(LOSS_CLASSES.flatMap((e) => [e.name, ...e.aliases].map((n) => [n, e])));

/** The loss called `name`, or `loss` itself when it is already a Loss. */
export function getLoss(loss: string | Loss): Loss {
  if (loss instanceof Loss) return loss;
  if (typeof loss === 'object' && loss !== null) {
    throw new NumnetError('INVALID_ARGUMENT', `a loss must be a name ('mse', …) or a Loss instance (new MeanSquaredError(), …), got ${describe(loss)}`);
  }
  return new (lookupName(LOSS_NAMES, loss, 'loss').type)();
}
