/**
 * Fuzzing the model API (fast-check, fixed seeds; helpers/fuzz-plan.ts): compile, fit,
 * trainOnBatch, evaluate, predict, setWeights and every other public method, on models of every
 * kind (built or not, compiled or not, regression, softmax, sparse labels, sigmoid, the step
 * function). Each run injects at most one defect — in the data or in the options — and a reference
 * written here predicts the outcome: the call succeeds, or throws a NumnetError with that code and
 * leaves the model exactly as it was (weights, optimizer state, compile config, generators,
 * built state: helpers/fuzz.ts `snapshot`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Activation, Adam, Dense, Dropout, Huber, Loss, NumnetError, SGD, Sequential, Tensor, binaryAccuracy, gradCheck, tensor, zeros,
} from '../../src/index.js';
import type { NumnetErrorCode } from '../../src/index.js';
import { outcome, outcomeAsync, snapshot, weird, weirdArray, weirdScalar } from '../helpers/fuzz.js';
import { plan } from '../helpers/fuzz-plan.js';

// summary() called with no printFn prints its table with console.log, thousands of times here: kept
// quiet (the test checks what it returns; the stream of logs to the runner only slowed it down).
beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => {}));
afterAll(() => vi.restoreAllMocks());

const opts = (key: string) => ({ seed: plan(key).seed, numRuns: plan(key).runs });
const canonical = (s: string) => s.replace(/_/g, '').toLowerCase();

// ------------------------------------------------------------------------------------ models

type Kind = 'mse' | 'unbuilt' | 'softmax' | 'sparse' | 'binary' | 'uncompiled' | 'step';
const KINDS: Kind[] = ['mse', 'unbuilt', 'softmax', 'sparse', 'binary', 'uncompiled', 'step'];
const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'adamw'];

/** A fresh small model of a kind, with 3 input features. */
function makeModel(kind: Kind, optimizer: string, seed: number): Sequential {
  const compile = (m: Sequential, loss: string, metrics: string[] = []) => m.compile({ optimizer, loss, metrics });
  switch (kind) {
    case 'mse': {
      const m = new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new Dense({ units: 2 })], { seed });
      compile(m, 'mse', ['mae']);
      return m;
    }
    case 'unbuilt': {
      const m = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dropout({ rate: 0.3 }), new Dense({ units: 2 })], { seed });
      compile(m, 'mse');
      return m;
    }
    case 'softmax': {
      const m = new Sequential([new Dense({ units: 3, inputShape: [3] }), new Activation({ activation: 'softmax' })], { seed });
      compile(m, 'categoricalCrossentropy', ['acc']);
      return m;
    }
    case 'sparse': {
      const m = new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new Dropout({ rate: 0.2 }), new Dense({ units: 3, activation: 'softmax' })], { seed });
      compile(m, 'sparse_categorical_crossentropy', ['acc']);
      return m;
    }
    case 'binary': {
      const m = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [3] })], { seed });
      compile(m, 'binaryCrossentropy', ['acc']);
      return m;
    }
    case 'uncompiled':
      return new Sequential([new Dense({ units: 2, inputShape: [3] })], { seed });
    default: {
      const m = new Sequential([new Dense({ units: 2, activation: 'step', inputShape: [3] })], { seed });
      compile(m, 'mse');
      return m;
    }
  }
}

const outputWidth = (k: Kind) => (k === 'softmax' || k === 'sparse' ? 3 : k === 'binary' ? 1 : 2);

/** Valid data for a kind: x [n, 3] in [−1, 1], y as the loss wants it. */
function makeData(kind: Kind, n: number, seed: number): { x: number[][]; y: unknown[] } {
  let s = seed >>> 0;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const x = Array.from({ length: n }, () => [r(), r(), r()]);
  const y = x.map((row, i) => {
    const c = (i + (row[0]! > 0 ? 1 : 0)) % 3;
    if (kind === 'softmax') return [0, 1, 2].map((j) => (j === c ? 1 : 0));
    if (kind === 'sparse') return c;
    if (kind === 'binary') return [c % 2];
    return [row[0]! - row[1]!, row[2]!];
  });
  return { x, y };
}

// ------------------------------------------------------------------------------------ defects

