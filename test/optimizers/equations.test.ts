/**
 * Each updateStep is the equation in its doc comment, bit for bit: a scalar transcription of each
 * equation, written here in the order the operations are written there, must give the very same
 * doubles (weights and state) over several steps. Golden trajectories allow 1e-10; this catches an
 * algebraic rearrangement that would change the last bits.
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, Optimizer, RMSprop, SGD } from '../../src/index.js';
import { parameter } from './helpers.js';

type Reference = (w: number, g: number, s: Record<string, number>, lr: number, t: number) => number;

const α = 0.05;
const cases: [string, Optimizer, Record<string, number>, Reference][] = [
  ['SGD: w ← w − αg', new SGD({ learningRate: α }), {}, (w, g, _s, lr) => w - lr * g],
  ['SGD momentum: v ← μv − αg; w ← w + v', new SGD({ learningRate: α, momentum: 0.9 }), { v: 0 }, (w, g, s, lr) => {
    s.v = 0.9 * s.v! - lr * g;
    return w + s.v;
  }],
  ['SGD nesterov: v ← μv − αg; w ← w + μv − αg', new SGD({ learningRate: α, momentum: 0.9, nesterov: true }), { v: 0 }, (w, g, s, lr) => {
    s.v = 0.9 * s.v! - lr * g;
    return w + (0.9 * s.v - lr * g);
  }],
  ['Adagrad: G ← G + g²; w ← w − αg/√(G + ε)', new Adagrad({ learningRate: α }), { G: 0.1 }, (w, g, s, lr) => {
    s.G = s.G! + g * g;
    return w - (lr * g) / Math.sqrt(s.G + 1e-7);
  }],
  ['RMSprop: E ← ρE + (1 − ρ)g²; w ← w − αg/√(E + ε)', new RMSprop({ learningRate: α }), { E: 0 }, (w, g, s, lr) => {
    s.E = 0.9 * s.E! + (1 - 0.9) * g * g;
    return w - (lr * g) / Math.sqrt(s.E + 1e-7);
  }],
  ['RMSprop centered: also m ← ρm + (1 − ρ)g and √(E − m² + ε)', new RMSprop({ learningRate: α, centered: true }), { E: 0, m: 0 }, (w, g, s, lr) => {
    s.E = 0.9 * s.E! + (1 - 0.9) * g * g;
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    return w - (lr * g) / Math.sqrt(s.E - s.m * s.m + 1e-7);
  }],
  ['RMSprop momentum: b ← μb + αg/√(E + ε); w ← w − b', new RMSprop({ learningRate: α, momentum: 0.9 }), { E: 0, b: 0 }, (w, g, s, lr) => {
    s.E = 0.9 * s.E! + (1 - 0.9) * g * g;
    s.b = 0.9 * s.b! + (lr * g) / Math.sqrt(s.E + 1e-7);
    return w - s.b;
  }],
  ['RMSprop centered momentum: b ← μb + αg/√(E − m² + ε); w ← w − b', new RMSprop({ learningRate: α, centered: true, momentum: 0.5 }), { E: 0, m: 0, b: 0 }, (w, g, s, lr) => {
    s.E = 0.9 * s.E! + (1 - 0.9) * g * g;
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.b = 0.5 * s.b! + (lr * g) / Math.sqrt(s.E - s.m * s.m + 1e-7);
    return w - s.b;
  }],
  ['SGD weightDecay: w ← w − αλw, then w ← w − αg', new SGD({ learningRate: α, weightDecay: 0.3 }), {}, (w, g, _s, lr) => {
    w = w - lr * 0.3 * w;
    return w - lr * g;
  }],
  ['RMSprop momentum weightDecay: w ← w − αλw, then the RMSprop step', new RMSprop({ learningRate: α, momentum: 0.9, weightDecay: 0.3 }), { E: 0, b: 0 }, (w, g, s, lr) => {
    w = w - lr * 0.3 * w;
    s.E = 0.9 * s.E! + (1 - 0.9) * g * g;
    s.b = 0.9 * s.b! + (lr * g) / Math.sqrt(s.E + 1e-7);
    return w - s.b;
  }],
  ['Adadelta: E_g ← ρE_g + (1 − ρ)g²; Δ ← −√(E_Δ + ε)/√(E_g + ε)·g; E_Δ ← ρE_Δ + (1 − ρ)Δ²; w ← w + αΔ', new Adadelta({ learningRate: α }), { Eg: 0, Edelta: 0 }, (w, g, s, lr) => {
    s.Eg = 0.95 * s.Eg! + (1 - 0.95) * g * g;
    const delta = (-Math.sqrt(s.Edelta! + 1e-7) / Math.sqrt(s.Eg + 1e-7)) * g;
    s.Edelta = 0.95 * s.Edelta! + (1 - 0.95) * delta * delta;
    return w + lr * delta;
  }],
  ['Adam: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − αm̂/(√v̂ + ε)', new Adam({ learningRate: α }), { m: 0, v: 0 }, (w, g, s, lr, t) => {
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.v = 0.999 * s.v! + (1 - 0.999) * g * g;
    return w - (lr * (s.m / (1 - 0.9 ** t))) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-7);
  }],
  ['Adam amsgrad: v̂ from the largest v', new Adam({ learningRate: α, amsgrad: true }), { m: 0, v: 0, vMax: 0 }, (w, g, s, lr, t) => {
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.v = 0.999 * s.v! + (1 - 0.999) * g * g;
    s.vMax = Math.max(s.vMax!, s.v);
    return w - (lr * (s.m / (1 - 0.9 ** t))) / (Math.sqrt(s.vMax / (1 - 0.999 ** t)) + 1e-7);
  }],
  ['AdamW: w ← w − αλw, then the Adam step', new AdamW({ learningRate: α }), { m: 0, v: 0 }, (w, g, s, lr, t) => {
    w = w - lr * 0.004 * w;
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.v = 0.999 * s.v! + (1 - 0.999) * g * g;
    return w - (lr * (s.m / (1 - 0.9 ** t))) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-7);
  }],
  ['Adamax weightDecay: w ← w − αλw, then the Adamax step', new Adamax({ learningRate: α, weightDecay: 0.3 }), { m: 0, u: 0 }, (w, g, s, lr, t) => {
    w = w - lr * 0.3 * w;
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.u = Math.max(0.999 * s.u!, Math.abs(g));
    return w - ((lr / (1 - 0.9 ** t)) * s.m) / (s.u + 1e-7);
  }],
  ['Adamax: m ← β₁m + (1 − β₁)g; u ← max(β₂u, |g|); w ← w − (α/(1 − β₁ᵗ))·m/(u + ε)', new Adamax({ learningRate: α }), { m: 0, u: 0 }, (w, g, s, lr, t) => {
    s.m = 0.9 * s.m! + (1 - 0.9) * g;
    s.u = Math.max(0.999 * s.u!, Math.abs(g));
    return w - ((lr / (1 - 0.9 ** t)) * s.m) / (s.u + 1e-7);
  }],
];

describe('each update is its documented equation, bit for bit', () => {
  for (const [name, o, initial, reference] of cases) {
    it(name, () => {
      const start = [0.7, -1.3, 2.9];
      const p = parameter('w', start);
      const w = [...start];
      const s = start.map(() => ({ ...initial }));
      for (let t = 1; t <= 6; t++) {
        for (let i = 0; i < w.length; i++) p.grad[i] = Math.sin(t * 1.7 + i) * (i + 1);
        const g = Array.from(p.grad);
        o.apply([p]);
        for (let i = 0; i < w.length; i++) w[i] = reference(w[i]!, g[i]!, s[i]!, α, t);
        expect(Array.from(p.value.data), `weights after step ${t}`).toEqual(w);
        const state = o.getState().slots[0]!;
        for (const k of Object.keys(initial)) expect(state[k], `${k} after step ${t}`).toEqual(s.map((x) => x[k]));
      }
    });
  }
});
