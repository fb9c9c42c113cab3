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
 * One option of an optimizer: its default and its check, which returns the value or throws
 * INVALID_ARGUMENT naming the option (`what` is e.g. 'Adam beta1').
 */
export interface Hyperparameter<T = unknown> {
  /** The value when the option is not given (or is undefined or null). */
  readonly default: T;
  /** Returns the value, or throws a NumnetError naming `what`. */
  readonly check: (value: unknown, what: string) => T;
}

/** An optimizer's table of options: each option's default and check, by name. */
export type Hyperparameters = Readonly<Record<string, Hyperparameter>>;

/**
 * The table of an optimizer whose options are `C`: one entry for learningRate and for each of C's
 * own options (the clipping options belong to the base class), of the option's type — so the
 * table and the `XxxConfig` interface cannot disagree.
 */
export type HyperparameterTable<C extends OptimizerConfig> = {
  readonly [K in Exclude<keyof C, 'clipNorm' | 'globalClipNorm' | 'clipValue'>]-?: Hyperparameter<Exclude<C[K], undefined>>;
};

/** The checks the optimizers' tables use; each returns the value or throws INVALID_ARGUMENT naming `what`. */
export const hyperparameterChecks = {
  /** A number > 0, or a function of the step (a schedule). */
  learningRate: (value: unknown, what: string): LearningRate => {
    if (typeof value === 'function') return value as (step: number) => number;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${what} must be a number > 0 or a function of the step, got ${describe(value)}`);
    }
    return value;
  },
  /** A number in [0, 1). */
  unitInterval: (value: unknown, what: string): number => checkRange(value, what, 0, 1),
  /** A number in (0, 1). */
  openUnitInterval: (value: unknown, what: string): number => checkRange(value, what, 0, 1, true),
  /** A number > 0 (finite). */
  positive: (value: unknown, what: string): number => checkRange(value, what, 0, Infinity, true),
  /** A finite number ≥ 0. */
  nonNegative: (value: unknown, what: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number ≥ 0, got ${describe(value)}`);
    }
    return value;
  },
  /** true or false. */
  boolean: (value: unknown, what: string): boolean => {
    if (typeof value !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `${what} must be true or false, got ${describe(value)}`);
    return value;
  },
} as const;

const CLIPS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;

/**
 * The base of every optimizer. A subclass declares its options (`static hyperparameters`: each
 * one's default and check; the constructor checks them, sets the fields of those names and
 * `getConfig` lists them), says which state each weight needs (`build`) and what one update of
 * one weight is (`updateStep`: the equation and nothing else).
 *
 * This class keeps the step counter t, resolves the learning rate at t, clips, and makes each
 * `apply` a transaction: every gradient must be finite (checked before clipping, which would hide
 * an infinity), and every weight and state buffer an update wrote must be finite after it;
 * otherwise — or if anything throws during the update — the weights, the state and t are restored
 * exactly and it throws.
 */
export abstract class Optimizer {
  /**
   * The optimizer's own options (and the default learningRate), each with its default and check.
   * The constructor checks the given options against it, sets the fields of those names and
   * `getConfig` lists them. A subclass declares its fields with `declare readonly x: T` (a plain
   * field declaration would reset them after the constructor ran).
   */
  static readonly hyperparameters: Hyperparameters = {};
  /** The name the option errors use ('Adam beta1 must be …'). */
  static readonly label: string = 'Optimizer';

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
  /** What `apply` restores on failure: a copy of each weight and of each weight's slots (buffers reused). */
  private saved: { weights: Float64Array[]; slots: Slots[] } = { weights: [], slots: [] };
  /** The weights (their value tensors) this optimizer updates, in order, from its first `apply`. */
  private bound: Tensor[] = [];

