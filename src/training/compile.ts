import { NumnetError, checkOptions, describe } from '../errors.js';
import { Loss, getLoss } from '../losses/losses.js';
import { Metric, getMetric } from '../losses/metrics.js';
import { Optimizer, getOptimizer } from '../optimizers/index.js';
import type { CompiledMetric } from './step.js';

/** Options of `compile`. */
export interface CompileConfig {
  /** An optimizer instance, or its name ('sgd', …) for its defaults. */
  optimizer: string | Optimizer;
  /** A loss name ('mse', 'categoricalCrossentropy', …) or instance. */
  loss: string | Loss;
  /** Metric names ('acc', 'mae', …) or Metric objects: means over the samples, not weighted (as Keras). */
  metrics?: (string | Metric)[];
  /** Metrics weighted by `sampleWeight` / `classWeight`, as Keras's `weighted_metrics` (`weighted_mae` when `mae` is also in `metrics`). */
  weightedMetrics?: (string | Metric)[];
}

/** The optimizer, loss and metric names of a compile config, checked (a plain object, known keys). */
export function resolveCompile(config: CompileConfig): { optimizer: Optimizer; loss: Loss; names: MetricNames } {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new NumnetError('INVALID_ARGUMENT', `compile() takes { optimizer, loss, metrics? }, got ${describe(config)}`);
  }
  checkOptions(config, ['optimizer', 'loss', 'metrics', 'weightedMetrics'], 'compile()');
  if (config.loss === undefined) throw new NumnetError('INVALID_ARGUMENT', 'compile(): loss is missing');
  if (config.optimizer === undefined) throw new NumnetError('INVALID_ARGUMENT', 'compile(): optimizer is missing');
  for (const key of ['metrics', 'weightedMetrics'] as const) {
    if (config[key] !== undefined && !Array.isArray(config[key])) {
      throw new NumnetError('INVALID_ARGUMENT', `compile(): ${key} must be an array, got ${describe(config[key])}`);
    }
  }
  const optimizer = getOptimizer(config.optimizer);
  const loss = getLoss(config.loss);
  // Holes of a sparse array become undefined (rejected).
  return { optimizer, loss, names: { metrics: Array.from(config.metrics ?? []), weighted: Array.from(config.weightedMetrics ?? []) } };
}

/** The metrics given to compile: `metrics` (unweighted) and `weightedMetrics`. */
export interface MetricNames {
  metrics: (string | Metric)[];
  weighted: (string | Metric)[];
}

/**
 * The compiled metrics for a loss and an output of `units` values (what `acc` means depends on
 * both), keyed as Keras 3's CompileMetrics.result (keras/src/trainers/compile_utils.py): `name`,
 * then `name_1`, `name_2` for repeats; a weighted metric `weighted_name` when `name` is taken.
 */
export function compileMetrics(names: MetricNames, loss: Loss, units: number): CompiledMetric[] {
  const taken = new Map<string, number>();
  const keyOf = (name: string, weighted: boolean): string => {
    const first = weighted && taken.has(name) ? `weighted_${name}` : name;
    const k = taken.get(first);
    taken.set(first, (k ?? 0) + 1);
    return k === undefined ? first : `${first}_${k}`;
  };
  return [
    ...names.metrics.map((m) => ({ metric: getMetric(m, loss, units), weighted: false })),
    ...names.weighted.map((m) => ({ metric: getMetric(m, loss, units), weighted: true })),
  ].map((m) => ({ ...m, key: keyOf(m.metric.name, m.weighted) }));
}
