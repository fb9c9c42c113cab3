/**
 * {@link plotHistory}: the loss and metric curves of `fit`, one panel per quantity.
 * @module
 */
import { NumnetError, describe } from '../errors.js';
import { checkOptions, checkTitle } from './checks.js';
import { figureTitle, panels } from './figure.js';
import { PALETTE, Svg, checkSize, drawAxes, drawLegend, drawSeries, extent, linearScale, niceTicks, type Box, type Series } from './svg.js';

/** What {@link plotHistory} draws: a `History` from `fit`, or anything with its `history` record. */
export interface HistoryLike {
  /** Per-epoch values by name: `loss`, metrics, and `val_…` for validation. */
  history: Record<string, ArrayLike<number>>;
  /** The epoch index of each entry (0-based); epochs 1, 2, … when absent. */
  epoch?: ArrayLike<number>;
}

/** Options of {@link plotHistory}. */
export interface PlotHistoryOptions {
  /** The panels, one per name, each with its `val_` twin: by default `loss`, then every metric. */
  metrics?: string[];
  /** The figure title (default "Training history"). */
  title?: string;
  /** Width of the whole figure in pixels (default 380 per panel). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
}

/** Checks the history's record (every entry an array of numbers) and returns the names that have epochs. */
function recordKeys(history: HistoryLike): string[] {
  if (history === null || typeof history !== 'object' || history.history === null || typeof history.history !== 'object') {
    throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): expected a History (with a .history record), got ${describe(history)}`);
  }
  const record = history.history;
  const isSeries = (v: unknown): v is ArrayLike<number> =>
    (Array.isArray(v) || v instanceof Float64Array) && Array.from(v as ArrayLike<unknown>).every((n) => typeof n === 'number');
  for (const [k, v] of Object.entries(record)) {
    if (!isSeries(v)) throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): history.${k} must be an array of numbers, got ${describe(v)}`);
  }
  const keys = Object.keys(record).filter((k) => record[k]!.length > 0);
  if (keys.length === 0) throw new NumnetError('INVALID_ARGUMENT', 'plotHistory(): the history has no epochs to plot');
  return keys;
}

/** The names of the panels: the checked `metrics` option, or `loss` then every metric found in `keys`. */
function panelNames(keys: string[], metrics: unknown): string[] {
  if (metrics !== undefined) {
    if (!Array.isArray(metrics) || metrics.length === 0 || !metrics.every((m) => typeof m === 'string')) {
      throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): metrics must be a non-empty array of names, got ${describe(metrics)}`);
    }
    for (const m of metrics) {
      if (!keys.includes(m) && !keys.includes(`val_${m}`)) {
        throw new NumnetError('INVALID_ARGUMENT', `plotHistory(): no ${JSON.stringify(m)} in the history; it has ${keys.join(', ')}`);
      }
    }
    return metrics;
  }
  const base = [...new Set(keys.map((k) => (k.startsWith('val_') ? k.slice(4) : k)))].filter((k) => k !== 'learning_rate');
  const names = [...base.filter((k) => k === 'loss'), ...base.filter((k) => k !== 'loss')];
  return names.length === 0 ? ['learning_rate'] : names;
}

/** The epoch numbers (1-based) of a series of `n` entries: the history's own when it has `n`, else 1 … n. */
function epochsOf(history: HistoryLike, n: number): number[] {
  const e = history.epoch;
  if (e && e.length === n) return Array.from(e, (v) => v + 1);
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Draws the panel of one quantity: its training curve solid and its `val_` twin dashed. */
function drawPanel(svg: Svg, box: Box, history: HistoryLike, name: string): void {
  const series: Series[] = [];
  const train = history.history[name];
  const val = history.history[`val_${name}`];
  if (train && train.length > 0) series.push({ label: 'training', color: PALETTE[0], xs: epochsOf(history, train.length), ys: train });
  if (val && val.length > 0) series.push({ label: 'validation', color: PALETTE[1], xs: epochsOf(history, val.length), ys: val, dash: true });
  const [x0, x1] = extent(...series.map((s) => s.xs));
  const xt = niceTicks(x0, x1, 6, true, 1);
  let [y0, y1] = extent(...series.map((s) => s.ys));
  if (/acc/i.test(name) && y0 >= 0 && y1 <= 1) [y0, y1] = [0, 1];
  const yt = niceTicks(y0, y1, 5);
  const x = linearScale(xt.domain[0], xt.domain[1], box.left, box.left + box.width);
  const y = linearScale(yt.domain[0], yt.domain[1], box.top + box.height, box.top);
  drawAxes(svg, box, xt, yt, x, y, { xLabel: 'epoch', yLabel: name, title: name });
  drawLegend(svg, box, series, drawSeries(svg, box, x, y, series));
}

/**
 * Loss and metric curves of a training run, one panel per quantity: training solid, validation
 * (`val_…`) dashed, against the epoch. Accuracy panels span [0, 1]. A non-finite value (a NaN loss)
 * leaves a gap in its curve.
 *
 * ```ts
 * const history = await model.fit(x, y, { epochs: 50, validationSplit: 0.2 });
 * const svg = plotHistory(history, { title: 'XOR' });   // an SVG document as a string
 * ```
 */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): string {
  checkOptions(options, 'plotHistory()');
  const names = panelNames(recordKeys(history), options.metrics);
  const width = checkSize(options.width, 'plotHistory() width', 380 * names.length);
  const height = checkSize(options.height, 'plotHistory() height', 320);
  const title = checkTitle(options.title, 'Training history');

  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const boxes = panels(names.length, width, height);
  names.forEach((name, p) => drawPanel(svg, boxes[p]!, history, name));
  return svg.toString();
}
