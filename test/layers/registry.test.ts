/**
 * The layer registry: one home per component. Each layer class declares its saving, shapes and
 * TF.js mapping beside itself (`static readonly spec`); the registry is derived from the export
 * list (src/layers/index.ts); src/io drives the formats through specs only. A layer defined in
 * this file travels through both formats without any change to src/io.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as numnet from '../../src/index.js';
import {
  ACTIVATIONS, Dense, Dropout, LAYER_CLASSES, Layer, NumnetError, Random, Sequential, fromTFJS, tensor,
} from '../../src/index.js';
import type { LayerConfig, LayerShapes, LayerSpec, Tensor as TensorType, WeightShape } from '../../src/index.js';
import { modelFromJSON, modelToJSON } from '../../src/io/native.js';
import { readTFJSModel, writeTFJSModel } from '../../src/io/tfjs.js';
import * as layerExports from '../../src/layers/index.js';
import { layerOptions } from '../../src/layers/layer.js';
import { LayerRegistry, builtInLayers } from '../../src/layers/registry.js';
import { hasOwnSpec } from '../../src/layers/spec.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { codeOf } from '../helpers/errors.js';

/**
 * Scale, a layer of this test only: y = x ⊙ s with one weight s of shape [features] (initially
 * `initial`). Backward: ∂L/∂s = Σ_batch dy ⊙ x; ∂L/∂x = dy ⊙ s. Its TF.js class is NumnetScale
 * and its weight is called `s` there, to show both mappings.
 */
class Scale extends Layer {
  static readonly spec: LayerSpec<Scale> = {
    className: 'Scale',
    keys: ['initial'],
    fromConfig: (c) => new Scale(c as LayerConfig & { initial?: number }),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'NumnetScale',
      weights: { scale: 's' },
      toConfig: (l, { base }) => [{ class_name: 'NumnetScale', config: { initial: l.initial, ...base } }],
      fromConfig: (c) => new Scale({ ...c.base, initial: c.get('initial') as number }),
    },
  };

  readonly className = 'Scale';
  readonly initial: number;
  private x: TensorType | undefined;

  constructor(config: LayerConfig & { initial?: number } = {}) {
    super(layerOptions(config, ['initial'], 'Scale'));
    this.initial = config.initial ?? 1;
  }

  protected override computeShapes(s: readonly number[]): LayerShapes {
    return { outputShape: s.slice(), weights: [{ name: 'scale', shape: [s[s.length - 1]!] }] };
  }

  protected override initialValues(w: WeightShape): Float64Array {
    return new Float64Array(w.shape[0]!).fill(this.initial);
  }

  protected call(x: TensorType): TensorType {
    const s = this.params[0]!.value.data;
    const y = new Tensor(new Float64Array(x.size), x.shape);
    for (let i = 0; i < x.size; i++) y.data[i] = x.data[i]! * s[i % s.length]!;
    this.x = x;
    return y;
  }

  protected callBackward(dy: TensorType, needInputGradient: boolean): TensorType | undefined {
    const x = this.x!;
    const s = this.params[0]!.value.data;
    const g = this.params[0]!.grad;
    g.fill(0);
    const dx = needInputGradient ? new Tensor(new Float64Array(x.size), x.shape) : undefined;
    for (let i = 0; i < x.size; i++) {
      g[i % s.length]! += dy.data[i]! * x.data[i]!;
      if (dx) dx.data[i] = dy.data[i]! * s[i % s.length]!;
    }
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initial: this.initial };
  }
}

const withScale = builtInLayers.with([Scale]);
const construct = (layers: Layer[], options: { seed?: number; name?: string }) => new Sequential(layers, options);

/**
 * Dense(2 → 3) → Scale → Dense(3 → 1) with weights chosen by hand (all exact in float32):
 * W₁ = [[1, 2, 3], [4, 5, 6]], b₁ = [0.5, 0, −1], s = [2, −1, 0.25], W₂ = [[1], [1], [1]], b₂ = [0.5].
 */
function scaleModel(): Sequential {
  const m = new Sequential([new Dense({ units: 3, inputShape: [2], name: 'd1' }), new Scale({ initial: 0.5, name: 'sc' }), new Dense({ units: 1, name: 'd2' })], { seed: 1, name: 'scaled' });
  m.setWeights([tensor([[1, 2, 3], [4, 5, 6]]), tensor([0.5, 0, -1]), tensor([2, -1, 0.25]), tensor([[1], [1], [1]]), tensor([0.5])]);
  return m;
}
const x = [[1, 1], [0.5, -1]];
// Row 1: z₁ = [5.5, 7, 8] → ⊙s = [11, −7, 2] → 11 − 7 + 2 + 0.5 = 6.5.
// Row 2: z₁ = [−3, −4, −5.5] → ⊙s = [−6, 4, −1.375] → −6 + 4 − 1.375 + 0.5 = −2.875.
const expected = [6.5, -2.875];