  /**
   * @param config the options; a key that is neither a base option, nor in the class's
   *   `hyperparameters`, nor in `optionNames` is an INVALID_ARGUMENT (a misspelt `beta_1` must not
   *   pass silently).
   * @param defaultLearningRate the default α, when the class's table has no learningRate entry.
   * @param optionNames further options the subclass checks and keeps itself.
   */
  constructor(config: OptimizerConfig = {}, defaultLearningRate?: number, optionNames: readonly string[] = []) {
    if (new.target === Optimizer) {
      throw new NumnetError('INVALID_ARGUMENT', 'Optimizer is abstract: use SGD, Adam, … or a subclass');
    }
    const Class = new.target as unknown as { hyperparameters: Hyperparameters; label: string };
    const table = Class.hyperparameters;
    const label = Class.label;
    if (!Array.isArray(optionNames) || optionNames.some((n) => typeof n !== 'string')) {
      throw new NumnetError('INVALID_ARGUMENT', `Optimizer: optionNames must be an array of option names, got ${describe(optionNames)}`);
    }
    const lrDefault = defaultLearningRate ?? table.learningRate?.default;
    if (typeof lrDefault !== 'number' || !(lrDefault > 0) || !Number.isFinite(lrDefault)) {
      throw new NumnetError('INVALID_ARGUMENT', `Optimizer: the default learning rate must be a number > 0, got ${describe(lrDefault)}`);
    }
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer options must be an object, got ${describe(config)}`);
    }
    const own = Object.keys(table).filter((k) => k !== 'learningRate');
    const known = ['learningRate', ...CLIPS, ...own, ...optionNames];
    for (const key of Object.keys(config)) {
      if (!known.includes(key)) {
        throw new NumnetError('INVALID_ARGUMENT', `unknown optimizer option ${JSON.stringify(key)}; the options are ${known.join(', ')}`);
      }
    }
    const lrCheck = table.learningRate?.check ?? hyperparameterChecks.learningRate;
    this.learningRate = lrCheck(config.learningRate ?? lrDefault, `${label} learningRate`) as LearningRate;
    const clips = CLIPS.filter((k) => config[k] != null);
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
    const given = config as Record<string, unknown>;
    const fields = this as unknown as Record<string, unknown>;
    for (const key of own) {
      const h = table[key]!;
      fields[key] = h.check(given[key] ?? h.default, `${label} ${key}`);
    }
  }

  /** The state one weight of `size` values needs, all zeros unless the equation says otherwise. */
  protected abstract build(size: number): Slots;

  /**
   * One update of one weight w with gradient g, state s, learning rate α, at step t: the equation,
   * in place, and nothing else (`apply` checks and restores).
   */
  protected abstract updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): void;

  /** The names of the state buffers each weight gets, in the order `build` creates them (`['m', 'v']` for Adam). */
  slotNames(): string[] {
    return Object.keys(this.build(0));
  }

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

  /**
   * Applies one update to every parameter from its `grad` (clipped first); t counts from 1. A
   * transaction: NON_FINITE_LOSS naming the weight if a gradient is not finite (before clipping) or
   * the update made a weight or the state non-finite, and then — or when anything else throws
   * during the update, such as a schedule giving a bad rate — the weights, the state and
   * `iterations` are exactly as before the call. (The gradients stay clipped.)
   */
  apply(params: readonly Parameter[]): void {
    const bound = this.bound.length;
    this.checkParams(params);
    const t = this.iterations + 1;
    const built = this.slots.length;
    const saved = this.saved;
    let changed = false;
    try {
      const lr = this.learningRateAt(t);
      // Every gradient is finite (checked before clipping, which would turn an infinity into a
      // finite step); the weights are copied (a memcpy: a copy fused into the check loop is slower).
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        if (!finite(p.grad)) throw restored(`the gradient of ${p.name} is not finite`);
        const w = p.value.data;
        let b = saved.weights[i];
        if (!b || b.length !== w.length) b = saved.weights[i] = new Float64Array(w.length);
        b.set(w);
      }
      for (let i = 0; i < built; i++) copySlots(this.slots[i]!, (saved.slots[i] ??= {}));
      changed = true;
      this.clip(params);
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        const w = p.value.data;
        let s = this.slots[i];
        if (!s) s = this.slots[i] = this.build(w.length);
        this.updateStep(w, p.grad, s, lr, t);
        if (!allFinite(w, s)) {
          throw restored(
            everyFinite(w)
              ? `the update made the ${this.name} optimizer's state non-finite (a gradient too large to square?)`
              : `the update made ${p.name} non-finite`,
          );
        }
      }
      this.iterations = t;
    } catch (e) {
      if (changed) {
        for (let i = 0; i < params.length; i++) params[i]!.value.data.set(saved.weights[i]!);
        this.slots.length = built;
        for (let i = 0; i < built; i++) restoreSlots(this.slots[i]!, saved.slots[i]!);
      }
      this.iterations = t - 1;
      this.bound.length = bound;
      throw e;
    }
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

  /** True when every value of the state is finite (`apply` never keeps a state that is not). */
  stateIsFinite(): boolean {
    for (const s of this.slots) for (const k in s) if (!everyFinite(s[k]!)) return false;
    return true;
  }

  /** Forgets all state (a new model, or setWeights with another layout). */
  reset(): void {
    this.slots = [];
    this.iterations = 0;
    this.saved = { weights: [], slots: [] };
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
    const expected = this.slotNames().sort();
    const slots = (st.slots as unknown[]).map((sv, i) => {
      if (sv === null || typeof sv !== 'object' || Array.isArray(sv)) {
        throw new NumnetError('INVALID_ARGUMENT', `optimizer state slots[${i}] must be an object of buffers, got ${describe(sv)}`);
      }
      const entries = Object.entries(sv as Record<string, unknown>);
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
    this.bound = [];
  }

  /** The options that rebuild this optimizer: learningRate (unless a schedule), the clipping, and the table's. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = typeof this.learningRate === 'number' ? { learningRate: this.learningRate } : {};
    if (this.clipNorm !== undefined) c.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) c.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== undefined) c.clipValue = this.clipValue;
    const fields = this as unknown as Record<string, unknown>;
    for (const key in (this.constructor as typeof Optimizer).hyperparameters) if (key !== 'learningRate') c[key] = fields[key];
    return c;
  }
}

/** NON_FINITE_LOSS saying the weights and the state were restored (`apply` restores before it reaches the caller). */
function restored(what: string): NumnetError {
  return new NumnetError('NON_FINITE_LOSS', `${what}; the weights and optimizer state were restored`);
}

/** True when every value of a is finite, tested one by one. */
function everyFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return false;
  return true;
}

/**
 * True when every value of a is finite. A sum stays NaN or ±Infinity once a term is, so four
 * running sums (no test per value: the fastest loop) decide, and only a sum that overflowed from
 * finite terms is looked at value by value.
 */
function finite(a: Float64Array): boolean {
  const n = a.length;
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]!;
  const s = s0 + s1 + (s2 + s3);
  return s - s === 0 || everyFinite(a);
}

