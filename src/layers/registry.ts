import { ACTIVATIONS, Activation as ActivationFn } from '../activations/activations.js';
import { NumnetError, canonicalName, describe, fmtShape } from '../errors.js';
import { Activation, ELU, LeakyReLU } from './activation.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Initializer, getInitializer } from './initializers.js';
import { Layer } from './layer.js';
import { PReLU } from './prelu.js';
import { Regularizer } from './regularizers.js';

/**
 * The layer registry: every layer class a saved model may hold, by its `className`, with how to
 * rebuild it from `getConfig()` and what weights it will have. The native format (`src/io/native.ts`)
 * and the TF.js import (`src/io/tfjs.ts`) both build layers through it, so a new layer is saveable
 * once it is listed here.
 */

/** The weight a layer will create, named as its Parameter (`kernel`, `bias`, `alpha`). */
export interface WeightShape {
  name: string;
  shape: number[];
}

export interface LayerEntry {
  /** The class; only instances of exactly this class are saved under its name (a subclass could differ). */
  readonly type: abstract new (...args: never[]) => Layer;
  /** The config keys besides `name` and `inputShape`. */
  readonly keys: readonly string[];
  /** A new (unbuilt) layer from a `getConfig()` object. Throws NumnetError on a bad config. */
  fromConfig(config: Record<string, unknown>): Layer;
  /** `layer.getConfig()`, after checking that every part of it can be rebuilt (INVALID_ARGUMENT otherwise). */
  toConfig(layer: Layer): Record<string, unknown>;
  /**
   * The output shape and the weights the layer builds for samples of `inputShape`, without building
   * it (so a saved model's weights are checked before anything is allocated). SHAPE_MISMATCH when
   * the layer cannot take that input.
   */
  shapes(layer: Layer, inputShape: readonly number[]): { outputShape: number[]; weights: WeightShape[] };
}