describe('a layer class defined outside numnet, through its spec only', () => {
  it('the hand-computed model predicts as computed by hand', () => {
    expect(Array.from(scaleModel().predict(x).data)).toEqual(expected);
  });

  it('saves and loads through the native format with a registry that includes it', () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(scaleModel(), withScale)));
    expect(json.modelConfig.layers[1]).toEqual({ className: 'Scale', config: { name: 'sc', initial: 0.5 } });
    expect(json.weights.map((w: { name: string; shape: number[] }) => [w.name, w.shape])).toEqual([
      ['d1/kernel', [2, 3]], ['d1/bias', [3]], ['sc/scale', [3]], ['d2/kernel', [3, 1]], ['d2/bias', [1]],
    ]);
    const back = modelFromJSON(json, construct, withScale);
    expect(back.layers[1]).toBeInstanceOf(Scale);
    expect(Array.from(back.getWeights()[2]!.data)).toEqual([2, -1, 0.25]);
    expect(Array.from(back.predict(x).data)).toEqual(expected);
  });

  it('trains on after a native save and load exactly as without it (its slots and weights saved)', async () => {
    const y = [[1], [-1], [0.5]];
    const xs = [[1, 1], [0.5, -1], [0, 2]];
    const make = () => {
      const m = scaleModel();
      m.compile({ optimizer: 'adam', loss: 'mse' });
      return m;
    };
    const straight = make();
    await straight.fit(xs, y, { epochs: 4, batchSize: 2, verbose: 0 });
    const first = make();
    await first.fit(xs, y, { epochs: 2, batchSize: 2, verbose: 0 });
    const resumed = modelFromJSON(JSON.stringify(modelToJSON(first, withScale)), construct, withScale);
    await resumed.fit(xs, y, { epochs: 4, initialEpoch: 2, batchSize: 2, verbose: 0 });
    expect(resumed.getWeights().map((w) => Array.from(w.data))).toEqual(straight.getWeights().map((w) => Array.from(w.data)));
    expect(Array.from(straight.getWeights()[2]!.data)).not.toEqual([2, -1, 0.25]); // the scale did train
  });

  it('exports to and imports from the TF.js format with its own class and weight names', () => {
    const a = writeTFJSModel(scaleModel(), withScale);
    expect(a.modelTopology.config.layers.map((l) => l.class_name)).toEqual(['Dense', 'NumnetScale', 'Dense']);
    expect(a.modelTopology.config.layers[1]!.config).toEqual({ initial: 0.5, name: 'sc', trainable: true });
    expect(a.weightSpecs.map((w) => w.name)).toEqual(['d1/kernel', 'd1/bias', 'sc/s', 'd2/kernel', 'd2/bias']);
    const back = readTFJSModel(a, withScale);
    expect(back.layers[1]).toBeInstanceOf(Scale);
    expect((back.layers[1] as Scale).initial).toBe(0.5);
    expect(Array.from(back.predict(x).data)).toEqual(expected);
  });

  it('the built-in registry does not know it: saving and loading it there is refused as for any class of your own', () => {
    const m = scaleModel();
    expect(codeOf(() => m.toJSON())).toBe('INVALID_ARGUMENT');
    expect(() => m.toJSON()).toThrow(/layer sc \(Scale\) is not a built-in layer class and cannot be saved/);
    expect(() => numnet.toTFJS(m)).toThrow(/layer sc \(Scale\) is not a built-in layer class; TF\.js export takes Dense, /);
    const json = modelToJSON(m, withScale);
    expect(() => Sequential.fromJSON(json)).toThrow(/modelConfig\.layers\[1\]\.className: unknown layer class "Scale"; the layer classes are Dense, /);
    expect(() => fromTFJS(writeTFJSModel(m, withScale))).toThrow(/layers\[1\]\.class_name: unknown layer class "NumnetScale"; numnet reads Dense, /);
    expect(builtInLayers.classes).not.toContain(Scale);
  });
});

