import { NumnetError, describe } from '../errors.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, Parameter, layerOptions } from './layer.js';
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
    shapes: (_p, s) => ({ outputShape: s.slice(), weights: [{ name: 'alpha', shape: s.slice() }] }),
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

  override build(inputShape: number[], rng: Random): void {
    this.checkBuild(inputShape, rng);
    const size = inputShape.reduce((p, n) => p * n, 1);
    this.params = [];
    this.alpha = this.addParam('alpha', inputShape.slice(), new Float64Array(size).fill(this.alphaInitial));
    this.outputShape = inputShape.slice();
    this.built = true;
  }

  forward(x: Tensor, _training: boolean): Tensor {
    this.checkInput(x, this.outputShape);
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

  backward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    this.checkGradient(dy, this.x);
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
