/**
 * A learning rate: a number, or a schedule — a function of the step, called with the number of
 * updates already applied (0 for the first update, as Keras's schedules are).
 */
export type LearningRate = number | ((step: number) => number);

/** Options every optimizer takes. */
export interface OptimizerConfig {
  /** α: a number, or a function of the step (a schedule). Each optimizer has its own default. */
  learningRate?: LearningRate;
  /** Scales each weight's gradient to norm at most c: g·c/max(‖g‖, c). */
  clipNorm?: number;
  /** Scales all gradients together to joint norm at most c. */
  globalClipNorm?: number;
  /** Clamps every gradient element to [−c, c]. */
  clipValue?: number;
  /**
   * λ ≥ 0: decoupled weight decay w ← w − αλw before each update, as Keras 3 (off unless set;
   * AdamW's default is 0.004).
   */
  weightDecay?: number;
}

/** One weight's optimizer state: named buffers the size of the weight (v, m, G, …). */
export type Slots = Record<string, Float64Array>;
