/**
 * The fuzz plan: every property of test/fuzz-*.test.ts with its fixed seed, its number of runs and
 * the entry points each run calls. docs/reliability.md shows `renderPlanTable()` verbatim (a test
 * checks it), so the counts in the docs are the counts that run.
 */
export interface PlanEntry {
  /** The property's key (used by the tests). */
  key: string;
  /** What it checks, for the docs. */
  what: string;
  /** The entry points each run calls. */
  entryPoints: string[];
  runs: number;
  seed: number;
  file: string;
  /** For the sweeps over every export / method: at least this many entry points (the test checks). */
  atLeast?: number;
}

const TENSOR_OPS = ['add', 'sub', 'mul', 'div', 'pow'];
const LAYERS = ['Dense', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'Dropout', 'Flatten'];
const OPTIMIZERS = ['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'getOptimizer'];

export const PLAN: PlanEntry[] = [
  // test/fuzz/tensor.test.ts
  { key: 'tensor-chaos', what: 'any values and shape: a valid tensor holding exactly the input, or SHAPE_MISMATCH / INVALID_ARGUMENT', entryPoints: ['tensor'], runs: 2000, seed: 101, file: 'fuzz/tensor' },
  { key: 'tensor-defect', what: 'nested arrays with one defect (ragged, a non-number, a hole, typed rows, frozen): the exact code, or the right values', entryPoints: ['tensor'], runs: 1000, seed: 102, file: 'fuzz/tensor' },
  { key: 'constructors', what: 'shapes and values of every kind; success exactly when the shape is valid', entryPoints: ['zeros', 'ones', 'fill', 'randomUniform', 'randomNormal'], runs: 500, seed: 103, file: 'fuzz/tensor' },
  { key: 'reshape', what: 'target shapes with -1, 0, fractions, negatives, huge sizes: the reference result or code', entryPoints: ['reshape', 'Tensor.reshape'], runs: 600, seed: 104, file: 'fuzz/tensor' },
  { key: 'broadcast', what: 'random shapes, broadcastable or not, as tensors or nested arrays: equal to a naive broadcast, or SHAPE_MISMATCH', entryPoints: TENSOR_OPS, runs: 600, seed: 105, file: 'fuzz/tensor' },
  { key: 'matmul', what: 'random sizes and transpose flags (booleans or not): equal to a naive product, or the code', entryPoints: ['matMul'], runs: 600, seed: 106, file: 'fuzz/tensor' },
  { key: 'reductions', what: 'random tensors, axes (in range, out of range, fractional, strings) and keepDims: equal to a naive reduction, or INVALID_ARGUMENT', entryPoints: ['sum', 'mean', 'max', 'argMax'], runs: 600, seed: 107, file: 'fuzz/tensor' },
  { key: 'rows', what: 'transpose permutations, slice bounds, gather indices, concat lists and axes: the reference result, or the code', entryPoints: ['transpose', 'slice', 'gather', 'concat'], runs: 500, seed: 108, file: 'fuzz/tensor' },
  { key: 'elementwise', what: 'unary functions and map (with an f that returns anything): the reference result, or INVALID_ARGUMENT', entryPoints: ['exp', 'log', 'sqrt', 'abs', 'map'], runs: 400, seed: 109, file: 'fuzz/tensor' },
  { key: 'tensor-any', what: 'every tensor function and Tensor method with 0–4 arguments of any kind', entryPoints: ['tensor', 'zeros', 'ones', 'fill', 'randomUniform', 'randomNormal', 'reshape', 'toTensor', ...TENSOR_OPS, 'map', 'exp', 'log', 'sqrt', 'abs', 'matMul', 'transpose', 'sum', 'mean', 'max', 'argMax', 'slice', 'gather', 'concat', 'broadcastShapes', 'gemm', 'erf', 'erfc', 'activate', 'activationGradient', 'new Tensor', 'Tensor.get', 'Tensor.reshape', 'Tensor.toArray'], runs: 300, seed: 110, file: 'fuzz/tensor' },
  // test/fuzz/config.test.ts
  { key: 'layers', what: 'layer options (known keys with good and bad values, unknown keys, non-objects): success exactly when valid, else INVALID_ARGUMENT / UNKNOWN_NAME', entryPoints: LAYERS, runs: 800, seed: 201, file: 'fuzz/config' },
  { key: 'optimizers', what: 'optimizer options (learning rates, betas, epsilons, clipping, schedules, unknown keys): success exactly when valid', entryPoints: OPTIMIZERS, runs: 500, seed: 202, file: 'fuzz/config' },
  { key: 'lookups', what: 'names and options of losses, metrics, activations, initializers, regularizers, schedules', entryPoints: ['getLoss', 'MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'Hinge', 'SquaredHinge', 'CategoricalHinge', 'KLDivergence', 'Poisson', 'LogCosh', 'CosineSimilarity', 'getMetric', 'getActivation', 'getInitializer', 'constant', 'randomUniformInitializer', 'randomNormalInitializer', 'l1', 'l2', 'l1l2', 'exponentialDecay', 'piecewiseConstantDecay', 'cosineDecay', 'scheduleFromConfig'], runs: 300, seed: 203, file: 'fuzz/config' },
  { key: 'sequential', what: 'Sequential(layers, options) and add(layer) with bad layers and options: a rejected call leaves the model and the layers as they were', entryPoints: ['new Sequential', 'Sequential.add'], runs: 600, seed: 204, file: 'fuzz/config' },
  { key: 'callbacks', what: 'callback, Perceptron and progress options of any kind', entryPoints: ['EarlyStopping', 'ReduceLROnPlateau', 'LearningRateScheduler', 'TerminateOnNaN', 'EpochLogger', 'ProgressBar', 'ModelCheckpoint', 'CSVLogger', 'LambdaCallback', 'Perceptron', 'Perceptron.fit'], runs: 300, seed: 205, file: 'fuzz/config' },
  // test/fuzz/model.test.ts
  { key: 'compile', what: 'optimizer, loss and metrics of every kind (unknown names, bad option values, missing loss): success exactly when valid; a rejected compile changes nothing', entryPoints: ['Sequential.compile'], runs: 1000, seed: 301, file: 'fuzz/model' },
  { key: 'fit', what: 'data with one defect (x/y lengths, widths, labels out of range, NaN/Infinity rows, empty) and options of every kind (batchSize 0 or > n, epochs 0, validationSplit outside [0, 1), weights, callbacks, unknown keys): the predicted code and an unchanged model, or a trained one', entryPoints: ['Sequential.fit'], runs: 1000, seed: 302, file: 'fuzz/model' },
  { key: 'train-eval-predict', what: 'the same defects for trainOnBatch, evaluate and predict; predict and evaluate never change the model', entryPoints: ['Sequential.trainOnBatch', 'Sequential.evaluate', 'Sequential.predict'], runs: 800, seed: 303, file: 'fuzz/model' },
  { key: 'set-weights', what: 'wrong counts, shapes, NaN, holes, typed arrays, nested arrays: the exact code and unchanged weights, or exactly the weights given', entryPoints: ['Sequential.setWeights'], runs: 600, seed: 304, file: 'fuzz/model' },
  { key: 'model-any', what: 'every public Sequential method with 0–3 arguments of any kind, on built and unbuilt models; rejected calls change nothing', entryPoints: ['fit', 'evaluate', 'predict', 'trainOnBatch', 'setWeights', 'compile', 'add', 'computeGradients', 'getWeights', 'countParams', 'summary', 'toJSON', 'setRandomState', 'gradCheck'], runs: 200, seed: 305, file: 'fuzz/model' },
  // test/fuzz/io.test.ts
  { key: 'native-fields', what: 'a saved model with one field replaced, removed or added (any value, at any depth): INVALID_FORMAT naming it, or a working model', entryPoints: ['Sequential.fromJSON'], runs: 1000, seed: 401, file: 'fuzz/io' },
  { key: 'tfjs-fields', what: 'TF.js artifacts with one field replaced, removed or added: INVALID_FORMAT, or a working model', entryPoints: ['fromTFJS', 'parseTFJSModelJSON'], runs: 600, seed: 402, file: 'fuzz/io' },
  { key: 'io-any', what: 'the loaders and writers with arguments of any kind (in memory and files)', entryPoints: ['Sequential.fromJSON', 'fromTFJS', 'parseTFJSModelJSON', 'toTFJS', 'toTFJSModelJSON', 'layerFromConfig', 'load', 'save'], runs: 200, seed: 403, file: 'fuzz/io' },
  // test/fuzz/exports.test.ts
  { key: 'exports', what: 'every function and class exported by numnet and numnet/node, called with 0–4 arguments of any kind', entryPoints: ['(every export: see the test)'], atLeast: 100, runs: 300, seed: 501, file: 'fuzz/exports' },
  { key: 'methods', what: 'every public method of layers, losses, metrics, activations, optimizers, initializers, regularizers, Random, Perceptron, with arguments of any kind', entryPoints: ['(every public method: see the test)'], atLeast: 120, runs: 200, seed: 502, file: 'fuzz/exports' },
];

/**
 * The plan entry of a property (its seed and runs). To explore beyond the fixed seeds, set
 * NUMNET_FUZZ_SEED (added to every seed) and NUMNET_FUZZ_RUNS (a multiplier of the runs); CI uses
 * neither.
 */
export function plan(key: string): PlanEntry {
  const e = PLAN.find((p) => p.key === key);
  if (!e) throw new Error(`no fuzz plan entry ${key}`);
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const offset = Number(env.NUMNET_FUZZ_SEED ?? 0);
  const factor = Number(env.NUMNET_FUZZ_RUNS ?? 1);
  return offset || factor !== 1 ? { ...e, seed: e.seed + offset, runs: Math.round(e.runs * factor) } : e;
}

/** Entry points × runs; for 'exports' and 'methods' the tests report the number they call. */
export function cases(e: PlanEntry, counted?: number): number {
  return (counted ?? e.entryPoints.length) * e.runs;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The Markdown table of the plan that docs/reliability.md shows (a test checks it is there, verbatim). */
export function renderPlanTable(): string {
  const rows = PLAN.map((e) => {
    const eps = e.atLeast ? `${e.atLeast}+ (${e.key === 'exports' ? 'every export' : 'every public method'})` : e.entryPoints.map((n) => `\`${n}\``).join(', ');
    const count = e.atLeast ?? e.entryPoints.length;
    return `| ${e.file} | ${eps} | ${e.what} | ${fmt(e.runs)} | ${e.atLeast ? `${fmt(count * e.runs)}+` : fmt(count * e.runs)} |`;
  });
  const total = PLAN.reduce((s, e) => s + (e.atLeast ?? e.entryPoints.length) * e.runs, 0);
  return [
    '| test/… | entry points | what each run tries | runs | entry points × runs |',
    '|---|---|---|---:|---:|',
    ...rows,
    `| **total** | | | | **${fmt(total)}+** |`,
  ].join('\n');
}
