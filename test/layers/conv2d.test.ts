/**
 * Conv2D: the forward pass against a plain loop of the specification's equation, analytic against
 * numerical gradients (fast-check, fixed seeds), shapes and errors, initializer fans,
 * regularizers, buffers reused per batch, and both GEMM kernels bit for bit.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Conv2D, Dense, Flatten, NumnetError, Random, Sequential, Tensor, glorotUniform, gradCheck, heUniform, l2, setKernelBackend, tensor,
} from '../../src/index.js';
import { CHUNK_DOUBLES } from '../../src/tensor/conv.js';
import { codeOf, messageOf } from '../helpers/errors.js';
import { Conv2DCase, axis, expectNear, expectRelative, layerGradientError, naiveConv2D, naiveConv2DBackward, randomValues } from './conv-reference.js';

afterAll(() => setKernelBackend('auto'));

/** A case: sizes, kernel, strides or dilation (never both > 1), padding. */
const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
    s1: fc.integer({ min: 1, max: 4 }), s2: fc.integer({ min: 1, max: 4 }),
    dilated: fc.boolean(), padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), useBias: fc.boolean(),
  })
  .map(({ s1, s2, dilated, ...r }): Conv2DCase & { useBias: boolean } => ({
    ...r, sh: dilated ? 1 : s1, sw: dilated ? 1 : s2, dh: dilated ? Math.min(s1, 3) : 1, dw: dilated ? Math.min(s2, 3) : 1,
  }));

const fits = (p: Conv2DCase) => axis(p.h, p.kh, p.sh, p.dh, p.padding).out >= 1 && axis(p.w, p.kw, p.sw, p.dw, p.padding).out >= 1;

/** A built Conv2D for the case with random weights from `seed`, and a random batch. */
function make(p: Conv2DCase & { useBias: boolean }, seed: number, activation = 'linear') {
  const layer = new Conv2D({
    filters: p.f, kernelSize: p.kh === p.kw ? p.kh : [p.kh, p.kw], strides: [p.sh, p.sw], dilationRate: [p.dh, p.dw],
    padding: p.padding, useBias: p.useBias, activation, inputShape: [p.h, p.w, p.c],
  });
  const model = new Sequential([layer], { seed });
  const rng = new Random(seed);
  model.setWeights(layer.params.map((q) => new Tensor(randomValues(q.value.size, rng), q.value.shape)));
  const x = new Tensor(randomValues(p.n * p.h * p.w * p.c, rng), [p.n, p.h, p.w, p.c]);
  return { layer, model, x, rng };
}

describe('Conv2D forward: the equation as a plain loop (fast-check, seed 1101, 300 cases)', () => {
  it('random sizes, kernels, strides, dilations, paddings; a kernel that does not fit is SHAPE_MISMATCH', () => {
    let built = 0;
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
        if (!fits(p)) {
          expect(codeOf(() => make(p, seed))).toBe('SHAPE_MISMATCH');
          return;
        }
        built++;
        const { layer, x } = make(p, seed);
        const y = layer.forward(x, false);
        const ref = naiveConv2D(x.data, layer.kernel.value.data, layer.bias?.value.data, p);
        expect(y.shape).toEqual(ref.shape);
        expect(layer.outputShape).toEqual(ref.shape.slice(1));
        expectNear(y.data, ref.y, ref.scale, 'conv2d forward');
      }),
      { seed: 1101, numRuns: 300 },
    );
    expect(built).toBeGreaterThan(150);
  });

  it('a batch large enough to be split into several im2col chunks: forward and backward against the loops, the same bits from both GEMM kernels', () => {
    // Patches of 5·5·64 = 1600 values: 1800 output positions do not fit one chunk of CHUNK_DOUBLES.
    const p = { n: 2, h: 30, w: 30, c: 64, f: 3, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: 'same' as const, useBias: true };
    expect(p.n * p.h * p.w * p.kh * p.kw * p.c).toBeGreaterThan(CHUNK_DOUBLES);
    const results = (['js', 'wasm'] as const).map((backend) => {
      setKernelBackend(backend);
      const { layer, x, rng } = make(p, 7, 'tanh');
      const y = layer.forward(x, true).data.slice();
      const dy = new Tensor(randomValues(y.length, rng), [p.n, p.h, p.w, p.f]);
      layer.backward(dy, false); // without ∂L/∂x first: the next backward must find the same
      const dx = layer.backward(dy, true)!.data.slice();
      const ref = naiveConv2D(x.data, layer.kernel.value.data, layer.bias!.value.data, p);
      expectNear(y, ref.y.map(Math.tanh), ref.scale, 'forward');
      const dz = dy.data.map((g, i) => g * (1 - y[i]! * y[i]!));
      const back = naiveConv2DBackward(x.data, layer.kernel.value.data, dz, p);
      expectRelative(dx, back.dx, 1e-12, 'dx');
      expectRelative(layer.kernel.grad, back.dK, 1e-12, 'dK');
      expectRelative(layer.bias!.grad, back.db, 1e-12, 'db');
      return [y, dx, layer.kernel.grad.slice(), layer.bias!.grad.slice()];
    });
    setKernelBackend('auto');
    results[0]!.forEach((a, i) => expect(Buffer.from(results[1]![i]!.buffer).equals(Buffer.from(a.buffer)), `array ${i}`).toBe(true));
  });
});

