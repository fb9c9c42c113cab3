import type { Activation as ActivationFn } from '../activations/activations.js';
import { NumnetError, canonicalName, describe } from '../errors.js';
import { KernelLayer, activationName } from '../layers/config.js';
import type { Initializer } from '../layers/initializers.js';
import type { Layer } from '../layers/layer.js';
import { Regularizer } from '../layers/regularizers.js';
import { FormatReader } from './format.js';

/**
 * The Keras/TF.js config vocabulary the layers' `spec.tfjs` mappings are written in: one layer's
 * `{ class_name, config }` (snake_case keys), activation strings, initializer and regularizer
 * objects, both ways. `src/io/tfjs.ts` drives the format and calls each layer's mapping.
 */

/** One layer as Keras writes it. */
export interface TFJSLayerJSON {
  /** The Keras class name ('Dense', …). */
  class_name: string;
  /** The layer's Keras config. */
  config: Record<string, unknown>;
}

/** What a layer's TF.js export is told about its place in the model. */
export interface TFJSWriteContext {
  /** `toTFJS(): layer dense (Dense)`: how error messages start. */
  readonly where: string;
  /** The shape of one sample going into the layer. */
  readonly inputShape: readonly number[];
  /** `{ name, trainable }`: the keys every Keras layer config ends with. */
  readonly base: {
    /** The layer's name. */
    name: string;
    /** Always true. */
    trainable: boolean;
  };
  /** A layer name no other layer of the model has, from `base` (for an extra layer). */
  uniqueName(base: string): string;
}

/**
 * How a layer class maps to the TF.js layers format. Its weights are written as
 * `<layer>/<weight>` in the order the layer builds them, and read back by those names.
 */
export interface TFJSLayerSpec<L extends Layer = Layer> {
  /** The Keras class name read as this layer. */
  readonly className: string;
  /** TF.js weight names that differ from numnet's, by numnet name (e.g. movingMean → moving_mean). */
  readonly weights?: Readonly<Record<string, string>>;
  /**
   * The Keras layer(s) of `layer`: usually one; none for a no-op TF.js refuses; two when TF.js
   * needs a separate layer (an activation it has no string for). INVALID_ARGUMENT for what TF.js
   * cannot load.
   */
  toConfig(layer: L, context: TFJSWriteContext): TFJSLayerJSON[];
  /** A new (unbuilt) layer from its Keras config; INVALID_FORMAT naming the bad field. */
  fromConfig(config: TFJSConfig): L;
}

/** numnet activation → TF.js activation string. leakyRelu, step and geluApproximate have none (see activationToTFJS). */
const ACTIVATION_TO_TFJS: Record<string, string> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  gelu: 'gelu',
  softmax: 'softmax',
};

/** TF.js / Keras activation (canonical: lower case, no underscores) → numnet activation: the reverse of the map above, plus Keras's `silu` and TF.js's `gelu_new`. */
const ACTIVATION_FROM_TFJS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ACTIVATION_TO_TFJS).map(([numnet, tfjs]) => [canonicalName(tfjs), numnet])),
  silu: 'swish',
  // TF.js's gelu_new is the tanh form (Keras 3's gelu(x, approximate=True)). Read, never written:
  // tfjs-layers 4.22 writes it but cannot load it back (it looks up 'geluNew').
  gelunew: 'geluApproximate',
};
/** The TF.js activation strings numnet reads, as TF.js spells them (for messages). */
const TFJS_ACTIVATIONS = [...Object.values(ACTIVATION_TO_TFJS), 'silu', 'gelu_new'];

/**
 * The TF.js activation string of a built-in activation, undefined for leakyRelu (TF.js has no
 * such string: the layer is followed by a LeakyReLU layer), or INVALID_ARGUMENT.
 */
