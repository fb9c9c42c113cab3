import { NumnetError, describe } from '../errors.js';
import type { Sequential } from '../models/sequential.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';

/**
 * The numerical gradient of a scalar function by central differences:
 * ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε, one pair of evaluations per element.
 * `f` receives a tensor it may read but must not keep (its buffer is perturbed in place).
 */
export function numericalGradient(
  f: (x: Tensor) => number,
  x: TensorLike,
  options: { epsilon?: number } = {},
): Tensor {
  if (typeof f !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `numericalGradient(): f must be a function, got ${describe(f)}`);
  }
  const eps = checkEpsilon(options.epsilon);
  const t = toTensor(x, 'numericalGradient() x').clone();
  const g = new Float64Array(t.size);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const xi = d[i]!;
    d[i] = xi + eps;
    const fPlus = callScalar(f, t);
    d[i] = xi - eps;
    const fMinus = callScalar(f, t);
    d[i] = xi;
    g[i] = (fPlus - fMinus) / (2 * eps);
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

function checkEpsilon(e: unknown): number {
  const eps = e ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw new NumnetError('INVALID_ARGUMENT', `epsilon must be a finite number > 0, got ${describe(eps)}`);
  }
  return eps;
}

/** One parameter's comparison in `gradCheck`. */
export interface ParameterCheck {
  name: string;
  analytic: Tensor;
  numerical: Tensor;
  maxRelativeError: number;
}

/**
 * The relative error of two derivatives: |a − n| / max(|a|, |n|, floor). The floor (default
 * 1e-4) keeps tiny gradients, where central differences have only absolute accuracy, from
 * reading as large relative errors.
 */
export function relativeError(a: number, n: number, floor = 1e-4): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
}

/**
 * Compares backpropagation with numerical differentiation on a compiled model: for every weight,
 * ∂loss/∂w from `model.computeGradients(x, y)` against central differences of the loss
 * (regularization included, dropout off). Weights are restored afterwards.
 */
export function gradCheck(
  model: Sequential,
  x: TensorLike,
  y: TensorLike,
  options: { epsilon?: number; floor?: number } = {},
): { maxRelativeError: number; perParameter: ParameterCheck[] } {
  const eps = checkEpsilon(options.epsilon);
  const { gradients } = model.computeGradients(x, y);
  const xt = toTensor(x, 'gradCheck() x');
  const yt = toTensor(y, 'gradCheck() y');
  const n = xt.shape[0]!;
  const lossAt = () => model.evaluate(xt, yt, { batchSize: n }).loss!;
  const perParameter = model.parameters.map((p, k) => {
    const w = p.value.data;
    const num = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const wi = w[i]!;
      w[i] = wi + eps;
      const fPlus = lossAt();
      w[i] = wi - eps;
      const fMinus = lossAt();
      w[i] = wi;
      num[i] = (fPlus - fMinus) / (2 * eps);
    }
    const analytic = gradients[k]!;
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, relativeError(analytic.data[i]!, num[i]!, options.floor));
    return { name: p.name, analytic, numerical: new Tensor(num, p.value.shape), maxRelativeError: worst };
  });
  return { maxRelativeError: Math.max(0, ...perParameter.map((c) => c.maxRelativeError)), perParameter };
}