describe('Conv2D gradients: backward against central differences (fast-check, seed 1102, 80 cases)', () => {
  it('input, kernel and bias gradients, with linear, tanh and sigmoid activations', () => {
    let worst = 0;
    fc.assert(
      fc.property(caseArb.filter(fits), fc.constantFrom('linear', 'tanh', 'sigmoid'), fc.integer({ min: 1, max: 1e6 }), (p, act, seed) => {
        const { layer, x, rng } = make(p, seed, act);
        const e = layerGradientError(layer, x, rng);
        worst = Math.max(worst, e);
        expect(e).toBeLessThan(1e-7);
      }),
      { seed: 1102, numRuns: 80 },
    );
    console.log(`Conv2D: worst relative gradient error over 80 random layers: ${worst.toExponential(2)}`);
  });

  it('a whole model (Conv2D relu → Conv2D same stride 2 → Flatten → Dense softmax, crossentropy, l2): gradCheck', () => {
    const m = new Sequential(
      [
        new Conv2D({ filters: 3, kernelSize: 3, activation: 'tanh', inputShape: [6, 5, 2], kernelRegularizer: l2(0.01) }),
        new Conv2D({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'sigmoid' }),
        new Flatten(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 4 },
    );
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const rng = new Random(9);
    const x = new Tensor(randomValues(4 * 60, rng), [4, 6, 5, 2]);
    const y = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]);
    const { maxRelativeError } = gradCheck(m, x, y);
    console.log(`Conv2D model gradCheck: max relative error ${maxRelativeError.toExponential(2)}`);
    expect(maxRelativeError).toBeLessThan(1e-7);
  });

  it('a softmax Conv2D as the last layer takes the fused crossentropy gradient (per position over the channels)', () => {
    const conv = new Conv2D({ filters: 3, kernelSize: [3, 2], activation: 'softmax', inputShape: [3, 2, 2] });
    const m = new Sequential([conv], { seed: 2 });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(conv.outputActivation.name).toBe('softmax');
    const x = new Tensor(randomValues(3 * 12, new Random(3)), [3, 3, 2, 2]);
    const y = tensor([[[[0, 1, 0]]], [[[1, 0, 0]]], [[[0, 0, 1]]]]);
    expect(gradCheck(m, x, y).maxRelativeError).toBeLessThan(1e-7);
  });
});