describe('the registry is derived from the export list', () => {
  const isLayerClass = (v: unknown) => typeof v === 'function' && v.prototype instanceof Layer;

  it('every layer class exported by src/layers/index.ts declares a spec of its own, and LAYER_CLASSES lists exactly them', () => {
    const exported = Object.values(layerExports).filter(isLayerClass);
    expect(exported.length).toBeGreaterThanOrEqual(7);
    for (const cls of exported) expect(hasOwnSpec(cls), (cls as { name: string }).name).toBe(true);
    expect(new Set(LAYER_CLASSES)).toEqual(new Set(exported));
    expect(LAYER_CLASSES.length).toBe(exported.length);
  });

  it('numnet exports every layer class of the list, and no other', () => {
    expect(new Set(Object.values(numnet).filter(isLayerClass))).toEqual(new Set(LAYER_CLASSES));
    for (const [name, value] of Object.entries(layerExports)) expect(numnet[name as keyof typeof numnet], name).toBe(value);
  });

  it('the built-in registry holds exactly LAYER_CLASSES, in order, found by saved and by TF.js class name', () => {
    expect(builtInLayers.classes).toEqual(LAYER_CLASSES);
    expect(builtInLayers.classNames).toEqual(LAYER_CLASSES.map((c) => c.spec.className));
    expect(builtInLayers.classNames.slice(0, 7)).toEqual(['Dense', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'Dropout', 'Flatten']);
    expect(builtInLayers.classNames).toEqual(expect.arrayContaining(['Conv2D', 'Conv1D', 'ZeroPadding2D', 'Reshape']));
    for (const cls of LAYER_CLASSES) {
      expect(builtInLayers.spec(cls.spec.className)).toBe(cls.spec);
      if (cls.spec.tfjs) expect(builtInLayers.tfjsSpec(cls.spec.tfjs.className)).toBe(cls.spec);
    }
  });

  it('every weight a built-in layer declares is trainable unless it says otherwise', () => {
    const d = new Dense({ units: 2 });
    expect(d.shapes([3])).toEqual({ outputShape: [2], weights: [{ name: 'kernel', shape: [3, 2] }, { name: 'bias', shape: [2] }] });
    for (const cls of LAYER_CLASSES) expect(Object.keys(cls.spec)).toEqual(expect.arrayContaining(['className', 'keys', 'fromConfig', 'toConfig']));
  });

  it('a registry refuses a class without a spec of its own, a non-layer, and two classes of one name', () => {
    class MyDense extends Dense {}
    for (const bad of [[MyDense], [Object], [Dense, Dense], [Scale, Scale], 'Dense']) {
      expect(codeOf(() => new LayerRegistry(bad as never))).toBe('INVALID_ARGUMENT');
    }
    expect(() => new LayerRegistry([MyDense] as never)).toThrow(/declare its own static readonly spec/);
    expect(() => builtInLayers.with([Dense])).toThrow(/two layer classes are saved as "Dense"/);
  });

  it('a subclass of a built-in layer is not saved under its parent name', () => {
    class MyDropout extends Dropout {}
    expect(() => numnet.layerToConfig(new MyDropout({ rate: 0.5 }))).toThrow(/not a built-in layer class/);
    expect(builtInLayers.specOf(new MyDropout({ rate: 0.5 }))).toBeUndefined();
  });
});

describe('src/io holds no per-layer code', () => {
  const dir = new URL('../../src/io/', import.meta.url);
  const code = (f: string) => readFileSync(new URL(f, dir), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

  it.each(['native.ts', 'tfjs.ts'])('%s names no layer class and imports no layer file', (file) => {
    const src = code(file);
    expect(src).not.toMatch(/from '\.\.\/layers\/(dense|activation|dropout|flatten|prelu)\.js'/);
    expect(src).not.toMatch(/\b(Dense|Dropout|Flatten|PReLU|LeakyReLU|ELU)\b/);
  });

  it('no file of src/io imports a layer class', () => {
    for (const f of readdirSync(dir)) expect(code(f), f).not.toMatch(/from '\.\.\/layers\/(dense|activation|dropout|flatten|prelu|index)\.js'/);
  });
});

describe('capabilities instead of names', () => {
  it('Dense treats only the linear activation object as the identity, not any activation named "linear"', () => {
    const twice = { ...ACTIVATIONS.linear, forward(z: Float64Array, y: Float64Array) { for (let i = 0; i < z.length; i++) y[i] = 2 * z[i]!; } };
    const m = new Sequential([new Dense({ units: 1, activation: twice, inputShape: [2] })]);
    m.setWeights([tensor([[1], [3]]), tensor([1])]);
    // z = 2·1 + 1·3 + 1 = 6; φ(z) = 12.
    expect(Array.from(m.predict([[2, 1]]).data)).toEqual([12]);
    const plain = new Sequential([new Dense({ units: 1, activation: 'linear', inputShape: [2] })]);
    plain.setWeights([tensor([[1], [3]]), tensor([1])]);
    expect(Array.from(plain.predict([[2, 1]]).data)).toEqual([6]);
  });

  it('a Dropout layer saves its generator by its spec (randomState), and the loader names the classes that have one', () => {
    const m = new Sequential([new Dense({ units: 2, inputShape: [2] }), new Dropout({ rate: 0.5, name: 'drop' })], { seed: 3 });
    const json = m.toJSON();
    expect(Object.keys(json.randomState!.layers)).toEqual(['drop']);
    const bad = structuredClone(json);
    bad.randomState!.layers = { dense: { state: 1 } };
    let err: unknown;
    try {
      Sequential.fromJSON(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NumnetError);
    expect((err as NumnetError).message).toBe('numnet model: randomState.layers.dense: names no Dropout layer of the model');
  });
});
