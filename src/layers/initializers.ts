import { NumnetError, canonicalName, describe, lookupName } from '../errors.js';
import { Random } from '../random.js';
import { MAX_SIZE } from '../tensor/tensor.js';

/**
 * Fills a new weight of `size` values whose layer maps `fanIn` inputs to `fanOut` outputs.
 * `config` rebuilds it (`{ name, ...options }`).
 */
export interface Initializer {
  /** The name and options that rebuild it (for saving). */
  readonly config: {
    /** The initializer's name ('glorotUniform', …). */
    name: string;
    [option: string]: unknown;
  };
  /** `size` initial values for a weight with the given fan-in and fan-out, drawn from `rng`. */
  init(size: number, fanIn: number, fanOut: number, rng: Random): Float64Array;
}

/** Keras's truncated normal: draws beyond 2σ are redrawn; σ is divided by 0.8796… to keep the variance. */
const TRUNCATION_CORRECTION = 0.8796256610342398;

function truncatedNormal(size: number, stddev: number, rng: Random): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let z: number;
    do z = rng.normal();
    while (z < -2 || z > 2);
    out[i] = z * stddev;
  }
  return out;
}

function uniform(size: number, limit: number, rng: Random): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

/** Glorot/Xavier uniform: U(−√(6/(fanIn + fanOut)), +√(6/(fanIn + fanOut))). Keras's default. */
export const glorotUniform: Initializer = {
  config: { name: 'glorotUniform' },
  init: (size, fanIn, fanOut, rng) => uniform(size, Math.sqrt(6 / (fanIn + fanOut)), rng),
};
/** Glorot normal: truncated normal, σ = √(2/(fanIn + fanOut)). */
export const glorotNormal: Initializer = {
  config: { name: 'glorotNormal' },
  init: (size, fanIn, fanOut, rng) =>
    truncatedNormal(size, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATION_CORRECTION, rng),
};
/** He uniform: U(−√(6/fanIn), +√(6/fanIn)), for ReLU layers. */
export const heUniform: Initializer = {
  config: { name: 'heUniform' },
  init: (size, fanIn, _fanOut, rng) => uniform(size, Math.sqrt(6 / fanIn), rng),
};
/** He normal: truncated normal, σ = √(2/fanIn). */
export const heNormal: Initializer = {
  config: { name: 'heNormal' },
  init: (size, fanIn, _fanOut, rng) => truncatedNormal(size, Math.sqrt(2 / fanIn) / TRUNCATION_CORRECTION, rng),
};
/** LeCun normal: truncated normal, σ = √(1/fanIn), for selu. */
export const lecunNormal: Initializer = {
  config: { name: 'lecunNormal' },
  init: (size, fanIn, _fanOut, rng) => truncatedNormal(size, Math.sqrt(1 / fanIn) / TRUNCATION_CORRECTION, rng),
};
/** All zeros (the default for biases). */
export const zerosInitializer: Initializer = {
  config: { name: 'zeros' },
  init: (size) => new Float64Array(size),
};
/** All ones. */
export const onesInitializer: Initializer = {
  config: { name: 'ones' },
  init: (size) => new Float64Array(size).fill(1),
};

/** Every element `value`. */
export function constant(value = 0): Initializer {
  checkFinite(value, 'constant initializer value');
  return withChecks({ config: { name: 'constant', value }, init: (size) => new Float64Array(size).fill(value) });
}

/** U(minval, maxval); Keras's defaults ±0.05. */
export function randomUniformInitializer(minval = -0.05, maxval = 0.05): Initializer {
  checkFinite(minval, 'randomUniform minval');
  checkFinite(maxval, 'randomUniform maxval');
  return withChecks({
    config: { name: 'randomUniform', minval, maxval },
    init: (size, _i, _o, rng) => {
      const out = new Float64Array(size);
      for (let i = 0; i < size; i++) out[i] = rng.uniform(minval, maxval);
      return out;
    },
  });
}

