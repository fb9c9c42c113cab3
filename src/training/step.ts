import { NumnetError } from '../errors.js';
import type { Layer, Parameter } from '../layers/layer.js';
import type { Loss } from '../losses/losses.js';
import type { Metric } from '../losses/metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Tensor, allocate, checkShape } from '../tensor/tensor.js';
import { releaseResident, resident, residentLost } from '../tensor/kernels.js';
import type { Logs } from '../callbacks/callback.js';

/**
 * The path of one batch, on trusted buffers (checked at the door, src/training/data.ts):
 *
 *   ŷ = forward(x)                      layer by layer
 *   L = Σᵢ wᵢ·loss(yᵢ, ŷᵢ)/B + Σ R(W)    the weighted data loss plus the penalties
 *   ∂L/∂W = backward(∂L/∂ŷ)             layer by layer, from the last
 *   W ← optimizer(W, ∂L/∂W)             a transaction: nothing changes unless all of it is finite
 */

/**
 * A compiled metric: the key logs report it under, and whether sample and class weights weigh it
 * (Keras's `weighted_metrics`; `metrics` are unweighted means over the samples).
 */
export interface CompiledMetric {
  readonly metric: Metric;
  readonly key: string;
  readonly weighted: boolean;
}

/** What compile sets. */
export interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metrics: CompiledMetric[];
}

/** The network as the step sees it. */
export interface Network {
  readonly layers: readonly Layer[];
  /** The trainable weights: what the optimizer updates. */
  readonly parameters: readonly Parameter[];
  /** Weights the layers update themselves in a training forward pass (moving statistics). */
  readonly state: readonly Parameter[];
}

/** Sums of a pass over data, reduced to logs at the end. */
export interface Totals {
  samples: number;
  weight: number;
  metrics: number[];
}

export const newTotals = (): Totals => ({ samples: 0, weight: 0, metrics: [] });

/** Reusable buffers for one batch size (no allocation per batch once they exist). */
export interface BatchBuffers {
  x: Tensor;
  y: Tensor;
  w: Float64Array;
  /** { x, y } and { x, y, w } over these buffers, made once. */
  data: { x: Tensor; y: Tensor };
  weighted: { x: Tensor; y: Tensor; w: Float64Array };
  perSample: Float64Array;
  metric: Float64Array;
  grad: Tensor;
}

/** Buffers by batch size (a few sizes at most: the full batches and the last partial one). */
export class BufferCache {
  private readonly byRows = new Map<number, BatchBuffers>();
  /** `predict`'s input buffer: one batch, reallocated when the batch's shape changes. */
  private input: Tensor | undefined;

  /**
   * A buffer for `rows` samples of `inShape` (predict copies each batch into it, so that the layers,
   * which keep their last input, never hold the caller's data or a view of it).
   */
  inputs(rows: number, inShape: readonly number[]): Tensor {
    const b = this.input;
    if (b && b.shape[0] === rows && b.shape.length === inShape.length + 1 && inShape.every((n, i) => b.shape[i + 1] === n)) return b;
    const shape = [rows, ...inShape];
    // plain: predict's one GEMM on it copies it in once, as a resident buffer would cost in the copy
    // into it — and a large predict batch would hold kept regions (which the weights need) for good
    this.input = new Tensor(allocate(checkShape(shape, `a batch of ${rows}: reduce batchSize; the buffer`), 'batch'), shape);
    return this.input;
  }

