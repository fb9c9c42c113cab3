import { NumnetError, describe } from '../errors.js';
import type { Parameter } from '../layers/layer.js';

/**
 * A learning rate: a number, or a schedule — a function of the step, called with the number of
 * updates already applied (0 for the first update, as Keras's schedules are).
 */
export type LearningRate = number | ((step: number) => number);

/** Options every optimizer takes. */
export interface OptimizerConfig {
  learningRate?: LearningRate;
  /** Scales each weight's gradient to norm at most c: g·c/max(‖g‖, c). */
  clipNorm?: number;
  /** Scales all gradients together to joint norm at most c. */
  globalClipNorm?: number;
  /** Clamps every gradient element to [−c, c]. */
  clipValue?: number;
}

/** One weight's optimizer state: named buffers the size of the weight (v, m, G, …). */
export type Slots = Record<string, Float64Array>;

/**
 * The base of every optimizer. A subclass says which state each weight needs (`build`) and what
 * one update of one weight is (`updateStep`: the equation and nothing else). This class keeps
 * the step counter t, resolves the learning rate at t, and can save and roll back its state so a
 * failed batch leaves it as it was.
 */
export abstract class Optimizer {
  /** The lower-case name ('sgd', 'adam', …). */
  abstract readonly name: string;
  learningRate: LearningRate;
  readonly clipNorm: number | undefined;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
  /** Number of updates applied so far (t of the last step). */
  iterations = 0;
  private slots: Slots[] = [];
  private backup: { iterations: number; slots: Slots[] } | undefined;

