/**
 * {@link plotActivations}: activation functions and their derivatives on a grid.
 * @module
 */
import { activate, activationGradient, getActivation } from '../activations/activations.js';
import type { Activation as ActivationFunction } from '../activations/activations.js';
import { NumnetError, describe } from '../errors.js';
import { checkInt, checkOptions, checkRange, checkTitle } from './checks.js';
import { figureTitle, panels } from './figure.js';
import {
  PALETTE, Svg, checkSize, drawAxes, drawLegend, drawSeries, extent, linearScale, niceTicks, num, type Box, type Scale, type Series,
} from './svg.js';

/** Options of {@link plotActivations}. */
export interface PlotActivationsOptions {
  /** Which panels: the functions, their derivatives, or both side by side (default). */
  show?: 'both' | 'function' | 'derivative';
  /** The x interval (default [−5, 5]). */
  xRange?: [number, number];
  /** Points per curve (default 401; straight stretches are drawn with fewer). */
  samples?: number;
  /** Horizontal reference lines, e.g. `{ y: 0.25, label: 'max of sigmoid′' }` (on the derivative panel unless `panel` says). */
  referenceLines?: {
    /** The height of the line. */
    y: number;
    /** Its label, written above the line's right end. */
    label: string;
    /** The panel it goes on (default the derivative panel, or the only panel). */
    panel?: 'function' | 'derivative';
  }[];
  /** The figure title (default "Activation functions"). */
  title?: string;
  /** Width of the whole figure in pixels (default 420 per panel). */
  width?: number;
  /** Height in pixels (default 360). */
  height?: number;
}

/**
 * An activation for {@link plotActivations}: a name (`'sigmoid'`, Keras's `'leaky_relu'`, …), an
 * activation object (e.g. `new LeakyReLU({ alpha: 0.1 }).activation`), or either with a legend label.
 */
export type ActivationEntry =
  | string
  | ActivationFunction
  | {
      /** The legend label. */
      label: string;
      /** The activation: a name or an activation object. */
      activation: string | ActivationFunction;
    };

/** A panel: the functions or their derivatives. */
type Kind = 'function' | 'derivative';

/** One resolved entry: its legend label, what it was given as, and the activation. */
interface Item {
  label: string;
  name: string | ActivationFunction;
  act: ActivationFunction;
}

/** A reference line of {@link PlotActivationsOptions}. */
type ReferenceLine = NonNullable<PlotActivationsOptions['referenceLines']>[number];

/** The entries resolved to activations with their labels; `softmax` is refused. */
function resolveEntries(entries: ActivationEntry[]): Item[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): expected a non-empty array of activations, got ${describe(entries)}`);
  }
  const items = entries.map((e) => {
    if (e !== null && typeof e === 'object' && 'label' in e) {
      if (typeof e.label !== 'string') throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): label must be a string, got ${describe(e.label)}`);
      const act = getActivation(e.activation);
      return { label: e.label, name: e.activation, act };
    }
    const act = getActivation(e as string | ActivationFunction);
    return { label: act.name, name: e as string | ActivationFunction, act };
  });
  for (const { act } of items) {
    if (act.name === 'softmax') {
      throw new NumnetError('INVALID_ARGUMENT', "plotActivations(): 'softmax' is not element-wise (it normalizes a vector); plot 'sigmoid' instead");
    }
  }
  return items;
}

