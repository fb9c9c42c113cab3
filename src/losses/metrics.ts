import { NumnetError, describe, lookupName } from '../errors.js';
import { CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCosh, Loss, Poisson, SquaredHinge, lossEntry } from './losses.js';

/**
 * A metric m(y, ŷ) computed per sample (`perSample` writes mᵢ for each row); the model reports
 * its mean over the samples seen — weighted by sample weights only when given to `compile` as
 * `weightedMetrics` — as Keras does.
 */
export interface Metric {
  /** The name logs report it under. */
  readonly name: string;
  /** Writes the metric of each of `rows` samples (`cols` values each) of targets t and predictions p to `out`. */
  perSample(t: Float64Array, p: Float64Array, rows: number, cols: number, out: Float64Array): void;
  /**
   * Which way it improves, as Keras 3's metric `_direction`: 'up' (higher is better: accuracies) or
   * 'down' (lower is better: errors). `mode: 'auto'` of EarlyStopping and ReduceLROnPlateau goes by
   * it; a metric without one must be monitored with mode 'min' or 'max'.
   */
  readonly direction?: 'up' | 'down';
}

/** The index of the largest of `cols` values from `p[o]` (the first on ties). */
export function argmaxRow(p: Float64Array, o: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if (p[o + j]! > p[o + best]!) best = j;
  return best;
}

/** binaryAccuracy: the fraction of outputs with (ŷ > 0.5) = y, per sample over its outputs. */
export const binaryAccuracy: Metric = {
  name: 'binaryAccuracy',
  direction: 'up',
  perSample(t, p, rows, cols, out) {
    for (let i = 0; i < rows; i++) {
      let hits = 0;
      for (let j = 0; j < cols; j++) if ((p[i * cols + j]! > 0.5 ? 1 : 0) === t[i * cols + j]) hits++;
      out[i] = hits / cols;
    }
  },
};

/** categoricalAccuracy: 1 where argmax ŷ = argmax y. */
export const categoricalAccuracy: Metric = {
  name: 'categoricalAccuracy',
  direction: 'up',
  perSample(t, p, rows, cols, out) {
    for (let i = 0; i < rows; i++) out[i] = argmaxRow(p, i * cols, cols) === argmaxRow(t, i * cols, cols) ? 1 : 0;
  },
};

/** sparseCategoricalAccuracy: 1 where argmax ŷ = the integer label. */
export const sparseCategoricalAccuracy: Metric = {
  name: 'sparseCategoricalAccuracy',
  direction: 'up',
  perSample(t, p, rows, cols, out) {
    for (let i = 0; i < rows; i++) out[i] = argmaxRow(p, i * cols, cols) === t[i] ? 1 : 0;
  },
};

/** mse: mean (y − ŷ)² per sample. */
export const mseMetric: Metric = {
  name: 'mse',
  direction: 'down',
  perSample(t, p, rows, cols, out) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += (t[i * cols + j]! - p[i * cols + j]!) ** 2;
      out[i] = s / cols;
    }
  },
};

/** mae: mean |y − ŷ| per sample. */
export const maeMetric: Metric = {
  name: 'mae',
  direction: 'down',
  perSample(t, p, rows, cols, out) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.abs(t[i * cols + j]! - p[i * cols + j]!);
      out[i] = s / cols;
    }
  },
};

/**
 * A loss's per-sample value as a metric (Keras's MeanMetricWrapper(fn=the loss function)), times
 * `sign`: Keras's CosineSimilarity metric is +cos, the loss −cos.
 */
function lossMetric(name: string, loss: Loss, sign: 1 | -1): Metric {
  return {
    name,
    perSample(t, p, rows, cols, out) {
      loss.perSample(t, p, rows, cols, out);
      if (sign < 0) for (let i = 0; i < rows; i++) out[i] = -out[i]!;
    },
  };
}

/** hinge, squaredHinge, categoricalHinge (keras/src/metrics/hinge_metrics.py): the losses' values. */
export const hingeMetric = lossMetric('hinge', new Hinge(), 1);
export const squaredHingeMetric = lossMetric('squaredHinge', new SquaredHinge(), 1);
export const categoricalHingeMetric = lossMetric('categoricalHinge', new CategoricalHinge(), 1);
/** klDivergence, poisson (keras/src/metrics/probabilistic_metrics.py): the losses' values. */
export const klDivergenceMetric = lossMetric('klDivergence', new KLDivergence(), 1);
export const poissonMetric = lossMetric('poisson', new Poisson(), 1);
/** logCoshError: the log-cosh loss; cosineSimilarity: +cos(y, ŷ), the loss negated (keras/src/metrics/regression_metrics.py). */
export const logCoshErrorMetric = lossMetric('logCoshError', new LogCosh(), 1);
export const cosineSimilarityMetric = lossMetric('cosineSimilarity', new CosineSimilarity(), -1);

