import { softplus } from '../math/special.js';
import { EPSILON, Loss } from './loss.js';

/**
 * Log-cosh (Keras's `log_cosh`): with x = ŷ − y, ℓ = (1/n)Σⱼ log cosh(xⱼ), computed in Keras's
 * stable form log cosh x = x + softplus(−2x) − log 2; ∂ℓ/∂ŷⱼ = tanh(xⱼ)/n.
 */
export class LogCosh extends Loss {
  readonly name = 'logCosh';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const x = p[o + j]! - t[to + j]!;
      s += x + softplus(-2 * x) - Math.LN2;
    }
    return s / n;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const c = scale / n;
    for (let j = 0; j < n; j++) g[o + j] = c * Math.tanh(p[o + j]! - t[to + j]!);
  }
}

/**
 * Cosine similarity as a loss (Keras's `cosine_similarity`, over the row): with Keras's
 * l2-normalisation x̂ = x/max(‖x‖, ε) (ε = 1e-7; keras/src/ops/nn.py `normalize`),
 * ℓ = −Σⱼ t̂ⱼûⱼ with t̂ = y/max(‖y‖, ε), û = ŷ/max(‖ŷ‖, ε): −cos(y, ŷ), in
 * [−1, 1], and 0 when either vector is 0. With c = Σⱼ t̂ⱼûⱼ = −ℓ, the gradient is
 * ∂ℓ/∂ŷ = −(t̂ − c·û)/‖ŷ‖ where ‖ŷ‖ ≥ ε, and −t̂/ε below ε (where û = ŷ/ε is linear).
 */
export class CosineSimilarity extends Loss {
  readonly name = 'cosineSimilarity';
  protected rowLoss(t: Float64Array, to: number, p: Float64Array, o: number, n: number): number {
    const ny = Math.max(l2Norm(t, to, n), EPSILON);
    const np = Math.max(l2Norm(p, o, n), EPSILON);
    let s = 0;
    for (let j = 0; j < n; j++) s += (t[to + j]! / ny) * (p[o + j]! / np);
    return -s;
  }
  protected rowGradient(t: Float64Array, to: number, p: Float64Array, o: number, n: number, scale: number, g: Float64Array): void {
    const ny = Math.max(l2Norm(t, to, n), EPSILON);
    const norm = l2Norm(p, o, n);
    const np = Math.max(norm, EPSILON);
    let c = 0;
    for (let j = 0; j < n; j++) c += (t[to + j]! / ny) * (p[o + j]! / np);
    // Below ε the normalisation is ŷ/ε, linear, so only the target direction remains.
    if (norm < EPSILON) c = 0;
    for (let j = 0; j < n; j++) g[o + j] = (-scale * (t[to + j]! / ny - c * (p[o + j]! / np))) / np;
  }
}

/** ‖x‖₂ of x[o … o+n), scaled by the largest |xⱼ| so that squares neither overflow nor underflow. */
function l2Norm(x: Float64Array, o: number, n: number): number {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs(x[o + j]!));
  if (m === 0 || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const v = x[o + j]! / m;
    s += v * v;
  }
  return m * Math.sqrt(s);
}
