/**
 * Fuzzing the loaders with structural damage (fast-check, fixed seeds; helpers/fuzz-plan.ts): a
 * saved model — native JSON or TF.js artifacts — with one field replaced by a value of another
 * kind, removed, or joined by a field that should not be there, at any depth. Loading gives
 * INVALID_FORMAT naming the problem, or a model that works (predicts, saves again, trains or says
 * why not); the object given is never modified. test/fuzz/saved-files.test.ts does the same with damaged
 * bytes. The writers and loaders are also called with arguments of any kind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Dense, Dropout, NumnetError, PReLU, RMSprop, Random, Sequential, cosineDecay, fromTFJS, l2, layerFromConfig, load, parseTFJSModelJSON,
  save, toTFJS, toTFJSModelJSON,
} from '../../src/node/index.js';
import type { NumnetErrorCode } from '../../src/index.js';
import { outcome, outcomeAsync, weird } from '../helpers/fuzz.js';
import { plan } from '../helpers/fuzz-plan.js';

const opts = (key: string) => ({ seed: plan(key).seed, numRuns: plan(key).runs });
const { x, y } = (() => {
  const rng = new Random(4);
  const x = Array.from({ length: 8 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  return { x, y: x.map((r) => (r[0]! > 0 ? [1, 0] : [0, 1])) };
})();

let native: unknown;
let artifacts: ReturnType<typeof toTFJS>;
let trained: Sequential;
const dir = mkdtempSync(join(tmpdir(), 'numnet-fuzz-io-'));
beforeAll(async () => {
  trained = new Sequential(
    [new Dense({ units: 4, activation: 'relu', inputShape: [3], kernelRegularizer: l2(0.01) }), new PReLU(), new Dropout({ rate: 0.25 }), new Dense({ units: 2, activation: 'softmax' })],
    { seed: 5 },
  );
  trained.compile({ optimizer: new RMSprop({ learningRate: cosineDecay({ initialLearningRate: 0.01, decaySteps: 20 }), centered: true }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  await trained.fit(x, y, { epochs: 1, batchSize: 4 });
  native = JSON.parse(JSON.stringify(trained));
  artifacts = toTFJS(trained);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every path (keys and indices) into a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((c, i) => out.push(...paths(c, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) out.push(...paths(c, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown } | { kind: 'duplicate' };
/** JSON-like values of every kind, and a few that JSON cannot hold. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53, NaN, Infinity, '', 'abc', 'Dense', 'relu', 'float32', 'AAAA', true, false, [], {}, [1, 2], [null], [2 ** 20, 2 ** 20], { name: 'x' }, undefined),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: jsonValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('extra', 'name', 'units', 'shape', '__proto__', 'constructor'), value: jsonValue }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
);

/** A deep copy of `root` with one mutation at `path`. */
function mutate(root: unknown, path: (string | number)[], m: Mutation): unknown {
  const copy = structuredClone(root) as unknown;
  if (path.length === 0) return m.kind === 'replace' ? m.value : m.kind === 'delete' ? undefined : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.kind === 'replace') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'add') {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else parent[last] = [target, m.value];
  } else if (Array.isArray(parent)) parent.splice(last as number, 0, structuredClone(parent[last]));
  else parent[last] = [parent[last], parent[last]];
  return copy;
}

/** Loading threw: INVALID_FORMAT from the checks, not an internal error. */
function expectInvalidFormat(e: unknown): void {
  expect(e).toBeInstanceOf(NumnetError);
  expect((e as NumnetError).code).toBe('INVALID_FORMAT');
  expect((e as NumnetError).message).not.toMatch(/internal error/);
}

/** Loading succeeded: the model must work (any failure a NumnetError). */
function expectWorking(m: Sequential): void {
  const any: NumnetErrorCode[] = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE_LOSS', 'NON_FINITE_INPUT', 'NOT_COMPILED', 'UNKNOWN_NAME'];
  outcome(() => m.predict(x), any, (p) => {
    for (const v of (p as { data: Float64Array }).data) expect(Number.isNaN(v)).toBe(false);
  });
  outcome(() => Sequential.fromJSON(JSON.stringify(m)), any);
  if (m.optimizer) outcome(() => m.trainOnBatch(x, y), any);
}