  /** The buffers for `rows` samples of these shapes, made once. */
  get(rows: number, inShape: readonly number[], outShape: readonly number[], sparse: boolean): BatchBuffers {
    let b = this.byRows.get(rows);
    if (b && b.x.shape.length === inShape.length + 1 && b.grad.shape.length === outShape.length + 1 && b.y.shape.length === (sparse ? 1 : outShape.length + 1)) {
      if (!residentLost(b.x.data)) return b;
    }
    if (b) releaseResident(b.x.data);
    const outSize = outShape.reduce((p, n) => p * n, 1);
    // Allocated once per batch size; a batch too large to hold is INVALID_ARGUMENT, not a RangeError.
    const buf = (shape: number[]) => allocate(checkShape(shape, `a batch of ${rows}: reduce batchSize; the buffer`), 'batch');
    const x = new Tensor(batchArray([rows, ...inShape], rows), [rows, ...inShape]);
    const y = new Tensor(buf([rows * (sparse ? 1 : outSize)]), sparse ? [rows] : [rows, ...outShape]);
    const w = new Float64Array(rows);
    b = {
      x,
      y,
      w,
      data: { x, y },
      weighted: { x, y, w },
      perSample: new Float64Array(rows),
      metric: new Float64Array(rows),
      grad: new Tensor(buf([rows, ...outShape]), [rows, ...outShape]),
    };
    if (this.byRows.size > 8) this.forgetBatches();
    this.byRows.set(rows, b);
    return b;
  }

  /** Forgets every buffer (the model's shapes changed). */
  clear(): void {
    this.forgetBatches();
    this.input = undefined;
  }

  private forgetBatches(): void {
    for (const b of this.byRows.values()) releaseResident(b.x.data);
    this.byRows.clear();
  }
}

/**
 * A batch's input buffer: resident where it can be (kernels.ts `resident`), so that the first layer's
 * GEMMs — forward, and ∂L/∂W = xᵀ·dz — read it in place instead of copying it in twice a step.
 * A batch too large to hold is INVALID_ARGUMENT, not a RangeError.
 */
function batchArray(shape: number[], rows: number): Float64Array {
  const size = checkShape(shape, `a batch of ${rows}: reduce batchSize; the buffer`);
  return resident(size) ?? allocate(size, 'batch');
}

/**
 * x copied into the model's batch buffer (x itself when it is that buffer). The layers keep their
 * last input for the backward pass; handing them the model's buffer instead of the caller's data
 * leaves that data (or the float64 copy the door made of nested arrays) collectable after the call.
 */
export function intoBuffer(x: Tensor, buffer: Tensor): Tensor {
  if (x !== buffer) buffer.data.set(x.data);
  return buffer;
}

/** ŷ for a batch: each layer's forward in turn (`training` turns on dropout and the like). */
export function forward(net: Network, x: Tensor, training: boolean): Tensor {
  let h = x;
  for (const layer of net.layers) h = layer.forwardUnchecked(h, training);
  return h;
}

/** The regularization penalty Σ R(w) over all weights. */
export function penalty(net: Network): number {
  let s = 0;
  for (const p of net.parameters) if (p.regularizer) s += p.regularizer.penalty(p.value.data);
  return s;
}

/** Adds the loss and metrics of ŷ against y into `totals`; returns the batch's mean data loss. */
export function score(c: Compiled, yHat: Tensor, y: Tensor, w: Float64Array | undefined, b: BatchBuffers, totals: Totals): number {
  const rows = yHat.shape[0]!;
  const cols = yHat.size / rows;
  c.loss.perSample(y.data, yHat.data, rows, cols, b.perSample);
  let lossSum = 0;
  let weightSum = 0;
  for (let i = 0; i < rows; i++) {
    const wi = w ? w[i]! : 1;
    lossSum += wi * b.perSample[i]!;
    weightSum += wi;
  }
  for (let m = 0; m < c.metrics.length; m++) {
    const cm = c.metrics[m]!;
    cm.metric.perSample(y.data, yHat.data, rows, cols, b.metric);
    const mw = cm.weighted ? w : undefined;
    let s = 0;
    for (let i = 0; i < rows; i++) s += (mw ? mw[i]! : 1) * b.metric[i]!;
    totals.metrics[m] = (totals.metrics[m] ?? 0) + s;
  }
  totals.samples += rows;
  totals.weight += weightSum;
  return lossSum / rows;
}

/**
 * Fills every parameter's grad with ∂(loss + penalty)/∂w: ∂L/∂ŷ from the loss — or ∂L/∂z through
 * the fused softmax/sigmoid crossentropy, when the last layer ends in the activation the loss
 * fuses with — then each layer's backward from last to first.
 */
