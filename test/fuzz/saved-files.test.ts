/**
 * Random byte corruptions of saved models (fast-check, fixed seeds): loading gives INVALID_FORMAT or
 * a working model — never another error, never a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Dense, Dropout, NumnetError, PReLU, Random, Sequential, cosineDecay, fromTFJS, l2, load, parseTFJSModelJSON, RMSprop, save,
  toTFJS, toTFJSModelJSON,
} from '../../src/node/index.js';

const { x, y } = (() => {
  const rng = new Random(1);
  const x = Array.from({ length: 12 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  return { x, y: x.map((r) => [r[0]! - r[1]! * r[2]!, r[2]!]) };
})();

let nativeBytes: Uint8Array;
let modelJSONBytes: Uint8Array;
let weightBytes: Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'numnet-fuzz-'));
beforeAll(async () => {
  const m = new Sequential(
    [new Dense({ units: 4, activation: 'relu', inputShape: [3], kernelRegularizer: l2(0.01) }), new PReLU(), new Dropout({ rate: 0.25 }), new Dense({ units: 2, activation: 'softmax' })],
    { seed: 3 },
  );
  m.compile({ optimizer: new RMSprop({ learningRate: cosineDecay({ initialLearningRate: 0.01, decaySteps: 50 }), centered: true }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  await m.fit(x, y.map((r) => (r[0]! > 0 ? [1, 0] : [0, 1])), { epochs: 2, batchSize: 5 });
  const enc = new TextEncoder();
  nativeBytes = enc.encode(JSON.stringify(m));
  const artifacts = toTFJS(m);
  modelJSONBytes = enc.encode(JSON.stringify(toTFJSModelJSON(artifacts)));
  weightBytes = new Uint8Array(artifacts.weightData);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A corruption: some bytes replaced, a span deleted or duplicated, or the tail cut off. */
type Corruption =
  | { kind: 'replace'; edits: { at: number; byte: number }[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), edits: fc.array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
);

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const n = bytes.length;
  if (c.kind === 'replace') {
    const out = bytes.slice();
    for (const e of c.edits) out[e.at % n] = e.byte;
    return out;
  }
  const at = c.at % n;
  if (c.kind === 'truncate') return bytes.slice(0, at);
  if (c.kind === 'delete') return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + c.length)]);
  return Uint8Array.from([...bytes.subarray(0, at + c.length), ...bytes.subarray(at)]);
}

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Loading threw: it must be INVALID_FORMAT, and not a loader bug. */
function expectInvalidFormat(e: unknown): void {
  expect(e).toBeInstanceOf(NumnetError);
  expect((e as NumnetError).code).toBe('INVALID_FORMAT');
  expect((e as NumnetError).message).not.toMatch(/internal error/);
}

/** Loading succeeded: the model must work — predict, save again, train (any failure a NumnetError). */
function expectWorkingModel(m: Sequential): void {
  try {
    m.predict(x);
  } catch (e) {
    expect(e).toBeInstanceOf(NumnetError); // e.g. a corrupted but valid input shape
    return;
  }
  const again = Sequential.fromJSON(JSON.stringify(m));
  expect(JSON.stringify(again)).toBe(JSON.stringify(m));
  if (m.optimizer) {
    try {
      m.trainOnBatch(x, y.map((r) => (r[0]! > 0 ? [1, 0] : [0, 1])));
    } catch (e) {
      expect(e).toBeInstanceOf(NumnetError); // a non-finite loss from a corrupted weight, a shape change
    }
  }
}

function check(load: () => Sequential): void {
  let m: Sequential;
  try {
    m = load();
  } catch (e) {
    expectInvalidFormat(e);
    return;
  }
  expectWorkingModel(m);
}

describe('corrupted saved models', () => {
  it('native JSON (seed 20240601, 400 runs)', () => {
    let invalid = 0;
    fc.assert(
      fc.property(corruption, (c) => {
        check(() => {
          try {
            return Sequential.fromJSON(decode(corrupt(nativeBytes, c)));
          } catch (e) {
            invalid++;
            throw e;
          }
        });
      }),
      { seed: 20240601, numRuns: 400 },
    );
    expect(invalid).toBeGreaterThan(100); // most corruptions are caught, not silently loaded
  });

  it('TF.js model.json (seed 77, 300 runs)', () => {
    fc.assert(
      fc.property(corruption, (c) => {
        check(() => {
          const { modelTopology, weightSpecs } = parseTFJSModelJSON(decode(corrupt(modelJSONBytes, c)));
          return fromTFJS({ modelTopology, weightSpecs, weightData: weightBytes.slice().buffer });
        });
      }),
      { seed: 77, numRuns: 300 },
    );
  });

  it('TF.js weights.bin (seed 5, 300 runs)', () => {
    const { modelTopology, weightSpecs } = parseTFJSModelJSON(decode(modelJSONBytes));
    fc.assert(
      fc.property(corruption, (c) => {
        check(() => fromTFJS({ modelTopology, weightSpecs, weightData: corrupt(weightBytes, c).slice().buffer }));
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('through files with numnet/node load (seed 99, 60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), corruption, async (tfjs, c) => {
        const d = join(dir, `m${Math.random().toString(36).slice(2)}`);
        const saved = new Sequential([new Dense({ units: 2, inputShape: [3] })], { seed: 1 });
        await save(saved, d, { format: tfjs ? 'tfjs' : 'numnet' });
        if (tfjs && c.kind !== 'replace') writeFileSync(join(d, 'weights.bin'), corrupt(new Uint8Array(toTFJS(saved).weightData), c));
        else writeFileSync(join(d, 'model.json'), corrupt(new TextEncoder().encode(JSON.stringify(tfjs ? toTFJSModelJSON(toTFJS(saved)) : saved)), c));
        const m = await load(d).then((v) => v, (e: unknown) => e);
        if (m instanceof Sequential) expectWorkingModel(m);
        else expectInvalidFormat(m);
      }),
      { seed: 99, numRuns: 60 },
    );
  });
});
