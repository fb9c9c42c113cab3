/**
 * test/golden/optimizers.json: small models with fixed initial weights, six trainOnBatch
 * steps per case; the loss before each step and every weight after it must match PyTorch's
 * float64 values within the specification §10 tolerance.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, OPTIMIZERS, Sequential, getOptimizer, l2, setKernelBackend, tensor } from '../../src/index.js';
import { afterAll } from 'vitest';
import { expectClose, readGolden } from '../helpers/golden.js';

interface Case {
  name: string;
  model: { inputDim: number; layers: { units: number; activation: string; useBias: boolean }[]; l2: number };
  loss: string;
  optimizer: { name: string; [k: string]: unknown };
  initialWeights: { shape: number[]; values: number[] }[];
  batches: { x: number[][]; y: number[][] }[];
  steps: { loss: number; weights: number[][] }[];
}

const cases: Case[] = readGolden('optimizers.json').cases;


function buildCase(c: Case): Sequential {
  const model = new Sequential(
    c.model.layers.map(
      (l, i) =>
        new Dense({
          units: l.units,
          activation: l.activation,
          useBias: l.useBias,
          ...(i === 0 ? { inputShape: [c.model.inputDim] } : {}),
          ...(c.model.l2 > 0 ? { kernelRegularizer: l2(c.model.l2) } : {}),
        }),
    ),
  );
  const { name, ...options } = c.optimizer;
  model.compile({ optimizer: getOptimizer(name, options), loss: c.loss });
  model.setWeights(c.initialWeights.map((w) => tensor(w.values, w.shape)));
  return model;
}

afterAll(() => setKernelBackend('auto'));

// Every case runs with both GEMM kernels: the JS loops and the WebAssembly SIMD kernel (forced for
// every size, since these models are small enough that 'auto' would keep them in JS).
for (const backend of ['js', 'wasm'] as const)
describe(`golden optimizer trajectories (${backend} kernels)`, () => {
  beforeAll(() => setKernelBackend(backend));
  it('the golden file has 45 cases, each with an optimizer numnet has', () => {
    expect(cases.length).toBe(45);
    for (const c of cases) expect(Object.keys(OPTIMIZERS)).toContain(c.optimizer.name);
  });
  for (const c of cases) {
    it(c.name, () => {
      const model = buildCase(c);
      c.batches.forEach((batch, k) => {
        const logs = model.trainOnBatch(batch.x, batch.y);
        expectClose(logs.loss!, c.steps[k]!.loss, `step ${k + 1} loss`);
        const flatWeights = model.getWeights().flatMap((w) => Array.from(w.data));
        expectClose(flatWeights, c.steps[k]!.weights.flat(), `step ${k + 1} weights`);
      });
    });
  }
});