/** The panels the `show` option asks for. */
function checkShow(show: unknown): readonly Kind[] {
  if (show !== 'both' && show !== 'function' && show !== 'derivative') {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): show must be 'both', 'function' or 'derivative', got ${describe(show)}`);
  }
  return show === 'both' ? (['function', 'derivative'] as const) : ([show] as const);
}

/** The checked `referenceLines` option (none by default). */
function checkReferenceLines(refs: unknown): ReferenceLine[] {
  if (!Array.isArray(refs) || !refs.every((r) => r && typeof r.y === 'number' && Number.isFinite(r.y) && typeof r.label === 'string')) {
    throw new NumnetError('INVALID_ARGUMENT', `plotActivations(): referenceLines must be [{ y: number, label: string }], got ${describe(refs)}`);
  }
  return refs;
}

/**
 * φ(x) or φ′(x) at every x: names go through `activate` and `activationGradient`, activation objects
 * are called directly (`forward`, then `backward` with an upstream gradient of ones).
 */
function curve(xs: Float64Array, name: string | ActivationFunction, act: ActivationFunction, kind: Kind): Float64Array {
  if (typeof name === 'string') return (kind === 'function' ? activate(name, xs) : activationGradient(name, xs)).data;
  const y = new Float64Array(xs.length);
  act.forward(xs, y, 1);
  if (kind === 'function') return y;
  const dz = new Float64Array(xs.length);
  act.backward(xs, y, new Float64Array(xs.length).fill(1), dz, 1);
  return dz;
}

/** Draws the dashed reference lines with their labels; adds them to what the legend avoids. */
function drawReferenceLines(svg: Svg, box: Box, y: Scale, lines: ReferenceLine[], avoid: [number, number][][]): void {
  for (const r of lines) {
    const [left, right, py] = [box.left, box.left + box.width, y(r.y)];
    svg.add(`<path d="M${num(left)} ${num(py)}H${num(right)}" stroke="#555555" stroke-width="1.2" stroke-dasharray="4 3"/>`);
    svg.text(right - 6, py - 5, r.label, 'text-anchor="end" fill="#333333"');
    avoid.push([[left, py], [right, py]], [[right - 6 - r.label.length * 6.6, py - 14], [right - 6, py - 14]]);
  }
}

/** What one panel shows: its kind, the x interval and its grid, the activations and the reference lines on it. */
interface Panel {
  kind: Kind;
  xRange: [number, number];
  xs: Float64Array;
  items: Item[];
  lines: ReferenceLine[];
}

/** Draws one panel: the functions or their derivatives (`step` has none), its reference lines and legend. */
function drawPanel(svg: Svg, box: Box, { kind, xRange: [lo, hi], xs, items, lines }: Panel): void {
  const series: Series[] = [];
  items.forEach(({ label, name, act }, i) => {
    if (kind === 'derivative' && !act.differentiable) return;
    const color = PALETTE[i % PALETTE.length]!;
    series.push({ label, color, xs, ys: curve(xs, name, act, kind), dash: i >= PALETTE.length });
  });
  const [y0, y1] = extent(...series.map((s) => s.ys), lines.map((r) => r.y));
  // Head room above the curves for the legend.
  const yt = niceTicks(y0, y1 + (y1 - y0) * 0.04 * (series.length + 2), 6);
  const xt = niceTicks(lo, hi, 8, false);
  const x = linearScale(lo, hi, box.left, box.left + box.width);
  const y = linearScale(yt.domain[0], yt.domain[1], box.top + box.height, box.top);
  const label = kind === 'function' ? 'φ(x)' : 'φ′(x)';
  drawAxes(svg, box, xt, yt, x, y, { xLabel: 'x', yLabel: label, title: kind === 'function' ? 'φ(x)' : 'derivative φ′(x)' });
  const avoid = drawSeries(svg, box, x, y, series);
  drawReferenceLines(svg, box, y, lines, avoid);
  drawLegend(svg, box, series, avoid);
}

/**
 * Activation functions φ(x) and their derivatives φ′(x) on a grid. Names go through `activate` and
 * `activationGradient`; activation objects are called directly. `step` has no derivative to draw
 * (it is not trained by gradients); `softmax` is not element-wise and is refused.
 *
 * ```ts
 * const svg = plotActivations(['sigmoid', 'tanh', 'relu'], { referenceLines: [{ y: 0.25, label: 'σ′ ≤ 0.25' }] });
 * ```
 */
export function plotActivations(entries: ActivationEntry[], options: PlotActivationsOptions = {}): string {
  checkOptions(options, 'plotActivations()');
  const items = resolveEntries(entries);
  const kinds = checkShow(options.show ?? 'both');
  const [lo, hi] = options.xRange === undefined ? [-5, 5] : checkRange(options.xRange, 'plotActivations() xRange');
  const samples = checkInt(options.samples, 'plotActivations() samples', 2, 100_000, 401);
  const refs = checkReferenceLines(options.referenceLines ?? []);
  const width = checkSize(options.width, 'plotActivations() width', 420 * kinds.length);
  const height = checkSize(options.height, 'plotActivations() height', 360);
  const title = checkTitle(options.title, 'Activation functions');

  const xs = Float64Array.from({ length: samples }, (_, i) => lo + ((hi - lo) * i) / (samples - 1));
  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const boxes = panels(kinds.length, width, height);
  kinds.forEach((kind, p) => {
    const lines = refs.filter((r) => (r.panel ?? (kinds.length === 1 ? kind : 'derivative')) === kind);
    drawPanel(svg, boxes[p]!, { kind, xRange: [lo, hi], xs, items, lines });
  });
  return svg.toString();
}
