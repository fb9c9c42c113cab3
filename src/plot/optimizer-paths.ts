/**
 * {@link optimizerPath} and {@link plotOptimizerPaths}: real numnet optimizers on a 2-D loss
 * surface, over its contour lines.
 * @module
 */
import { NumnetError, describe } from '../errors.js';
import type { Parameter } from '../layers/layer.js';
import { Optimizer, getOptimizer } from '../optimizers/index.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, checkPoint, checkTitle } from './checks.js';
import { contourPaths } from './contours.js';
import { figureTitle, panels } from './figure.js';
import { checkSurface, type LossSurface } from './surfaces.js';
import {
  PALETTE, Svg, checkSize, drawAxes, drawLegend, extent, linearScale, niceTicks, num, pathData, simplify, type LegendEntry, type Scale,
} from './svg.js';

/** An optimizer for {@link plotOptimizerPaths}: an instance, a name ('adam'), or either with a label. */
export type OptimizerEntry =
  | Optimizer
  | string
  | {
      /** The legend label. */
      label: string;
      /** The optimizer: an instance or a name. */
      optimizer: Optimizer | string;
    };

/** The way one optimizer went (what {@link optimizerPath} returns). */
export interface OptimizerPath {
  /** The legend label. */
  label: string;
  /** The start and the point after each update, up to the first one outside the drawn region. */
  points: [number, number][];
  /** L at the last point. */
  finalLoss: number;
  /** True when the path left the drawn region (or the loss or gradient stopped being finite). */
  escaped: boolean;
}

/** Display names of the optimizers, by `name`. */
const DISPLAY: Record<string, string> = {
  sgd: 'SGD', adagrad: 'Adagrad', rmsprop: 'RMSprop', adadelta: 'Adadelta', adam: 'Adam', adamw: 'AdamW', adamax: 'Adamax',
};

/** A legend label for an optimizer: its name, momentum/Nesterov for SGD, and a numeric learning rate. */
function labelOf(o: Optimizer): string {
  let name = DISPLAY[o.name] ?? o.name;
  const sgd = o as Optimizer & { momentum?: number; nesterov?: boolean };
  if (o.name === 'sgd' && sgd.momentum) name = sgd.nesterov ? `NAG (μ=${sgd.momentum})` : `Momentum (μ=${sgd.momentum})`;
  return typeof o.learningRate === 'number' ? `${name} α=${o.learningRate}` : name;
}

/** The label and the optimizer of an entry: its own label, or {@link labelOf} the optimizer. */
function resolveEntry(entry: OptimizerEntry): { label: string; optimizer: Optimizer } {
  if (entry !== null && typeof entry === 'object' && !(entry instanceof Optimizer)) {
    if (typeof entry.label !== 'string') {
      throw new NumnetError('INVALID_ARGUMENT', `an optimizer entry { label, optimizer } needs a string label, got ${describe(entry.label)}`);
    }
    return { label: entry.label, optimizer: getOptimizer(entry.optimizer) };
  }
  const optimizer = getOptimizer(entry as Optimizer | string);
  return { label: labelOf(optimizer), optimizer };
}

/**
 * Runs one optimizer on a loss surface: the two weights (x, y) are a numnet `Parameter`, the
 * surface's gradient is written into its `grad`, and `optimizer.apply` takes the step, exactly as in
 * `fit`. The optimizer is `reset()` first. Stops after `steps` updates, or at the first point outside
 * the surface's region (or a non-finite loss).
 */
export function optimizerPath(
  surface: LossSurface,
  optimizer: OptimizerEntry,
  options: { steps?: number; start?: [number, number] } = {},
): OptimizerPath {
  checkSurface(surface);
  checkOptions(options, 'optimizerPath()');
  const steps = checkInt(options.steps, 'steps', 1, 100_000, 100);
  const start = options.start === undefined ? surface.start : checkPoint(options.start, 'start');
  if (options.start !== undefined) checkSurface({ ...surface, start });
  const { label, optimizer: opt } = resolveEntry(optimizer);
  opt.reset();
  const param: Parameter = { name: 'surface/xy', value: new Tensor(Float64Array.from(start), [2]), grad: new Float64Array(2) };
  const w = param.value.data;
  const [xa, xb] = surface.xRange;
  const [ya, yb] = surface.yRange;
  const inside = (x: number, y: number) => x >= xa && x <= xb && y >= ya && y <= yb;
  const points: [number, number][] = [[w[0]!, w[1]!]];
  let escaped = false;
  for (let t = 0; t < steps && !escaped; t++) {
    const g = surface.gradient(w[0]!, w[1]!);
    if (!Array.isArray(g) || !Number.isFinite(g[0]) || !Number.isFinite(g[1])) {
      escaped = true;
      break;
    }
    param.grad[0] = g[0];
    param.grad[1] = g[1];
    opt.apply([param]);
    points.push([w[0]!, w[1]!]);
    if (!inside(w[0]!, w[1]!) || !Number.isFinite(surface.f(w[0]!, w[1]!))) escaped = true;
  }
  const last = points[points.length - 1]!;
  return { label, points, finalLoss: surface.f(last[0], last[1]), escaped };
}

