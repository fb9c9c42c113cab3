/**
 * Fuzzing the constructors and their options (fast-check, fixed seeds; helpers/fuzz-plan.ts):
 * layers, optimizers, losses, metrics, activations, initializers, regularizers, schedules,
 * Sequential and its add, callbacks, Perceptron. For the layers and optimizers a reference written
 * here says whether the options are valid: the constructor succeeds exactly then (with those
 * options), and otherwise throws INVALID_ARGUMENT (UNKNOWN_NAME for a name it does not know).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Activation, Adadelta, Adagrad, Adam, AdamW, Adamax, BinaryCrossentropy, CSVLogger, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity,
  Dense, Dropout, ELU, EarlyStopping, EpochLogger, Flatten, Hinge, Huber, KLDivergence, LambdaCallback, Layer, LeakyReLU, LearningRateScheduler,
  LogCosh, Loss, MeanAbsoluteError, MeanSquaredError, ModelCheckpoint, PReLU, Poisson, SquaredHinge,
  Perceptron, ProgressBar, RMSprop, ReduceLROnPlateau, Regularizer, SGD, Sequential, SparseCategoricalCrossentropy, TerminateOnNaN,
  constant, cosineDecay, exponentialDecay, getActivation, getInitializer, getLoss, getMetric, getOptimizer, l1, l1l2, l2,
  piecewiseConstantDecay, randomNormalInitializer, randomUniformInitializer, scheduleFromConfig,
} from '../../src/node/index.js';
import type { NumnetErrorCode } from '../../src/index.js';
import { outcome, snapshot, weird, weirdArray, weirdScalar } from '../helpers/fuzz.js';
import { plan } from '../helpers/fuzz-plan.js';

const opts = (key: string) => ({ seed: plan(key).seed, numRuns: plan(key).runs });
const canonical = (s: string) => s.replace(/_/g, '').toLowerCase();
const ACTIVATION_NAMES = ['linear', 'step', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'silu', 'gelu', 'geluApproximate', 'softmax'];
const INITIALIZERS: Record<string, string[]> = {
  glorotuniform: [], glorotnormal: [], heuniform: [], henormal: [], lecunnormal: [], zeros: [], ones: [],
  constant: ['value'], randomuniform: ['minval', 'maxval'], randomnormal: ['mean', 'stddev'],
};
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Options objects are plain: `{ … }` or Object.create(null) (not arrays, typed arrays, Maps or class instances). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
};
/** An option with a default: undefined and null both mean "not given". */
const absent = (v: unknown) => v === undefined || v === null;

/** The verdict of a reference check: valid, or the codes the library may give. */
class Verdict {
  codes = new Set<NumnetErrorCode>();
  bad(code: NumnetErrorCode = 'INVALID_ARGUMENT'): void {
    this.codes.add(code);
  }
  get valid(): boolean {
    return this.codes.size === 0;
  }
}

/** Checks `f` against a verdict: success exactly when valid (then `check`), else one of its codes. */
function expectVerdict(f: () => unknown, v: Verdict, check?: (r: never) => void): void {
  const code = outcome(f, v.valid ? [] : [...v.codes], check as (r: unknown) => void);
  expect(code === 'ok', `valid: ${v.valid}, codes ${[...v.codes]}`).toBe(v.valid);
}

function checkName(v: Verdict, name: unknown, names: string[]): void {
  if (typeof name !== 'string') v.bad();
  else if (!names.some((n) => canonical(n) === canonical(name))) v.bad('UNKNOWN_NAME');
}

function checkInitializer(v: Verdict, spec: unknown): void {
  if (absent(spec)) return;
  if (isPlainObject(spec) && typeof spec.init === 'function') return; // a custom one
  if (typeof spec === 'string') return checkName(v, spec, Object.keys(INITIALIZERS));
  if (!isPlainObject(spec)) return v.bad();
  const { name, ...options } = spec;
  checkName(v, name, Object.keys(INITIALIZERS));
  if (!v.valid) return;
  const allowed = INITIALIZERS[canonical(name as string)]!;
  if (Object.keys(options).some((k) => !allowed.includes(k))) return v.bad();
  for (const k of allowed) if (options[k] !== undefined && !isFiniteNumber(options[k])) v.bad();
}