/** N(mean, stddev²); Keras's defaults 0 and 0.05. */
export function randomNormalInitializer(mean = 0, stddev = 0.05): Initializer {
  checkFinite(mean, 'randomNormal mean');
  checkFinite(stddev, 'randomNormal stddev');
  return withChecks({
    config: { name: 'randomNormal', mean, stddev },
    init: (size, _i, _o, rng) => {
      const out = new Float64Array(size);
      for (let i = 0; i < size; i++) out[i] = rng.normal(mean, stddev);
      return out;
    },
  });
}

/**
 * Checks the arguments of a built-in initializer's `init` (O(1)): a size in [0, MAX_SIZE], fans
 * that are positive numbers, a Random generator. INVALID_ARGUMENT otherwise.
 */
function withChecks(initializer: Initializer): Initializer {
  const init = initializer.init;
  const name = initializer.config.name;
  (initializer as { init: Initializer['init'] }).init = (size, fanIn, fanOut, rng) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `initializer ${name}: size must be an integer in [0, ${MAX_SIZE}], got ${describe(size)}`);
    }
    for (const [k, v] of [['fanIn', fanIn], ['fanOut', fanOut]] as const) {
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
        throw new NumnetError('INVALID_ARGUMENT', `initializer ${name}: ${k} must be a finite number > 0, got ${describe(v)}`);
      }
    }
    if (!(rng instanceof Random)) throw new NumnetError('INVALID_ARGUMENT', `initializer ${name}: rng must be a Random generator, got ${describe(rng)}`);
    return init(size, fanIn, fanOut, rng);
  };
  return initializer;
}

for (const i of [glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, zerosInitializer, onesInitializer]) withChecks(i);

function checkFinite(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number, got ${describe(v)}`);
  }
}

const INITIALIZERS: Record<string, (o: Record<string, unknown>) => Initializer> = {
  glorotUniform: () => glorotUniform,
  glorotNormal: () => glorotNormal,
  heUniform: () => heUniform,
  heNormal: () => heNormal,
  lecunNormal: () => lecunNormal,
  zeros: () => zerosInitializer,
  ones: () => onesInitializer,
  constant: (o) => constant(o.value as number | undefined),
  randomUniform: (o) => randomUniformInitializer(o.minval as number | undefined, o.maxval as number | undefined),
  randomNormal: (o) => randomNormalInitializer(o.mean as number | undefined, o.stddev as number | undefined),
};

/** The options of the initializers that take some (by canonical name). */
const INITIALIZER_OPTION_NAMES: Record<string, readonly string[]> = {
  constant: ['value'],
  randomuniform: ['minval', 'maxval'],
  randomnormal: ['mean', 'stddev'],
};

/** Names a layer config may use for an initializer. */
export type InitializerName = keyof typeof INITIALIZERS;
/** A name, `{ name, ...options }`, or an Initializer. */
export type InitializerSpec =
  | string
  | {
      /** The initializer's name ('constant', 'randomNormal', …). */
      name: string;
      [option: string]: unknown;
    }
  | Initializer;

/** Resolves an initializer spec (UNKNOWN_NAME lists the valid names). */
export function getInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === 'object' && spec !== null && 'init' in spec && typeof spec.init === 'function') {
    return spec as Initializer;
  }
  if (typeof spec === 'object' && spec !== null) {
    if (Array.isArray(spec)) throw new NumnetError('INVALID_ARGUMENT', `an initializer must be a name or { name, ...options }, got ${describe(spec)}`);
    const { name, ...options } = spec as Record<string, unknown>;
    const make = lookupName(INITIALIZERS, name, 'initializer');
    const allowed = INITIALIZER_OPTION_NAMES[canonicalName(name as string)] ?? [];
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        throw new NumnetError(
          'INVALID_ARGUMENT',
          `initializer ${JSON.stringify(name)} has no option ${JSON.stringify(key)}${allowed.length ? `; its options are ${allowed.join(', ')}` : ''}`,
        );
      }
    }
    return make(spec as Record<string, unknown>);
  }
  return lookupName(INITIALIZERS, spec, 'initializer')({});
}
