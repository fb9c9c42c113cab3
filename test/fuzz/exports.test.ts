/**
 * The widest net (fast-check, fixed seeds; helpers/fuzz-plan.ts): every function and class that
 * `numnet` and `numnet/node` export, and every public method of the objects they make, called with
 * 0–4 arguments of any kind (numbers of every sort, strings, null, undefined, Symbols, BigInts,
 * sparse, frozen, cyclic and typed arrays of other kinds, objects, functions, tensors). Each call
 * returns or throws a NumnetError — never a TypeError, a RangeError, a hang or a crash.
 *
 * Not called here: `save`/`load` (they touch files: test/fuzz/io.test.ts calls them in a temporary
 * directory), and the callback hooks (`onEpochEnd`, …), which `fit` calls with the arguments it
 * checked (docs/reliability.md).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as numnet from '../../src/node/index.js';
import {
  ACTIVATIONS, Adam, CategoricalCrossentropy, Dense, Dropout, Flatten, History, Huber, LeakyReLU, MeanSquaredError, NumnetError, PReLU,
  Perceptron, ProgressBar, RMSprop, Random, SGD, Sequential, SparseCategoricalCrossentropy, Tensor, binaryAccuracy, exponentialDecay,
  glorotUniform, l1l2, setKernelBackend, setProgressFactory, setSeed, setThreads,
} from '../../src/node/index.js';
import { readFileSync } from 'node:fs';
import { weird } from '../helpers/fuzz.js';
import { plan, renderPlanTable } from '../helpers/fuzz-plan.js';

const opts = (key: string) => ({ seed: plan(key).seed, numRuns: plan(key).runs });
const SKIP = new Set(['save', 'load']);

/** Calls f; anything but a result or a NumnetError fails, naming the call. */
function call(name: string, f: () => unknown, args: unknown[]): void {
  let r: unknown;
  try {
    r = f();
  } catch (e) {
    if (!(e instanceof NumnetError)) {
      const shown = args.map((a) => (typeof a === 'symbol' ? 'Symbol' : typeof a === 'bigint' ? `${a}n` : Array.isArray(a) ? `[array ${a.length}]` : typeof a === 'object' && a !== null ? `{${Object.prototype.toString.call(a)}}` : String(a)));
      throw new Error(`${name}(${shown.join(', ')}) threw ${String(e)}`);
    }
    return;
  }
  if (r instanceof Promise) r.catch(() => {}); // async results are covered by the model and io fuzzers
}

const args = fc.array(
  fc.oneof({ weight: 5, arbitrary: weird }, { weight: 1, arbitrary: fc.constantFrom<unknown>([[1, 2], [3, 4]], [0, 1], 'relu', 'mse', 'sgd', { units: 2 }, 2, 0.5, true) }),
  { maxLength: 4 },
);

