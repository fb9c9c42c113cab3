/** Shared by test/optimizers/*: the optimizers under test, standalone weights, and bit-exact snapshots. */
import { Adadelta, Adagrad, Adam, AdamW, Adamax, NumnetError, Optimizer, RMSprop, SGD, Tensor } from '../../src/index.js';
import type { OptimizerConfig, Parameter } from '../../src/index.js';
import { expect } from 'vitest';

/**
 * Every optimizer and every variant that changes its state (momentum, nesterov, centered, amsgrad),
 * and the decoupled weightDecay, which changes the weights before the update.
 */
export const VARIANTS: [string, (config?: OptimizerConfig) => Optimizer][] = [
  ['SGD', (c) => new SGD({ learningRate: 0.1, ...c })],
  ['SGD momentum', (c) => new SGD({ learningRate: 0.1, momentum: 0.9, ...c })],
  ['SGD nesterov', (c) => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, ...c })],
  ['Adagrad', (c) => new Adagrad({ learningRate: 0.1, ...c })],
  ['RMSprop', (c) => new RMSprop({ learningRate: 0.01, ...c })],
  ['RMSprop centered', (c) => new RMSprop({ learningRate: 0.01, centered: true, ...c })],
  ['RMSprop momentum', (c) => new RMSprop({ learningRate: 0.01, momentum: 0.9, ...c })],
  ['RMSprop centered momentum', (c) => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5, ...c })],
  ['Adadelta', (c) => new Adadelta(c)],
  ['Adam', (c) => new Adam({ learningRate: 0.01, ...c })],
  ['Adam amsgrad', (c) => new Adam({ learningRate: 0.01, amsgrad: true, ...c })],
  ['AdamW', (c) => new AdamW({ learningRate: 0.01, ...c })],
  ['Adamax', (c) => new Adamax({ learningRate: 0.01, ...c })],
  ['SGD momentum weightDecay', (c) => new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.05, ...c })],
  ['RMSprop momentum weightDecay', (c) => new RMSprop({ learningRate: 0.01, momentum: 0.9, weightDecay: 0.05, ...c })],
  ['Adam weightDecay', (c) => new Adam({ learningRate: 0.01, weightDecay: 0.05, ...c })],
];

/** The clipping options, none first. */
export const CLIPPING: [string, OptimizerConfig][] = [
  ['no clipping', {}],
  ['clipNorm', { clipNorm: 1 }],
  ['globalClipNorm', { globalClipNorm: 1 }],
  ['clipValue', { clipValue: 0.5 }],
];

/** A weight as a model would hand it over: { name, value: Tensor, grad }. */
export function parameter(name: string, values: number[], shape = [values.length]): Parameter {
  return { name, value: new Tensor(Float64Array.from(values), shape), grad: new Float64Array(values.length) };
}

/** Three weights (first, middle, last) of a small network, with fixed values. */
export function network(): Parameter[] {
  return [
    parameter('dense/kernel', [0.5, -0.25, 1, 0.75, -1.5, 0.125], [2, 3]),
    parameter('dense/bias', [0.1, -0.2, 0.3]),
    parameter('dense_1/kernel', [2, -1, 0.5], [3, 1]),
  ];
}

/** Fills every gradient with a fixed, finite function of the step k (no two steps alike). */
export function setGradients(params: Parameter[], k: number): void {
  params.forEach((p, i) => p.grad.forEach((_, j) => (p.grad[j] = Math.sin(1 + k * 7 + i * 3 + j) * (1 + i))));
}

const hex = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString('hex');

/** Weights, slots and iterations, bit for bit. */
export function snapshot(o: Optimizer, params: Parameter[]): string {
  const state = o.getState();
  return JSON.stringify({
    iterations: state.iterations,
    weights: params.map((p) => hex(p.value.data)),
    slots: state.slots.map((s) => Object.entries(s).map(([k, v]) => [k, hex(v)])),
  });
}

/** The error f throws (fails unless it throws). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception, nothing was thrown');
}

/** Expects f to throw NON_FINITE_LOSS with exactly `message`. */
export function expectNonFinite(f: () => unknown, message: string): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(NumnetError);
  expect((e as NumnetError).code).toBe('NON_FINITE_LOSS');
  expect((e as NumnetError).message).toBe(message);
}