const DATA_DEFECTS = ['none', 'rows-mismatch', 'x-width', 'x-rank', 'y-width', 'label-range', 'x-nan', 'y-nan', 'x-empty', 'x-ragged', 'x-string', 'x-hole', 'x-typed-rows', 'x-frozen', 'x-weird', 'y-weird'] as const;
type DataDefect = (typeof DATA_DEFECTS)[number];

/** Applies a data defect; returns x, y and (for NaN rows) the row that must be named. */
function withDefect(kind: Kind, defect: DataDefect, x: number[][], y: unknown[], k: number, weirdValue: unknown): { x: unknown; y: unknown; row?: number } {
  const n = x.length;
  const i = k % n;
  switch (defect) {
    case 'rows-mismatch':
      return { x, y: k % 2 ? [...y, y[0]] : y.slice(1) };
    case 'x-width':
      return { x: x.map((r) => (k % 2 ? [...r, 0.5] : r.slice(1))), y };
    case 'x-rank':
      return { x: x[0], y };
    case 'y-width':
      return { x, y: kind === 'sparse' ? y.map((c) => [c, 0]) : (y as number[][]).map((r) => [...r, 0]) };
    case 'label-range':
      if (kind !== 'sparse') return { x, y };
      return { x, y: y.map((c, j) => (j === i ? [3, -1, 0.5, 2 ** 40][k % 4] : c)) };
    case 'x-nan':
      return { x: x.map((r, j) => (j === i ? [r[0]!, [NaN, Infinity, -Infinity][k % 3]!, r[2]!] : r)), y, row: i };
    case 'y-nan':
      return { x, y: y.map((c, j) => (j === i ? (Array.isArray(c) ? c.map(() => NaN) : NaN) : c)), row: i };
    case 'x-empty':
      return { x: zeros([0, 3]), y: kind === 'sparse' ? [] : zeros([0, outputWidth(kind)]) };
    case 'x-ragged':
      if (n === 1) return { x: [x[0], x[0]!.slice(0, 2)], y }; // one short row alone would just be narrower
      return { x: x.map((r, j) => (j === i ? r.slice(0, 2) : r)), y };
    case 'x-string':
      return { x: x.map((r, j) => (j === i ? [r[0], String(r[1]), r[2]] : r)), y };
    case 'x-hole': {
      const holed = x.map((r) => r.slice());
      delete holed[i]![1];
      return { x: holed, y };
    }
    case 'x-typed-rows':
      return { x: x.map((r) => Float64Array.from(r)), y };
    case 'x-frozen':
      return { x: Object.freeze(x.map((r) => Object.freeze(r.slice()))), y };
    case 'x-weird':
      return { x: weirdValue, y };
    case 'y-weird':
      return { x, y: weirdValue };
    default:
      return { x, y };
  }
}

/** The code a data defect gives (before the model checks trainability), or 'ok'. */
function dataCode(kind: Kind, defect: DataDefect, call: 'fit' | 'trainOnBatch' | 'evaluate' | 'predict'): NumnetErrorCode[] | 'ok' | 'any' {
  const usesY = call !== 'predict';
  const built = kind !== 'unbuilt';
  switch (defect) {
    case 'rows-mismatch': case 'y-width': return usesY ? ['SHAPE_MISMATCH'] : 'ok';
    case 'x-width': return built ? ['SHAPE_MISMATCH'] : 'ok';
    case 'x-rank': case 'x-ragged': return ['SHAPE_MISMATCH'];
    case 'label-range': return usesY && kind === 'sparse' ? ['INVALID_ARGUMENT'] : 'ok';
    case 'x-nan': return ['NON_FINITE_INPUT'];
    case 'y-nan': return usesY ? ['NON_FINITE_INPUT'] : 'ok';
    case 'x-empty': return call === 'predict' ? 'ok' : ['INVALID_ARGUMENT'];
    case 'x-string': case 'x-hole': return ['INVALID_ARGUMENT'];
    case 'x-weird': case 'y-weird': return 'any';
    default: return 'ok';
  }
}

const isXDefect = (d: DataDefect) => d.startsWith('x-') && !['x-typed-rows', 'x-frozen'].includes(d);

