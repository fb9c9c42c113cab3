import { NumnetError, describe, isPlainObject, withinLimits } from '../errors.js';
import { Backups, allFinite, everyFinite, finite, planBackups } from './buffers.js';
import { clip } from './clipping.js';
import { Hyperparameters, hyperparameterChecks } from './hyperparameters.js';
import type { LearningRate, OptimizerConfig, Slots } from './types.js';
import { parseSlots } from './state.js';
import { decayWeights } from './weight-decay.js';
import type { Parameter } from '../layers/layer.js';
import { resident, updateInKernel } from '../tensor/kernels.js';
import type { UpdateKernel } from '../tensor/wasm/memory.js';
import { Tensor } from '../tensor/tensor.js';

export type { LearningRate, OptimizerConfig, Slots } from './types.js';
export type { Hyperparameter, Hyperparameters, HyperparameterTable } from './hyperparameters.js';
export { checkRange, hyperparameterChecks } from './hyperparameters.js';

const CLIPS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;
/** The options every optimizer takes from the base class, after learningRate. */
const BASE_OPTIONS = [...CLIPS, 'weightDecay'] as const;

/**
 * The base of every optimizer. A subclass declares its options (`static hyperparameters`: each
 * one's default and check; the constructor checks them, sets the fields of those names and
 * `getConfig` lists them), says which state each weight needs (`build`) and what one update of
 * one weight is (`updateStep`: the equation and nothing else).
 *
 * This class keeps the step counter t, resolves the learning rate at t, clips, applies the
 * decoupled weight decay w ← w − αλw (`weightDecay` λ, before each weight's update, as Keras 3's
 * base optimizer; off unless set, except AdamW's table gives it a default) and makes each
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
  /**
   * λ of the decoupled weight decay w ← w − αλw before each update (when set; a class's table may
   * give it a default, as AdamW's 0.004).
   */
  readonly weightDecay: number | undefined;
  /** Number of updates applied so far (t of the last step). */
  iterations = 0;
  private slots: Slots[] = [];
  /** What `apply` restores on failure: a copy of each weight and of each weight's slots (buffers reused). */
  /** The update's transaction: copies of the weights and the state, restored when it fails. */
  private backups = new Backups();
  /** The weights (their value tensors) this optimizer updates, in order, from its first `apply`. */
  private bound: Tensor[] = [];

  /**
   * @param config the options; a key that is neither a base option (learningRate, the clipping,
   *   weightDecay), nor in the class's
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
    if (!isPlainObject(config as unknown)) {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer options must be a plain object, got ${describe(config)}`);
    }
    const own = Object.keys(table).filter((k) => k !== 'learningRate' && k !== 'weightDecay');
    const known = ['learningRate', ...BASE_OPTIONS, ...own, ...optionNames.filter((k) => !(BASE_OPTIONS as readonly string[]).includes(k))];
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
    const decay = config.weightDecay ?? table.weightDecay?.default;
    this.weightDecay = decay === undefined ? undefined : ((table.weightDecay?.check ?? hyperparameterChecks.nonNegative)(decay, `${label} weightDecay`) as number);
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
   * in place (`apply` checks and restores). It may return the sum of every value it wrote (the
   * weight's and the state's): a sum of numbers is finite only when each of them is, so `apply`
   * takes a finite sum as the check of the update — no second pass over the buffers — and checks
   * every value itself when the sum is not finite (an overflowing sum of finite values) or absent.
   */
  protected abstract updateStep(w: Float64Array, g: Float64Array, s: Slots, lr: number, t: number): number | void;

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
    if (typeof lr !== 'number' || lr < 0) {
      throw new NumnetError('INVALID_ARGUMENT', `learningRate schedule gave ${describe(lr)} at step ${t}; it must be a finite number ≥ 0`);
    }
    // An exploding schedule (overflow to Infinity, or NaN) is a training failure like a non-finite
    // loss: fit stops on it cleanly under TerminateOnNaN.
    if (!Number.isFinite(lr)) throw new NumnetError('NON_FINITE_LOSS', `the learning rate at step ${t} is ${lr}; the weights were not updated`);
    return lr;
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
    const backups = this.backups;
    let changed = false;
    try {
      const lr = this.learningRateAt(t);
      // Every gradient is finite (checked before clipping, which would turn an infinity into a
      // finite step).
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        if (!finite(p.grad)) throw restored(`the gradient of ${p.name} is not finite`);
      }
      // The state of weights updated for the first time is made now: none can be made resident
      // while the backups' stage is open.
      for (let i = built; i < params.length; i++) this.slots[i] = residentSlots(this.build(params[i]!.value.data.length));
      // The backups: copied now, or made by a saving update kernel as it reads the old values
      // (none with a decay before the update).
      planBackups(backups, params, this.slots, built, this.weightDecay === undefined ? this.savedSlots() : undefined, this.groups);
      backups.take();
      changed = true;
      clip(this, params);
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        const w = p.value.data;
        const s = this.slots[i]!;
        if (this.weightDecay !== undefined) decayWeights(w, lr, this.weightDecay);
        const save = backups.saveAt(i);
        this.saveTo = save;
        let written: number | void;
        try {
          written = this.updateStep(w, p.grad, s, lr, t);
        } finally {
          // the kernel took the save area (updateSaving set saveTo back to 0): it saved, then updated
          if (save !== 0 && this.saveTo === 0) backups.savedBy(i);
          this.saveTo = 0;
        }
        if (!(typeof written === 'number' && written - written === 0) && !allFinite(w, s)) {
          throw restored(
            everyFinite(w)
              ? `the update made the ${this.name} optimizer's state non-finite (a gradient too large to square?)`
              : `the update made ${p.name} non-finite`,
          );
        }
      }
      this.iterations = t;
    } catch (e) {
      if (changed) backups.restore();
      this.slots.length = built;
      this.iterations = t - 1;
      this.bound.length = bound;
      throw e;
    } finally {
      backups.close();
    }
  }

  /**
   * Where the update kernel of the current `updateStep` call saves the weight and its state before
   * changing them (a byte offset in the WebAssembly memory: the transaction's backup, made in the
   * kernel's pass), or 0. Set by `apply` only for the kernels of `savedSlots()`; `updateSaving` hands
   * it to the kernel and sets it back to 0 when the kernel ran.
   */
  private saveTo = 0;

  /**
   * `updateInKernel` (kernels.ts) for an update kernel that saves the transaction's backup as it reads
   * the old values — its last argument, the address `apply` set for this call (0: none). Returns what
   * the kernel returns, or undefined when it did not run (then nothing was saved or changed).
   * @internal
   */
  protected updateSaving(kernel: UpdateKernel, buffers: readonly (Float64Array | undefined)[], ...scalars: number[]): number | undefined {
    const written = updateInKernel(kernel, buffers, ...scalars, this.saveTo);
    if (written !== undefined) this.saveTo = 0;
    return written;
  }

  /**
   * The names of the state buffers, in order, that the update kernel saves after the weight when
   * `updateStep` runs it through `updateSaving` (it does whenever they are all resident: Adam's, plain SGD's); undefined
   * (the default) when the backups are copied before the update.
   * @internal
   */
  protected savedSlots(): readonly string[] | undefined {
    return undefined;
  }

  /** Scratch lists [weight, …state] of the weights, for the backups (reused from step to step). */
  private groups: Float64Array[][] = [];

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
      throw new NumnetError('INVALID_ARGUMENT', `${this.name}: this optimizer holds state for ${this.slots.length} weights but was given ${params.length}; use one optimizer per model (after changing a layer's trainable, compile again with a new optimizer, as in Keras)`);
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
          `${this.name}: this optimizer was built for other weights (weight ${i}, ${describe(p.name)}, is not the one it updated before); an optimizer belongs to one model: create a new one for each model (after changing a layer's trainable, compile again with a new optimizer, as in Keras)`,
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
    this.backups = new Backups();
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
    // The next update's t = iterations + 1 must still be a safe integer, or the optimizer could never train.
    if (st.iterations >= Number.MAX_SAFE_INTEGER) {
      throw new NumnetError('INVALID_ARGUMENT', `optimizer state iterations ${st.iterations} leaves no next step (at most 2^53 − 2)`);
    }
    const slots = parseSlots(st.slots as unknown[], this.slotNames(), this.name);
    this.slots = slots;
    this.iterations = st.iterations as number;
    this.bound = [];
  }

  /** The options that rebuild this optimizer: learningRate (unless a schedule), the clipping, the table's, and weightDecay when set. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = typeof this.learningRate === 'number' ? { learningRate: this.learningRate } : {};
    if (this.clipNorm !== undefined) c.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) c.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== undefined) c.clipValue = this.clipValue;
    const fields = this as unknown as Record<string, unknown>;
    for (const key in (this.constructor as typeof Optimizer).hyperparameters) if (key !== 'learningRate') c[key] = fields[key];
    if (this.weightDecay !== undefined) c.weightDecay = this.weightDecay;
    return c;
  }
}

/** NON_FINITE_LOSS saying the weights and the state were restored (`apply` restores before it reaches the caller). */
function restored(what: string): NumnetError {
  return new NumnetError('NON_FINITE_LOSS', `${what}; the weights and optimizer state were restored`);
}

/** The state buffers as resident arrays where there are such (kernels.ts: the update then runs in WebAssembly), values kept. */
function residentSlots(s: Slots): Slots {
  for (const k in s) {
    const r = resident(s[k]!.length);
    if (r) {
      r.set(s[k]!);
      s[k] = r;
    }
  }
  return s;
}
