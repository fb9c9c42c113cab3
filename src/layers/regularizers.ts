import { NumnetError, checkOptions, describe } from '../errors.js';

/**
 * A weight penalty added to the loss: R(w) = l1·Σ|w| + l2·Σw² (no ½, as Keras), with gradient
 * ∂R/∂w = l1·sign(w) + 2·l2·w.
 */
export class Regularizer {
  /** The factor of Σ|w|. */
  readonly l1: number;
  /** The factor of Σw². */
  readonly l2: number;
  constructor(options: { l1?: number; l2?: number }) {
    const o = checkOptions(options, ['l1', 'l2'], 'regularizer');
    this.l1 = checkFactor(o.l1 ?? 0, 'l1');
    this.l2 = checkFactor(o.l2 ?? 0, 'l2');
  }

  /** R(w). */
  penalty(w: Float64Array): number {
    checkWeights(w, w, 'penalty');
    let a = 0;
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      a += Math.abs(w[i]!);
      s += w[i]! * w[i]!;
    }
    return this.l1 * a + this.l2 * s;
  }

  /** g += ∂R/∂w. */
  addGradient(w: Float64Array, g: Float64Array): void {
    checkWeights(w, g, 'addGradient');
    const l1 = this.l1;
    const l2x2 = 2 * this.l2;
    for (let i = 0; i < w.length; i++) g[i]! += l1 * Math.sign(w[i]!) + l2x2 * w[i]!;
  }

  /** The factors, for saving. */
  getConfig(): {
    /** The factor of Σ|w|. */
    l1: number;
    /** The factor of Σw². */
    l2: number;
  } {
    return { l1: this.l1, l2: this.l2 };
  }
}

function checkWeights(w: unknown, g: unknown, method: string): void {
  if (!(w instanceof Float64Array) || !(g instanceof Float64Array) || w.length !== g.length) {
    throw new NumnetError('INVALID_ARGUMENT', `Regularizer.${method}() takes Float64Arrays of one length, got ${describe(w)} and ${describe(g)}`);
  }
}

function checkFactor(c: unknown, what: string): number {
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `regularizer ${what} must be a finite number ≥ 0, got ${describe(c)}`);
  }
  return c;
}

/** L1 penalty c·Σ|w|. */
export function l1(c = 0.01): Regularizer {
  return new Regularizer({ l1: c });
}

/** L2 penalty c·Σw². */
export function l2(c = 0.01): Regularizer {
  return new Regularizer({ l2: c });
}

/** Both: l1·Σ|w| + l2·Σw². Each factor defaults to 0, as Keras 3's `L1L2()` (Keras 2's function used 0.01). */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  return new Regularizer(options);
}
