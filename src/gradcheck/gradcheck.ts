import { NumnetError, checkOptions, describe } from '../errors.js';
import type { Sequential } from '../models/sequential.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';

/** Options of `numericalGradient`. */
export interface NumericalGradientOptions {
  /** The step ε (default 1e-5). */
  epsilon?: number;
  /**
   * 2 (default): central differences (f(x + ε) − f(x − ε))/2ε, error O(ε²).
   * 4: the five-point stencil (−f(x + 2ε) + 8f(x + ε) − 8f(x − ε) + f(x − 2ε))/12ε, error O(ε⁴).
   */
  order?: 2 | 4;
}

/**
 * The numerical gradient of a scalar function by central differences:
 * ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε, one pair of evaluations per element (or the
 * fourth-order five-point stencil with `order: 4`). `f` receives a tensor it may read but must not
 * keep (its buffer is perturbed in place).
 */
export function numericalGradient(f: (x: Tensor) => number, x: TensorLike, options: NumericalGradientOptions = {}): Tensor {
  if (typeof f !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `numericalGradient(): f must be a function, got ${describe(f)}`);
  }
  checkOptions(options, ['epsilon', 'order'], 'numericalGradient()');
  const eps = checkEpsilon(options.epsilon ?? 1e-5);
  const order = options.order ?? 2;
  if (order !== 2 && order !== 4) {
    throw new NumnetError('INVALID_ARGUMENT', `numericalGradient(): order must be 2 or 4, got ${describe(order)}`);
  }
  const t = toTensor(x, 'numericalGradient() x').clone();
  const g = new Float64Array(t.size);
  const d = t.data;
  const at = (i: number, xi: number, k: number): number => {
    d[i] = xi + k * eps;
    return callScalar(f, t);
  };
  for (let i = 0; i < d.length; i++) {
    const xi = d[i]!;
    if (order === 2) g[i] = (at(i, xi, 1) - at(i, xi, -1)) / (2 * eps);
    else g[i] = (-at(i, xi, 2) + 8 * at(i, xi, 1) - 8 * at(i, xi, -1) + at(i, xi, -2)) / (12 * eps);
    d[i] = xi;
  }
  return new Tensor(g, t.shape);
}

function callScalar(f: (x: Tensor) => number, t: Tensor): number {
  const v = f(t);
  if (typeof v !== 'number') {
    throw new NumnetError('INVALID_ARGUMENT', `numericalGradient(): f must return a number, got ${describe(v)}`);
  }
  return v;
}

function checkEpsilon(eps: unknown): number {
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw new NumnetError('INVALID_ARGUMENT', `epsilon must be a finite number > 0, got ${describe(eps)}`);
  }
  return eps;
}

/** One parameter's comparison in `gradCheck`. */
export interface ParameterCheck {
  /** The parameter's name (`layer/kernel`, …). */
  name: string;
  /** Its gradient from backpropagation. */
  analytic: Tensor;
  /** Its gradient from central differences. */
  numerical: Tensor;
  /** The largest relative error over its elements. */
  maxRelativeError: number;
}

/**
 * The relative error of two derivatives: |a − n| / max(|a|, |n|, floor). The floor (default
 * 1e-4) keeps tiny gradients, where central differences have only absolute accuracy, from
 * reading as large relative errors.
 */
export function relativeError(a: number, n: number, floor = 1e-4): number {
  if (typeof a !== 'number' || typeof n !== 'number' || typeof floor !== 'number' || !(floor > 0)) {
    throw new NumnetError('INVALID_ARGUMENT', `relativeError() takes numbers (and a floor > 0), got ${describe(a)}, ${describe(n)}, ${describe(floor)}`);
  }
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
}

/**
 * Compares backpropagation with numerical differentiation on a compiled model: for every weight,
 * ∂loss/∂w from `model.computeGradients(x, y)` against `numericalGradient` of the loss
 * (regularization included, dropout off). By default it uses the five-point stencil with
 * ε = 3e-4, whose error (truncation ~ε⁴, rounding ~1e-11) is far below the 1e-6 of specification §8; pass
 * `{ order: 2, epsilon: 1e-5 }` for plain central differences. Weights are restored afterwards.
 */
export function gradCheck(
  model: Sequential,
  x: TensorLike,
  y: TensorLike,
  options: NumericalGradientOptions & { floor?: number } = {},
): {
  /** The largest relative error over every parameter. */
  maxRelativeError: number;
  /** Each parameter's comparison, in `getWeights()` order. */
  perParameter: ParameterCheck[];
} {
  if (model === null || typeof model !== 'object' || typeof (model as { computeGradients?: unknown }).computeGradients !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `gradCheck() takes a compiled Sequential model, got ${describe(model)}`);
  }
  checkOptions(options, ['epsilon', 'order', 'floor'], 'gradCheck()');
  if (options.floor !== undefined && (typeof options.floor !== 'number' || !(options.floor > 0) || !Number.isFinite(options.floor))) {
    throw new NumnetError('INVALID_ARGUMENT', `gradCheck(): floor must be a finite number > 0, got ${describe(options.floor)}`);
  }
  const { gradients } = model.computeGradients(x, y);
  const xt = toTensor(x, 'gradCheck() x');
  const yt = toTensor(y, 'gradCheck() y');
  const n = xt.shape[0]!;
  const numericOptions = { epsilon: options.epsilon ?? 3e-4, order: options.order ?? 4 };
  const perParameter = model.parameters.map((p, k) => {
    const w = p.value.data;
    const original = w.slice();
    const lossAt = (t: Tensor) => {
      w.set(t.data);
      return model.evaluate(xt, yt, { batchSize: n }).loss!;
    };
    let numerical: Tensor;
    try {
      numerical = numericalGradient(lossAt, p.value, numericOptions);
    } finally {
      w.set(original);
    }
    const analytic = gradients[k]!;
    let worst = 0;
    for (let i = 0; i < w.length; i++) {
      worst = Math.max(worst, relativeError(analytic.data[i]!, numerical.data[i]!, options.floor));
    }
    return { name: p.name, analytic, numerical, maxRelativeError: worst };
  });
  return { maxRelativeError: Math.max(0, ...perParameter.map((c) => c.maxRelativeError)), perParameter };
}