describe('Conv2D shapes, options and errors', () => {
  it('output sizes: valid, same with odd and even inputs (the extra padding row at the bottom/right), strides larger than the kernel, 1×1 images', () => {
    const out = (inputShape: number[], o: Record<string, unknown>) => new Sequential([new Conv2D({ filters: 2, kernelSize: 3, inputShape, ...o })]).layers[0]!.outputShape;
    expect(out([28, 28, 1], {})).toEqual([26, 26, 2]);
    expect(out([7, 6, 1], { padding: 'same', strides: 2 })).toEqual([4, 3, 2]);
    expect(out([8, 8, 1], { kernelSize: 2, strides: 3 })).toEqual([3, 3, 2]);
    expect(out([1, 1, 4], { padding: 'same' })).toEqual([1, 1, 2]);
    expect(out([1, 1, 4], { kernelSize: 1 })).toEqual([1, 1, 2]);
    expect(out([9, 9, 1], { dilationRate: 3 })).toEqual([3, 3, 2]);
    // Even input, stride 2, k 3: P = 1, all of it at the bottom/right: output (0, 0) sees x[0..1, 0..1] only.
    const layer = new Conv2D({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', useBias: false, inputShape: [4, 4, 1] });
    new Sequential([layer]);
    layer.kernel.value.data.fill(1);
    const x = new Tensor(Float64Array.from({ length: 16 }, (_v, i) => 2 ** i), [1, 4, 4, 1]);
    const sum = (cells: number[]) => cells.reduce((s, i) => s + 2 ** i, 0);
    expect(Array.from(layer.forward(x, false).data)).toEqual([
      sum([0, 1, 2, 4, 5, 6, 8, 9, 10]), sum([2, 3, 6, 7, 10, 11]), sum([8, 9, 10, 12, 13, 14]), sum([10, 11, 14, 15]),
    ]);
  });

  it('a kernel larger than its input with valid padding is SHAPE_MISMATCH when the model is built, naming the layer and the shapes', () => {
    const f = () => new Sequential([new Conv2D({ filters: 2, kernelSize: [3, 5], inputShape: [4, 4, 1] })]);
    expect(codeOf(f)).toBe('SHAPE_MISMATCH');
    expect(messageOf(f)).toMatch(/Conv2D layer conv2d: the kernel \[3, 5\].*larger than its input \[4, 4, 1\] with padding 'valid'/);
    expect(codeOf(() => new Sequential([new Conv2D({ filters: 1, kernelSize: 2, dilationRate: 4, inputShape: [4, 9, 1] })]))).toBe('SHAPE_MISMATCH');
    const m = new Sequential([new Dense({ units: 4, inputShape: [3] })]);
    expect(codeOf(() => m.add(new Conv2D({ filters: 1, kernelSize: 1 })))).toBe('SHAPE_MISMATCH');
    expect(messageOf(() => m.add(new Conv2D({ filters: 1, kernelSize: 1, name: 'c' })))).toMatch(/Conv2D layer c takes samples of shape \[height, width, channels\], got \[4\]/);
    expect(m.layers.length).toBe(1);
  });

  it('bad options are INVALID_ARGUMENT naming Conv2D and the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ filters: 0, kernelSize: 3 }, /Conv2D: filters must be a positive integer/],
      [{ filters: 2 }, /Conv2D: kernelSize must be a positive integer or \[height, width\]/],
      [{ filters: 2, kernelSize: [3] }, /kernelSize/],
      [{ filters: 2, kernelSize: [3, 0] }, /kernelSize/],
      [{ filters: 2, kernelSize: 3, strides: 1.5 }, /strides/],
      [{ filters: 2, kernelSize: 3, padding: 'causal' }, /padding must be 'valid' or 'same'/],
      [{ filters: 2, kernelSize: 3, strides: 2, dilationRate: [1, 2] }, /strides \[2, 2\] > 1 together with dilationRate \[1, 2\] > 1/],
      [{ filters: 2, kernelSize: 3, useBias: 1 }, /useBias/],
      [{ filters: 2, kernelSize: 3, kernelRegularizer: 0.1 }, /kernelRegularizer/],
      [{ filters: 2, kernelSize: 3, units: 3 }, /Conv2D has no option "units"/],
    ];
    for (const [config, message] of bad) {
      expect(codeOf(() => new Conv2D(config as never)), JSON.stringify(config)).toBe('INVALID_ARGUMENT');
      expect(messageOf(() => new Conv2D(config as never))).toMatch(message);
    }
    expect(codeOf(() => new Conv2D({ filters: 2, kernelSize: 3, activation: 'nope' }))).toBe('UNKNOWN_NAME');
    expect(() => new Conv2D(undefined as never)).toThrow(NumnetError);
  });

  it('a wrong input at forward is SHAPE_MISMATCH; backward before forward is INVALID_ARGUMENT', () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 2, inputShape: [3, 3, 1] });
    new Sequential([layer]);
    expect(codeOf(() => layer.backward(new Tensor(new Float64Array(8), [1, 2, 2, 2]), true))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => layer.forward(new Tensor(new Float64Array(12), [1, 3, 4, 1]), false))).toBe('SHAPE_MISMATCH');
    layer.forward(new Tensor(new Float64Array(9), [1, 3, 3, 1]), true);
    expect(codeOf(() => layer.backward(new Tensor(new Float64Array(8), [2, 2, 2, 1]), true))).toBe('SHAPE_MISMATCH');
  });

  it('countParams, summary rows and getWeights order: kernel [kh, kw, in, filters] then bias', () => {
    const m = new Sequential([
      new Conv2D({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1] }),
      new Conv2D({ filters: 16, kernelSize: [3, 2], useBias: false }),
    ]);
    expect(m.getWeights().map((w) => w.shape)).toEqual([[3, 3, 1, 8], [8], [3, 2, 8, 16]]);
    expect(m.layers.map((l) => l.countParams())).toEqual([3 * 3 * 8 + 8, 3 * 2 * 8 * 16]);
    const table = m.summary({ printFn: () => {} });
    expect(table).toMatch(/conv2d \(Conv2D\)\s+│ \(None, 26, 26, 8\)\s+│\s+80 │\n/);
    expect(table).toMatch(/conv2d_1 \(Conv2D\)\s+│ \(None, 24, 25, 16\)\s+│\s+768 │\n/);
    expect(table).toContain('Total params: 848');
  });

  it('initializers draw with fanIn = kh·kw·in and fanOut = kh·kw·filters', () => {
    for (const [name, init] of [['glorotUniform', glorotUniform], ['heUniform', heUniform]] as const) {
      const layer = new Conv2D({ filters: 5, kernelSize: [3, 2], kernelInitializer: name, biasInitializer: name, inputShape: [6, 6, 4] });
      new Sequential([layer], { seed: 12 });
      const rng = new Random(12);
      const kernel = init.init(3 * 2 * 4 * 5, 3 * 2 * 4, 3 * 2 * 5, rng);
      expect(Array.from(layer.kernel.value.data)).toEqual(Array.from(kernel));
      expect(Array.from(layer.bias!.value.data)).toEqual(Array.from(init.init(5, 3 * 2 * 4, 3 * 2 * 5, rng)));
    }
    // The limit √(6/(fanIn + fanOut)) is reached and not exceeded: 3·3·16·32 values.
    const big = new Conv2D({ filters: 32, kernelSize: 3, inputShape: [5, 5, 16] });
    new Sequential([big], { seed: 1 });
    const limit = Math.sqrt(6 / (9 * 16 + 9 * 32));
    const maxAbs = big.kernel.value.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs).toBeLessThanOrEqual(limit);
    expect(maxAbs).toBeGreaterThan(0.99 * limit);
  });

  it('regularizers add l·Σw² to the loss and 2l·w to the gradient', () => {
    const build = (reg: boolean) => {
      const m = new Sequential([
        new Conv2D({ filters: 2, kernelSize: 2, inputShape: [3, 3, 1], ...(reg ? { kernelRegularizer: l2(0.5), biasRegularizer: l2(0.25) } : {}) }),
        new Flatten(),
      ], { seed: 3 });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      m.setWeights([tensor([0.5, -1, 2, 0.25, -0.5, 1, 1.5, -2], [2, 2, 1, 2]), tensor([0.5, -1])]);
      return m;
    };
    const x = new Tensor(randomValues(2 * 9, new Random(1)), [2, 3, 3, 1]);
    const y = new Tensor(randomValues(2 * 8, new Random(2)), [2, 8]);
    const plain = build(false).computeGradients(x, y);
    const reg = build(true).computeGradients(x, y);
    const k = [0.5, -1, 2, 0.25, -0.5, 1, 1.5, -2];
    expect(reg.loss - plain.loss).toBeCloseTo(0.5 * k.reduce((s, v) => s + v * v, 0) + 0.25 * (0.25 + 1), 12);
    reg.gradients[0]!.data.forEach((g, i) => expect(g - plain.gradients[0]!.data[i]!).toBeCloseTo(2 * 0.5 * k[i]!, 12));
    reg.gradients[1]!.data.forEach((g, i) => expect(g - plain.gradients[1]!.data[i]!).toBeCloseTo(2 * 0.25 * [0.5, -1][i]!, 12));
  });

  it('reuses its buffers while the batch size stays the same (no allocation per batch)', () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] });
    new Sequential([layer]);
    const x = new Tensor(randomValues(4 * 72, new Random(1)), [4, 6, 6, 2]);
    const dy = new Tensor(randomValues(4 * 48, new Random(2)), [4, 4, 4, 3]);
    const y1 = layer.forward(x, true);
    const dx1 = layer.backward(dy, true);
    const y2 = layer.forward(x, true);
    const dx2 = layer.backward(dy, true);
    expect(y2).toBe(y1);
    expect(dx2).toBe(dx1);
    expect(layer.backward(dy, false)).toBeUndefined();
  });

  it('backward twice after one forward gives the same gradients (its work space holds ∂L/∂cols after the first)', () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [5, 4, 3] });
    new Sequential([layer], { seed: 2 });
    const x = new Tensor(randomValues(2 * 60, new Random(1)), [2, 5, 4, 3]);
    const dy = new Tensor(randomValues(2 * 40, new Random(2)), [2, 5, 4, 2]);
    layer.forward(x, true);
    const first = [layer.backward(dy, true)!.data.slice(), layer.kernel.grad.slice()];
    const second = [layer.backward(dy, true)!.data.slice(), layer.kernel.grad.slice()];
    expect(second).toEqual(first);
  });
});