/**
 * True when every value of w and of its slots is finite: as `finite`, in one pass over all of them,
 * with a loop for each number of slots up to 3.
 */
function allFinite(w: Float64Array, s: Slots): boolean {
  const n = w.length;
  let count = 0;
  let a = w;
  let b = w;
  let c = w;
  for (const k in s) {
    const x = s[k]!;
    if (count === 0) a = x;
    else if (count === 1) b = x;
    else if (count === 2) c = x;
    count++;
    if (x.length !== n) count = 4;
  }
  if (count === 0) return finite(w);
  if (count > 3) return finite(w) && Object.values(s).every(finite);
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  if (count === 1) {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]!;
      s1 += w[i + 1]! + a[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]!;
  } else if (count === 2) {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]! + b[i]!;
      s1 += w[i + 1]! + a[i + 1]! + b[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]! + b[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]! + b[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]! + b[i]!;
  } else {
    for (; i < n4; i += 4) {
      s0 += w[i]! + a[i]! + b[i]! + c[i]!;
      s1 += w[i + 1]! + a[i + 1]! + b[i + 1]! + c[i + 1]!;
      s2 += w[i + 2]! + a[i + 2]! + b[i + 2]! + c[i + 2]!;
      s3 += w[i + 3]! + a[i + 3]! + b[i + 3]! + c[i + 3]!;
    }
    for (; i < n; i++) s0 += w[i]! + a[i]! + b[i]! + c[i]!;
  }
  const sum = s0 + s1 + (s2 + s3);
  return sum - sum === 0 || (everyFinite(w) && Object.values(s).every(everyFinite));
}

/** Copies each buffer of src into dst (dst's buffers reused when their size fits). */
function copySlots(src: Slots, dst: Slots): void {
  for (const k in src) {
    const from = src[k]!;
    let to = dst[k];
    if (!to || to.length !== from.length) to = dst[k] = new Float64Array(from.length);
    to.set(from);
  }
}

/** Writes the copies back into the slots' own buffers. */
function restoreSlots(s: Slots, copy: Slots): void {
  for (const k in s) {
    const from = copy[k];
    if (from && from.length === s[k]!.length) s[k]!.set(from);
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