  /**
   * @param config the options; a key that is neither a base option nor in `optionNames` is an
   *   INVALID_ARGUMENT (a misspelt `beta_1` must not pass silently).
   */
  constructor(config: OptimizerConfig, defaultLearningRate: number, optionNames: readonly string[] = []) {
    if (config === null || typeof config !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer options must be an object, got ${describe(config)}`);
    }
    const known = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue', ...optionNames];
    for (const key of Object.keys(config)) {
      if (!known.includes(key)) {
        throw new NumnetError('INVALID_ARGUMENT', `unknown optimizer option ${JSON.stringify(key)}; the options are ${known.join(', ')}`);
      }
    }
    this.learningRate = config.learningRate ?? defaultLearningRate;
    checkLearningRate(this.learningRate);
    const clips = (['clipNorm', 'globalClipNorm', 'clipValue'] as const).filter((k) => config[k] !== undefined);
    if (clips.length > 1) {
      throw new NumnetError('INVALID_ARGUMENT', `set at most one of clipNorm, globalClipNorm, clipValue; got ${clips.join(' and ')}`);
    }
    for (const k of clips) {
      const c = config[k];
      if (typeof c !== 'number' || !(c > 0) || !Number.isFinite(c)) {
        throw new NumnetError('INVALID_ARGUMENT', `${k} must be a finite number > 0, got ${describe(c)}`);
      }
    }
    this.clipNorm = config.clipNorm;
    this.globalClipNorm = config.globalClipNorm;
    this.clipValue = config.clipValue;
  }

  /** The state one weight of `size` values needs, all zeros unless the equation says otherwise. */
  protected abstract build(size: number): Slots;

  /** One update of one weight w with gradient g, state s, learning rate α, at step t. */
  protected abstract updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): void;

  /** The learning rate α of update t (t = 1 for the first; a schedule is called with t − 1). */
  learningRateAt(t: number): number {
    const lr = typeof this.learningRate === 'function' ? this.learningRate(t - 1) : this.learningRate;
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `learningRate schedule gave ${describe(lr)} at step ${t}; it must be a finite number ≥ 0`);
    }
    return lr;
  }

  /** Clips the gradients in place as configured (before the update, as Keras). */
  private clip(params: readonly Parameter[]): void {
    if (this.clipValue !== undefined) {
      const c = this.clipValue;
      for (const p of params) {
        const g = p.grad;
        for (let i = 0; i < g.length; i++) g[i] = g[i]! > c ? c : g[i]! < -c ? -c : g[i]!;
      }
    } else if (this.clipNorm !== undefined) {
      for (const p of params) scale(p.grad, this.clipNorm / Math.max(norm(p.grad), this.clipNorm));
    } else if (this.globalClipNorm !== undefined) {
      let sq = 0;
      for (const p of params) sq += norm(p.grad) ** 2;
      const c = this.globalClipNorm;
      const f = c / Math.max(Math.sqrt(sq), c);
      for (const p of params) scale(p.grad, f);
    }
  }

  /** Applies one update to every parameter from its `grad` (clipped first); t counts from 1. */
  apply(params: readonly Parameter[]): void {
    const t = this.iterations + 1;
    const lr = this.learningRateAt(t);
    this.clip(params);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let s = this.slots[i];
      if (!s) s = this.slots[i] = this.build(p.value.size);
      this.updateStep(p.value.data, p.grad, s, lr, t);
    }
    this.iterations = t;
  }

  /** Remembers the current state so that `rollback` can restore it (buffers reused). */
  checkpoint(): void {
    const backup = (this.backup ??= { iterations: 0, slots: [] });
    backup.iterations = this.iterations;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      const b = (backup.slots[i] ??= {});
      for (const k in s) {
        const src = s[k]!;
        let dst = b[k];
        if (!dst || dst.length !== src.length) dst = b[k] = new Float64Array(src.length);
        dst.set(src);
      }
    }
    backup.slots.length = this.slots.length;
  }

  /** Restores the state saved by the last `checkpoint`. */
  rollback(): void {
    const backup = this.backup;
    if (!backup) return;
    this.iterations = backup.iterations;
    this.slots.length = backup.slots.length;
    for (let i = 0; i < backup.slots.length; i++) {
      const s = this.slots[i]!;
      for (const k in s) s[k]!.set(backup.slots[i]![k]!);
    }
  }

  /** Forgets all state (a new model, or setWeights with another layout). */
  reset(): void {
    this.slots = [];
    this.iterations = 0;
    this.backup = undefined;
  }

  /** A copy of the state: the step count and each weight's slots, in parameter order. */
  getState(): { iterations: number; slots: Record<string, number[]>[] } {
    return {
      iterations: this.iterations,
      slots: this.slots.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.from(v)]))),
    };
  }

  /** Restores a state from `getState`. */
  setState(state: { iterations: number; slots: Record<string, ArrayLike<number>[] | ArrayLike<number>>[] }): void {
    if (!state || !Number.isInteger(state.iterations) || state.iterations < 0 || !Array.isArray(state.slots)) {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer state must be { iterations, slots[] }, got ${describe(state)}`);
    }
    this.slots = state.slots.map((s) =>
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Float64Array.from(v as ArrayLike<number>)])),
    );
    this.iterations = state.iterations;
    this.backup = undefined;
  }

  /** The options that rebuild this optimizer. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = typeof this.learningRate === 'number' ? { learningRate: this.learningRate } : {};
    if (this.clipNorm !== undefined) c.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) c.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== undefined) c.clipValue = this.clipValue;
    return c;
  }
}

function norm(g: Float64Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return Math.sqrt(s);
}

function scale(g: Float64Array, f: number): void {
  if (f === 1) return;
  for (let i = 0; i < g.length; i++) g[i]! *= f;
}

function checkLearningRate(lr: unknown): void {
  if (typeof lr === 'function') return;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new NumnetError('INVALID_ARGUMENT', `learningRate must be a number > 0 or a function of the step, got ${describe(lr)}`);
  }
}

/** A number in [low, high) (or (low, high) with `openLow`), or INVALID_ARGUMENT naming the option. */
export function checkRange(value: unknown, name: string, low: number, high: number, openLow = false): number {
  const ok = typeof value === 'number' && (openLow ? value > low : value >= low) && value < high;
  if (!ok) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${name} must be a number in ${openLow ? '(' : '['}${low}, ${high}), got ${describe(value)}`,
    );
  }
  return value as number;
}
