/**
 * Every optimizer minimises known functions on its own, with no model: the test computes the
 * analytic gradient, hands it over as `apply([{ name, value: Tensor, grad }])`, and checks the
 * distance to the known minimiser (as optax's alias tests do). Each optimizer has one setting for
 * all objectives, tuned to converge; the tolerances are targets stated here.
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, Optimizer, RMSprop, SGD, cosineDecay, exponentialDecay } from '../../src/index.js';
import { parameter } from './helpers.js';

interface Objective {
  name: string;
  start: number[];
  minimiser: number[];
  /** Writes ∇f(w) into g. */
  gradient: (w: Float64Array, g: Float64Array) => void;
  /** max |wᵢ − w*ᵢ| allowed at the end. */
  tolerance: number;
}

/** f(w) = ½ Σ aᵢ wᵢ², minimised at 0; ∇f = (aᵢ wᵢ). */
const quadratic = (a: number[], start: number[]): Objective => ({
  name: `quadratic ½Σaᵢwᵢ², a = [${a.join(', ')}]`,
  start,
  minimiser: a.map(() => 0),
  gradient: (w, g) => a.forEach((ai, i) => (g[i] = ai * w[i]!)),
  tolerance: 1e-6,
});

/** f(x, y) = (1 − x)² + 100(y − x²)², minimised at (1, 1), from the classic start (−1.2, 1). */
const rosenbrock: Objective = {
  name: 'Rosenbrock (1 − x)² + 100(y − x²)²',
  start: [-1.2, 1],
  minimiser: [1, 1],
  gradient: (w, g) => {
    const x = w[0]!;
    const y = w[1]!;
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
  },
  tolerance: 1e-3,
};

const OBJECTIVES = [quadratic([1, 1], [1, -2]), quadratic([1, 10], [1, -2]), quadratic([0.1, 1, 10], [3, -2, 1]), rosenbrock];

