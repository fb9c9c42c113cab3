import { NumnetError, describe } from '../errors.js';
import { nullish } from '../io/tfjs-config.js';
import { Random, RandomState } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, PreparedBuild, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/**
 * Inverted dropout: while training, each value is kept with probability 1 − rate and scaled by
 * 1/(1 − rate) (y = x·m, m ∈ {0, 1/(1 − rate)}); in predict and evaluate it passes x through.
 * `seed` makes the masks reproducible; otherwise they come from the model's seeded generator.
 */
export class Dropout extends Layer {
  /** How Dropout is saved (with its mask generator's state), rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Dropout> = {
    className: 'Dropout',
    keys: ['rate', 'seed'],
    fromConfig: (c) => new Dropout(c as unknown as LayerConfig & { rate: number; seed?: number }),
    toConfig: (d) => d.getConfig(),
    randomState: { get: (d) => d.getRandomState(), set: (d, state) => d.setRandomState(state) },
    tfjs: {
      className: 'Dropout',
      toConfig: (d, { base }) => [{ class_name: 'Dropout', config: { rate: d.rate, noise_shape: null, seed: d.seed ?? null, ...base } }],
      fromConfig(c) {
        c.mustBeNull('noise_shape', 'Dropout noise_shape');
        const seed = c.get('seed');
        return new Dropout({ ...c.base, rate: c.get('rate') as number, ...(nullish(seed) ? {} : { seed: seed as number }) });
      },
    },
  };

  readonly className = 'Dropout';
  /** The fraction of inputs dropped in training, in [0, 1). */
  readonly rate: number;
  /** The masks' own seed, if given. */
  readonly seed: number | undefined;
  private rng: Random | undefined;
  private mask: Tensor | undefined;

  constructor(config: LayerConfig & { rate: number; seed?: number }) {
    super(layerOptions(config, ['rate', 'seed'], 'Dropout', true));
    const rate = config?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new NumnetError('INVALID_ARGUMENT', `Dropout: rate must be a number in [0, 1), got ${describe(rate)}`);
    }
    if (config.seed != null && (typeof config.seed !== 'number' || !Number.isFinite(config.seed))) {
      throw new NumnetError('INVALID_ARGUMENT', `Dropout: seed must be a number, got ${describe(config.seed)}`);
    }
    this.rate = rate;
    this.seed = config.seed ?? undefined;
  }

  /** The masks' generator: from `seed`, or forked from the model's. */
  protected override prepareState(_inputShape: readonly number[], rng: Random): Random {
    return this.seed !== undefined ? new Random(this.seed) : rng.fork();
  }

  protected override adopt(build: PreparedBuild): void {
    this.rng = build.state as Random;
  }

  protected call(x: Tensor, training: boolean): Tensor {
    if (!training || this.rate === 0) {
      this.mask = undefined;
      return x;
    }
    const mask = this.buffer('mask', x.shape);
    const y = this.buffer('y', x.shape);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < x.size; i++) {
      const m = this.rng!.next() >= this.rate ? keep : 0;
      mask.data[i] = m;
      y.data[i] = x.data[i]! * m;
    }
    this.mask = mask;
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    if (!this.mask) return dy;
    const dx = this.buffer('dx', dy.shape);
    for (let i = 0; i < dy.size; i++) dx.data[i] = dy.data[i]! * this.mask.data[i]!;
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) c.seed = this.seed;
    return c;
  }

  /** The state of this layer's mask generator (undefined until built), for saving. */
  getRandomState(): RandomState | undefined {
    return this.built ? this.rng?.getState() : undefined;
  }

  /** Restores the mask generator from `getRandomState` (the layer must be built). */
  setRandomState(state: RandomState): void {
    if (!this.rng || !this.built) throw new NumnetError('INVALID_ARGUMENT', `Dropout layer ${this.name} is not built yet`);
    this.rng.setState(state);
  }
}
