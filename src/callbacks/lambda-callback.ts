import { NumnetError, checkOptions, describe } from '../errors.js';
import { Callback, Logs } from './callback.js';

type EpochHook = (epoch: number, logs?: Logs) => void | Promise<void>;
type TrainHook = (logs?: Logs) => void | Promise<void>;
type BatchHook = (batch: number, logs?: Logs) => void | Promise<void>;

/** The hooks of a `LambdaCallback` (Keras's arguments, in camelCase); each is optional. */
export interface LambdaCallbackConfig {
  /** Before each epoch: (epoch, logs). */
  onEpochBegin?: EpochHook;
  /** After each epoch: (epoch, logs) with `loss`, metrics and `val_…`. */
  onEpochEnd?: EpochHook;
  /** Before the first epoch: (logs). */
  onTrainBegin?: TrainHook;
  /** After the last epoch: (logs) of the last epoch. */
  onTrainEnd?: TrainHook;
  /** Before each training batch: (batch, logs). Keras's `on_train_batch_begin`; numnet's hook `onBatchBegin`. */
  onTrainBatchBegin?: BatchHook;
  /** After each training batch: (batch, logs). Keras's `on_train_batch_end`; numnet's hook `onBatchEnd`. */
  onTrainBatchEnd?: BatchHook;
  /** The same hook as `onTrainBatchBegin` under numnet's (and Keras's `on_batch_begin`) name; give one of the two. */
  onBatchBegin?: BatchHook;
  /** The same hook as `onTrainBatchEnd` under numnet's (and Keras's `on_batch_end`) name; give one of the two. */
  onBatchEnd?: BatchHook;
}

const KEYS = ['onEpochBegin', 'onEpochEnd', 'onTrainBegin', 'onTrainEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/**
 * A callback made of functions, as Keras 3's `LambdaCallback`
 * (keras/src/callbacks/lambda_callback.py): each function given becomes that hook, and a hook not
 * given does nothing (a callback without batch hooks adds no work per batch). `onTrainBatchBegin` /
 * `onTrainBatchEnd` are numnet's `onBatchBegin` / `onBatchEnd` (either name; not both). Hooks are
 * called with the callback as `this`, so a `function` hook can read `this.model` and `this.params`;
 * a hook may return a promise, which `fit` awaits. Each option must be a function, and an unknown
 * option (`on_epoch_end`, a misspelling) is INVALID_ARGUMENT listing the options.
 */
export class LambdaCallback extends Callback {
  declare onEpochBegin?: EpochHook;
  declare onEpochEnd?: EpochHook;
  declare onTrainBegin?: TrainHook;
  declare onTrainEnd?: TrainHook;
  declare onBatchBegin?: BatchHook;
  declare onBatchEnd?: BatchHook;

  constructor(config: LambdaCallbackConfig = {}) {
    super();
    const c = checkOptions(config, KEYS, 'LambdaCallback') as Record<string, unknown>;
    for (const key of KEYS) {
      if (c[key] !== undefined && typeof c[key] !== 'function') {
        throw new NumnetError('INVALID_ARGUMENT', `LambdaCallback ${key} must be a function, got ${describe(c[key])}`);
      }
    }
    for (const [keras, own] of [['onTrainBatchBegin', 'onBatchBegin'], ['onTrainBatchEnd', 'onBatchEnd']] as const) {
      if (c[keras] !== undefined && c[own] !== undefined) {
        throw new NumnetError('INVALID_ARGUMENT', `LambdaCallback: ${keras} and ${own} are the same hook; give one of them`);
      }
      c[own] ??= c[keras];
    }
    for (const hook of ['onEpochBegin', 'onEpochEnd', 'onTrainBegin', 'onTrainEnd', 'onBatchBegin', 'onBatchEnd'] as const) {
      if (c[hook] !== undefined) (this as unknown as Record<string, unknown>)[hook] = c[hook];
    }
  }
}
