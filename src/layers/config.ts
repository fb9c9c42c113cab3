import { ACTIVATIONS, Activation as ActivationFn } from '../activations/activations.js';
import { NumnetError, canonicalName, describe } from '../errors.js';
import { Initializer, getInitializer } from './initializers.js';
import { Regularizer } from './regularizers.js';

/**
 * The saved forms of what layers hold (activations, initializers, regularizers), for the layers'
 * `spec.toConfig` / `spec.fromConfig`: only the built-in ones can be saved.
 */

/** Options each initializer takes (by canonical name); the others take none. */
const INITIALIZER_OPTIONS: Record<string, readonly string[]> = {
  constant: ['value'],
  randomuniform: ['minval', 'maxval'],
  randomnormal: ['mean', 'stddev'],
};

/**
 * The initializer a config names: a name, or `{ name, ...options }` with only that initializer's
 * options. UNKNOWN_NAME / INVALID_ARGUMENT otherwise.
 */
export function initializerFromConfig(spec: unknown, what: string): Initializer {
  if (typeof spec === 'string') return getInitializer(spec);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be an initializer name or { name, ...options }, got ${describe(spec)}`);
  }
  const { name, ...options } = spec as Record<string, unknown>;
  if (typeof name !== 'string') {
    throw new NumnetError('INVALID_ARGUMENT', `${what}.name must be an initializer name, got ${describe(name)}`);
  }
  const key = canonicalName(name);
  const allowed = Object.prototype.hasOwnProperty.call(INITIALIZER_OPTIONS, key) ? INITIALIZER_OPTIONS[key]! : [];
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `${what}: initializer '${name}' has no option ${JSON.stringify(key)}${allowed.length ? `; its options are ${allowed.join(', ')}` : ''}`,
      );
    }
  }
  return getInitializer(spec as { name: string });
}

/** The saved form of an initializer, checking it is a built-in one. */
export function initializerConfig(init: Initializer, what: string): Record<string, unknown> {
  const config = init.config as unknown;
  try {
    initializerFromConfig(config, what);
  } catch {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${what} is a custom initializer (${describe((config as { name?: unknown } | undefined)?.name)}); only the built-in initializers can be saved`,
    );
  }
  return { ...(config as Record<string, unknown>) };
}

/** A regularizer from `{ l1?, l2? }`. */
export function regularizerFromConfig(spec: unknown, what: string): Regularizer {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be { l1, l2 }, got ${describe(spec)}`);
  }
  for (const key of Object.keys(spec)) {
    if (key !== 'l1' && key !== 'l2') throw new NumnetError('INVALID_ARGUMENT', `${what} has no option ${JSON.stringify(key)}; the options are l1, l2`);
  }
  return new Regularizer(spec as { l1?: number; l2?: number });
}

/** The saved form of a regularizer, checking it is the built-in class (l1, l2, l1l2). */
export function regularizerConfig(r: Regularizer, what: string): Record<string, unknown> {
  if (r.constructor !== Regularizer) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} is a custom regularizer class; only l1, l2 and l1l2 can be saved`);
  }
  return r.getConfig();
}

/** The name of a built-in activation object, or INVALID_ARGUMENT for a custom one. */
export function activationName(act: ActivationFn, what: string): string {
  for (const [name, a] of Object.entries(ACTIVATIONS)) if (a === act && name !== 'silu') return name;
  throw new NumnetError(
    'INVALID_ARGUMENT',
    `${what} is a custom activation (${describe(act.name)}); only the built-in activations can be saved (${Object.keys(ACTIVATIONS).join(', ')})`,
  );
}

/** What a layer with a kernel and a bias (Dense, Conv2D, Conv1D) saves beyond its own options. */
export interface KernelLayer {
  readonly name: string;
  readonly activation: ActivationFn;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  getConfig(): Record<string, unknown>;
}

/**
 * A kernel layer's `getConfig()` with its activation, initializers and regularizers in their saved
 * forms (INVALID_ARGUMENT for a custom one).
 */
export function kernelLayerConfig(l: KernelLayer): Record<string, unknown> {
  const c = l.getConfig();
  c.activation = activationName(l.activation, `layer ${l.name}: activation`);
  c.kernelInitializer = initializerConfig(l.kernelInitializer, `layer ${l.name}: kernelInitializer`);
  c.biasInitializer = initializerConfig(l.biasInitializer, `layer ${l.name}: biasInitializer`);
  if (l.kernelRegularizer) c.kernelRegularizer = regularizerConfig(l.kernelRegularizer, `layer ${l.name}: kernelRegularizer`);
  if (l.biasRegularizer) c.biasRegularizer = regularizerConfig(l.biasRegularizer, `layer ${l.name}: biasRegularizer`);
  return c;
}

/** A kernel layer's saved options with its initializers and regularizers rebuilt from their saved forms. */
export function kernelLayerOptions(c: Record<string, unknown>): Record<string, unknown> {
  const { kernelInitializer: ki, biasInitializer: bi, kernelRegularizer: kr, biasRegularizer: br, ...rest } = c;
  return {
    ...rest,
    ...(ki !== undefined ? { kernelInitializer: initializerFromConfig(ki, 'kernelInitializer') } : {}),
    ...(bi !== undefined ? { biasInitializer: initializerFromConfig(bi, 'biasInitializer') } : {}),
    ...(kr !== undefined ? { kernelRegularizer: regularizerFromConfig(kr, 'kernelRegularizer') } : {}),
    ...(br !== undefined ? { biasRegularizer: regularizerFromConfig(br, 'biasRegularizer') } : {}),
  };
}