/** Option defects of fit: [name, options patch, code, checked before the data?]. */
const FIT_OPTION_DEFECTS: [string, Record<string, unknown> | null | number, NumnetErrorCode | 'ok', boolean][] = [
  ['none', {}, 'ok', true],
  ['epochs 0', { epochs: 0 }, 'ok', true],
  ['batchSize > n', { batchSize: 1000 }, 'ok', true],
  ['batchSize huge', { batchSize: 2 ** 40 }, 'ok', true],
  ['batchSize 1', { batchSize: 1 }, 'ok', true],
  ['initialEpoch ≥ epochs', { epochs: 1, initialEpoch: 3 }, 'ok', true],
  ['shuffle false', { shuffle: false }, 'ok', true],
  ['frozen callback', { callbacks: Object.freeze({ onEpochEnd() {} }) }, 'ok', true],
  ['validationData', { validationData: 'same' }, 'ok', false],
  ['epochs -1', { epochs: -1 }, 'INVALID_ARGUMENT', true],
  ['epochs 1.5', { epochs: 1.5 }, 'INVALID_ARGUMENT', true],
  ['epochs "2"', { epochs: '2' }, 'INVALID_ARGUMENT', true],
  ['epochs NaN', { epochs: NaN }, 'INVALID_ARGUMENT', true],
  ['epochs Infinity', { epochs: Infinity }, 'INVALID_ARGUMENT', true],
  ['epochs beyond 2^53', { epochs: 2 ** 60 }, 'INVALID_ARGUMENT', true],
  ['batchSize 0', { batchSize: 0 }, 'INVALID_ARGUMENT', true],
  ['batchSize -4', { batchSize: -4 }, 'INVALID_ARGUMENT', true],
  ['batchSize 2.5', { batchSize: 2.5 }, 'INVALID_ARGUMENT', true],
  ['batchSize "32"', { batchSize: '32' }, 'INVALID_ARGUMENT', true],
  ['batchSize BigInt', { batchSize: 4n }, 'INVALID_ARGUMENT', true],
  ['validationSplit 1', { validationSplit: 1 }, 'INVALID_ARGUMENT', true],
  ['validationSplit -0.1', { validationSplit: -0.1 }, 'INVALID_ARGUMENT', true],
  ['validationSplit NaN', { validationSplit: NaN }, 'INVALID_ARGUMENT', true],
  ['validationSplit "0.2"', { validationSplit: '0.2' }, 'INVALID_ARGUMENT', true],
  ['validationSplit 0.99 (too few)', { validationSplit: 0.99 }, 'INVALID_ARGUMENT', false],
  ['shuffle "yes"', { shuffle: 'yes' }, 'INVALID_ARGUMENT', true],
  ['verbose 3', { verbose: 3 }, 'INVALID_ARGUMENT', true],
  ['verbose true', { verbose: true }, 'INVALID_ARGUMENT', true],
  ['initialEpoch -1', { initialEpoch: -1 }, 'INVALID_ARGUMENT', true],
  ['unknown key', { batch_size: 4 }, 'INVALID_ARGUMENT', true],
  ['options null', null, 'INVALID_ARGUMENT', true],
  ['options number', 5, 'INVALID_ARGUMENT', true],
  ['callbacks 5', { callbacks: 5 }, 'INVALID_ARGUMENT', true],
  ['callbacks [null]', { callbacks: [null] }, 'INVALID_ARGUMENT', true],
  ['callback hook not a function', { callbacks: [{ onEpochEnd: 5 }] }, 'INVALID_ARGUMENT', true],
  ['sampleWeight length', { sampleWeight: 'n+1' }, 'SHAPE_MISMATCH', false],
  ['sampleWeight negative', { sampleWeight: 'negative' }, 'INVALID_ARGUMENT', false],
  ['sampleWeight NaN', { sampleWeight: 'nan' }, 'INVALID_ARGUMENT', false],
  ['sampleWeight zeros', { sampleWeight: 'zeros' }, 'ok', false],
  ['classWeight negative', { classWeight: { 0: -1 } }, 'INVALID_ARGUMENT', false],
  ['classWeight key', { classWeight: { a: 1 } }, 'INVALID_ARGUMENT', false],
  ['classWeight number', { classWeight: 5 }, 'INVALID_ARGUMENT', false],
  ['classWeight ok', { classWeight: { 0: 2, 1: 0.5 } }, 'ok', false],
  ['validationData not an array', { validationData: 'x' }, 'INVALID_ARGUMENT', false],
  ['validationData [x]', { validationData: 'one' }, 'INVALID_ARGUMENT', false],
  ['validationData width', { validationData: 'width' }, 'SHAPE_MISMATCH', false],
  ['validationData NaN', { validationData: 'nan' }, 'NON_FINITE_INPUT', false],
  ['validationData empty', { validationData: 'empty' }, 'INVALID_ARGUMENT', false],
];