function checkSampleShape(v: Verdict, s: unknown): void {
  if (absent(s)) return;
  if (!Array.isArray(s) || s.length === 0 || s.length > 32) return v.bad();
  const a = Array.from(s as unknown[]);
  if (!a.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 2 ** 28)) return v.bad();
  if ((a as number[]).reduce((p, n) => p * n, 1) > 2 ** 28) v.bad();
}

/** The reference validity of a layer's options. */
function layerVerdict(cls: string, config: unknown): Verdict {
  const v = new Verdict();
  const required = cls === 'Dense' || cls === 'Dropout' || cls === 'Activation';
  if (config === undefined) {
    if (required) v.bad();
    return v;
  }
  if (!isPlainObject(config)) {
    v.bad();
    return v;
  }
  const keys: Record<string, string[]> = {
    Dense: ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'],
    Activation: ['activation'], LeakyReLU: ['alpha'], ELU: ['alpha'], PReLU: ['alphaInitializer'], Dropout: ['rate', 'seed'], Flatten: [],
  };
  if (Object.keys(config).some((k) => !['name', 'inputShape', ...keys[cls]!].includes(k))) v.bad();
  if (!absent(config.name) && (typeof config.name !== 'string' || config.name === '')) v.bad();
  checkSampleShape(v, config.inputShape);
  const act = (a: unknown) => {
    if (isPlainObject(a)) {
      if (typeof a.forward !== 'function' || typeof a.backward !== 'function' || typeof a.name !== 'string' || a.name === '' || typeof a.differentiable !== 'boolean') v.bad();
    } else checkName(v, a, ACTIVATION_NAMES);
  };
  switch (cls) {
    case 'Dense':
      if (typeof config.units !== 'number' || !Number.isInteger(config.units) || config.units < 1 || config.units > 2 ** 28) v.bad();
      if (!absent(config.activation)) act(config.activation);
      if (!absent(config.useBias) && typeof config.useBias !== 'boolean') v.bad();
      checkInitializer(v, config.kernelInitializer);
      checkInitializer(v, config.biasInitializer);
      for (const k of ['kernelRegularizer', 'biasRegularizer']) if (!absent(config[k]) && !(config[k] instanceof Regularizer)) v.bad();
      break;
    case 'Activation':
      if (config.activation === undefined) v.bad();
      else act(config.activation);
      break;
    case 'LeakyReLU':
    case 'ELU':
      if (!absent(config.alpha) && !isFiniteNumber(config.alpha)) v.bad();
      break;
    case 'PReLU':
      if (!absent(config.alphaInitializer) && !isFiniteNumber(config.alphaInitializer)) v.bad();
      break;
    case 'Dropout':
      if (typeof config.rate !== 'number' || !(config.rate >= 0 && config.rate < 1)) v.bad();
      if (!absent(config.seed) && !isFiniteNumber(config.seed)) v.bad();
      break;
  }
  return v;
}

const customActivation = { name: 'cube', differentiable: true, forward: () => {}, backward: () => {} };
const layerValues: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant('')),
  inputShape: fc.oneof(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.constant([2 ** 20, 2 ** 20]), fc.constant([2 ** 29])),
  units: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, -1, 1.5, 2 ** 29, 2 ** 28)),
  activation: fc.constantFrom<unknown>('relu', 'sigmoid', 'leaky_relu', 'LeakyReLU', 'softmax', 'SILU', 'gelu', 'step', 'relu6', 'hard_sigmoid', customActivation, { name: 'x', forward: () => {} }),
  useBias: fc.boolean(),
  kernelInitializer: fc.constantFrom<unknown>('glorotUniform', 'he_normal', 'zeros', 'orthogonal', { name: 'constant', value: 0.5 }, { name: 'randomNormal', mean: 0, stddev: 0.1 }, { name: 'constant', value: 'x' }, { name: 'ones', value: 1 }, { name: 'glorot_uniform' }, { name: 5 }, { init: () => new Float64Array(0), config: { name: 'mine' } }),
  biasInitializer: fc.constantFrom<unknown>('zeros', 'ones', 'Zeros', 'nope', { name: 'constant', value: -1 }, { name: 'constant', value: NaN }),
  kernelRegularizer: fc.constantFrom<unknown>(l2(0.01), l1(0.1), l1l2({ l1: 0.1, l2: 0.2 }), 0.01, { l2: 0.01 }),
  biasRegularizer: fc.constantFrom<unknown>(l2(0.01), 'l2'),
  alpha: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(Infinity)),
  alphaInitializer: fc.double(),
  rate: fc.oneof(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.constantFrom(1, -0.1, 0.5)),
  seed: fc.integer(),
  activaton: fc.constant('relu'),
  batchSize: fc.constant(32),
};

