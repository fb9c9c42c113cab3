/** specification §5: optimizers by name and class, defaults, validation, the slides' forms, schedules, state. */
import { describe, expect, it } from 'vitest';
import {
  Adadelta, Adagrad, Adam, AdamW, Adamax, Dense, OPTIMIZERS, Optimizer, RMSprop, SGD, Sequential,
  cosineDecay, exponentialDecay, getOptimizer, piecewiseConstantDecay,
} from '../../src/index.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { expectClose } from '../helpers/golden.js';

describe('by name and class, with the specified defaults', () => {
  it('names are case-insensitive, as the slides’ Keras code writes them', () => {
    const m = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    for (const [name, Class] of [['Adam', Adam], ['adam', Adam], ['SGD', SGD], ['RMSprop', RMSprop], ['Adagrad', Adagrad],
      ['adadelta', Adadelta], ['AdamW', AdamW], ['Adamax', Adamax]] as const) {
      m.compile({ loss: 'mse', optimizer: name });
      expect(m.optimizer).toBeInstanceOf(Class);
    }
    expect(Object.keys(OPTIMIZERS).sort()).toEqual(['adadelta', 'adagrad', 'adam', 'adamax', 'adamw', 'rmsprop', 'sgd']);
  });

  it('defaults match specification §5', () => {
    expect(new SGD().getConfig()).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(new Adagrad().getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(new RMSprop().getConfig()).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(new Adadelta().getConfig()).toEqual({ learningRate: 1.0, rho: 0.95, epsilon: 1e-7 });
    expect(new Adam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(new AdamW().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, weightDecay: 0.004 });
    expect(new Adamax().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });

  it('bad option values are INVALID_ARGUMENT naming the option', () => {
    const cases: [() => unknown, string][] = [
      [() => new SGD({ learningRate: -1 }), 'learningRate'],
      [() => new Adam({ learningRate: NaN }), 'learningRate'],
      [() => new SGD({ momentum: -0.1 }), 'momentum'],
      [() => new SGD({ momentum: 1 }), 'momentum'],
      [() => new RMSprop({ rho: 0 }), 'rho'],
      [() => new RMSprop({ rho: 1 }), 'rho'],
      [() => new Adadelta({ rho: 1.5 }), 'rho'],
      [() => new Adam({ beta1: 1 }), 'beta1'],
      [() => new Adam({ beta2: -0.5 }), 'beta2'],
      [() => new Adamax({ beta1: 2 }), 'beta1'],
      [() => new Adam({ epsilon: 0 }), 'epsilon'],
      [() => new Adagrad({ epsilon: -1 }), 'epsilon'],
      [() => new Adagrad({ initialAccumulatorValue: -1 }), 'initialAccumulatorValue'],
      [() => new AdamW({ weightDecay: -1 }), 'weightDecay'],
      [() => new RMSprop({ centered: 'yes' as never }), 'centered'],
      [() => new RMSprop({ momentum: '0.9' as never }), 'RMSprop momentum'],
      [() => new RMSprop({ momentum: 1 }), 'RMSprop momentum'],
      [() => new RMSprop({ momentum: -0.5 }), 'RMSprop momentum'],
      [() => new SGD({ weightDecay: -0.01 }), 'SGD weightDecay'],
      [() => new RMSprop({ weightDecay: NaN }), 'RMSprop weightDecay'],
      [() => new Adam({ weight_decay: 0.1 } as never), 'weight_decay'],
      [() => new Adam({ beta_1: 0.9 } as never), 'beta_1'],
      [() => new SGD({ clipNorm: 0 }), 'clipNorm'],
      [() => new SGD({ clipValue: 1, globalClipNorm: 1 }), 'clipValue'],
      [() => getOptimizer('adam', { momentum: 0.9 }), 'momentum'],
    ];
    for (const [make, option] of cases) {
      expect(codeOf(make), option).toBe('INVALID_ARGUMENT');
      expect(messageOf(make)).toContain(option);
    }
    expect(codeOf(() => getOptimizer('nadam'))).toBe('UNKNOWN_NAME');
    expect(messageOf(() => getOptimizer('nadam'))).toContain('adamax');
  });
});

/** L(w) = ((a − w₁)² + (b − w₂)²)/2 through a bias-free Dense on the identity batch: a convex quadratic. */
function quadratic(optimizer: Optimizer, w0 = [0, 0]) {
  const m = new Sequential([new Dense({ units: 1, useBias: false, inputShape: [2] })]);
  m.compile({ optimizer, loss: 'mse' });
  m.setWeights([[[w0[0]!], [w0[1]!]]]);
  const x = [[1, 0], [0, 1]];
  const y = [[3], [-2]];
  const grad = (w: number[]) => [-(3 - w[0]!), -(-2 - w[1]!)]; // ∂L/∂w
  const step = () => {
    m.trainOnBatch(x, y);
    return Array.from(m.getWeights()[0]!.data);
  };
  return { m, step, grad, x, y };
}

describe('the slides’ forms of Momentum and NAG', () => {
  it('slide momentum v ← βv + (1 − β)g, w ← w − αv equals SGD({ momentum: β, learningRate: α(1 − β) }) at every step', () => {
    const alpha = 0.3;
    const beta = 0.9;
    const { step, grad } = quadratic(new SGD({ momentum: beta, learningRate: alpha * (1 - beta) }), [0.5, 1]);
    let w = [0.5, 1];
    let v = [0, 0];
    for (let k = 0; k < 30; k++) {
      const g = grad(w);
      v = v.map((vi, i) => beta * vi + (1 - beta) * g[i]!);
      w = w.map((wi, i) => wi - alpha * v[i]!);
      expectClose(step(), w, `step ${k + 1}`);
    }
  });

  it('slide NAG v ← βv + α∇L(w − βv), w ← w − v: its look-ahead points θ = w − βv are SGD({ nesterov: true })’s weights', () => {
    const alpha = 0.1;
    const beta = 0.9;
    const { step, grad } = quadratic(new SGD({ momentum: beta, learningRate: alpha, nesterov: true }), [0.5, 1]);
    let w = [0.5, 1];
    let v = [0, 0];
    for (let k = 0; k < 30; k++) {
      const g = grad(w.map((wi, i) => wi - beta * v[i]!));
      v = v.map((vi, i) => beta * vi + alpha * g[i]!);
      w = w.map((wi, i) => wi - v[i]!);
      const theta = w.map((wi, i) => wi - beta * v[i]!);
      expectClose(step(), theta, `step ${k + 1}`);
    }
  });

  it('Nesterov is not plain momentum (the test above would catch a swap)', () => {
    const a = quadratic(new SGD({ momentum: 0.9, learningRate: 0.1, nesterov: true }));
    const b = quadratic(new SGD({ momentum: 0.9, learningRate: 0.1 }));
    a.step();
    b.step();
    expect(a.step()).not.toEqual(b.step());
  });
});

const TUNED: Record<string, Record<string, unknown>> = {
  sgd: { learningRate: 0.5 },
  adagrad: { learningRate: 0.1 },
  rmsprop: { learningRate: 0.01 },
  adadelta: { learningRate: 1 },
  adam: { learningRate: 0.02 },
  adamw: { learningRate: 0.02 },
  adamax: { learningRate: 0.05 },
};

describe('every optimizer converges', () => {
  for (const [name, options] of Object.entries(TUNED)) {
    it(`${name} on a convex quadratic`, () => {
      const { m, x, y } = quadratic(getOptimizer(name, { ...options, ...(name === 'adamw' ? { weightDecay: 0 } : {}) }));
      for (let k = 0; k < 3000; k++) m.trainOnBatch(x, y);
      expect(m.evaluate(x, y).loss, `${name} loss`).toBeLessThan(1e-8);
    });
    it(`${name} on XOR (2-4-1) from a fixed seed`, () => {
      const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
      const y = [[0], [1], [1], [0]];
      const m = new Sequential([
        new Dense({ units: 4, activation: 'tanh', inputShape: [2] }),
        new Dense({ units: 1, activation: 'sigmoid' }),
      ], { seed: 1 });
      m.compile({ optimizer: getOptimizer(name, options), loss: 'binaryCrossentropy', metrics: ['acc'] });
      for (let k = 0; k < 1000; k++) m.trainOnBatch(x, y);
      const logs = m.evaluate(x, y);
      expect(logs.acc).toBe(1);
      expect(logs.loss).toBeLessThan(0.1);
    });
  }
});

describe('learning-rate schedules', () => {
  it('exponentialDecay: α₀·r^(step/decaySteps), stepwise with staircase', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expectClose([s(0), s(10), s(5), s(20)], [0.1, 0.05, 0.1 * Math.SQRT1_2, 0.025]);
    const st = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expectClose([st(9), st(10), st(19), st(20)], [0.1, 0.05, 0.05, 0.025]);
  });
  it('piecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const s = piecewiseConstantDecay({ boundaries: [2, 5], values: [1, 0.5, 0.1] });
    expect([0, 2, 3, 5, 6, 100].map(s)).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(codeOf(() => piecewiseConstantDecay({ boundaries: [2], values: [1] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => piecewiseConstantDecay({ boundaries: [5, 2], values: [1, 2, 3] }))).toBe('INVALID_ARGUMENT');
  });
  it('cosineDecay: from α₀ down to α₀·alpha over decaySteps, then constant', () => {
    const s = cosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 });
    expectClose([s(0), s(50), s(100), s(200)], [1, 0.55, 0.1, 0.1]);
  });
  it('a schedule is called with the number of updates already applied (0 first), as Keras', () => {
    const seen: number[] = [];
    const { step } = quadratic(new SGD({ learningRate: (t) => (seen.push(t), 0.1) }));
    step();
    step();
    step();
    expect(seen).toEqual([0, 1, 2]);
  });
  it('training with a schedule equals training with the rates it gives, step by step', () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.2, decaySteps: 1, decayRate: 0.5 });
    const a = quadratic(new SGD({ learningRate: schedule }));
    const opt = new SGD({ learningRate: 0.2 });
    const b = quadratic(opt);
    for (let k = 0; k < 5; k++) {
      opt.learningRate = schedule(k);
      expect(a.step()).toEqual(b.step());
    }
  });
  it('a schedule that gives a bad rate is INVALID_ARGUMENT and changes nothing', () => {
    const { m, x, y } = quadratic(new SGD({ learningRate: () => -1 }));
    const before = Array.from(m.getWeights()[0]!.data);
    expect(codeOf(() => m.trainOnBatch(x, y))).toBe('INVALID_ARGUMENT');
    expect(Array.from(m.getWeights()[0]!.data)).toEqual(before);
  });
});

describe('optimizer state', () => {
  for (const name of Object.keys(TUNED)) {
    it(`${name}: getState/setState resumes exactly (3 + 3 steps equal 6 straight)`, () => {
      const options = { ...TUNED[name], ...(name === 'adam' ? { amsgrad: true } : {}), ...(name === 'rmsprop' ? { centered: true } : {}) };
      const straight = quadratic(getOptimizer(name, options));
      for (let k = 0; k < 6; k++) straight.step();
      const first = getOptimizer(name, options);
      const a = quadratic(first);
      let w: number[] = [];
      for (let k = 0; k < 3; k++) w = a.step();
      const state = JSON.parse(JSON.stringify(first.getState()));
      expect(state.iterations).toBe(3);
      const second = getOptimizer(name, options);
      second.setState(state);
      const b = quadratic(second, w);
      let last: number[] = [];
      for (let k = 0; k < 3; k++) last = b.step();
      expect(last).toEqual(Array.from(straight.m.getWeights()[0]!.data));
    });
  }
  it('setState rejects a malformed state', () => {
    expect(codeOf(() => new Adam().setState({ iterations: -1, slots: [] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Adam().setState(null as never))).toBe('INVALID_ARGUMENT');
  });
});
