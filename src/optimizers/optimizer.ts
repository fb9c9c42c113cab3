import { NumnetError, describe, isNumericTypedArray, withinLimits } from '../errors.js';
import type { Parameter } from '../layers/layer.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A learning rate: a number, or a schedule — a function of the step, called with the number of
 * updates already applied (0 for the first update, as Keras's schedules are).
 */
export type LearningRate = number | ((step: number) => number);

/** Options every optimizer takes. */
export interface OptimizerConfig {
  /** α: a number, or a function of the step (a schedule). Each optimizer has its own default. */
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
  /** α, or a schedule of the step; callbacks such as `ReduceLROnPlateau` change a numeric one. */
  learningRate: LearningRate;
  /** Each weight's gradient is scaled to norm at most this (when set). */
  readonly clipNorm: number | undefined;
  /** All gradients together are scaled to joint norm at most this (when set). */
  readonly globalClipNorm: number | undefined;
  /** Every gradient element is clamped to [−c, c] (when set). */
  readonly clipValue: number | undefined;
  /** Number of updates applied so far (t of the last step). */
  iterations = 0;
  private slots: Slots[] = [];
  private backup: { iterations: number; slots: Slots[]; bound: number } | undefined;
  /** The weights (their value tensors) this optimizer updates, in order, from its first `apply`. */
  private bound: Tensor[] = [];
  private finite = true;

  /**
   * @param config the options; a key that is neither a base option nor in `optionNames` is an
   *   INVALID_ARGUMENT (a misspelt `beta_1` must not pass silently).
   */
  constructor(config: OptimizerConfig, defaultLearningRate: number, optionNames: readonly string[] = []) {
    if (new.target === Optimizer) {
      throw new NumnetError('INVALID_ARGUMENT', 'Optimizer is abstract: use SGD, Adam, … or a subclass');
    }
    if (!Array.isArray(optionNames) || optionNames.some((n) => typeof n !== 'string')) {
      throw new NumnetError('INVALID_ARGUMENT', `Optimizer: optionNames must be an array of option names, got ${describe(optionNames)}`);
    }
    if (typeof defaultLearningRate !== 'number' || !(defaultLearningRate > 0) || !Number.isFinite(defaultLearningRate)) {
      throw new NumnetError('INVALID_ARGUMENT', `Optimizer: the default learning rate must be a number > 0, got ${describe(defaultLearningRate)}`);
    }
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
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
    const clips = (['clipNorm', 'globalClipNorm', 'clipValue'] as const).filter((k) => config[k] != null);
    if (clips.length > 1) {
      throw new NumnetError('INVALID_ARGUMENT', `set at most one of clipNorm, globalClipNorm, clipValue; got ${clips.join(' and ')}`);
    }
    for (const k of clips) {
      const c = config[k];
      if (typeof c !== 'number' || !(c > 0) || !Number.isFinite(c)) {
        throw new NumnetError('INVALID_ARGUMENT', `${k} must be a finite number > 0, got ${describe(c)}`);
      }
    }
    this.clipNorm = config.clipNorm ?? undefined;
    this.globalClipNorm = config.globalClipNorm ?? undefined;
    this.clipValue = config.clipValue ?? undefined;
  }

  /** The state one weight of `size` values needs, all zeros unless the equation says otherwise. */
  protected abstract build(size: number): Slots;

  /** One update of one weight w with gradient g, state s, learning rate α, at step t. */
  protected abstract updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number | void;

  /** The learning rate α of update t (t = 1 for the first; a schedule is called with t − 1). */
  learningRateAt(t: number): number {
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 1) {
      throw new NumnetError('INVALID_ARGUMENT', `learningRateAt(): t must be an integer ≥ 1, got ${describe(t)}`);
    }
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
    this.checkParams(params);
    const t = this.iterations + 1;
    const lr = this.learningRateAt(t);
    this.clip(params);
    let flag = 0;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let s = this.slots[i];
      if (!s) s = this.slots[i] = this.build(p.value.size);
      const bad = this.updateStep(p.value.data, p.grad, s, lr, t);
      if (bad !== undefined) flag += bad;
    }
    this.iterations = t;
    this.finite = flag === 0;
  }

  /**
   * False when the last `apply` left a non-finite value in the state (an accumulator of g² that
   * overflowed while the weights stayed finite); the model then rolls the update back. Each
   * optimizer reports it from its update loop (`updateStep` returns Σ x·0 over the values it wrote,
   * NaN for any non-finite x); `stateIsFinite()` checks the whole state.
   */
  get lastStateFinite(): boolean {
    return this.finite;
  }

  /**
   * The O(#weights) check before an update: Parameters whose value and grad have one size, the same
   * weights as the updates before (an optimizer belongs to one model, as in Keras: INVALID_ARGUMENT
   * for another model's weights), and state of their sizes. Nothing is changed when it throws.
   */
  private checkParams(params: readonly Parameter[]): void {
    if (!Array.isArray(params)) {
      throw new NumnetError('INVALID_ARGUMENT', `${this.name}.apply() takes the model's parameters (an array), got ${describe(params)}`);
    }
    if (this.slots.length > params.length) {
      throw new NumnetError('INVALID_ARGUMENT', `${this.name}: this optimizer holds state for ${this.slots.length} weights but was given ${params.length}; use one optimizer per model`);
    }
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Parameter | undefined;
      // The same weight tensor as in the updates before: its size and state were checked then.
      if (i < this.bound.length && p !== null && typeof p === 'object' && p.value === this.bound[i]) continue;
      if (!p || !(p.value instanceof Tensor) || !(p.grad instanceof Float64Array) || p.grad.length !== p.value.data.length) {
        throw new NumnetError('INVALID_ARGUMENT', `${this.name}.apply(): parameter ${i} must be { name, value: Tensor, grad: Float64Array of the same size }`);
      }
      if (i < this.bound.length && this.bound[i] !== p.value) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `${this.name}: this optimizer was built for other weights (weight ${i}, ${describe(p.name)}, is not the one it updated before); an optimizer belongs to one model: create a new one for each model`,
        );
      }
      const s = this.slots[i];
      if (s) {
        for (const k in s) {
          if (s[k]!.length !== p.value.data.length) {
            throw new NumnetError('INVALID_ARGUMENT', `${this.name}: its state ${k} for weight ${i} has ${s[k]!.length} values but the weight has ${p.value.data.length}`);
          }
        }
      }
    }
    for (let i = this.bound.length; i < params.length; i++) this.bound.push(params[i]!.value);
  }

  /** Remembers the current state so that `rollback` can restore it (buffers reused). */
  checkpoint(): void {
    const backup = (this.backup ??= { iterations: 0, slots: [], bound: 0 });
    backup.iterations = this.iterations;
    backup.bound = this.bound.length;
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
    this.bound.length = backup.bound;
    this.slots.length = backup.slots.length;
    for (let i = 0; i < backup.slots.length; i++) {
      const s = this.slots[i]!;
      for (const k in s) s[k]!.set(backup.slots[i]![k]!);
    }
  }

  /**
   * True when every value of the state is finite (checked after each update: a gradient so large
   * that g² overflows would otherwise leave an infinite accumulator behind finite weights).
   */
  stateIsFinite(): boolean {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      for (const k in s) {
        const a = s[k]!;
        for (let j = 0; j < a.length; j++) {
          const v = a[j]!;
          if (v - v !== 0) return false;
        }
      }
    }
    return true;
  }

  /** Forgets all state (a new model, or setWeights with another layout). */
  reset(): void {
    this.slots = [];
    this.iterations = 0;
    this.backup = undefined;
    this.bound = [];
  }

  /** A copy of the state: the step count and each weight's slots, in parameter order. */
  getState(): {
    /** Updates applied so far. */
    iterations: number;
    /** Each weight's buffers by name (v, m, G, …), in parameter order. */
    slots: Record<string, number[]>[];
  } {
    return {
      iterations: this.iterations,
      slots: withinLimits(`${this.name}.getState()`, () => this.slots.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.from(v)])))),
    };
  }

  /** Restores a state from `getState`. */
  setState(state: { iterations: number; slots: Record<string, ArrayLike<number>[] | ArrayLike<number>>[] }): void {
    const st = state as unknown as Record<string, unknown> | null;
    if (st === null || typeof st !== 'object' || typeof st.iterations !== 'number' || !Number.isSafeInteger(st.iterations) || st.iterations < 0 || !Array.isArray(st.slots)) {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer state must be { iterations, slots[] }, got ${describe(state)}`);
    }
    // Checked completely before anything changes: each slot has this optimizer's buffers, all of one
    // length, holding finite numbers.
    const slots = (st.slots as unknown[]).map((sv, i) => {
      if (sv === null || typeof sv !== 'object' || Array.isArray(sv)) {
        throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}] must be an object of buffers, got ${describe(sv)}`);
      }
      const entries = Object.entries(sv as Record<string, unknown>);
      const expected = Object.keys(this.build(0)).sort();
      const got = entries.map(([k]) => k).sort();
      if (got.length !== expected.length || got.some((k, j) => k !== expected[j])) {
        throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}] has [${got.join(', ')}] but ${this.name} keeps [${expected.join(', ')}]`);
      }
      const out: Slots = {};
      let size = -1;
      for (const [k, v] of entries) {
        if (!Array.isArray(v) && !isNumericTypedArray(v)) {
          throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}].${k} must be an array of numbers, got ${describe(v)}`);
        }
        const a = new Float64Array(v.length);
        for (let j = 0; j < v.length; j++) {
          const x: unknown = v[j];
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}].${k}[${j}] is ${describe(x)}; it must be a finite number`);
          }
          a[j] = x;
        }
        if (size >= 0 && a.length !== size) {
          throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}]: its buffers have different lengths`);
        }
        size = a.length;
        out[k] = a;
      }
      return out;
    });
    this.slots = slots;
    this.iterations = st.iterations as number;
    this.backup = undefined;
    this.bound = [];
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