/** Options objects for a class: some of its keys (and a few foreign ones), good or bad values. */
function configArb(keys: string[]): fc.Arbitrary<unknown> {
  const entries = keys.map((k) => [k, fc.oneof({ weight: 5, arbitrary: layerValues[k] ?? weirdScalar }, { weight: 1, arbitrary: weirdScalar }, { weight: 1, arbitrary: weirdArray })] as const);
  return fc.oneof(
    { weight: 10, arbitrary: fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }) },
    { weight: 1, arbitrary: weird },
  );
}

describe('fuzz: layer options', () => {
  it(`Dense, Activation, LeakyReLU, ELU, PReLU, Dropout, Flatten (seed ${plan('layers').seed}, ${plan('layers').runs} runs × 7)`, () => {
    const classes: [string, new (c: never) => Layer, string[]][] = [
      ['Dense', Dense as never, ['name', 'inputShape', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activaton']],
      ['Activation', Activation as never, ['name', 'inputShape', 'activation', 'batchSize']],
      ['LeakyReLU', LeakyReLU as never, ['name', 'inputShape', 'alpha']],
      ['ELU', ELU as never, ['name', 'inputShape', 'alpha']],
      ['PReLU', PReLU as never, ['name', 'inputShape', 'alphaInitializer']],
      ['Dropout', Dropout as never, ['name', 'inputShape', 'rate', 'seed']],
      ['Flatten', Flatten as never, ['name', 'inputShape', 'activaton']],
    ];
    expect(classes.map((c) => c[0])).toEqual(plan('layers').entryPoints);
    fc.assert(
      fc.property(fc.tuple(...classes.map(([, , keys]) => configArb(keys))), (configs) => {
        classes.forEach(([cls, Type], i) => {
          const config = configs[i] as Record<string, unknown> | undefined;
          expectVerdict(() => new Type(config as never), layerVerdict(cls, config), (layer: Layer) => {
            expect(layer).toBeInstanceOf(Layer);
            expect(layer.className).toBe(cls);
            expect(layer.built).toBe(false);
            expect(layer.name).toBe((config?.name as string | undefined | null) ?? '');
            if (config?.inputShape) expect(layer.inputShape).toEqual(Array.from(config.inputShape as number[]));
            if (cls === 'Dense') {
              const d = layer as Dense;
              expect(d.units).toBe(config!.units);
              expect(d.useBias).toBe((config!.useBias as boolean | null) ?? true);
              if (typeof config!.activation === 'string') expect(canonical(d.activation.name)).toBe(canonical(config!.activation === 'silu' || canonical(config!.activation) === 'silu' ? 'swish' : config!.activation));
            }
            if (cls === 'Dropout') expect((layer as Dropout).rate).toBe(config!.rate);
          });
        });
      }),
      opts('layers'),
    );
  });
});

// ------------------------------------------------------------------------------- optimizers

const OPTION_RANGES: Record<string, (v: unknown) => boolean> = {
  momentum: (v) => typeof v === 'number' && v >= 0 && v < 1,
  nesterov: (v) => typeof v === 'boolean',
  initialAccumulatorValue: (v) => isFiniteNumber(v) && v >= 0,
  epsilon: (v) => typeof v === 'number' && v > 0 && v < Infinity,
  rho: (v) => typeof v === 'number' && v > 0 && v < 1,
  centered: (v) => typeof v === 'boolean',
  beta1: (v) => typeof v === 'number' && v >= 0 && v < 1,
  beta2: (v) => typeof v === 'number' && v >= 0 && v < 1,
  amsgrad: (v) => typeof v === 'boolean',
  weightDecay: (v) => typeof v === 'number' && v >= 0 && v < Infinity,
};
/** Each optimizer's own options; every optimizer also takes the base options learningRate, the clipping and weightDecay (Keras 3's base optimizer). */
const OPTIMIZER_KEYS: Record<string, string[]> = {
  sgd: ['momentum', 'nesterov'], adagrad: ['initialAccumulatorValue', 'epsilon'], rmsprop: ['rho', 'momentum', 'epsilon', 'centered'],
  adadelta: ['rho', 'epsilon'], adam: ['beta1', 'beta2', 'epsilon', 'amsgrad'], adamw: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
  adamax: ['beta1', 'beta2', 'epsilon'],
};

function optimizerVerdict(name: string, config: unknown): Verdict {
  const v = new Verdict();
  if (config === undefined) return v;
  if (!isPlainObject(config)) {
    v.bad();
    return v;
  }
  const known = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue', 'weightDecay', ...OPTIMIZER_KEYS[name]!];
  if (Object.keys(config).some((k) => !known.includes(k))) v.bad();
  const lr = config.learningRate;
  if (!absent(lr) && typeof lr !== 'function' && !(isFiniteNumber(lr) && lr >= 0)) v.bad(); // 0 is a rate, as in Keras
  const clips = ['clipNorm', 'globalClipNorm', 'clipValue'].filter((k) => !absent(config[k]));
  if (clips.length > 1) v.bad();
  for (const k of clips) if (!(isFiniteNumber(config[k]) && (config[k] as number) > 0)) v.bad();
  for (const k of [...OPTIMIZER_KEYS[name]!, 'weightDecay']) if (!absent(config[k]) && !OPTION_RANGES[k]!(config[k])) v.bad();
  return v;
}

const optimizerValue: Record<string, fc.Arbitrary<unknown>> = {
  learningRate: fc.oneof(fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.constantFrom<unknown>(0, -0.1, NaN, Infinity, '0.1', (t: number) => 0.1 / (1 + t), exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }))),
  clipNorm: fc.constantFrom(1, 0.5, 0, -1, NaN, Infinity),
  globalClipNorm: fc.constantFrom(1, 0, NaN),
  clipValue: fc.constantFrom(0.5, -0.5, Infinity),
  momentum: fc.oneof(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.constantFrom(1, -0.1)),
  nesterov: fc.boolean(),
  initialAccumulatorValue: fc.constantFrom(0, 0.1, -1, Infinity),
  epsilon: fc.constantFrom(1e-7, 1e-8, 0, -1e-7, Infinity),
  rho: fc.constantFrom(0.9, 0.95, 0, 1, 1.5),
  centered: fc.boolean(),
  beta1: fc.constantFrom(0.9, 0, 0.999, 1, -0.5),
  beta2: fc.constantFrom(0.999, 0, 1, 2),
  amsgrad: fc.boolean(),
  weightDecay: fc.constantFrom(0.004, 0, -0.1, Infinity),
  lr: fc.constant(0.1),
  beta_1: fc.constant(0.9),
  weight_decay: fc.constant(0.004),
  decay: fc.constant(0.01),
};