/** Optimizer, steps, and (for AdamW) a looser Rosenbrock tolerance with its reason; the new options (RMSprop momentum, weightDecay) too. */
const SETTINGS: { name: string; make: () => Optimizer; steps: number; rosenbrockTolerance?: number }[] = [
  // Plain gradient descent: α < 2/λmax (Rosenbrock's Hessian reaches ~1300 near the start); the
  // a = 0.1 direction then contracts by 1 − 1.5e-4 per step.
  { name: 'SGD α = 0.0015', make: () => new SGD({ learningRate: 0.0015 }), steps: 120_000 },
  { name: 'SGD momentum 0.9', make: () => new SGD({ learningRate: 0.001, momentum: 0.9 }), steps: 20_000 },
  { name: 'SGD Nesterov 0.9', make: () => new SGD({ learningRate: 0.001, momentum: 0.9, nesterov: true }), steps: 20_000 },
  { name: 'Adagrad α = 0.5', make: () => new Adagrad({ learningRate: 0.5 }), steps: 20_000 },
  // RMSprop's step is ≈ α·sign(g) near the minimum: it hovers at ~α with a constant rate, so α decays.
  { name: 'RMSprop, α halved every 1000 steps', make: () => new RMSprop({ learningRate: exponentialDecay({ initialLearningRate: 0.003, decaySteps: 1000, decayRate: 0.5 }) }), steps: 10_000 },
  { name: 'RMSprop centered, α halved every 1000 steps', make: () => new RMSprop({ centered: true, learningRate: exponentialDecay({ initialLearningRate: 0.003, decaySteps: 1000, decayRate: 0.5 }) }), steps: 10_000 },
  // With momentum μ the steps add up to ≈ α/(1 − μ) each: α starts 10 times smaller for μ = 0.9.
  { name: 'RMSprop momentum 0.9, α halved every 1000 steps', make: () => new RMSprop({ momentum: 0.9, learningRate: exponentialDecay({ initialLearningRate: 0.001, decaySteps: 1000, decayRate: 0.5 }) }), steps: 10_000 },
  { name: 'RMSprop centered, momentum 0.9, α halved every 1000 steps', make: () => new RMSprop({ centered: true, momentum: 0.9, learningRate: exponentialDecay({ initialLearningRate: 0.001, decaySteps: 1000, decayRate: 0.5 }) }), steps: 10_000 },
  // Adadelta's own step √(E_Δ + ε)/√(E_g + ε) tends to 1 as the gradients vanish, too large for
  // a = 10: at a constant α = 1 it circles the minimum at ~1e-2. α decays from 1 to 0.
  { name: 'Adadelta, α cosine-decayed from 1', make: () => new Adadelta({ learningRate: cosineDecay({ initialLearningRate: 1, decaySteps: 20_000 }) }), steps: 20_000 },
  { name: 'Adam α = 0.01', make: () => new Adam({ learningRate: 0.01 }), steps: 10_000 },
  { name: 'Adam amsgrad α = 0.01', make: () => new Adam({ learningRate: 0.01, amsgrad: true }), steps: 30_000 },
  // AdamW's decay αλw must be balanced by Adam's normalised step, which moves its fixed point off
  // the minimiser of f where f is flat (Rosenbrock's valley): within 1e-2 there, not 1e-3.
  { name: 'AdamW α = 0.01, λ = 0.004', make: () => new AdamW({ learningRate: 0.01 }), steps: 30_000, rosenbrockTolerance: 1e-2 },
  { name: 'Adamax, α halved every 2000 steps', make: () => new Adamax({ learningRate: exponentialDecay({ initialLearningRate: 0.01, decaySteps: 2000, decayRate: 0.5 }) }), steps: 10_000 },
  // weightDecay λ (every optimizer's, decoupled): the quadratics' minimiser 0 is also the decay's, so
  // they still reach it; on Rosenbrock the fixed point moves off (1, 1) by about λ over the curvature
  // (SGD: the minimiser of f + λ/2·‖w‖²), within its 1e-3 for these small λ.
  { name: 'SGD momentum 0.9, weightDecay 1e-4', make: () => new SGD({ learningRate: 0.001, momentum: 0.9, weightDecay: 1e-4 }), steps: 20_000 },
  { name: 'RMSprop weightDecay 0.01, α halved every 1000 steps', make: () => new RMSprop({ weightDecay: 0.01, learningRate: exponentialDecay({ initialLearningRate: 0.003, decaySteps: 1000, decayRate: 0.5 }) }), steps: 10_000 },
  { name: 'Adam α = 0.01, weightDecay 1e-3', make: () => new Adam({ learningRate: 0.01, weightDecay: 1e-3 }), steps: 10_000 },
  { name: 'Adamax weightDecay 0.01, α halved every 2000 steps', make: () => new Adamax({ weightDecay: 0.01, learningRate: exponentialDecay({ initialLearningRate: 0.01, decaySteps: 2000, decayRate: 0.5 }) }), steps: 10_000 },
];

/** Runs `steps` updates from the objective's start; returns max |wᵢ − w*ᵢ|. */
function minimise(o: Optimizer, f: Objective, steps: number): number {
  const p = parameter('w', f.start);
  for (let k = 0; k < steps; k++) {
    f.gradient(p.value.data, p.grad);
    o.apply([p]);
  }
  expect(o.iterations).toBe(steps);
  return Math.max(...Array.from(p.value.data, (v, i) => Math.abs(v - f.minimiser[i]!)));
}

describe('standalone: each optimizer minimises each objective from a fixed start', () => {
  for (const s of SETTINGS) {
    it(`${s.name}, ${s.steps} steps`, () => {
      for (const f of OBJECTIVES) {
        const start = Math.max(...f.start.map((v, i) => Math.abs(v - f.minimiser[i]!)));
        const tolerance = f === rosenbrock ? (s.rosenbrockTolerance ?? f.tolerance) : f.tolerance;
        const distance = minimise(s.make(), f, s.steps);
        expect(distance, `${f.name}: |w − w*| = ${distance} from ${start}`).toBeLessThanOrEqual(tolerance);
      }
    });
  }

  it('every optimizer is in the table', () => {
    const classes = new Set(SETTINGS.map((s) => s.make().constructor));
    expect(classes).toEqual(new Set([SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax]));
  });
});