/** Options of {@link plotOptimizerPaths}. */
export interface PlotOptimizerPathsOptions {
  /** Updates per optimizer (default 100). */
  steps?: number;
  /** Where every optimizer starts (default the surface's `start`). */
  start?: [number, number];
  /**
   * The contour levels: their values, or how many (default 15), spaced geometrically over five
   * decades above the lowest loss on the grid.
   */
  levels?: number | number[];
  /** Grid cells per axis for the contours (default 80). */
  resolution?: number;
  /** The figure title (default "Optimizers on <surface name>"). */
  title?: string;
  /** Width in pixels (default 620). */
  width?: number;
  /** Height in pixels (default 500). */
  height?: number;
}

/** The data coordinates of the contour grid's points: n cells per axis over the surface's region. */
interface Grid {
  n: number;
  xAt: (i: number) => number;
  yAt: (j: number) => number;
}

/**
 * The contour levels: the `levels` option's values, or `levels` of them (default 15) spaced
 * geometrically over five decades above the lowest loss on the grid.
 */
function contourLevels(surface: LossSurface, levels: unknown, { n, xAt, yAt }: Grid): number[] {
  if (Array.isArray(levels)) {
    if (!levels.every((l) => typeof l === 'number' && Number.isFinite(l))) {
      throw new NumnetError('INVALID_ARGUMENT', `plotOptimizerPaths(): levels must be finite numbers, got ${describe(levels)}`);
    }
    return levels.slice();
  }
  const count = checkInt(levels, 'plotOptimizerPaths() levels', 1, 100, 15);
  const grid: number[] = [];
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) grid.push(surface.f(xAt(i), yAt(j)));
  const [lo, hi] = extent(grid);
  const span = hi - lo || 1;
  return Array.from({ length: count }, (_, k) => lo + span * 10 ** (-5 + (5 * k) / count));
}

/** Draws the contour lines and, when the surface has one, the × on its minimum. */
function drawContours(svg: Svg, surface: LossSurface, levels: number[], { n, xAt, yAt }: Grid, x: Scale, y: Scale): void {
  const contours = contourPaths({ f: surface.f, n, px: (i) => x(xAt(i)), py: (j) => y(yAt(j)), xAt, yAt }, levels);
  svg.add('<g fill="none" stroke="#9fb3cf" stroke-width="1">');
  for (const d of contours) if (d) svg.add(`<path d="${d}"/>`);
  svg.add('</g>');
  if (surface.minimum) {
    const [mx, my] = [x(surface.minimum[0]), y(surface.minimum[1])];
    svg.add(`<path d="M${num(mx - 6)} ${num(my - 6)}L${num(mx + 6)} ${num(my + 6)}M${num(mx - 6)} ${num(my + 6)}L${num(mx + 6)} ${num(my - 6)}" stroke="#000000" stroke-width="2.5"/>`);
  }
}

/** The points of a path to draw: an escaped path ends where it crosses the border (or at its last finite point). */
function clippedPoints(p: OptimizerPath, surface: LossSurface): [number, number][] {
  const pts = p.points.map(([u, v]) => [u, v] as [number, number]);
  if (!p.escaped || pts.length < 2) return pts;
  const [xa, xb] = surface.xRange;
  const [ya, yb] = surface.yRange;
  const [ux, uy] = pts[pts.length - 2]!;
  const [vx, vy] = pts[pts.length - 1]!;
  if (!Number.isFinite(vx) || !Number.isFinite(vy)) pts.pop();
  else {
    let t = 1;
    if (vx < xa) t = Math.min(t, (xa - ux) / (vx - ux));
    if (vx > xb) t = Math.min(t, (xb - ux) / (vx - ux));
    if (vy < ya) t = Math.min(t, (ya - uy) / (vy - uy));
    if (vy > yb) t = Math.min(t, (yb - uy) / (vy - uy));
    pts[pts.length - 1] = [ux + (vx - ux) * t, uy + (vy - uy) * t];
  }
  return pts;
}

