import { NumnetError, describe, fmtShape } from '../errors.js';
import { MAX_RANK, MAX_SIZE, Tensor } from '../tensor/tensor.js';
import { Layer, LayerConfig, LayerShapes, checkSampleShape, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/** The options of Reshape. */
export interface ReshapeConfig extends LayerConfig {
  /** The shape of one output sample (no batch axis); one entry may be −1, inferred from the input size. */
  targetShape: number[];
}

/** A copy of a target shape: 1 to MAX_RANK entries, each an integer ≥ 1 or −1 (at most one −1). */
function checkTarget(t: unknown): number[] {
  let ok = Array.isArray(t) && t.length >= 1 && t.length <= MAX_RANK;
  let unknown = 0;
  const out: number[] = [];
  for (let i = 0; ok && i < (t as unknown[]).length; i++) {
    const n: unknown = (t as unknown[])[i];
    ok = typeof n === 'number' && Number.isInteger(n) && ((n >= 1 && n <= MAX_SIZE) || n === -1);
    if (ok && n === -1) unknown++;
    if (ok) out.push(n as number);
  }
  if (!ok || unknown > 1) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `Reshape: targetShape must be an array of 1 to ${MAX_RANK} integers ≥ 1, one of which may be -1, got ${Array.isArray(t) ? fmtShape(t as number[]) : describe(t)}`,
    );
  }
  return out;
}

/**
 * Reshapes each sample, keeping the row-major order of its values: [B, …inputShape] →
 * [B, …targetShape], with a −1 entry set to the input size divided by the other entries.
 * y shares x's data (nothing is copied); backward reshapes ∂L/∂y back to the input shape.
 */
export class Reshape extends Layer {
  /** How Reshape is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<Reshape> = {
    className: 'Reshape',
    keys: ['targetShape'],
    fromConfig: (c) => new Reshape(c as unknown as ReshapeConfig),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'Reshape',
      // The target shape is written resolved (no −1): tfjs-layers 4.22 infers −1 only at run time,
      // so a layer after such a Reshape could not be built when the model loads.
      toConfig: (l, { inputShape, base }) => [{ class_name: 'Reshape', config: { target_shape: l.computeOutputShape(inputShape), ...base } }],
      fromConfig(c) {
        const t = c.get('target_shape');
        try {
          checkTarget(t);
        } catch (e) {
          throw c.error('target_shape', e instanceof Error ? e.message : String(e));
        }
        return new Reshape({ ...c.base, targetShape: t as number[] });
      },
    },
  };

  readonly className = 'Reshape';
  /** The target shape as given (−1 for an inferred entry). */
  readonly targetShape: readonly number[];
  private out: Tensor | undefined;
  private back: Tensor | undefined;

  constructor(config: ReshapeConfig) {
    super(layerOptions(config, ['targetShape'], 'Reshape', true));
    this.targetShape = checkTarget(config.targetShape);
  }

  /** The output shape for samples of `inputShape` (SHAPE_MISMATCH when the sizes do not fit). */
  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    const where = `Reshape layer ${this.name || '(unnamed)'}`;
    checkSampleShape(inputShape, `${where}: input shape`);
    const size = inputShape.reduce((p, n) => p * n, 1);
    const known = this.targetShape.reduce((p, n) => (n === -1 ? p : p * n), 1);
    const free = this.targetShape.indexOf(-1);
    if (free < 0 ? known !== size : size % known !== 0) {
      throw new NumnetError(
        'SHAPE_MISMATCH',
        `${where}: samples of shape ${fmtShape(inputShape)} (${size} values) cannot be reshaped to targetShape ${fmtShape(this.targetShape)}${free < 0 ? ` (${known} values)` : ` (${size} is not a multiple of ${known})`}`,
      );
    }
    const outputShape = this.targetShape.slice();
    if (free >= 0) outputShape[free] = size / known;
    return { outputShape, weights: [] };
  }

  protected override adopt(): void {
    this.out = this.back = undefined;
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    // The view is kept while x's buffer and batch size stay the same: no allocation per batch.
    if (this.out?.data !== x.data || this.out.shape[0] !== x.shape[0]) this.out = new Tensor(x.data, [x.shape[0]!, ...this.outputShape]);
    return this.out;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    if (this.back?.data !== dy.data || this.back.shape[0] !== dy.shape[0]) this.back = new Tensor(dy.data, [dy.shape[0]!, ...this.inputSample]);
    return this.back;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape.slice() };
  }
}