/** The O(1) buffer check of the built-in metrics' perSample. */
function checked(metric: Metric): Metric {
  const perSample = metric.perSample;
  (metric as { perSample: Metric['perSample'] }).perSample = (t, p, rows, cols, out) => {
    const ok =
      typeof rows === 'number' && Number.isInteger(rows) && rows >= 0 &&
      typeof cols === 'number' && Number.isInteger(cols) && cols >= 1 &&
      p instanceof Float64Array && p.length >= rows * cols &&
      t instanceof Float64Array && t.length >= rows * (metric === sparseCategoricalAccuracy ? 1 : cols) &&
      out instanceof Float64Array && out.length >= rows;
    if (!ok) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `metric ${metric.name}: perSample() takes Float64Arrays for rows × cols values, got rows ${describe(rows)}, cols ${describe(cols)}`,
      );
    }
    perSample(t, p, rows, cols, out);
  };
  return metric;
}

for (const m of [
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, mseMetric, maeMetric, hingeMetric, squaredHingeMetric,
  categoricalHingeMetric, klDivergenceMetric, poissonMetric, logCoshErrorMetric, cosineSimilarityMetric,
]) checked(m);

const METRICS: Record<string, Metric> = {
  acc: categoricalAccuracy, // resolved by getMetric before lookup; listed for the error message
  accuracy: categoricalAccuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  mse: mseMetric,
  meanSquaredError: mseMetric,
  mae: maeMetric,
  meanAbsoluteError: maeMetric,
  // Keras 3's metric names (keras/src/metrics/__init__.py: each class's name and its snake_case).
  hinge: hingeMetric,
  squaredHinge: squaredHingeMetric,
  categoricalHinge: categoricalHingeMetric,
  klDivergence: klDivergenceMetric,
  poisson: poissonMetric,
  logCoshError: logCoshErrorMetric,
  cosineSimilarity: cosineSimilarityMetric,
};

/**
 * The metric called `name`, reported under that name. `acc`/`accuracy` resolve as Keras does:
 * binary when the loss's entry in the loss table says so (binary crossentropy) or the output has
 * one unit, sparse categorical for a sparse loss, else categorical.
 */
export function getMetric(name: string | Metric, loss: Loss, outputUnits: number): Metric {
  if (!(loss instanceof Loss)) throw new NumnetError('INVALID_ARGUMENT', `getMetric(): loss must be a Loss, got ${describe(loss)}`);
  if (typeof outputUnits !== 'number' || !Number.isInteger(outputUnits) || outputUnits < 0) {
    throw new NumnetError('INVALID_ARGUMENT', `getMetric(): outputUnits must be an integer ≥ 0, got ${describe(outputUnits)}`);
  }
  if (typeof name === 'object' && name !== null && !Array.isArray(name)) {
    const m = name as unknown as Record<string, unknown>;
    if (typeof m.perSample !== 'function' || typeof m.name !== 'string' || m.name === '') {
      throw new NumnetError('INVALID_ARGUMENT', `a custom metric must be { name: string, perSample(yTrue, yPred, rows, cols, out) }, got ${describe(name)}`);
    }
    if (m.direction !== undefined && m.direction !== 'up' && m.direction !== 'down') {
      throw new NumnetError('INVALID_ARGUMENT', `metric ${JSON.stringify(m.name)}: direction must be 'up', 'down' or absent, got ${describe(m.direction)}`);
    }
    return name;
  }
  if (typeof name === 'string' && (name === 'acc' || name === 'accuracy')) {
    const base =
      lossEntry(loss.name)?.accuracy === 'binary' || outputUnits === 1
        ? binaryAccuracy
        : loss.sparse
          ? sparseCategoricalAccuracy
          : categoricalAccuracy;
    return { name, perSample: base.perSample, direction: base.direction };
  }
  const m = lookupName(METRICS, name, 'metric');
  return { name: name as string, perSample: m.perSample, direction: m.direction };
}

/**
 * Which way a metric as given to `compile` improves (its `direction`): the built-in names' own
 * ('up' for the accuracies, 'down' for mse and mae), a Metric object's `direction`, or undefined.
 */
export function metricDirection(metric: string | Metric): 'up' | 'down' | undefined {
  if (typeof metric === 'string') return Object.prototype.hasOwnProperty.call(METRICS, metric) ? METRICS[metric]!.direction : undefined;
  const d = metric !== null && typeof metric === 'object' ? metric.direction : undefined;
  return d === 'up' || d === 'down' ? d : undefined;
}