export function backprop(net: Network, loss: Loss, yHat: Tensor, y: Tensor, w: Float64Array | undefined, grad: Tensor): void {
  const rows = yHat.shape[0]!;
  const cols = yHat.size / rows;
  const layers = net.layers;
  const last = layers[layers.length - 1]!;
  const deep = layers.length > 1;
  let g: Tensor | undefined;
  if (loss.fusedActivation !== undefined && fuses(last, loss)) {
    loss.fusedGradient(y.data, yHat.data, rows, cols, grad.data, w);
    g = last.backwardFromPreActivationUnchecked(grad, deep);
  } else {
    loss.gradient(y.data, yHat.data, rows, cols, grad.data, w);
    g = last.backwardUnchecked(grad, deep);
  }
  for (let i = layers.length - 2; i >= 0; i--) g = layers[i]!.backwardUnchecked(g!, i > 0);
  for (const p of net.parameters) if (p.regularizer) p.regularizer.addGradient(p.value.data, p.grad);
}

/** True when the layer ends in the activation (the same object) the loss fuses with. */
function fuses(layer: Layer, loss: Loss): boolean {
  return layer.outputActivation !== undefined && layer.outputActivation === loss.fusedActivation;
}

/**
 * One gradient step on one batch: forward, loss, backward, and the optimizer's transactional
 * update. Returns the batch loss (with regularization) before the update. A non-finite loss is
 * refused before anything changes; a non-finite gradient, weight or optimizer state makes the
 * optimizer restore itself and the weights (NON_FINITE_LOSS).
 */
export function trainStep(net: Network, c: Compiled, x: Tensor, y: Tensor, w: Float64Array | undefined, b: BatchBuffers, totals: Totals, saved: Float64Array[]): number {
  const state = net.state;
  // The layers' own state (moving statistics) changes in the forward pass: kept to restore.
  for (let i = 0; i < state.length; i++) {
    const v = state[i]!.value.data;
    if (saved[i]?.length !== v.length) saved[i] = new Float64Array(v.length);
    saved[i]!.set(v);
  }
  try {
    const yHat = forward(net, x, true);
    const total = score(c, yHat, y, w, b, totals) + penalty(net);
    if (!Number.isFinite(total)) throw new NumnetError('NON_FINITE_LOSS', `the loss is ${total}; the weights were not updated`);
    backprop(net, c.loss, yHat, y, w, b.grad);
    c.optimizer.apply(net.parameters);
    return total;
  } catch (e) {
    for (let i = 0; i < state.length; i++) state[i]!.value.data.set(saved[i]!);
    throw e;
  }
}

/** Logs from the sums of a pass: `loss` (lossSum over the samples) and each metric's mean (weighted or not). */
export function logsOf(c: Compiled, totals: Totals, lossSum: number, prefix = ''): Logs {
  // Keys are metric names a user may choose ("__proto__" too): set as own properties, never through a setter.
  const logs: Logs = { [`${prefix}loss`]: lossSum / totals.samples };
  c.metrics.forEach((m, i) => {
    const key = `${prefix}${m.key}`;
    // All sample weights zero: the weighted mean is taken as 0 (Keras's divide_no_nan), not NaN.
    const by = m.weighted ? totals.weight : totals.samples;
    const value = by > 0 ? (totals.metrics[i] ?? 0) / by : 0;
    Object.defineProperty(logs, key, { value, enumerable: true, writable: true, configurable: true });
  });
  return logs;
}

/** Adds `from`'s entries to `into` as own properties (Object.assign would call a `__proto__` setter). */
export function mergeLogs(into: Logs, from: Logs): Logs {
  for (const k of Object.keys(from)) Object.defineProperty(into, k, { value: from[k], enumerable: true, writable: true, configurable: true });
  return into;
}

/** Copies the running sums (reusing `to`'s array). */
export function copyTotals(from: Totals, to: Totals): void {
  to.samples = from.samples;
  to.weight = from.weight;
  to.metrics.length = from.metrics.length;
  for (let i = 0; i < from.metrics.length; i++) to.metrics[i] = from.metrics[i]!;
}