describe('fuzz: optimizer options', () => {
  it(`SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, getOptimizer (seed ${plan('optimizers').seed}, ${plan('optimizers').runs} runs × 8)`, () => {
    const classes = { sgd: SGD, adagrad: Adagrad, rmsprop: RMSprop, adadelta: Adadelta, adam: Adam, adamw: AdamW, adamax: Adamax };
    const configFor = (name: string) => {
      const keys = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue', 'weightDecay', ...OPTIMIZER_KEYS[name]!, 'lr', 'beta_1', 'weight_decay', 'decay'];
      const rec = fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof({ weight: 6, arbitrary: optimizerValue[k]! }, { weight: 1, arbitrary: weirdScalar })])), { requiredKeys: [] });
      // Mostly one or two options, as people write them.
      return fc.oneof({ weight: 8, arbitrary: rec.map((r) => Object.fromEntries(Object.entries(r).slice(0, 2))) }, { weight: 2, arbitrary: rec }, { weight: 1, arbitrary: weird });
    };
    const names = Object.keys(classes);
    fc.assert(
      fc.property(fc.tuple(...names.map(configFor)), fc.constantFrom<unknown>(...names, 'ADAM', 'Sgd', 'nadam', 'ftrl', '', 5, null), configFor('adam'), (configs, name, config) => {
        names.forEach((n, i) => {
          const Type = classes[n as keyof typeof classes] as unknown as new (c: unknown) => { name: string; learningRate: unknown };
          expectVerdict(() => new Type(configs[i]), optimizerVerdict(n, configs[i]), (o: { name: string; learningRate: unknown }) => {
            expect(o.name).toBe(n);
            const lr = (configs[i] as { learningRate?: unknown } | undefined)?.learningRate;
            if (!absent(lr)) expect(o.learningRate).toBe(lr);
          });
        });
        const v = new Verdict();
        if (typeof name !== 'string') v.bad();
        else if (!names.includes(name.toLowerCase())) v.bad('UNKNOWN_NAME');
        else for (const c of optimizerVerdict(name.toLowerCase(), config).codes) v.bad(c);
        expectVerdict(() => getOptimizer(name as never, config as never), v);
      }),
      opts('optimizers'),
    );
  });
});

