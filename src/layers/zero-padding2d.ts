import { NumnetError, describe, fmtShape } from '../errors.js';
import { MAX_SIZE, Tensor } from '../tensor/tensor.js';
import { checkChannelsLast } from './conv-spec.js';
import { Layer, LayerConfig, LayerShapes, checkSampleShape, layerOptions } from './layer.js';
import type { LayerSpec } from './spec.js';

/** The padding of ZeroPadding2D: a number for every side, [h, w] (top = bottom = h, left = right = w), or [[top, bottom], [left, right]]. */
export type ZeroPadding2DPadding = number | [number, number] | [[number, number], [number, number]];

/** The options of ZeroPadding2D. */
export interface ZeroPadding2DConfig extends LayerConfig {
  /** The rows and columns of zeros to add (default 1): a number, [h, w], or [[top, bottom], [left, right]]. */
  padding?: ZeroPadding2DPadding;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_SIZE;

/** [[top, bottom], [left, right]] from any of the three forms, or INVALID_ARGUMENT. */
function normalize(p: unknown): [[number, number], [number, number]] {
  if (isCount(p)) return [[p, p], [p, p]];
  if (Array.isArray(p) && p.length === 2) {
    const [h, w]: unknown[] = [p[0], p[1]];
    if (isCount(h) && isCount(w)) return [[h, h], [w, w]];
    const pair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isCount(v[0]) && isCount(v[1]);
    if (pair(h) && pair(w)) return [[h[0], h[1]], [w[0], w[1]]];
  }
  throw new NumnetError(
    'INVALID_ARGUMENT',
    `ZeroPadding2D: padding must be an integer ≥ 0, [h, w] or [[top, bottom], [left, right]] of integers ≥ 0, got ${show(p, 2)}`,
  );
}

/** A short, safe rendering of a padding value (nested arrays shown two levels deep). */
function show(v: unknown, depth: number): string {
  if (!Array.isArray(v) || depth === 0 || v.length > 4) return describe(v);
  return `[${Array.from({ length: v.length }, (_x, i) => show(v[i], depth - 1)).join(', ')}]`;
}

/**
 * Adds rows and columns of zeros around images [batch, h, w, c]:
 * y[n, i, j, c] = x[n, i − top, j − left, c] inside, 0 in the border; y is [batch, top + h + bottom,
 * left + w + right, c]. Backward: ∂L/∂x is ∂L/∂y without the border.
 */
export class ZeroPadding2D extends Layer {
  /** How ZeroPadding2D is saved, rebuilt and mapped to TF.js (see LayerSpec). */
  static readonly spec: LayerSpec<ZeroPadding2D> = {
    className: 'ZeroPadding2D',
    keys: ['padding'],
    fromConfig: (c) => new ZeroPadding2D(c as ZeroPadding2DConfig),
    toConfig: (l) => l.getConfig(),
    tfjs: {
      className: 'ZeroPadding2D',
      toConfig: (l, { base }) => [
        { class_name: 'ZeroPadding2D', config: { padding: [l.padding[0].slice(), l.padding[1].slice()], data_format: 'channels_last', ...base } },
      ],
      fromConfig(c) {
        checkChannelsLast(c);
        const padding = c.get('padding') ?? 1;
        try {
          normalize(padding);
        } catch (e) {
          throw c.error('padding', e instanceof Error ? e.message : String(e));
        }
        return new ZeroPadding2D({ ...c.base, padding: padding as ZeroPadding2DPadding });
      },
    },
  };

  readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];

  constructor(config: ZeroPadding2DConfig = {}) {
    super(layerOptions(config, ['padding'], 'ZeroPadding2D'));
    this.padding = normalize(config.padding ?? 1);
  }

  /** The output shape for samples of `inputShape` [h, w, c] (SHAPE_MISMATCH for another rank). */
  protected override computeShapes(inputShape: readonly number[]): LayerShapes {
    const where = `ZeroPadding2D layer ${this.name || '(unnamed)'}`;
    checkSampleShape(inputShape, `${where}: input shape`);
    if (inputShape.length !== 3) {
      throw new NumnetError('SHAPE_MISMATCH', `${where} takes samples of shape [height, width, channels], got ${fmtShape(inputShape)}`);
    }
    const [[t, b], [l, r]] = this.padding;
    const outputShape = [inputShape[0]! + t + b, inputShape[1]! + l + r, inputShape[2]!];
    if (outputShape.reduce((p, n) => p * n, 1) > MAX_SIZE) {
      throw new NumnetError('INVALID_ARGUMENT', `${where}: an output sample of shape ${fmtShape(outputShape)} is more than ${MAX_SIZE} values`);
    }
    return { outputShape, weights: [] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const y = this.batchBuffer('y', x.shape[0]!, this.outputShape);
    // The border is never written: it stays 0 from allocation.
    this.copy(x.data, y.data, x.shape[0]!, true);
    return y;
  }

  protected callBackward(dy: Tensor, needInputGradient: boolean): Tensor | undefined {
    if (!needInputGradient) return undefined;
    const dx = this.batchBuffer('dx', dy.shape[0]!, this.inputSample);
    this.copy(dx.data, dy.data, dy.shape[0]!, false);
    return dx;
  }

  /** Copies each input row into its place in the padded rows (`toPadded`), or back. */
  private copy(inner: Float64Array, padded: Float64Array, n: number, toPadded: boolean): void {
    const [h, w, c] = this.inputSample as [number, number, number];
    const [ph, pw] = this.outputShape as [number, number, number];
    const top = this.padding[0][0];
    const left = this.padding[1][0];
    const row = w * c;
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < h; i++) {
        const a = (s * h + i) * row;
        const b = ((s * ph + i + top) * pw + left) * c;
        if (toPadded) for (let k = 0; k < row; k++) padded[b + k] = inner[a + k]!;
        else for (let k = 0; k < row; k++) inner[a + k] = padded[b + k]!;
      }
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [this.padding[0].slice(), this.padding[1].slice()] };
  }
}
