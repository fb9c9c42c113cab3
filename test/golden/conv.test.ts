/**
 * test/golden/conv.json (see test/golden/README.md): convolutional models with fixed initial
 * weights; for each case the layer output shapes, predict before training, the first gradients
 * (trainable weights only), and five trainOnBatch steps — the loss of each and every weight after
 * it, moving statistics included — must match PyTorch's float64 values within the specification
 * §10 tolerance, with both GEMM kernels. A case whose layer classes numnet does not export yet is
 * skipped, with the missing classes in its title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as numnet from '../../src/index.js';
import { Adam, Layer, SGD, Sequential, setKernelBackend, tensor } from '../../src/index.js';
import { backprop, forward } from '../../src/training/step.js';
import { expectClose, flat, readGolden } from '../helpers/golden.js';

interface Case {
  name: string;
  model: { inputShape: number[]; layers: { className: string; config: Record<string, unknown> }[] };
  loss: string;
  optimizer: { name: 'sgd'; learningRate: number; momentum?: number } | { name: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };
  batchSize: number;
  layerOutputShapes: number[][];
  initialWeights: { shape: number[]; values: number[] }[];
  trainable: boolean[];
  batches: { x: unknown[]; y: unknown[] }[];
  predictBefore: unknown[];
  firstGradients: { shape: number[]; values: number[] }[] | number[][];
  steps: { loss: number; weights: number[][] }[];
}

const golden = readGolden<{ meta: Record<string, unknown>; cases: Case[] }>('conv.json');
const cases = golden.cases;

type LayerCtor = new (config: Record<string, unknown>) => Layer;
const exported = numnet as unknown as Record<string, unknown>;
const isLayerClass = (v: unknown): v is LayerCtor => typeof v === 'function' && v.prototype instanceof Layer;

/** The layer classes a case uses that numnet does not export (yet). */
const missing = (c: Case): string[] => [...new Set(c.model.layers.map((l) => l.className).filter((n) => !isLayerClass(exported[n])))];

function buildCase(c: Case): Sequential {
  const layers = c.model.layers.map(({ className, config }, i) => {
    const Cls = exported[className] as LayerCtor;
    return new Cls({ ...config, ...(i === 0 ? { inputShape: c.model.inputShape } : {}) });
  });
  const model = new Sequential(layers, { seed: 1 });
  const o = c.optimizer;
  const optimizer =
    o.name === 'sgd'
      ? new SGD({ learningRate: o.learningRate, ...(o.momentum !== undefined ? { momentum: o.momentum } : {}) })
      : new Adam({ learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon });
  model.compile({ optimizer, loss: c.loss });
  model.setWeights(c.initialWeights.map((w) => tensor(w.values, w.shape)));
  return model;
}

/**
 * ∂loss/∂w of the first trainOnBatch at the initial weights, trainable weights in order. A model
 * without layer state (no BatchNormalization) behaves alike in training and inference mode: that is
 * `computeGradients`. With BatchNormalization the first step normalizes by the batch's statistics,
 * while `computeGradients` (for gradCheck) runs in inference mode; so here the step's own path runs
 * (step.ts: forward in training mode, backprop), and the weights, moving statistics included, are
 * put back afterwards.
 */
function firstGradients(model: Sequential, batch: Case['batches'][number]): Float64Array[] {
  if (model.state.length === 0) return model.computeGradients(batch.x as never, batch.y as never).gradients.map((g) => g.data);
  const saved = model.getWeights();
  const x = tensor(batch.x as never);
  const y = tensor(batch.y as never);
  const yHat = forward(model, x, true);
  backprop(model, model.loss!, yHat, y, undefined, model.batchBuffers(x.shape[0]!).grad);
  const grads = model.parameters.map((p) => p.grad.slice());
  model.setWeights(saved);
  return grads;
}

/** The values of a firstGradients entry (`{ shape, values }` or a nested array). */
const values = (g: unknown): number[] => (g !== null && typeof g === 'object' && !Array.isArray(g) && 'values' in g ? flat((g as { values: unknown }).values) : flat(g));

afterAll(() => setKernelBackend('auto'));

it('the golden file has 51 cases, each with its initial weights, trainable flags and 5 steps', () => {
  expect(cases.length).toBe(51);
  for (const c of cases) {
    expect(c.trainable.length, c.name).toBe(c.initialWeights.length);
    expect(c.steps.length, c.name).toBe(5);
    expect(c.layerOutputShapes.length, c.name).toBe(c.model.layers.length);
  }
});

// Every case runs with both GEMM kernels: the JS loops, and the WebAssembly SIMD kernel forced for
// every size (these models are small enough that 'auto' would keep most products in JS).
for (const backend of ['js', 'wasm'] as const) {
  describe(`golden convolutional models (${backend} kernels)`, () => {
    beforeAll(() => setKernelBackend(backend));
    for (const c of cases) {
      const absent = missing(c);
      if (absent.length > 0) {
        it.skip(`${c.name} (waits for ${absent.join(', ')})`, () => {});
        continue;
      }
      it(c.name, () => {
        const model = buildCase(c);
        expect(model.layers.map((l) => l.outputShape)).toEqual(c.layerOutputShapes);
        const x0 = c.batches[0]!.x;
        expectClose(flat(model.predict(x0 as never).toArray()), flat(c.predictBefore), 'predict before training');
        const gradients = firstGradients(model, c.batches[0]!);
        const expected = c.firstGradients.filter((_g, i) => c.trainable[i]);
        expect(gradients.length, 'trainable weights').toBe(expected.length);
        gradients.forEach((g, i) => expectClose(g, values(expected[i]), `first gradient of ${model.parameters[i]!.name}`));
        c.batches.forEach((batch, k) => {
          const logs = model.trainOnBatch(batch.x as never, batch.y as never);
          expectClose(logs.loss!, c.steps[k]!.loss, `step ${k + 1} loss`);
          expectClose(model.getWeights().flatMap((w) => Array.from(w.data)), c.steps[k]!.weights.flat(), `step ${k + 1} weights`);
        });
      });
    }
  });
}