// --------------------------------------------------------------------------- lookups and the rest

describe('fuzz: losses, metrics, activations, initializers, regularizers, schedules', () => {
  it(`names and options of every kind (seed ${plan('lookups').seed}, ${plan('lookups').runs} runs × ${plan('lookups').entryPoints.length})`, () => {
    const LOSSES = ['meanSquaredError', 'mse', 'mean_squared_error', 'meanAbsoluteError', 'mae', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'hinge', 'squaredHinge', 'categoricalHinge', 'klDivergence', 'kld', 'kullbackLeiblerDivergence', 'poisson', 'logCosh', 'cosineSimilarity'];
    const METRICS = ['acc', 'accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'meanSquaredError', 'mae', 'meanAbsoluteError', 'hinge', 'squaredHinge', 'categoricalHinge', 'klDivergence', 'poisson', 'logCoshError', 'cosineSimilarity'];
    const name = fc.oneof(
      fc.constantFrom(...LOSSES, ...METRICS, ...ACTIVATION_NAMES, 'Mean_Squared_Error', 'CATEGORICAL_CROSSENTROPY', 'hinge', 'KLD', 'log_cosh_error', 'dice', 'f1', 'relu6', 'glorot_uniform', 'he_normal', 'orthogonal', '', 'constructor', '__proto__', 'toString'),
      weird,
    );
    const options = fc.oneof(fc.constant(undefined), fc.record({ fromLogits: fc.oneof(fc.boolean(), weirdScalar), delta: fc.oneof(fc.double(), weirdScalar) }, { requiredKeys: [] }), weird);
    const lossArb = fc.constantFrom<Loss>(new MeanSquaredError(), new BinaryCrossentropy(), new SparseCategoricalCrossentropy());
    fc.assert(
      fc.property(name, options, weird, weird, lossArb, (n, o, a, b, loss) => {
        // Names: success exactly when the name is known (in any case, snake_case or not).
        const lookup = (f: () => { name: string }, names: string[]) => {
          const v = new Verdict();
          checkName(v, n, names);
          expectVerdict(f, v);
        };
        lookup(() => getLoss(n as never), LOSSES);
        if (n !== undefined) lookup(() => getActivation(n as never), ACTIVATION_NAMES);
        else expect(getActivation(undefined).name).toBe('linear'); // the default
        if (typeof n === 'string' || typeof n !== 'object' || n === null) {
          lookup(() => getMetric(n as never, loss, 3), METRICS);
          lookup(() => getInitializer(n as never) as unknown as { name: string }, Object.keys(INITIALIZERS));
        }
        // Loss classes: options must be an object of their own keys.
        for (const [Type, keys] of [[MeanSquaredError, []], [MeanAbsoluteError, []], [Huber, ['delta']], [BinaryCrossentropy, ['fromLogits']], [CategoricalCrossentropy, ['fromLogits']], [SparseCategoricalCrossentropy, ['fromLogits']], [Hinge, []], [SquaredHinge, []], [CategoricalHinge, []], [KLDivergence, []], [Poisson, []], [LogCosh, []], [CosineSimilarity, []]] as const) {
          const v = new Verdict();
          if (keys.length && o !== undefined) {
            if (!isPlainObject(o) || Object.keys(o).some((k) => !(keys as readonly string[]).includes(k))) v.bad();
            else if (keys[0] === 'fromLogits' && !absent(o.fromLogits) && typeof o.fromLogits !== 'boolean') v.bad();
            else if (keys[0] === 'delta' && !absent(o.delta) && !(isFiniteNumber(o.delta) && o.delta > 0)) v.bad();
          }
          if (keys.length) expectVerdict(() => new (Type as new (o: unknown) => Loss)(o), v);
          else outcome(() => new (Type as new (o: unknown) => Loss)(o), ['INVALID_ARGUMENT']);
        }
        // Initializer factories, regularizers, schedules: anything goes in, a NumnetError or a working object comes out.
        const any: NumnetErrorCode[] = ['INVALID_ARGUMENT', 'UNKNOWN_NAME'];
        outcome(() => constant(a as never), any, () => expect(a === undefined || isFiniteNumber(a)).toBe(true));
        outcome(() => randomUniformInitializer(a as never, b as never), any);
        outcome(() => randomNormalInitializer(a as never, b as never), any);
        for (const r of [() => l1(a as never), () => l2(a as never), () => l1l2(o as never)]) {
          outcome(r, any, (reg) => {
            expect(reg).toBeInstanceOf(Regularizer);
            expect(isFiniteNumber((reg as Regularizer).l1) && (reg as Regularizer).l1 >= 0).toBe(true);
          });
        }
        for (const s of [
          () => exponentialDecay(o as never), () => exponentialDecay({ initialLearningRate: a, decaySteps: b, decayRate: 0.5 } as never),
          () => piecewiseConstantDecay({ boundaries: a, values: b } as never), () => piecewiseConstantDecay(o as never),
          () => cosineDecay({ initialLearningRate: 0.1, decaySteps: a, alpha: b } as never), () => scheduleFromConfig(o),
        ]) {
          outcome(s, any, (f) => {
            expect(typeof f).toBe('function');
            for (const step of [0, 1, 10, 1e6]) {
              const lr = (f as (t: number) => number)(step);
              expect(isFiniteNumber(lr) && lr >= 0).toBe(true);
            }
            outcome(() => (f as (t: unknown) => number)(a), ['INVALID_ARGUMENT']);
          });
        }
      }),
      opts('lookups'),
    );
  });
});

// ------------------------------------------------------------------------- Sequential and add

describe('fuzz: Sequential(layers, options) and add(layer)', () => {
  it(`a rejected construction or add leaves the model and the layers as they were (seed ${plan('sequential').seed}, ${plan('sequential').runs} runs × 2)`, () => {
    const shared = new Dense({ units: 2, inputShape: [3] });
    new Sequential([shared]); // built for [3] by another model
    const layerArb = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('dense', 'dense-input', 'dense-input-2d', 'flatten-input-2d', 'dropout', 'activation', 'prelu', 'named-a', 'named-a2').map((k) => ({ fresh: k })) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(shared, { forward: () => {} }, Object.create(Dense.prototype)) },
      { weight: 1, arbitrary: weird },
    );
    const fresh = (k: string): Layer => {
      switch (k) {
        case 'dense': return new Dense({ units: 2 });
        case 'dense-input': return new Dense({ units: 3, inputShape: [2] });
        case 'dense-input-2d': return new Dense({ units: 2, inputShape: [2, 3] }); // cannot be built: needs a Flatten
        case 'flatten-input-2d': return new Flatten({ inputShape: [2, 3] });
        case 'dropout': return new Dropout({ rate: 0.5 });
        case 'activation': return new Activation({ activation: 'relu' });
        case 'prelu': return new PReLU();
        case 'named-a': return new Dense({ units: 1, name: 'a' });
        default: return new Dense({ units: 1, name: 'a' }); // a second layer named 'a'
      }
    };
    const materialize = (l: unknown) => (l !== null && typeof l === 'object' && 'fresh' in (l as object) ? fresh((l as { fresh: string }).fresh) : l);
    const optionsArb = fc.oneof({ weight: 4, arbitrary: fc.record({ seed: fc.oneof(fc.integer(), weirdScalar), name: fc.oneof(fc.string(), weirdScalar) }, { requiredKeys: [] }) }, { weight: 1, arbitrary: weird });
    const layerState = (l: unknown) => (l instanceof Layer ? JSON.stringify([l.name, l.built, l.outputShape, l.params?.map((p) => Array.from(p.value.data))]) : '');
    fc.assert(
      fc.property(fc.oneof(fc.array(layerArb, { maxLength: 4 }), weird), optionsArb, layerArb, (layersSpec, options, extra) => {
        const layers = Array.isArray(layersSpec) ? layersSpec.map(materialize) : layersSpec;
        const before = Array.isArray(layers) ? layers.map(layerState) : [];
        let model: Sequential | undefined;
        outcome(() => (model = new Sequential(layers as never, options as never)), ['INVALID_ARGUMENT', 'SHAPE_MISMATCH'], () => {
          expect(model!.layers).toEqual(layers === undefined ? [] : Array.from(layers as Layer[]));
        });
        if (!model) {
          // Rejected: every layer passed in is as it was (not renamed, not built).
          if (Array.isArray(layers)) expect(layers.map(layerState)).toEqual(before);
          return;
        }
        const m = model;
        const layer = materialize(extra);
        const snap = snapshot(m);
        const layerBefore = layerState(layer);
        const code = outcome(() => m.add(layer as never), ['INVALID_ARGUMENT', 'SHAPE_MISMATCH']);
        if (code !== 'ok') {
          expect(snapshot(m)).toBe(snap);
          if (!m.layers.includes(layer as Layer)) expect(layerState(layer)).toBe(layerBefore);
        } else {
          expect(m.layers.at(-1)).toBe(layer);
          // A model that is built predicts; one that is not waits for data.
          if (m.built) outcome(() => m.predict(new Array(2).fill(new Array((m.getInputShape() ?? [1]).reduce((p, n) => p * n, 1)).fill(0.5)).map((r) => (m.getInputShape()!.length > 1 ? [r] : r))), ['SHAPE_MISMATCH', 'INVALID_ARGUMENT']);
        }
      }),
      opts('sequential'),
    );
  });
});

