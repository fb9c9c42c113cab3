import { Activation as ActivationFn, getActivation, makeElu, makeLeakyRelu } from '../activations/activations.js';
import { NumnetError, describe } from '../errors.js';
import { activationToTFJS } from '../io/tfjs-config.js';
import { Tensor } from '../tensor/tensor.js';
import { activationName } from './config.js';
import { Layer, LayerConfig, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/** Applies an activation y = φ(x) element-wise (softmax: over the last axis). No weights. */
export class Activation extends Layer {
  /** How Activation is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Activation> = {
    className: 'Activation',
    keys: ['activation'],
    fromConfig: (c) => new Activation(c as unknown as LayerConfig & { activation: string }),
    toConfig: (a) => ({ ...a.getConfig(), activation: activationName(a.activation, `layer ${a.name}: activation`) }),
    tfjs: {
      className: 'Activation',
      // TF.js has no leakyRelu activation string: it is written as a LeakyReLU layer of slope 0.01.
      toConfig(a, { where, base }) {
        const act = activationToTFJS(a.activation, where);
        return [act === undefined ? { class_name: 'LeakyReLU', config: { alpha: 0.01, ...base } } : { class_name: 'Activation', config: { activation: act, ...base } }];
      },
      fromConfig: (c) => new Activation({ ...c.base, activation: c.activation('activation') }),
    },
  };

  readonly className: string = 'Activation';
  /** The activation applied. */
  readonly activation: ActivationFn;
  private x: Tensor | undefined;
  private y: Tensor | undefined;

  constructor(config: LayerConfig & { activation: string | ActivationFn }) {
    super(layerOptions(config, ['activation'], 'Activation', true));
    if (config.activation === undefined) {
      throw new NumnetError('INVALID_ARGUMENT', "Activation: the activation option is missing (a name such as 'relu', or an activation object)");
    }
    this.activation = getActivation(config.activation);
  }

  override get outputActivation(): ActivationFn {
    return this.activation;
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const y = this.buffer('y', x.shape);
    this.activation.forward(x.data, y.data, x.shape[x.rank - 1]!);
    this.x = x;
    this.y = y;
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    const x = this.x!;
    const dx = this.buffer('dx', x.shape);
    this.activation.backward(x.data, this.y!.data, dy.data, dx.data, x.shape[x.rank - 1]!);
    return dx;
  }

  protected override callBackwardFromPreActivation(dz: Tensor, needInputGradient: boolean): Tensor | undefined {
    return needInputGradient ? dz : undefined;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}

function checkAlpha(alpha: unknown, layer: string): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new NumnetError('INVALID_ARGUMENT', `${layer}: alpha must be a finite number, got ${describe(alpha)}`);
  }
  return alpha;
}

/** Leaky ReLU layer: y = x where x > 0, else αx. alpha defaults to 0.3, as in Keras's layer. */
export class LeakyReLU extends Activation {
  /** How LeakyReLU is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static override readonly spec: LayerSpec<LeakyReLU> = {
    className: 'LeakyReLU',
    keys: ['alpha'],
    fromConfig: (c) => new LeakyReLU(c as LayerConfig & { alpha?: number }),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'LeakyReLU',
      toConfig: (l, { base }) => [{ class_name: 'LeakyReLU', config: { alpha: l.alpha, ...base } }],
      // Keras 3 calls alpha negative_slope.
      fromConfig: (c) => new LeakyReLU({ ...c.base, alpha: (c.get('alpha') ?? c.get('negative_slope') ?? 0.3) as number }),
    },
  };

  override readonly className = 'LeakyReLU';
  /** The slope α below zero. */
  readonly alpha: number;
  constructor(config: LayerConfig & { alpha?: number } = {}) {
    const c = layerOptions(config, ['alpha'], 'LeakyReLU');
    const alpha = checkAlpha(c.alpha ?? 0.3, 'LeakyReLU');
    super({ name: c.name, inputShape: c.inputShape, trainable: c.trainable, activation: makeLeakyRelu(alpha) });
    this.alpha = alpha;
  }
  override getConfig(): Record<string, unknown> {
    const { activation: _a, ...rest } = super.getConfig();
    return { ...rest, alpha: this.alpha };
  }
}

/** ELU layer: y = x where x > 0, else α(eˣ − 1). alpha defaults to 1. */
export class ELU extends Activation {
  /** How ELU is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static override readonly spec: LayerSpec<ELU> = {
    className: 'ELU',
    keys: ['alpha'],
    fromConfig: (c) => new ELU(c as LayerConfig & { alpha?: number }),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'ELU',
      toConfig({ alpha }, { where, base }) {
        if (alpha !== 1) {
          throw new NumnetError('INVALID_ARGUMENT', `${where}: alpha is ${alpha}, but TF.js (tfjs-layers 4.22) loads ELU layers only with alpha 1; use alpha 1 or the 'elu' activation`);
        }
        return [{ class_name: 'ELU', config: { alpha, ...base } }];
      },
      fromConfig: (c) => new ELU({ ...c.base, alpha: (c.get('alpha') ?? 1) as number }),
    },
  };

  override readonly className = 'ELU';
  /** α of α(eˣ − 1) below zero. */
  readonly alpha: number;
  constructor(config: LayerConfig & { alpha?: number } = {}) {
    const c = layerOptions(config, ['alpha'], 'ELU');
    const alpha = checkAlpha(c.alpha ?? 1, 'ELU');
    super({ name: c.name, inputShape: c.inputShape, trainable: c.trainable, activation: makeElu(alpha) });
    this.alpha = alpha;
  }
  override getConfig(): Record<string, unknown> {
    const { activation: _a, ...rest } = super.getConfig();
    return { ...rest, alpha: this.alpha };
  }
}