/** Materializes an option patch for data with n samples. */
function materialize(patch: Record<string, unknown> | null | number, x: unknown, y: unknown, n: number): unknown {
  if (patch === null || typeof patch !== 'object') return patch;
  const o: Record<string, unknown> = { ...patch, verbose: patch.verbose ?? 0 };
  if (patch.epochs === undefined) o.epochs = 2;
  if (patch.batchSize === undefined) o.batchSize = 2;
  const sw = patch.sampleWeight;
  if (sw === 'n+1') o.sampleWeight = new Array(n + 1).fill(1);
  else if (sw === 'negative') o.sampleWeight = Array.from({ length: n }, (_, i) => (i === 0 ? -1 : 1));
  else if (sw === 'nan') o.sampleWeight = Array.from({ length: n }, (_, i) => (i === 0 ? NaN : 1));
  else if (sw === 'zeros') o.sampleWeight = new Array(n).fill(0);
  const vd = patch.validationData;
  if (vd === 'same') o.validationData = [x, y];
  else if (vd === 'one') o.validationData = [x];
  else if (vd === 'width') o.validationData = [[[1, 2, 3, 4]], (y as unknown[]).slice(0, 1)];
  else if (vd === 'nan') o.validationData = [[[1, NaN, 3]], (y as unknown[]).slice(0, 1)];
  else if (vd === 'empty') o.validationData = [zeros([0, 3]), zeros([0, 2])];
  return o;
}

// ------------------------------------------------------------------------------------ properties

describe('fuzz: compile', () => {
  it(`optimizer, loss and metrics of every kind (seed ${plan('compile').seed}, ${plan('compile').runs} runs)`, () => {
    const used = new SGD();
    const LOSSES = ['mse', 'mae', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'hinge', 'squaredHinge', 'categoricalHinge', 'klDivergence', 'kld', 'kullbackLeiblerDivergence', 'poisson', 'logCosh', 'cosineSimilarity'];
    const METRICS = ['acc', 'accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'mae', 'meanSquaredError', 'meanAbsoluteError', 'hinge', 'squaredHinge', 'categoricalHinge', 'klDivergence', 'poisson', 'logCoshError', 'cosineSimilarity'];
    const optimizerArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>('sgd', 'Adam', 'RMSProp', 'ADAMW', 'nadam', 'ftrl', '', new SGD({ learningRate: 0.1 }), used, undefined) }, { weight: 1, arbitrary: weird });
    const lossArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>('mse', 'categorical_crossentropy', 'Sparse_Categorical_Crossentropy', 'hinge', 'kld', 'dice', new Huber({ delta: 2 }), {}, undefined, null) }, { weight: 1, arbitrary: weird });
    const custom = { name: 'mine', perSample: () => {} };
    const metricsArb = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<unknown>(undefined, [], ['acc'], ['mae', 'accuracy'], ['f1'], ['log_cosh_error', 'kld'], 'acc', [5], [undefined], [, 'acc'], ['acc', 'acc'], [binaryAccuracy], [custom], [{ name: 'x' }], Object.freeze(['mse'])) },
      { weight: 1, arbitrary: weirdArray },
    );
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.boolean(), optimizerArb, lossArb, metricsArb, fc.constantFrom<unknown>(undefined, { lr: 0.1 }), fc.oneof({ weight: 20, arbitrary: fc.constant('record') }, { weight: 1, arbitrary: weird }), (kind, fitted, optimizer, loss, metrics, extra, shape) => {
        const m = makeModel(kind, 'sgd', 1);
        if (fitted && kind !== 'uncompiled' && kind !== 'step') m.trainOnBatch(...(Object.values(makeData(kind, 3, 1)) as [never, never]));
        const config = shape === 'record' ? { optimizer, loss, ...(metrics !== undefined ? { metrics } : {}), ...(extra as object) } : shape;
        // The reference verdict.
        const codes = new Set<NumnetErrorCode>();
        const name = (v: unknown, names: string[], cls: unknown) => {
          if (v === undefined || v === null) return codes.add('INVALID_ARGUMENT');
          if (typeof v === 'string') return names.some((n) => canonical(n) === canonical(v)) ? undefined : codes.add('UNKNOWN_NAME');
          if (cls && v instanceof (cls as new () => object)) return undefined;
          return codes.add('INVALID_ARGUMENT');
        };
        if (shape !== 'record') codes.add('INVALID_ARGUMENT'); // not an options object (or one without a loss)
        else {
          if (extra) codes.add('INVALID_ARGUMENT');
          name(optimizer, OPTIMIZERS, SGD.prototype.constructor.prototype instanceof Object ? Object.getPrototypeOf(SGD) : undefined);
          name(loss, LOSSES, Loss);
          if (metrics !== undefined) {
            if (!Array.isArray(metrics)) codes.add('INVALID_ARGUMENT');
            else {
              const list = Array.from(metrics as unknown[]);
              for (const x of list) {
                if (typeof x === 'string') {
                  if (!METRICS.includes(x) && !METRICS.some((n) => canonical(n) === canonical(x))) codes.add('UNKNOWN_NAME');
                } else if (x === null || typeof x !== 'object' || typeof (x as { perSample?: unknown }).perSample !== 'function' || typeof (x as { name?: unknown }).name !== 'string') codes.add('INVALID_ARGUMENT');
              }
            }
          }
        }
        const before = snapshot(m);
        const code = outcome(() => m.compile(config as never), codes.size ? [...codes] : []);
        expect(code === 'ok', `expected ${[...codes]}`).toBe(codes.size === 0);
        if (code !== 'ok') expect(snapshot(m)).toBe(before);
        else {
          const c = m.getCompileConfig()!;
          if (typeof loss === 'string') expect(canonical(c.loss.name)).toBe(canonical(({ mse: 'meanSquaredError', mae: 'meanAbsoluteError', kld: 'klDivergence' } as Record<string, string>)[loss] ?? loss));
          if (typeof optimizer === 'string') expect(c.optimizer.name).toBe(optimizer.toLowerCase());
        }
      }),
      opts('compile'),
    );
  });
});