export function activationToTFJS(act: ActivationFn, where: string): string | undefined {
  const name = activationName(act, `${where}: activation`);
  if (name === 'leakyRelu') return undefined;
  const t = ACTIVATION_TO_TFJS[name];
  if (t === undefined) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${where}: activation '${name}' cannot be expressed in TF.js${name === 'step' ? " (the step function has no TF.js activation; it is the Perceptron's; use 'sigmoid')" : ''}${name === 'geluApproximate' ? " (TF.js's gelu_new is this function, but tfjs-layers 4.22 cannot load it from a model.json: it looks for 'geluNew'; use 'gelu', the exact form)" : ''}; TF.js export takes ${[...Object.keys(ACTIVATION_TO_TFJS), 'leakyRelu'].join(', ')}`,
    );
  }
  return t;
}

const varianceScaling = (scale: number, mode: string, distribution: string) => ({
  class_name: 'VarianceScaling',
  config: { scale, mode, distribution, seed: null },
});

/** The Keras form of a built-in initializer; INVALID_ARGUMENT for a custom one. */
export function initializerToTFJS(init: Initializer, what: string): TFJSLayerJSON {
  const c = init.config;
  switch (typeof c?.name === 'string' ? canonicalName(c.name) : '') {
    case 'glorotuniform': return varianceScaling(1, 'fan_avg', 'uniform');
    case 'glorotnormal': return varianceScaling(1, 'fan_avg', 'truncated_normal');
    case 'heuniform': return varianceScaling(2, 'fan_in', 'uniform');
    case 'henormal': return varianceScaling(2, 'fan_in', 'truncated_normal');
    case 'lecunnormal': return varianceScaling(1, 'fan_in', 'truncated_normal');
    case 'zeros': return { class_name: 'Zeros', config: {} };
    case 'ones': return { class_name: 'Ones', config: {} };
    case 'constant': return { class_name: 'Constant', config: { value: c.value } };
    case 'randomuniform': return { class_name: 'RandomUniform', config: { minval: c.minval, maxval: c.maxval, seed: null } };
    case 'randomnormal': return { class_name: 'RandomNormal', config: { mean: c.mean, stddev: c.stddev, seed: null } };
    default:
      throw new NumnetError('INVALID_ARGUMENT', `${what} is a custom initializer (${describe(c?.name)}) with no TF.js equivalent`);
  }
}

/** The Keras form of a regularizer (L1L2), null for none; INVALID_ARGUMENT for a custom class. */
export function regularizerToTFJS(r: Regularizer | undefined, what: string): TFJSLayerJSON | null {
  if (!r) return null;
  if (r.constructor !== Regularizer) throw new NumnetError('INVALID_ARGUMENT', `${what} is a custom regularizer class with no TF.js equivalent`);
  return { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } };
}

/** `o[snake]`, or its camelCase spelling (TF.js's in-memory form). */
export function field(o: Record<string, unknown>, snake: string): unknown {
  if (o[snake] !== undefined) return o[snake];
  return o[snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())];
}

/** True for null and undefined (Keras writes null for "none"). */
export const nullish = (v: unknown): v is null | undefined => v === null || v === undefined;

/** One layer's Keras config being read (snake_case keys, or camelCase); problems are INVALID_FORMAT naming `<path>.<key>`. */
export interface TFJSConfig {
  /** The layer's `name` and, on the first layer, `inputShape`: spread them into the options. */
  readonly base: {
    /** The layer's name, if the config has one. */
    name?: string;
    /** The model's input shape, on the first layer. */
    inputShape?: number[];
  };
  /** The field `key` (snake_case, or its camelCase spelling). */
  get(key: string): unknown;
  /** An INVALID_FORMAT error about field `key`. */
  error(key: string, message: string): NumnetError;
  /** Throws unless field `key` is null or absent (a Keras feature numnet lacks: `numnet has no <what>`). */
  mustBeNull(key: string, what: string): void;
  /** The integer field `key`, at least `min`. */
  integer(key: string, min?: number): number;
  /** The numnet activation name of the activation string `key` (linear when absent). */
  activation(key: string): string;
  /** The numnet initializer of the Keras initializer `key`; absent, or one numnet lacks → `fallback`. */
  initializer(key: string, fallback: string): string | Initializer['config'];
  /** The regularizer of the Keras regularizer `key` (L1L2, L1, L2), or undefined when absent. */
  regularizer(key: string): Regularizer | undefined;
}

/** The TFJSConfig of one layer's `config` object at `path`, read by the file's FormatReader. */
export class TFJSConfigReader implements TFJSConfig {
  constructor(
    private readonly reader: FormatReader,
    private readonly config: Record<string, unknown>,
    private readonly path: string,
    readonly base: { name?: string; inputShape?: number[] },
  ) {}

  get(key: string): unknown {
    return field(this.config, key);
  }

  error(key: string, message: string): NumnetError {
    return this.reader.error(`${this.path}.${key}`, message);
  }

  mustBeNull(key: string, what: string): void {
    const v = this.get(key);
    if (!nullish(v)) throw this.error(key, `is ${JSON.stringify(v)}; numnet has no ${what}`);
  }

  integer(key: string, min = 0): number {
    return this.reader.integer(this.get(key), `${this.path}.${key}`, min);
  }

  activation(key: string): string {
    const v = this.get(key);
    if (nullish(v)) return 'linear';
    if (typeof v !== 'string') throw this.error(key, `must be an activation name, got ${describe(v)}`);
    const canonical = canonicalName(v);
    const a = Object.prototype.hasOwnProperty.call(ACTIVATION_FROM_TFJS, canonical) ? ACTIVATION_FROM_TFJS[canonical] : undefined;
    if (a === undefined) {
      throw this.error(
        key,
        `unknown activation ${JSON.stringify(v)}; numnet reads ${TFJS_ACTIVATIONS.join(', ')}${canonical === 'leakyrelu' ? " (Keras's leaky_relu activation has slope 0.2, numnet's 0.01: use a LeakyReLU layer)" : ''}`,
      );
    }
    return a;
  }

  initializer(key: string, fallback: string): string | Initializer['config'] {
    const v = this.get(key);
    if (nullish(v)) return fallback;
    const path = `${this.path}.${key}`;
    let cls: string;
    let c: Record<string, unknown> = {};
    if (typeof v === 'string') cls = v;
    else {
      const o = this.reader.object(v, path);
      cls = this.reader.string(field(o, 'class_name'), `${path}.class_name`);
      if (!nullish(o.config)) c = this.reader.object(o.config, `${path}.config`);
    }
    const num = (k: string, dflt: number): number => {
      const x = c[k] ?? dflt;
      if (typeof x !== 'number' || !Number.isFinite(x)) throw this.reader.error(`${path}.config.${k}`, `must be a finite number, got ${describe(x)}`);
      return x;
    };
    switch (canonicalName(cls)) {
      case 'zeros': return 'zeros';
      case 'ones': return 'ones';
      case 'constant': return { name: 'constant', value: num('value', 0) };
      case 'randomuniform': return { name: 'randomUniform', minval: num('minval', -0.05), maxval: num('maxval', 0.05) };
      case 'randomnormal': return { name: 'randomNormal', mean: num('mean', 0), stddev: num('stddev', 0.05) };
      case 'glorotuniform': return 'glorotUniform';
      case 'glorotnormal': return 'glorotNormal';
      case 'heuniform': return 'heUniform';
      case 'henormal': return 'heNormal';
      case 'lecunnormal': return 'lecunNormal';
      case 'variancescaling': return varianceScalingFromTFJS(num('scale', 1), c, fallback);
      default: return fallback;
    }
  }

  regularizer(key: string): Regularizer | undefined {
    const v = this.get(key);
    if (nullish(v)) return undefined;
    const path = `${this.path}.${key}`;
    const o = this.reader.object(v, path);
    const cls = this.reader.string(field(o, 'class_name'), `${path}.class_name`);
    const c = nullish(o.config) ? {} : this.reader.object(o.config, `${path}.config`);
    const kind = canonicalName(cls);
    if (kind !== 'l1l2' && kind !== 'l1' && kind !== 'l2') {
      throw this.reader.error(`${path}.class_name`, `unknown regularizer ${JSON.stringify(cls)}; numnet reads L1L2, L1, L2`);
    }
    return this.reader.wrap(path, () => new Regularizer({ l1: (c.l1 ?? 0) as number, l2: (c.l2 ?? 0) as number }));
  }
}

/** The numnet initializer a Keras VarianceScaling config equals, or `fallback`. */
function varianceScalingFromTFJS(scale: number, c: Record<string, unknown>, fallback: string): string {
  const mode = canonicalName(String(c.mode ?? 'fan_in'));
  const dist = canonicalName(String(c.distribution ?? 'truncated_normal'));
  const normal = dist === 'normal' || dist === 'truncatednormal';
  if (scale === 1 && mode === 'fanavg' && dist === 'uniform') return 'glorotUniform';
  if (scale === 1 && mode === 'fanavg' && normal) return 'glorotNormal';
  if (scale === 2 && mode === 'fanin' && dist === 'uniform') return 'heUniform';
  if (scale === 2 && mode === 'fanin' && normal) return 'heNormal';
  if (scale === 1 && mode === 'fanin' && normal) return 'lecunNormal';
  return fallback;
}

/**
 * The Keras config of a layer with a kernel and a bias (Dense, Conv2D, Conv1D): its `own` fields,
 * then activation, use_bias, initializers, regularizers, null constraints and `base`. TF.js has no
 * leakyRelu activation string: such a layer is followed by a LeakyReLU layer of slope 0.01.
 */
export function kernelLayerToTFJS(l: KernelLayer & { readonly useBias: boolean; readonly className: string }, own: Record<string, unknown>, ctx: TFJSWriteContext): TFJSLayerJSON[] {
  const { where, base, uniqueName } = ctx;
  const act = activationToTFJS(l.activation, where);
  const config: Record<string, unknown> = {
    ...own,
    activation: act ?? 'linear',
    use_bias: l.useBias,
    kernel_initializer: initializerToTFJS(l.kernelInitializer, `${where}: kernelInitializer`),
    bias_initializer: initializerToTFJS(l.biasInitializer, `${where}: biasInitializer`),
    kernel_regularizer: regularizerToTFJS(l.kernelRegularizer, `${where}: kernelRegularizer`),
    bias_regularizer: regularizerToTFJS(l.biasRegularizer, `${where}: biasRegularizer`),
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    ...base,
  };
  const layer = { class_name: l.className, config };
  if (act !== undefined) return [layer];
  return [layer, { class_name: 'LeakyReLU', config: { alpha: 0.01, name: uniqueName(`${l.name}_leaky_re_lu`), trainable: true } }];
}

/** The options a kernel layer's Keras config gives besides its own: activation, useBias, initializers, regularizers (no constraints). */
export function kernelLayerFromTFJS(c: TFJSConfig): {
  activation: string;
  useBias: boolean;
  kernelInitializer: string | Initializer['config'];
  biasInitializer: string | Initializer['config'];
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
} {
  for (const k of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) c.mustBeNull(k, k.replace('_', ' ') + 's');
  const useBias = c.get('use_bias') ?? true;
  if (typeof useBias !== 'boolean') throw c.error('use_bias', `must be true or false, got ${describe(useBias)}`);
  const kernelRegularizer = c.regularizer('kernel_regularizer');
  const biasRegularizer = c.regularizer('bias_regularizer');
  return {
    activation: c.activation('activation'),
    useBias,
    kernelInitializer: c.initializer('kernel_initializer', 'glorotUniform'),
    biasInitializer: c.initializer('bias_initializer', 'zeros'),
    ...(kernelRegularizer ? { kernelRegularizer } : {}),
    ...(biasRegularizer ? { biasRegularizer } : {}),
  };
}