function load1(f: () => Sequential): 'invalid' | 'ok' {
  let m: Sequential;
  try {
    m = f();
  } catch (e) {
    expectInvalidFormat(e);
    return 'invalid';
  }
  expectWorking(m);
  return 'ok';
}

describe('fuzz: damaged saved models', () => {
  it(`native JSON with one field replaced, removed or added (seed ${plan('native-fields').seed}, ${plan('native-fields').runs} runs)`, () => {
    const all = paths(native);
    let invalid = 0;
    fc.assert(
      fc.property(fc.nat(), mutation, fc.boolean(), (at, m, asText) => {
        const path = all[at % all.length]!;
        const damaged = mutate(native, path, m);
        const copy = JSON.stringify(damaged);
        const input = asText ? (JSON.stringify(damaged) ?? 'undefined') : damaged;
        if (load1(() => Sequential.fromJSON(input as never)) === 'invalid') invalid++;
        if (!asText) expect(JSON.stringify(damaged)).toBe(copy); // the object given is not modified
      }),
      opts('native-fields'),
    );
    expect(invalid).toBeGreaterThan(plan('native-fields').runs / 2);
  });

  it(`TF.js artifacts with one field replaced, removed or added (seed ${plan('tfjs-fields').seed}, ${plan('tfjs-fields').runs} runs × 2)`, () => {
    const modelJSON = JSON.parse(JSON.stringify(toTFJSModelJSON(artifacts))) as Record<string, unknown>;
    const all = paths(modelJSON);
    const weights = new Uint8Array(artifacts.weightData);
    fc.assert(
      fc.property(fc.nat(), mutation, (at, m) => {
        const damaged = mutate(modelJSON, all[at % all.length]!, m);
        let parsed: ReturnType<typeof parseTFJSModelJSON> | undefined;
        const code = outcome(() => (parsed = parseTFJSModelJSON(JSON.stringify(damaged) ?? 'undefined')), ['INVALID_FORMAT']);
        if (code !== 'ok') return;
        load1(() => fromTFJS({ modelTopology: parsed!.modelTopology, weightSpecs: parsed!.weightSpecs, weightData: weights.slice().buffer }));
      }),
      opts('tfjs-fields'),
    );
  });

  it(`loaders and writers with arguments of any kind (seed ${plan('io-any').seed}, ${plan('io-any').runs} runs × ${plan('io-any').entryPoints.length})`, async () => {
    const small = new Sequential([new Dense({ units: 2, inputShape: [3] })], { seed: 1 });
    const arg = fc.oneof({ weight: 4, arbitrary: weird }, { weight: 1, arbitrary: fc.constantFrom<unknown>(small, 'numnet', 'tfjs', { format: 'tfjs' }, { format: 'h5' }, '{}', '{"format":"numnet"}', 'Dense', { units: 2 }) });
    const inTmp = (p: unknown) => (typeof p === 'string' ? join(dir, p.replace(/[^a-z0-9]/gi, '_') || 'empty') : p);
    await fc.assert(
      fc.asyncProperty(arg, arg, async (a, b) => {
        const fmt: NumnetErrorCode[] = ['INVALID_FORMAT'];
        const arg2: NumnetErrorCode[] = ['INVALID_ARGUMENT', 'INVALID_FORMAT', 'UNKNOWN_NAME', 'SHAPE_MISMATCH'];
        outcome(() => Sequential.fromJSON(a as never), fmt);
        outcome(() => fromTFJS(a as never), fmt);
        outcome(() => parseTFJSModelJSON(a), fmt);
        outcome(() => toTFJS(a as never), ['INVALID_ARGUMENT']);
        outcome(() => toTFJSModelJSON(a as never, b as never), ['INVALID_ARGUMENT']);
        outcome(() => layerFromConfig(a, b), arg2);
        await outcomeAsync(() => load(inTmp(a) as never), ['INVALID_ARGUMENT', 'INVALID_FORMAT']);
        await outcomeAsync(() => save(a as never, inTmp(b) as never, { format: 'numnet' }), ['INVALID_ARGUMENT']);
        await outcomeAsync(() => save(small, inTmp(a) as never, b as never), ['INVALID_ARGUMENT']);
      }),
      opts('io-any'),
    );
    // Whatever was saved along the way loads back (or was never written).
    await outcomeAsync(() => load(join(dir, 'numnet')), ['INVALID_ARGUMENT']);
  });
});