const same = (_layer: Layer, s: readonly number[]) => ({ outputShape: s.slice(), weights: [] });

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
function initializerConfig(init: Initializer, what: string): Record<string, unknown> {
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

function regularizerConfig(r: Regularizer, what: string): Record<string, unknown> {
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

function withoutKeys(c: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...c };
  for (const k of keys) delete out[k];
  return out;
}

export const LAYERS: Readonly<Record<string, LayerEntry>> = {
  Dense: {
    type: Dense,
    keys: ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'],
    fromConfig(c) {
      const rest = withoutKeys(c, ['kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer']);
      return new Dense({
        ...(rest as unknown as ConstructorParameters<typeof Dense>[0]),
        ...(c.kernelInitializer !== undefined ? { kernelInitializer: initializerFromConfig(c.kernelInitializer, 'kernelInitializer') } : {}),
        ...(c.biasInitializer !== undefined ? { biasInitializer: initializerFromConfig(c.biasInitializer, 'biasInitializer') } : {}),
        ...(c.kernelRegularizer !== undefined ? { kernelRegularizer: regularizerFromConfig(c.kernelRegularizer, 'kernelRegularizer') } : {}),
        ...(c.biasRegularizer !== undefined ? { biasRegularizer: regularizerFromConfig(c.biasRegularizer, 'biasRegularizer') } : {}),
      });
    },
    toConfig(layer) {
      const d = layer as Dense;
      const c = d.getConfig();
      c.activation = activationName(d.activation, `layer ${d.name}: activation`);
      c.kernelInitializer = initializerConfig(d.kernelInitializer, `layer ${d.name}: kernelInitializer`);
      c.biasInitializer = initializerConfig(d.biasInitializer, `layer ${d.name}: biasInitializer`);
      if (d.kernelRegularizer) c.kernelRegularizer = regularizerConfig(d.kernelRegularizer, `layer ${d.name}: kernelRegularizer`);
      if (d.biasRegularizer) c.biasRegularizer = regularizerConfig(d.biasRegularizer, `layer ${d.name}: biasRegularizer`);
      return c;
    },
    shapes(layer, s) {
      const d = layer as Dense;
      if (s.length !== 1) throw new NumnetError('SHAPE_MISMATCH', `Dense takes samples of shape [features], got ${fmtShape(s)} (put a Flatten layer before it)`);
      const weights = [{ name: 'kernel', shape: [s[0]!, d.units] }];
      if (d.useBias) weights.push({ name: 'bias', shape: [d.units] });
      return { outputShape: [d.units], weights };
    },
  },
  Activation: {
    type: Activation,
    keys: ['activation'],
    fromConfig: (c) => new Activation(c as unknown as ConstructorParameters<typeof Activation>[0]),
    toConfig(layer) {
      const a = layer as Activation;
      return { ...a.getConfig(), activation: activationName(a.activation, `layer ${a.name}: activation`) };
    },
    shapes: same,
  },
  LeakyReLU: {
    type: LeakyReLU,
    keys: ['alpha'],
    fromConfig: (c) => new LeakyReLU(c as ConstructorParameters<typeof LeakyReLU>[0]),
    toConfig: (layer) => layer.getConfig(),
    shapes: same,
  },
  ELU: {
    type: ELU,
    keys: ['alpha'],
    fromConfig: (c) => new ELU(c as ConstructorParameters<typeof ELU>[0]),
    toConfig: (layer) => layer.getConfig(),
    shapes: same,
  },
  PReLU: {
    type: PReLU,
    keys: ['alphaInitializer'],
    fromConfig: (c) => new PReLU(c as ConstructorParameters<typeof PReLU>[0]),
    toConfig: (layer) => layer.getConfig(),
    shapes: (_layer, s) => ({ outputShape: s.slice(), weights: [{ name: 'alpha', shape: s.slice() }] }),
  },
  Dropout: {
    type: Dropout,
    keys: ['rate', 'seed'],
    fromConfig: (c) => new Dropout(c as unknown as ConstructorParameters<typeof Dropout>[0]),
    toConfig: (layer) => layer.getConfig(),
    shapes: same,
  },
  Flatten: {
    type: Flatten,
    keys: [],
    fromConfig: (c) => new Flatten(c),
    toConfig: (layer) => layer.getConfig(),
    shapes: (_layer, s) => ({ outputShape: [s.reduce((p, n) => p * n, 1)], weights: [] }),
  },
};

/** The registry entry for `className` (INVALID_ARGUMENT listing the layer classes otherwise). */
export function layerEntry(className: unknown): LayerEntry {
  if (typeof className === 'string' && Object.prototype.hasOwnProperty.call(LAYERS, className)) return LAYERS[className]!;
  throw new NumnetError(
    'INVALID_ARGUMENT',
    `unknown layer class ${describe(className)}; the layer classes are ${Object.keys(LAYERS).join(', ')}`,
  );
}

/**
 * A layer rebuilt from its saved `{ className, config }`: only the class's own keys (plus `name`
 * and `inputShape`) are accepted, so a misspelt option is an error rather than a silent default.
 */
export function layerFromConfig(className: unknown, config: unknown): Layer {
  const entry = layerEntry(className);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new NumnetError('INVALID_ARGUMENT', `a ${String(className)} config must be an object, got ${describe(config)}`);
  }
  const allowed = ['name', 'inputShape', ...entry.keys];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new NumnetError('INVALID_ARGUMENT', `${String(className)} has no option ${JSON.stringify(key)}; its options are ${allowed.join(', ')}`);
    }
  }
  return entry.fromConfig(config as Record<string, unknown>);
}

/**
 * `{ className, config }` of a layer, or INVALID_ARGUMENT when it cannot be saved: a layer class of
 * your own, or a custom activation, initializer or regularizer inside a built-in one.
 */
export function layerToConfig(layer: Layer): {
  /** The layer's class name. */
  className: string;
  /** Its options (`layer.getConfig()`). */
  config: Record<string, unknown>;
} {
  if (!(layer instanceof Layer)) throw new NumnetError('INVALID_ARGUMENT', `layerToConfig() takes a layer, got ${describe(layer)}`);
  const entry = Object.prototype.hasOwnProperty.call(LAYERS, layer.className) ? LAYERS[layer.className] : undefined;
  if (!entry || layer.constructor !== entry.type) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `layer ${layer.name} (${layer.className}) is not a built-in layer class and cannot be saved; the saveable classes are ${Object.keys(LAYERS).join(', ')}`,
    );
  }
  return { className: layer.className, config: entry.toConfig(layer) };
}
