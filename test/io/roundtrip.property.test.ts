/**
 * Every state a model can reach through the public API saves and loads again: random optimizers
 * and hyperparameters, learning rates set to 0 or tiny or decayed by callbacks and schedules,
 * dropout, regularizers, any number of steps — then toJSON/fromJSON (and the files of both formats)
 * must load, predict the same bits and train on identically.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adadelta, Adagrad, Adam, Adamax, AdamW, Dense, Dropout, RMSprop, ReduceLROnPlateau, SGD, Sequential, cosineDecay, exponentialDecay, l2,
} from '../../src/index.js';
import { load, save } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'numnet-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = [[0.1, -0.4], [0.7, 0.2], [-0.3, 0.9], [0.5, 0.5]];
const y = [[0.2], [0.9], [-0.1], [0.4]];
const bits = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w.data));

const lrArb = fc.oneof(
  fc.constantFrom(0, 1e-300, 5e-324, 0.01, 0.1),
  fc.constant(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 1e-30 })), // decays to 0
  fc.constant(cosineDecay({ initialLearningRate: 0.05, decaySteps: 3 })), // reaches 0 at step 3
);
const optimizerArb = fc.record({ kind: fc.constantFrom('sgd', 'sgdm', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'adamax'), lr: lrArb });
const make = (o: { kind: string; lr: unknown }) => {
  const learningRate = o.lr as number;
  switch (o.kind) {
    case 'sgd': return new SGD({ learningRate });
    case 'sgdm': return new SGD({ learningRate, momentum: 0.9, nesterov: true });
    case 'adagrad': return new Adagrad({ learningRate });
    case 'rmsprop': return new RMSprop({ learningRate, centered: true });
    case 'adadelta': return new Adadelta({ learningRate });
    case 'adam': return new Adam({ learningRate, amsgrad: true });
    case 'adamw': return new AdamW({ learningRate });
    default: return new Adamax({ learningRate });
  }
};
/** What a user may do between saves. */
const actionArb = fc.oneof(
  fc.record({ op: fc.constant('step' as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('setLr' as const), lr: fc.constantFrom(0, 1e-320, 0.2) }),
  fc.record({ op: fc.constant('fitPlateau' as const) }),
);

type Action = { op: 'step'; n: number } | { op: 'setLr'; lr: number } | { op: 'fitPlateau' };

async function act(m: Sequential, a: Action): Promise<void> {
  if (a.op === 'step') for (let i = 0; i < a.n; i++) m.trainOnBatch(x, y);
  else if (a.op === 'setLr') {
    if (typeof m.optimizer!.learningRate === 'number') m.optimizer!.learningRate = a.lr;
  } else if (typeof m.optimizer!.learningRate === 'number') {
    // ReduceLROnPlateau cutting the rate every epoch, down to underflow.
    await m.fit(x, y, { epochs: 3, batchSize: 2, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 1e-200, minDelta: 1e9 })] });
  }
}

describe('any model state reachable through the public API round-trips', () => {
  it('native JSON and both file formats load again; native predicts and trains on bit-identically', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(optimizerArb, fc.boolean(), fc.array(actionArb, { maxLength: 4 }), fc.nat(1000), async (o, dropout, actions, seed) => {
        const m = new Sequential(
          [new Dense({ units: 3, activation: 'tanh', inputShape: [2], kernelRegularizer: l2(0.01) }), ...(dropout ? [new Dropout({ rate: 0.3 })] : []), new Dense({ units: 1 })],
          { seed },
        );
        m.compile({ optimizer: make(o), loss: 'mse', metrics: ['mae'] });
        for (const a of actions) await act(m, a);
        const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(m)));
        expect(Array.from(copy.predict(x).data)).toEqual(Array.from(m.predict(x).data));
        for (const format of ['numnet', 'tfjs'] as const) {
          const path = join(dir, `m${k++}`);
          await save(m, path, { format });
          const loaded = await load(path);
          expect(loaded.layers.length).toBe(m.layers.length);
        }
        m.trainOnBatch(x, y);
        copy.trainOnBatch(x, y);
        await m.fit(x, y, { epochs: 2, batchSize: 2 });
        await copy.fit(x, y, { epochs: 2, batchSize: 2 });
        expect(bits(copy)).toEqual(bits(m));
        expect(copy.optimizer!.iterations).toBe(m.optimizer!.iterations);
      }),
      { seed: 512, numRuns: 60 },
    );
  }, 120_000);
});
