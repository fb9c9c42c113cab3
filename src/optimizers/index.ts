import { lookupName } from '../errors.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer } from './optimizer.js';
export type { Hyperparameter, HyperparameterTable, Hyperparameters, LearningRate, OptimizerConfig, Slots } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDConfig } from './sgd.js';
export { Adagrad } from './adagrad.js';
export type { AdagradConfig } from './adagrad.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropConfig } from './rmsprop.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaConfig } from './adadelta.js';
export { Adam } from './adam.js';
export type { AdamConfig } from './adam.js';
export { AdamW } from './adamw.js';
export type { AdamWConfig } from './adamw.js';
export { Adamax } from './adamax.js';
export type { AdamaxConfig } from './adamax.js';
export { exponentialDecay, piecewiseConstantDecay, cosineDecay } from './schedules.js';
export type { Schedule } from './schedules.js';

/** Optimizer classes by name; names are case-insensitive ('Adam', 'adam', 'ADAM'). */
export const OPTIMIZERS = {
  /** {@link SGD}, with momentum and Nesterov. */
  sgd: SGD,
  /** {@link Adagrad}. */
  adagrad: Adagrad,
  /** {@link RMSprop}. */
  rmsprop: RMSprop,
  /** {@link Adadelta}. */
  adadelta: Adadelta,
  /** {@link Adam}. */
  adam: Adam,
  /** {@link AdamW}. */
  adamw: AdamW,
  /** {@link Adamax}. */
  adamax: Adamax,
};

/**
 * The optimizer called `name` (case-insensitive) with its defaults, or with `config`; or
 * `optimizer` itself when it is already one.
 */
export function getOptimizer(optimizer: string | Optimizer, config: Record<string, unknown> = {}): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  const Class = lookupName<new (c: Record<string, unknown>) => Optimizer>(OPTIMIZERS, optimizer, 'optimizer');
  return new Class(config);
}