const isClass = (f: Function) => /^class[\s{]/.test(Function.prototype.toString.call(f));

afterAll(() => {
  setKernelBackend('auto');
  setThreads(1);
  setProgressFactory((verbose) => new ProgressBar({ verbose }));
  setSeed(Date.now() % 1000);
});

describe('fuzz: every export', () => {
  const exported = Object.entries(numnet).filter(([k, v]) => typeof v === 'function' && !SKIP.has(k));

  it(`every function and class of numnet and numnet/node, with any arguments (seed ${plan('exports').seed}, ${plan('exports').runs} runs × every export)`, () => {
    expect(exported.length).toBeGreaterThanOrEqual(plan('exports').atLeast!);
    console.log(`fuzz-exports: ${exported.length} exports × ${plan('exports').runs} runs`);
    fc.assert(
      fc.property(args, (a) => {
        for (const [name, f] of exported) {
          const fn = f as (...x: unknown[]) => unknown;
          call(name, () => (isClass(fn) ? new (fn as unknown as new (...x: unknown[]) => unknown)(...a) : fn(...a)), a);
        }
        setKernelBackend('auto');
        setThreads(1);
        setProgressFactory((verbose) => new ProgressBar({ verbose }));
      }),
      opts('exports'),
    );
  });

  it(`every public method of the library's objects, with any arguments (seed ${plan('methods').seed}, ${plan('methods').runs} runs × every method)`, () => {
    const makers: Record<string, () => object> = {
      Tensor: () => new Tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]),
      Random: () => new Random(3),
      Dense: () => {
        const d = new Dense({ units: 2, activation: 'tanh', inputShape: [3] });
        new Sequential([d]);
        return d;
      },
      Dropout: () => new Sequential([new Dropout({ rate: 0.5, inputShape: [3] })]).layers[0]!,
      PReLU: () => new Sequential([new PReLU({ inputShape: [3] })]).layers[0]!,
      LeakyReLU: () => new Sequential([new LeakyReLU({ inputShape: [3] })]).layers[0]!,
      Flatten: () => new Sequential([new Flatten({ inputShape: [3, 2] })]).layers[0]!,
      unbuiltDense: () => new Dense({ units: 2 }),
      MeanSquaredError: () => new MeanSquaredError(),
      CategoricalCrossentropy: () => new CategoricalCrossentropy(),
      SparseCategoricalCrossentropy: () => new SparseCategoricalCrossentropy({ fromLogits: true }),
      Huber: () => new Huber(),
      Hinge: () => new numnet.Hinge(),
      SquaredHinge: () => new numnet.SquaredHinge(),
      CategoricalHinge: () => new numnet.CategoricalHinge(),
      KLDivergence: () => new numnet.KLDivergence(),
      Poisson: () => new numnet.Poisson(),
      LogCosh: () => new numnet.LogCosh(),
      CosineSimilarity: () => new numnet.CosineSimilarity(),
      SGD: () => new SGD({ momentum: 0.9, clipValue: 1 }),
      Adam: () => new Adam({ amsgrad: true }),
      RMSprop: () => new RMSprop({ centered: true, learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }) }),
      regularizer: () => l1l2({ l1: 0.1, l2: 0.1 }),
      Perceptron: () => new Perceptron({ inputDim: 2 }),
      History: () => new History(),
      relu: () => ACTIVATIONS.relu!,
      softmax: () => ACTIVATIONS.softmax!,
      gelu: () => ACTIVATIONS.gelu!,
      glorotUniform: () => glorotUniform,
      binaryAccuracy: () => binaryAccuracy,
    };
    // A layer's math (call, callBackward, …) and the model's unchecked entries are protected or internal.
    const LAYER_PRIVATE = new Set(['call', 'callBackward', 'callBackwardFromPreActivation', 'computeShapes', 'initialValues', 'prepareState', 'adopt', 'forwardUnchecked', 'backwardUnchecked', 'backwardFromPreActivationUnchecked']);
    const PRIVATE = new Set(['constructor', 'build', 'updateStep', 'updateSaving', 'planFrom', 'intoBatch', 'rowLoss', 'rowGradient', 'target', 'checkBuffers', 'prepare', 'clip', 'checkParams', 'buffer', 'batchBuffer', 'checkInput', 'checkGradient', 'checkBuild', 'addParam', 'net', 'samples', 'fromPreActivation', 'predictTensor']);
    const HOOKS = /^on[A-Z]|^setModel$/;
    const methods: [string, () => object, string][] = [];
    for (const [name, make] of Object.entries(makers)) {
      const o = make();
      const names = new Set<string>();
      for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const k of Object.getOwnPropertyNames(p)) if (typeof (o as Record<string, unknown>)[k] === 'function') names.add(k);
      }
      for (const k of names) {
        // Layers' build and forward are public (custom layers use them); a model's are not.
        if ((PRIVATE.has(k) && !(k === 'build' && o instanceof numnet.Layer)) || (LAYER_PRIVATE.has(k) && o instanceof numnet.Layer) || HOOKS.test(k)) continue;
        methods.push([name, make, k]);
      }
    }
    expect(methods.length).toBeGreaterThanOrEqual(plan('methods').atLeast!);
    console.log(`fuzz-exports: ${methods.length} methods × ${plan('methods').runs} runs`);
    fc.assert(
      fc.property(args, (a) => {
        for (const [name, make, k] of methods) {
          const o = make() as Record<string, (...x: unknown[]) => unknown>;
          call(`${name}.${k}`, () => o[k]!(...a), a);
        }
      }),
      opts('methods'),
    );
  });
});

describe('docs/reliability.md', () => {
  it('shows the fuzz plan that runs (the table of renderPlanTable, verbatim)', () => {
    const doc = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderPlanTable());
  });
});
