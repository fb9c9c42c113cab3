import { NumnetError, describe } from '../errors.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, LayerShapes, Parameter, WeightShape, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/**
 * Parametric ReLU: y = x where x > 0, else αx, with a learnable α per feature (initially 0.25).
 * ∂L/∂α = Σ_batch dy·x over x ≤ 0; ∂L/∂x = dy where x > 0, else α·dy.
 */
export class PReLU extends Layer {
  /** How PReLU is saved, rebuilt and mapped to TF.js (see LayerSpec): one weight, alpha, shaped as a sample. */
  static readonly spec: LayerSpec<PReLU> = {
    className: 'PReLU',
    keys: ['alphaInitializer'],
    fromConfig: (c) => new PReLU(c as LayerConfig & { alphaInitializer?: number }),
    toConfig: (p) => p.getConfig(),
    tfjs: {
      className: 'PReLU',
      toConfig: (p, { base }) => [
        {
          class_name: 'PReLU',
          config: {
            alpha_initializer: { class_name: 'Constant', config: { value: p.alphaInitial } },
            alpha_regularizer: null,
            alpha_constraint: null,
            shared_axes: null,
            ...base,
          },
        },
      ],
      fromConfig(c) {
        c.mustBeNull('shared_axes', 'PReLU shared_axes');
        c.mustBeNull('alpha_regularizer', 'PReLU alpha regularizer');
        c.mustBeNull('alpha_constraint', 'PReLU alpha constraint');
        const init = c.initializer('alpha_initializer', 'zeros');
        const value = typeof init === 'string' ? (init === 'ones' ? 1 : 0) : init.name === 'constant' ? (init.value as number) : 0;
        return new PReLU({ ...c.base, alphaInitializer: value });
      },
    },
  };

  readonly className = 'PReLU';
  /** The value every α starts at (default 0.25). */
  readonly alphaInitial: number;
  /** The learned slopes α, one per unit (once built). */
  alpha!: Parameter;
  private x: Tensor | undefined;

  constructor(config: LayerConfig & { alphaInitializer?: number } = {}) {
    super(layerOptions(config, ['alphaInitializer'], 'PReLU'));
    const a = config.alphaInitializer ?? 0.25;
    if (typeof a !== 'number' || !Number.isFinite(a)) {
      throw new NumnetError('INVALID_ARGUMENT', `PReLU: alphaInitializer must be a finite number, got ${describe(a)}`);
    }
    this.alphaInitial = a;
  }

  /** One α per input value: a weight of the sample's shape. */
  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    return { outputShape: inputShape.slice(), weights: [{ name: 'alpha', shape: inputShape.slice() }] };
  }

  protected override initialValues(_w: WeightShape, inputShape: readonly number[]): Float64Array {
    return new Float64Array(inputShape.reduce((p, n) => p * n, 1)).fill(this.alphaInitial);
  }

  protected override adopt(): void {
    this.alpha = this.params[0]!;
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const y = this.buffer('y', x.shape);
    const a = this.alpha.value.data;
    const n = a.length;
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i]!;
      y.data[i] = v > 0 ? v : a[i % n]! * v;
    }
    this.x = x;
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    const x = this.x!;
    const a = this.alpha.value.data;
    const ga = this.alpha.grad;
    const n = a.length;
    ga.fill(0);
    const dx = needInputGradient ? this.buffer('dx', x.shape) : undefined;
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i]!;
      const g = dy.data[i]!;
      if (v > 0) {
        if (dx) dx.data[i] = g;
      } else {
        ga[i % n]! += g * v;
        if (dx) dx.data[i] = a[i % n]! * g;
      }
    }
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alphaInitializer: this.alphaInitial };
  }
}
