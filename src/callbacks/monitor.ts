import { NumnetError, describe } from '../errors.js';
import { Metric, metricDirection } from '../losses/metrics.js';
import type { CallbackModel, Logs } from './callback.js';

/** How a monitoring callback is told which way its key improves: 'min', 'max', or 'auto' (inferred). */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Which way the monitored key improves: 'min' (lower is better) or 'max' (higher is better). */
export type MonitorDirection = 'min' | 'max';

/** The `monitor` option: a non-empty logs key (default 'val_loss'), or INVALID_ARGUMENT naming `who`. */
export function monitorOption(monitor: unknown, who: string): string {
  const m = monitor ?? 'val_loss';
  if (typeof m !== 'string' || m === '') {
    throw new NumnetError('INVALID_ARGUMENT', `${who} monitor must be a logs key such as 'val_loss', got ${describe(m)}`);
  }
  return m;
}

/** The `mode` option: 'auto' (default), 'min' or 'max', or INVALID_ARGUMENT naming `who`. */
export function modeOption(mode: unknown, who: string): MonitorMode {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'min' && m !== 'max') {
    throw new NumnetError('INVALID_ARGUMENT', `${who} mode must be 'auto', 'min' or 'max', got ${describe(m)}`);
  }
  return m;
}

/**
 * The direction of `monitor`, as Keras 3's `MonitorCallback._set_monitor_op`
 * (keras/src/callbacks/monitor_callback.py, shared by EarlyStopping and ReduceLROnPlateau since
 * Keras 3.11): mode 'min' or 'max' as given; in mode 'auto' the key without its 'val_' prefix is
 * looked up — 'loss' is 'min', then every compiled metric of that name with a direction decides
 * ('up' is 'max', 'down' is 'min'; the last one wins, as Keras's loop). When nothing decides, the
 * direction cannot be inferred: INVALID_ARGUMENT naming the monitor, the compiled metrics and the
 * keys the epoch logs hold (Keras raises ValueError there, whether or not the key is logged).
 * The callbacks call it at their first epoch end, as Keras does ("delay setup until the model's
 * metrics are all built").
 */
export function monitorDirection(monitor: string, mode: MonitorMode, model: CallbackModel | undefined, logs: Logs, who: string): MonitorDirection {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  let direction: MonitorDirection | undefined = name === 'loss' ? 'min' : undefined;
  const metrics = compiledMetrics(model);
  for (const m of metrics) {
    if ((typeof m === 'string' ? m : m.name) !== name) continue;
    const d = metricDirection(m);
    if (d !== undefined) direction = d === 'up' ? 'max' : 'min';
  }
  if (direction !== undefined) return direction;
  const names = metrics.map((m) => (typeof m === 'string' ? m : m.name));
  const logged = Object.prototype.hasOwnProperty.call(logs, monitor) ? 'is in the epoch logs' : 'is not in the epoch logs';
  throw new NumnetError(
    'INVALID_ARGUMENT',
    `${who}: mode 'auto' cannot tell whether monitor ${JSON.stringify(monitor)} (which ${logged}) should be minimized or maximized: ` +
      `it knows 'loss' and the compiled metrics that have a direction (compiled: ${names.length ? names.join(', ') : 'none'}). ` +
      `Pass mode: 'min' or mode: 'max'. The epoch logs hold: ${Object.keys(logs).join(', ') || 'nothing'}`,
  );
}

/** The model's compiled metrics and weighted metrics as given to `compile` ([] for a stand-in model without getCompileConfig). */
function compiledMetrics(model: CallbackModel | undefined): readonly (string | Metric)[] {
  if (model === undefined || typeof model.getCompileConfig !== 'function') return [];
  const c = model.getCompileConfig();
  return [...(Array.isArray(c?.metrics) ? c.metrics : []), ...(Array.isArray(c?.weightedMetrics) ? c.weightedMetrics : [])];
}
