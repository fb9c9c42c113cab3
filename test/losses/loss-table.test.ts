/**
 * One table of losses (LOSS_CLASSES in src/losses/losses.ts) behind getLoss, the native format and
 * the metrics; the fused output activation is the activation object itself, not its name.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Dense, Hinge, Huber, KLDivergence,
  LogCosh, Loss, MeanAbsoluteError, MeanSquaredError, Poisson, Sequential, SparseCategoricalCrossentropy, SquaredHinge, getLoss, getMetric,
} from '../../src/index.js';
import { LOSS_CLASSES, lossEntry } from '../../src/losses/losses.js';
import { codeOf } from '../helpers/errors.js';

describe('the loss table', () => {
  it('lists every built-in loss class once, under the name its instances carry', () => {
    expect(LOSS_CLASSES.map((e) => e.type)).toEqual([
      MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
      Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, LogCosh, CosineSimilarity,
    ]);
    for (const e of LOSS_CLASSES) {
      const loss = new e.type();
      expect(loss.name).toBe(e.name);
      expect(lossEntry(e.name)).toBe(e);
      for (const key of Object.keys(loss.getConfig())) expect(e.options).toContain(key);
    }
    expect(lossEntry('mse')).toBeUndefined(); // saved files use the full name only
    expect(lossEntry('kld')).toBeUndefined();
  });

  it('getLoss takes each name, its Keras short name, and snake_case, all from the table', () => {
    for (const e of LOSS_CLASSES) {
      const snake = e.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      for (const n of [e.name, snake, ...e.aliases]) {
        const loss = getLoss(n);
        expect(loss.constructor, n).toBe(e.type);
      }
    }
    expect(getLoss('mse')).toBeInstanceOf(MeanSquaredError);
    expect(getLoss('mean_absolute_error')).toBeInstanceOf(MeanAbsoluteError);
    expect(codeOf(() => getLoss('foo'))).toBe('UNKNOWN_NAME');
    expect(() => getLoss('foo')).toThrow(
      'Unknown loss "foo". Valid names: meanSquaredError, mse, meanAbsoluteError, mae, huber, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, ' +
        'hinge, squaredHinge, categoricalHinge, klDivergence, kld, kullbackLeiblerDivergence, poisson, logCosh, cosineSimilarity',
    );
  });

  it('the native format saves and reads every loss of the table, with its options', () => {
    for (const e of LOSS_CLASSES) {
      const loss = e.type === Huber ? new Huber({ delta: 0.5 }) : new e.type();
      const m = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 1 });
      m.compile({ optimizer: 'sgd', loss });
      const json = m.toJSON();
      expect(json.compileConfig!.loss.name).toBe(e.name);
      const back = Sequential.fromJSON(JSON.stringify(json)).getCompileConfig()!.loss;
      expect(back.constructor).toBe(e.type);
      expect(back.getConfig()).toEqual(loss.getConfig());
    }
  });

  it('a loss class of your own is not saved, even under a built-in name', () => {
    class MyMSE extends MeanSquaredError {}
    const m = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: new MyMSE() });
    expect(() => m.toJSON()).toThrow(
      'toJSON(): the loss "meanSquaredError" is not a built-in loss class and cannot be saved (meanSquaredError, meanAbsoluteError, huber, binaryCrossentropy, ' +
        'categoricalCrossentropy, sparseCategoricalCrossentropy, hinge, squaredHinge, categoricalHinge, klDivergence, poisson, logCosh, cosineSimilarity)',
    );
  });
});

describe("metric 'acc' resolved by the loss's table entry", () => {
  // Targets [1, 0, 1] and predictions [0.9, 0.2, 0.4]: thresholded at 0.5 the outputs are [1, 0, 0],
  // so binary accuracy is 2/3; the argmax of both is 0, so categorical accuracy is 1.
  const t = Float64Array.of(1, 0, 1);
  const p = Float64Array.of(0.9, 0.2, 0.4);
  const acc = (loss: Loss) => {
    const out = new Float64Array(1);
    getMetric('acc', loss, 3).perSample(t, p, 1, 3, out);
    return out[0];
  };
  it('binary with binary crossentropy, categorical with the others', () => {
    expect(acc(new BinaryCrossentropy())).toBe(2 / 3);
    expect(acc(new MeanSquaredError())).toBe(1);
    expect(acc(new CategoricalCrossentropy())).toBe(1);
  });
});

describe('fused output activations are activation objects', () => {
  it('softmax for (sparse) categorical crossentropy, sigmoid for binary, none from logits or for the others', () => {
    expect(new CategoricalCrossentropy().fusedActivation).toBe(ACTIVATIONS.softmax);
    expect(new SparseCategoricalCrossentropy().fusedActivation).toBe(ACTIVATIONS.softmax);
    expect(new BinaryCrossentropy().fusedActivation).toBe(ACTIVATIONS.sigmoid);
    for (const loss of [
      new CategoricalCrossentropy({ fromLogits: true }), new BinaryCrossentropy({ fromLogits: true }), new MeanSquaredError(), new Huber(),
      new Hinge(), new SquaredHinge(), new CategoricalHinge(), new KLDivergence(), new Poisson(), new LogCosh(), new CosineSimilarity(),
    ]) {
      expect(loss.fusedActivation).toBeUndefined();
    }
  });

  it('fusedGradient: (ŷ·Σy − y)/B through softmax, (ŷ − y)/(B·cols) through sigmoid', () => {
    const y = Float64Array.of(0, 1, 0);
    const yHat = Float64Array.of(0.25, 0.5, 0.25);
    const g = new Float64Array(3);
    new CategoricalCrossentropy().fusedGradient(y, yHat, 1, 3, g);
    expect(Array.from(g)).toEqual([0.25, -0.5, 0.25]);
    new BinaryCrossentropy().fusedGradient(y, yHat, 1, 3, g);
    expect(Array.from(g)).toEqual([0.25 / 3, -0.5 / 3, 0.25 / 3]);
  });
});