/**
 * Draws each path with a dot at its end, in the palette's colors; returns their legend entries and
 * the pixel polylines the legend should avoid.
 */
function drawPaths(svg: Svg, surface: LossSurface, paths: OptimizerPath[], x: Scale, y: Scale): { legend: LegendEntry[]; avoid: [number, number][][] } {
  const legend: LegendEntry[] = [];
  const avoid: [number, number][][] = [];
  svg.add('<g fill="none" stroke-width="2" stroke-linejoin="round">');
  paths.forEach((p, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pixels = simplify(clippedPoints(p, surface).map(([u, v]) => [x(u), y(v)] as [number, number]));
    avoid.push(pixels);
    svg.add(`<path d="${pathData(pixels)}" stroke="${color}"/>`);
    const [ex, ey] = pixels[pixels.length - 1]!;
    svg.add(`<circle cx="${num(ex)}" cy="${num(ey)}" r="3.5" fill="${color}" stroke="none"/>`);
    legend.push({ label: p.escaped ? `${p.label} (left the plot)` : p.label, color });
  });
  svg.add('</g>');
  return { legend, avoid };
}

/**
 * The paths of real numnet optimizers on a 2-D loss surface, over its contour lines, like the
 * cs231n pictures in the course slides. Each optimizer starts at the surface's `start` and takes
 * `steps` updates through {@link optimizerPath} (its own `apply`, the same code as in `fit`); a path
 * that leaves the drawn region ends at the border and is marked "(left the plot)".
 *
 * ```ts
 * const svg = plotOptimizerPaths(SURFACES.quadratic, [
 *   new SGD({ learningRate: 0.4 }),
 *   new SGD({ learningRate: 0.04, momentum: 0.9 }),
 *   { label: 'Adam', optimizer: new Adam({ learningRate: 0.5 }) },
 * ], { steps: 60 });
 * ```
 */
export function plotOptimizerPaths(
  surface: LossSurface,
  optimizers: OptimizerEntry[],
  options: PlotOptimizerPathsOptions = {},
): string {
  checkSurface(surface);
  checkOptions(options, 'plotOptimizerPaths()');
  if (!Array.isArray(optimizers) || optimizers.length === 0) {
    throw new NumnetError('INVALID_ARGUMENT', `plotOptimizerPaths(): optimizers must be a non-empty array, got ${describe(optimizers)}`);
  }
  const width = checkSize(options.width, 'plotOptimizerPaths() width', 620);
  const height = checkSize(options.height, 'plotOptimizerPaths() height', 500);
  const title = checkTitle(options.title, `Optimizers on ${surface.name}`);
  const n = checkInt(options.resolution, 'plotOptimizerPaths() resolution', 4, 400, 80);
  const paths = optimizers.map((o) => optimizerPath(surface, o, { steps: options.steps, start: options.start }));

  const [xa, xb] = surface.xRange;
  const [ya, yb] = surface.yRange;
  const box = panels(1, width, height)[0]!;
  const x = linearScale(xa, xb, box.left, box.left + box.width);
  const y = linearScale(ya, yb, box.top + box.height, box.top);
  const grid: Grid = { n, xAt: (i) => xa + ((xb - xa) * i) / n, yAt: (j) => ya + ((yb - ya) * j) / n };
  const levels = contourLevels(surface, options.levels, grid);

  const svg = new Svg(width, height, title);
  figureTitle(svg, title);
  const steps = options.steps ?? 100;
  const caption = `${surface.minimum ? '× minimum, ' : ''}○ start; ${steps} update${steps === 1 ? '' : 's'} each`;
  svg.text(width / 2, 40, caption, 'text-anchor="middle" fill="#555555"');
  drawAxes(svg, box, niceTicks(xa, xb, 8, false), niceTicks(ya, yb, 8, false), x, y, { xLabel: 'x', yLabel: 'y' });
  drawContours(svg, surface, levels, grid, x, y);
  const { legend, avoid } = drawPaths(svg, surface, paths, x, y);
  const [sx, sy] = [x(paths[0]!.points[0]![0]), y(paths[0]!.points[0]![1])];
  svg.add(`<circle cx="${num(sx)}" cy="${num(sy)}" r="5" fill="#ffffff" stroke="#000000" stroke-width="2"/>`);
  if (surface.minimum) avoid.push([[x(surface.minimum[0]), y(surface.minimum[1])]]);
  drawLegend(svg, box, legend, avoid);
  return svg.toString();
}
