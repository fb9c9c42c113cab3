import { lookupName } from '../errors.js';
import { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

export { Optimizer } from './optimizer.js';
export type { LearningRate, OptimizerConfig, Slots } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDConfig } from './sgd.js';

const OPTIMIZERS: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
};

/** The optimizer called `name` (case-insensitive) with its defaults, or `optimizer` itself. */
export function getOptimizer(optimizer: string | Optimizer): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  return lookupName(OPTIMIZERS, optimizer, 'optimizer')();
}
