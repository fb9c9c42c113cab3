/**
 * LambdaCallback, against Keras 3's keras/src/callbacks/lambda_callback.py (keras-team/keras at
 * 3422977a): each function given becomes that hook (`__init__`: `if on_epoch_begin is not None:
 * self.on_epoch_begin = on_epoch_begin`, …), a hook not given is the base class's no-op; the hooks
 * get Keras's positional arguments — (epoch, logs), (logs), (batch, logs). The order of the calls in
 * a fit is Keras's trainer loop (keras/src/backend/tensorflow/trainer.py, `fit`, l. 390–453: on_train_begin, then per
 * epoch on_epoch_begin, per batch on_train_batch_begin / on_train_batch_end, on_epoch_end, and
 * on_train_end at the end).
 */
import { describe, expect, it } from 'vitest';
import { Dense, LambdaCallback, NumnetError, SGD, Sequential } from '../../src/index.js';
import type { Logs } from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';

const x = [[0], [1], [2], [3]];
const y = [[0], [2], [4], [6]];

function model() {
  const m = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
  m.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
  return m;
}

const keys = (logs?: Logs) => Object.keys(logs ?? {}).join(',');

describe('LambdaCallback (keras/src/callbacks/lambda_callback.py)', () => {
  it("calls each hook given with Keras's arguments, in the order of Keras's fit loop", async () => {
    const calls: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: (logs) => void calls.push(`trainBegin(${keys(logs)})`),
      onEpochBegin: (epoch, logs) => void calls.push(`epochBegin(${epoch}; ${keys(logs)})`),
      onTrainBatchBegin: (batch, logs) => void calls.push(`batchBegin(${batch}; ${keys(logs)})`),
      onTrainBatchEnd: (batch, logs) => void calls.push(`batchEnd(${batch}; ${keys(logs)})`),
      onEpochEnd: (epoch, logs) => void calls.push(`epochEnd(${epoch}; ${keys(logs)})`),
      onTrainEnd: (logs) => void calls.push(`trainEnd(${keys(logs)})`),
    });
    await model().fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, callbacks: [cb] });
    const epoch = (e: number) => [
      `epochBegin(${e}; )`,
      'batchBegin(0; batch,size)', 'batchEnd(0; batch,size,loss)',
      'batchBegin(1; batch,size)', 'batchEnd(1; batch,size,loss)',
      `epochEnd(${e}; loss)`,
    ];
    expect(calls).toEqual(['trainBegin()', ...epoch(0), ...epoch(1), 'trainEnd(loss)']);
  });

  it('a hook not given is not there (a callback without batch hooks adds no per-batch call)', () => {
    const cb = new LambdaCallback({ onEpochEnd: () => {} });
    for (const hook of ['onEpochBegin', 'onTrainBegin', 'onTrainEnd', 'onBatchBegin', 'onBatchEnd']) {
      expect((cb as unknown as Record<string, unknown>)[hook]).toBeUndefined();
    }
    expect(typeof cb.onEpochEnd).toBe('function');
    expect(Object.keys(new LambdaCallback()).filter((k) => k.startsWith('on'))).toEqual([]);
  });

  it("onBatchBegin / onBatchEnd (numnet's hook names, Keras's on_batch_begin) are the batch hooks too", async () => {
    const batches: number[] = [];
    await model().fit(x, y, { epochs: 1, batchSize: 1, callbacks: [new LambdaCallback({ onBatchEnd: (b) => void batches.push(b) })] });
    expect(batches).toEqual([0, 1, 2, 3]);
  });

  it('hooks run with the callback as `this` (model and params), may stop training, and may be async', async () => {
    const m = model();
    const log: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin(this: LambdaCallback) {
        log.push(`model ${this.model === m}, epochs ${this.params!.epochs}`);
      },
      async onEpochEnd(this: LambdaCallback, epoch: number) {
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${epoch}`);
        if (epoch === 1) this.model!.stopTraining = true;
      },
      onEpochBegin: (epoch) => void log.push(`begin ${epoch}`),
    });
    const h = await m.fit(x, y, { epochs: 10, callbacks: [cb] });
    expect(h.epoch).toEqual([0, 1]);
    expect(log).toEqual(['model true, epochs 10', 'begin 0', 'end 0', 'begin 1', 'end 1']); // each end awaited before the next begin
  });

  it("a hook's error ends fit with that error", async () => {
    const boom = new Error('from the hook');
    await expect(model().fit(x, y, { callbacks: [new LambdaCallback({ onEpochBegin: () => { throw boom; } })] })).rejects.toBe(boom);
  });

  it('refuses a hook that is not a function, an unknown option and a hook given under both names', () => {
    const invalid = (f: () => unknown, ...words: string[]) => {
      expect(codeOf(f)).toBe('INVALID_ARGUMENT');
      for (const w of words) expect(messageOf(f)).toContain(w);
    };
    invalid(() => new LambdaCallback({ onEpochEnd: 3 as never }), 'onEpochEnd must be a function, got 3');
    invalid(() => new LambdaCallback({ onTrainBatchBegin: 'f' as never }), 'onTrainBatchBegin must be a function, got "f"');
    invalid(() => new LambdaCallback({ on_epoch_end: () => {} } as never), 'unknown LambdaCallback option "on_epoch_end"', 'onTrainBatchEnd');
    invalid(() => new LambdaCallback({ onTestBegin: () => {} } as never), 'unknown LambdaCallback option "onTestBegin"');
    invalid(() => new LambdaCallback([] as never), 'plain object');
    invalid(() => new LambdaCallback({ onTrainBatchEnd: () => {}, onBatchEnd: () => {} }), 'onTrainBatchEnd and onBatchEnd are the same hook');
    expect(new LambdaCallback({ onEpochEnd: undefined })).toBeInstanceOf(LambdaCallback);
    expect(() => new LambdaCallback(null as never)).toThrow(NumnetError);
  });
});