describe('fuzz: fit, trainOnBatch, evaluate, predict', () => {
  it(`fit with one defect in the data or the options (seed ${plan('fit').seed}, ${plan('fit').runs} runs)`, async () => {
    const defectArb = fc.oneof(
      fc.record({ data: fc.constantFrom(...DATA_DEFECTS), option: fc.constant(0) }),
      fc.record({ data: fc.constant<DataDefect>('none'), option: fc.integer({ min: 0, max: FIT_OPTION_DEFECTS.length - 1 }) }),
    );
    let rejected = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), fc.constantFrom(...OPTIMIZERS), fc.integer({ min: 1, max: 6 }), defectArb, fc.nat(), weird, async (kind, optimizer, n, defect, k, wv) => {
        const m = makeModel(kind, optimizer, k % 7);
        const data = makeData(kind, n, k);
        const { x, y, row } = withDefect(kind, defect.data, data.x, data.y, k, wv);
        const [optName, patch, optCode, early] = FIT_OPTION_DEFECTS[defect.option]!;
        // classWeight and validation data only make sense where the model can take them.
        if (optName.startsWith('classWeight ok') && kind !== 'softmax' && kind !== 'sparse' && kind !== 'binary') return;
        if (optName.startsWith('validationData width') && kind === 'unbuilt') return;
        const options = materialize(patch, x, y, n);
        // The reference: NOT_COMPILED first, then the options, then x, trainability, y, weights, validation.
        let expected: NumnetErrorCode[] | 'ok' | 'any';
        const dc = dataCode(kind, defect.data, 'fit');
        if (kind === 'uncompiled') expected = ['NOT_COMPILED'];
        else if (optCode !== 'ok' && early) expected = [optCode];
        else if (dc !== 'ok' && isXDefect(defect.data)) expected = dc;
        else if (kind === 'step') expected = ['INVALID_ARGUMENT'];
        else if (dc !== 'ok') expected = dc;
        else expected = optCode === 'ok' ? 'ok' : [optCode];
        const before = snapshot(m);
        let history: { epoch: number[]; history: Record<string, number[]> } | undefined;
        const code = await outcomeAsync(
          () => m.fit(x as never, y as never, options as never),
          expected === 'ok' ? [] : expected === 'any' ? ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT', 'NOT_COMPILED'] : expected,
          (h) => (history = h as never),
        );
        if (expected === 'ok') expect(code, `${kind} ${defect.data} ${optName}`).toBe('ok');
        else if (expected !== 'any') expect(code, `${kind} ${defect.data} ${optName}`).not.toBe('ok');
        if (code !== 'ok') {
          rejected++;
          expect(snapshot(m), `${kind} ${defect.data} ${optName}: a rejected fit changed the model`).toBe(before);
          if (code === 'NON_FINITE_INPUT' && row !== undefined && defect.data !== 'x-weird') {
            await m.fit(x as never, y as never, options as never).catch((e: NumnetError) => expect(e.message).toContain(`row ${row}`));
          }
        } else {
          accepted++;
          const o = options as { epochs: number; initialEpoch?: number };
          expect(history!.epoch).toEqual(Array.from({ length: Math.max(0, o.epochs - (o.initialEpoch ?? 0)) }, (_, e) => e + (o.initialEpoch ?? 0)));
          for (const v of Object.values(history!.history).flat()) expect(Number.isFinite(v)).toBe(true);
          for (const w of m.getWeights()) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
        }
      }),
      opts('fit'),
    );
    expect(rejected).toBeGreaterThan(plan('fit').runs / 3);
    expect(accepted).toBeGreaterThan(plan('fit').runs / 5);
  });

  it(`trainOnBatch, evaluate and predict with one defect (seed ${plan('train-eval-predict').seed}, ${plan('train-eval-predict').runs} runs × 3)`, () => {
    const optionArb = fc.oneof(
      { weight: 8, arbitrary: fc.constant<unknown>(undefined) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>({}, { batchSize: 1 }, { batchSize: 0 }, { batchSize: 'x' }, { sampleWeight: 'nan' }, { sampleWeight: 'ok' }, { verbose: 0 }, null, 7, { batch_size: 2 }) },
    );
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.constantFrom(...OPTIMIZERS), fc.integer({ min: 1, max: 6 }), fc.constantFrom(...DATA_DEFECTS), fc.nat(), weird, optionArb, (kind, optimizer, n, defect, k, wv, rawOptions) => {
        const m = makeModel(kind, optimizer, k % 5);
        const data = makeData(kind, n, k);
        const { x, y, row } = withDefect(kind, defect, data.x, data.y, k, wv);
        for (const call of ['trainOnBatch', 'evaluate', 'predict'] as const) {
          const known = call === 'trainOnBatch' ? ['sampleWeight', 'classWeight'] : call === 'evaluate' ? ['batchSize', 'sampleWeight', 'verbose'] : ['batchSize'];
          let options = rawOptions;
          if (options && typeof options === 'object' && 'sampleWeight' in options) {
            options = { sampleWeight: (options as { sampleWeight: string }).sampleWeight === 'nan' ? new Array(n).fill(NaN) : new Array(n).fill(1) };
          }
          // Options: not an object, an unknown key, a bad batch size or weight.
          let optionCode: NumnetErrorCode | 'ok' | 'late' = 'ok';
          if (options !== undefined) {
            if (options === null || typeof options !== 'object') optionCode = 'INVALID_ARGUMENT';
            else if (Object.keys(options).some((kk) => !known.includes(kk))) optionCode = 'INVALID_ARGUMENT';
            else if ('batchSize' in options && !(Number.isInteger((options as { batchSize: unknown }).batchSize) && (options as { batchSize: number }).batchSize >= 1)) optionCode = 'INVALID_ARGUMENT';
            else if ('sampleWeight' in options && Number.isNaN((options as { sampleWeight: number[] }).sampleWeight[0])) optionCode = 'late';
          }
          const dc = dataCode(kind, defect, call);
          let expected: NumnetErrorCode[] | 'ok' | 'any';
          if (kind === 'uncompiled' && call !== 'predict') expected = ['NOT_COMPILED'];
          else if (optionCode !== 'ok' && optionCode !== 'late') expected = [optionCode];
          else if (dc !== 'ok' && (isXDefect(defect) || call !== 'trainOnBatch')) expected = dc;
          else if (kind === 'step' && call === 'trainOnBatch') expected = ['INVALID_ARGUMENT'];
          else if (dc !== 'ok') expected = dc;
          else expected = optionCode === 'late' && call !== 'predict' ? ['INVALID_ARGUMENT'] : 'ok';
          const wasBuilt = m.built;
          const before = snapshot(m);
          const iterations = m.optimizer?.iterations ?? 0;
          const code = outcome(
            () => (m as unknown as Record<string, (...a: unknown[]) => unknown>)[call]!(...(call === 'predict' ? [x, options] : [x, y, options])),
            expected === 'ok' ? [] : expected === 'any' ? ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT', 'NOT_COMPILED'] : expected,
            (r) => {
              if (call === 'predict') {
                const t = r as Tensor;
                expect(t).toBeInstanceOf(Tensor);
                expect(t.shape[1]).toBe(outputWidth(kind));
                for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
              } else {
                const logs = r as Record<string, number>;
                expect(Number.isFinite(logs.loss)).toBe(true);
              }
            },
          );
          if (expected === 'ok') expect(code, `${call} ${kind} ${defect}`).toBe('ok');
          else if (expected !== 'any') expect(code, `${call} ${kind} ${defect}`).not.toBe('ok');
          if (code !== 'ok') {
            expect(snapshot(m), `${call} ${kind} ${defect}: a rejected call changed the model`).toBe(before);
            if (code === 'NON_FINITE_INPUT' && row !== undefined && defect !== 'x-weird' && defect !== 'y-weird') {
              try {
                (m as unknown as Record<string, (...a: unknown[]) => unknown>)[call]!(...(call === 'predict' ? [x] : [x, y]));
              } catch (e) {
                expect((e as Error).message).toContain(`row ${row}`);
              }
            }
          } else if (call === 'trainOnBatch') expect(m.optimizer!.iterations).toBe(iterations + 1);
          else if (wasBuilt) expect(snapshot(m), `${call} changed the model`).toBe(before);
        }
      }),
      opts('train-eval-predict'),
    );
  });
});

