import { NumnetError, checkOptions, describe } from '../errors.js';

/**
 * Learning-rate schedules: functions of the step (the number of updates already applied, 0 for the
 * first), given as `learningRate` to any optimizer. Same formulas and defaults as Keras's.
 *
 * The built-in schedules carry their options as `config` (`{ name: 'exponentialDecay', … }`), which
 * is how a saved model (`model.toJSON()`) stores them; `scheduleFromConfig` rebuilds one. Any other
 * function is a schedule too, but cannot be saved.
 */
export interface Schedule {
  (step: number): number;
  /** The options that rebuild a built-in schedule (`scheduleFromConfig`); absent on your own functions. */
  readonly config?: ScheduleConfig;
}

/** The saved form of a built-in schedule: its name and the options it was made with. */
export type ScheduleConfig =
  | {
      /** The schedule function. */
      name: 'exponentialDecay';
      /** α₀. */
      initialLearningRate: number;
      /** Steps per factor of `decayRate`. */
      decaySteps: number;
      /** r in α₀·r^(step/decaySteps). */
      decayRate: number;
      /** Whether step/decaySteps is rounded down. */
      staircase: boolean;
    }
  | {
      /** The schedule function. */
      name: 'piecewiseConstantDecay';
      /** The steps where the rate changes. */
      boundaries: number[];
      /** The rates, one more than the boundaries. */
      values: number[];
    }
  | {
      /** The schedule function. */
      name: 'cosineDecay';
      /** α₀. */
      initialLearningRate: number;
      /** Steps from α₀ down to α₀·alpha. */
      decaySteps: number;
      /** The final fraction of α₀. */
      alpha: number;
    };

/** The functions made by this module (so a user function with a `config` property is not taken for one). */
const builtIn = new WeakSet<object>();

function withConfig(rate: (step: number) => number, config: ScheduleConfig): Schedule {
  const f = (step: number): number => {
    if (typeof step !== 'number' || Number.isNaN(step)) {
      throw new NumnetError('INVALID_ARGUMENT', `${config.name}: the step must be a number, got ${describe(step)}`);
    }
    return rate(step);
  };
  Object.defineProperty(f, 'config', { value: Object.freeze(config), enumerable: true });
  builtIn.add(f);
  return f as Schedule;
}

/** The config of a built-in schedule, or undefined for any other function. */
export function scheduleConfig(f: unknown): ScheduleConfig | undefined {
  return typeof f === 'function' && builtIn.has(f) ? (f as Schedule).config : undefined;
}

const SCHEDULE_OPTIONS: Record<ScheduleConfig['name'], readonly string[]> = {
  exponentialDecay: ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase'],
  piecewiseConstantDecay: ['boundaries', 'values'],
  cosineDecay: ['initialLearningRate', 'decaySteps', 'alpha'],
};

/**
 * Rebuilds a built-in schedule from its `config`. An unknown name or option is INVALID_ARGUMENT
 * (the message lists the valid ones).
 */
export function scheduleFromConfig(config: unknown): Schedule {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new NumnetError('INVALID_ARGUMENT', `a schedule config must be { name, ...options }, got ${describe(config)}`);
  }
  const { name, ...options } = config as Record<string, unknown>;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEDULE_OPTIONS, name)) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `unknown schedule ${describe(name)}; the built-in schedules are ${Object.keys(SCHEDULE_OPTIONS).join(', ')}`,
    );
  }
  const known = SCHEDULE_OPTIONS[name as ScheduleConfig['name']];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new NumnetError('INVALID_ARGUMENT', `unknown ${name} option ${JSON.stringify(key)}; the options are ${known.join(', ')}`);
    }
  }
  if (name === 'exponentialDecay') return exponentialDecay(options as Parameters<typeof exponentialDecay>[0]);
  if (name === 'piecewiseConstantDecay') return piecewiseConstantDecay(options as Parameters<typeof piecewiseConstantDecay>[0]);
  return cosineDecay(options as Parameters<typeof cosineDecay>[0]);
}

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number > 0, got ${describe(v)}`);
  }
  return v;
}

function nonNegative(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number ≥ 0, got ${describe(v)}`);
  }
  return v;
}

/**
 * α(step) = α₀ · r^(step/decaySteps), or r^⌊step/decaySteps⌋ with `staircase`.
 */
export function exponentialDecay(options: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): Schedule {
  checkOptions(options, SCHEDULE_OPTIONS.exponentialDecay, 'exponentialDecay');
  const lr0 = positive(options?.initialLearningRate, 'exponentialDecay initialLearningRate');
  const steps = positive(options.decaySteps, 'exponentialDecay decaySteps');
  const rate = positive(options.decayRate, 'exponentialDecay decayRate');
  const staircase = options.staircase ?? false;
  if (typeof staircase !== 'boolean') {
    throw new NumnetError('INVALID_ARGUMENT', `exponentialDecay staircase must be true or false, got ${describe(staircase)}`);
  }
  return withConfig(
    (step) => {
      const p = step / steps;
      return lr0 * rate ** (staircase ? Math.floor(p) : p);
    },
    { name: 'exponentialDecay', initialLearningRate: lr0, decaySteps: steps, decayRate: rate, staircase },
  );
}

/**
 * values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i],
 * and the last value after the last boundary. Boundaries must increase; one more value than
 * boundaries.
 */
export function piecewiseConstantDecay(options: { boundaries: number[]; values: number[] }): Schedule {
  checkOptions(options, SCHEDULE_OPTIONS.piecewiseConstantDecay, 'piecewiseConstantDecay');
  const { boundaries, values } = options ?? ({} as never);
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `piecewiseConstantDecay needs values with one more entry than boundaries, got ${describe(boundaries)} and ${describe(values)}`,
    );
  }
  for (let i = 0; i < boundaries.length; i++) {
    const b: unknown = boundaries[i];
    if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1]!)) {
      throw new NumnetError('INVALID_ARGUMENT', `piecewiseConstantDecay boundaries must be increasing finite numbers, got ${describe(b)} at ${i}`);
    }
  }
  for (let i = 0; i < values.length; i++) nonNegative(values[i], `piecewiseConstantDecay values[${i}]`);
  const b = boundaries.slice();
  const v = values.slice();
  return withConfig(
    (step) => {
      for (let i = 0; i < b.length; i++) if (step <= b[i]!) return v[i]!;
      return v[v.length - 1]!;
    },
    { name: 'piecewiseConstantDecay', boundaries: b.slice(), values: v.slice() },
  );
}

/**
 * Cosine decay from α₀ to α₀·alpha over decaySteps, then constant:
 * α(step) = α₀ · ((1 − alpha) · ½(1 + cos(π · min(step, decaySteps)/decaySteps)) + alpha).
 */
export function cosineDecay(options: { initialLearningRate: number; decaySteps: number; alpha?: number }): Schedule {
  checkOptions(options, SCHEDULE_OPTIONS.cosineDecay, 'cosineDecay');
  const lr0 = positive(options?.initialLearningRate, 'cosineDecay initialLearningRate');
  const steps = positive(options.decaySteps, 'cosineDecay decaySteps');
  const alpha = nonNegative(options.alpha ?? 0, 'cosineDecay alpha');
  return withConfig(
    (step) => {
      const p = Math.min(step, steps) / steps;
      return lr0 * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * p)) + alpha);
    },
    { name: 'cosineDecay', initialLearningRate: lr0, decaySteps: steps, alpha },
  );
}