// ------------------------------------------------------------------------------- callbacks

describe('fuzz: callbacks, progress and Perceptron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numnet-fuzz-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`options of any kind (seed ${plan('callbacks').seed}, ${plan('callbacks').runs} runs × ${plan('callbacks').entryPoints.length})`, () => {
    const optionArb = fc.oneof(
      { weight: 3, arbitrary: fc.record({ monitor: fc.oneof(fc.constantFrom('val_loss', 'acc', ''), weirdScalar), patience: fc.oneof(fc.nat(5), weirdScalar), minDelta: fc.oneof(fc.double(), weirdScalar), mode: fc.oneof(fc.constantFrom('min', 'max', 'auto', 'best'), weirdScalar), factor: fc.oneof(fc.double({ min: 0, max: 1 }), weirdScalar), verbose: fc.oneof(fc.constantFrom(0, 1, 2), weirdScalar), restoreBestWeights: fc.oneof(fc.boolean(), weirdScalar), inputDim: fc.oneof(fc.integer({ min: 0, max: 4 }), weirdScalar), learningRate: fc.oneof(fc.double(), weirdScalar), epochs: fc.oneof(fc.integer({ min: -1, max: 3 }), weirdScalar), trace: fc.oneof(fc.boolean(), weirdScalar), stream: fc.constantFrom<unknown>({ write: () => true }, {}, null), format: fc.constantFrom<unknown>('numnet', 'tfjs', 'h5', 1) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: weird },
    );
    fc.assert(
      fc.property(optionArb, weird, (o, a) => {
        const codes: NumnetErrorCode[] = ['INVALID_ARGUMENT'];
        outcome(() => new EarlyStopping(o as never), codes);
        outcome(() => new ReduceLROnPlateau(o as never), codes);
        outcome(() => new LearningRateScheduler(a as never), codes, () => expect(typeof a).toBe('function'));
        outcome(() => new TerminateOnNaN(), codes);
        outcome(() => new EpochLogger(a as never), codes, () => expect(a === undefined || typeof a === 'function').toBe(true));
        outcome(() => new ProgressBar(o as never), codes);
        outcome(() => new ModelCheckpoint((typeof a === 'string' ? join(dir, a.replace(/[/\\]/g, '')) : a) as never, o as never), codes);
        outcome(() => new CSVLogger((typeof a === 'string' ? join(dir, a.replace(/[/\\]/g, '')) : a) as never, o as never), codes);
        outcome(() => new LambdaCallback(o as never), codes);
        let p: Perceptron | undefined;
        outcome(() => (p = new Perceptron(o as never)), codes);
        const q = p ?? new Perceptron({ inputDim: 2 });
        const before = JSON.stringify([q.weights, q.bias]);
        const x = isPlainObject(o) && Array.isArray(a) ? a : [[0.4, 0.3], [0.8, 0.6]];
        const code = outcome(() => q.fit(x as never, [0, 1], isPlainObject(o) ? (Object.fromEntries(Object.entries(o).filter(([k]) => k === 'epochs' || k === 'trace')) as never) : (o as never)), ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT']);
        if (code !== 'ok') expect(JSON.stringify([q.weights, q.bias])).toBe(before);
        expect(q.weights.every(Number.isFinite) && Number.isFinite(q.bias)).toBe(true);
      }),
      opts('callbacks'),
    );
  });
});