describe('fuzz: setWeights', () => {
  it(`wrong counts, shapes, values and containers (seed ${plan('set-weights').seed}, ${plan('set-weights').runs} runs)`, () => {
    const defects = ['none', 'count-1', 'count+1', 'transposed', 'extra-axis', 'nan', 'infinity', 'hole', 'kernel-flat-f32', 'bias-f32', 'nested', 'tensor-arg', 'not-array', 'frozen', 'weird-entry', 'string-entry'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...KINDS.filter((kk) => kk !== 'unbuilt')), fc.constantFrom(...defects), fc.nat(), weird, (kind, defect, k, wv) => {
        const m = makeModel(kind, 'adam', k % 3);
        if (kind !== 'uncompiled' && kind !== 'step') m.trainOnBatch(...(Object.values(makeData(kind, 2, k)) as [never, never]));
        const current = m.getWeights();
        const target = current.map((w) => new Tensor(w.data.map((v, i) => v + 0.25 + i / 16), w.shape));
        const i = k % target.length;
        let weights: unknown = target.slice();
        let expected: NumnetErrorCode[] | 'ok' = 'ok';
        let values = target.map((t) => Array.from(t.data));
        switch (defect) {
          case 'count-1': weights = target.slice(1); expected = ['INVALID_ARGUMENT']; break;
          case 'count+1': weights = [...target, target[0]]; expected = ['INVALID_ARGUMENT']; break;
          case 'transposed':
            if (target[i]!.rank !== 2 || target[i]!.shape[0] === target[i]!.shape[1]) return;
            (weights as unknown[])[i] = new Tensor(target[i]!.data, [target[i]!.shape[1]!, target[i]!.shape[0]!]); expected = ['SHAPE_MISMATCH']; break;
          case 'extra-axis': (weights as unknown[])[i] = new Tensor(target[i]!.data, [1, ...target[i]!.shape]); expected = ['SHAPE_MISMATCH']; break;
          case 'nan': case 'infinity': {
            const d = target[i]!.data.slice();
            d[k % d.length] = defect === 'nan' ? NaN : -Infinity;
            (weights as unknown[])[i] = new Tensor(d, target[i]!.shape);
            expected = ['NON_FINITE_INPUT'];
            break;
          }
          case 'hole': delete (weights as unknown[])[i]; expected = ['INVALID_ARGUMENT']; break;
          case 'kernel-flat-f32': (weights as unknown[])[0] = Float32Array.from(target[0]!.data); expected = target[0]!.rank === 1 ? 'ok' : ['SHAPE_MISMATCH']; values[0] = Array.from(Float32Array.from(target[0]!.data)); break;
          case 'bias-f32': {
            const b = target.findIndex((t) => t.rank === 1);
            if (b < 0) return;
            (weights as unknown[])[b] = Float32Array.from(target[b]!.data);
            values[b] = Array.from(Float32Array.from(target[b]!.data));
            break;
          }
          case 'nested': weights = target.map((t) => t.toArray()); break;
          case 'tensor-arg': weights = target[0]; expected = ['INVALID_ARGUMENT']; break;
          case 'not-array': weights = wv; expected = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT']; break;
          case 'frozen': weights = Object.freeze(target.slice()); break;
          case 'weird-entry': (weights as unknown[])[i] = wv; expected = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT']; break;
          case 'string-entry': (weights as unknown[])[i] = target[i]!.toArray().toString(); expected = ['INVALID_ARGUMENT']; break;
        }
        const before = snapshot(m);
        const code = outcome(() => m.setWeights(weights as never), expected === 'ok' ? [] : expected);
        if (defect === 'not-array' || defect === 'weird-entry') {
          if (code === 'ok') values = (weights as unknown[]).map((w) => Array.from((w instanceof Tensor ? w : tensor(w as never)).data));
        } else expect(code, defect).toBe(expected === 'ok' ? 'ok' : code === 'ok' ? 'error' : code);
        if (code === 'ok') expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(values);
        else expect(snapshot(m)).toBe(before);
      }),
      opts('set-weights'),
    );
    // An unbuilt model has no weights to set.
    const u = makeModel('unbuilt', 'sgd', 1);
    expect(outcome(() => u.setWeights([]), ['INVALID_ARGUMENT'])).toBe('INVALID_ARGUMENT');
  });
});

describe('fuzz: every Sequential method', () => {
  it(`arguments of any kind on models of every kind (seed ${plan('model-any').seed}, ${plan('model-any').runs} runs × ${plan('model-any').entryPoints.length})`, async () => {
    const methods = plan('model-any').entryPoints;
    const arg = fc.oneof({ weight: 4, arbitrary: weird }, { weight: 1, arbitrary: fc.constantFrom<unknown>([[1, 2, 3]], [[0.5, 0.5, 0.5], [1, 0, -1]], [[1, 0]], [1, 0], { epochs: 1 }, { batchSize: 1 }, new Dense({ units: 2 }), 'mse', { optimizer: 'sgd', loss: 'mse' }) });
    const ALL: NumnetErrorCode[] = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT', 'NOT_COMPILED', 'UNKNOWN_NAME', 'NON_FINITE_LOSS'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), fc.array(arg, { maxLength: 3 }), async (kind, args) => {
        for (const name of methods) {
          const m = makeModel(kind, 'adam', 3);
          const before = snapshot(m);
          const call = name === 'gradCheck' ? () => gradCheck(m, ...(args as [never, never, never])) : () => (m as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
          const code = name === 'fit' ? await outcomeAsync(call as () => Promise<unknown>, ALL) : outcome(call, ALL);
          if (code !== 'ok') expect(snapshot(m), `${name} was rejected but changed the model`).toBe(before);
        }
      }),
      opts('model-any'),
    );
  });
});

// A fit that runs: one more guarantee for the record (not fuzzed): Adam with the same data gives the same weights
// as a fresh model each time — the snapshot above also covers the optimizer state.
describe('the optimizer belongs to one model', () => {
  it('a second model compiled with a used optimizer is refused at its first update, unchanged', () => {
    const opt = new Adam();
    const a = makeModel('mse', 'sgd', 1);
    const b = makeModel('mse', 'sgd', 2);
    a.compile({ optimizer: opt, loss: 'mse' });
    b.compile({ optimizer: opt, loss: 'mse' });
    const { x, y } = makeData('mse', 4, 1) as { x: number[][]; y: number[][] };
    a.trainOnBatch(x, y);
    const before = snapshot(b);
    const stateBefore = JSON.stringify(opt.getState());
    expect(outcome(() => b.trainOnBatch(x, y), ['INVALID_ARGUMENT'])).toBe('INVALID_ARGUMENT');
    expect(snapshot(b)).toBe(before);
    expect(JSON.stringify(opt.getState())).toBe(stateBefore);
    a.trainOnBatch(x, y); // still a's
    expect(opt.iterations).toBe(2);
  });
});
