/**
 * A tiny SVG writer for numnet's plots: linear scales, "nice" ticks, axes, legends. Output is a
 * plain string, one element per line, every coordinate rounded to 0.01 px, so the same input gives
 * the same bytes on every machine. Internal: not exported from `numnet/plot`.
 * @internal
 * @module
 */
import { NumnetError } from '../errors.js';

/** The plot colors (matplotlib's tab10), in order. */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
] as const;

/** A rectangle in pixels: the plotting area of one panel. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A linear map from data values [d0, d1] to pixels [r0, r1]. */
export interface Scale {
  (v: number): number;
  domain: [number, number];
}

/** A line series of one panel, in data coordinates. */
export interface Series {
  label: string;
  color: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  dash?: boolean;
}

/** A pixel coordinate as text: at most two decimals, no trailing zeros, never "-0". */
export function num(v: number): string {
  let s = v.toFixed(2);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** Text for an SVG text node or attribute, with &, <, > and quotes escaped. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The scale mapping [d0, d1] onto [r0, r1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = (r1 - r0) / (d1 - d0);
  const s = ((v: number) => r0 + (v - d0) * k) as Scale;
  s.domain = [d0, d1];
  return s;
}

/** A tick step of 1, 2 or 5 times a power of ten, about `range / target`. */
function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/** Ticks: the domain widened to whole steps, the tick values, and their labels. */
export interface Ticks {
  domain: [number, number];
  values: number[];
  labels: string[];
}

/**
 * Nice ticks covering [lo, hi] (about `target` of them, `minStep` apart at least). With `extend`,
 * the domain grows to whole steps; otherwise it stays [lo, hi] and only the ticks inside are kept.
 */
export function niceTicks(lo: number, hi: number, target = 5, extend = true, minStep = 0): Ticks {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = Math.max(niceStep(hi - lo, target), minStep);
  const first = extend ? Math.floor(lo / step + 1e-9) : Math.ceil(lo / step - 1e-9);
  const last = extend ? Math.ceil(hi / step - 1e-9) : Math.floor(hi / step + 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  const labels: string[] = [];
  for (let k = first; k <= last; k++) {
    const v = Number((k * step).toFixed(decimals));
    values.push(v);
    const label = v.toFixed(decimals);
    labels.push(/^-0(\.0*)?$/.test(label) ? label.slice(1) : label.replace('-', '−'));
  }
  return { domain: extend ? [values[0]!, values[values.length - 1]!] : [lo, hi], values, labels };
}

/** Smallest and largest finite values of some arrays ([0, 1] when there are none). */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Path data "M x y L x y …" through the finite points, starting a new piece after a gap. */
export function pathData(points: Iterable<readonly [number, number]>): string {
  const parts: string[] = [];
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${num(x)} ${num(y)}`);
    pen = true;
  }
  return parts.join('');
}

/** Collects SVG elements, one per line. */
export class Svg {
  private readonly lines: string[] = [];
  private clipCount = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly title: string,
  ) {}

  /** Adds a raw element line. */
  add(line: string): void {
    this.lines.push(line);
  }

  /** A text label; `anchor` is start, middle or end. */
  text(x: number, y: number, text: string, attrs = ''): void {
    this.add(`<text x="${num(x)}" y="${num(y)}"${attrs ? ' ' + attrs : ''}>${esc(text)}</text>`);
  }

  /** A clip path for a box; returns its id. */
  clip(box: Box): string {
    const id = `clip${++this.clipCount}`;
    this.add(
      `<clipPath id="${id}"><rect x="${num(box.left)}" y="${num(box.top)}" width="${num(box.width)}" height="${num(box.height)}"/></clipPath>`,
    );
    return id;
  }

  /** The finished document. */
  toString(): string {
    const w = num(this.width);
    const h = num(this.height);
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
      `<title>${esc(this.title)}</title>`,
      `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
      ...this.lines,
      '</svg>',
      '',
    ].join('\n');
  }
}

/** Options of a panel's axes. */
export interface AxesOptions {
  xLabel?: string;
  yLabel?: string;
  title?: string;
}

/** Draws the frame, grid lines, ticks with labels, axis labels and the panel title. */
export function drawAxes(svg: Svg, box: Box, xt: Ticks, yt: Ticks, x: Scale, y: Scale, o: AxesOptions = {}): void {
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  const grid: string[] = [];
  const ticks: string[] = [];
  xt.values.forEach((v, i) => {
    const px = x(v);
    grid.push(`M${num(px)} ${num(box.top)}V${num(bottom)}`);
    ticks.push(`M${num(px)} ${num(bottom)}v5`);
    svg.text(px, bottom + 17, xt.labels[i]!, 'text-anchor="middle" fill="#333333"');
  });
  yt.values.forEach((v, i) => {
    const py = y(v);
    grid.push(`M${num(box.left)} ${num(py)}H${num(right)}`);
    ticks.push(`M${num(box.left)} ${num(py)}h-5`);
    svg.text(box.left - 8, py + 4, yt.labels[i]!, 'text-anchor="end" fill="#333333"');
  });
  svg.add(`<path d="${grid.join('')}" stroke="#e5e5e5" stroke-width="1" fill="none"/>`);
  svg.add(`<path d="${ticks.join('')}" stroke="#333333" stroke-width="1" fill="none"/>`);
  svg.add(
    `<rect x="${num(box.left)}" y="${num(box.top)}" width="${num(box.width)}" height="${num(box.height)}" fill="none" stroke="#333333" stroke-width="1"/>`,
  );
  if (o.xLabel) svg.text(box.left + box.width / 2, bottom + 36, o.xLabel, 'text-anchor="middle"');
  if (o.yLabel) {
    const cx = box.left - 44;
    const cy = box.top + box.height / 2;
    svg.text(cx, cy, o.yLabel, `text-anchor="middle" transform="rotate(-90 ${num(cx)} ${num(cy)})"`);
  }
  if (o.title) svg.text(box.left + box.width / 2, box.top - 10, o.title, 'text-anchor="middle" font-size="13" font-weight="bold"');
}

/** One legend entry: a line sample (solid or dashed) or a marker, and its label. */
export interface LegendEntry {
  label: string;
  color: string;
  dash?: boolean;
}

/** How many points of the polylines lie in a rectangle (segments sampled every ~4 px). */
function pointsInside(lines: [number, number][][], x0: number, y0: number, w: number, h: number): number {
  let count = 0;
  const inside = (x: number, y: number) => x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const [ax, ay] = line[i]!;
      const [bx, by] = line[i + 1] ?? line[i]!;
      const steps = Math.min(200, Math.ceil(Math.hypot(bx - ax, by - ay) / 4) || 1);
      for (let k = 0; k < steps; k++) if (inside(ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps)) count++;
    }
  }
  return count;
}

/**
 * Draws a legend box in the corner of a panel that covers the fewest points of `avoid` (polylines
 * in pixels), preferring top-right, then top-left, bottom-right, bottom-left.
 */
export function drawLegend(svg: Svg, box: Box, entries: LegendEntry[], avoid: [number, number][][] = []): void {
  if (entries.length === 0) return;
  const rowH = 17;
  const w = 34 + Math.max(...entries.map((e) => e.label.length)) * 6.6;
  const h = entries.length * rowH + 8;
  const corners: [number, number][] = [
    [box.left + box.width - w - 8, box.top + 8],
    [box.left + 8, box.top + 8],
    [box.left + box.width - w - 8, box.top + box.height - h - 8],
    [box.left + 8, box.top + box.height - h - 8],
  ];
  let best = corners[0]!;
  let fewest = Infinity;
  for (const c of corners) {
    const n = pointsInside(avoid, c[0], c[1], w, h);
    if (n < fewest) [best, fewest] = [c, n];
  }
  const [x0, y0] = best;
  svg.add(
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(w)}" height="${num(h)}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`,
  );
  entries.forEach((e, i) => {
    const cy = y0 + 12 + i * rowH;
    svg.add(
      `<path d="M${num(x0 + 6)} ${num(cy)}h20" stroke="${e.color}" stroke-width="2.5"${e.dash ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    svg.text(x0 + 30, cy + 4, e.label);
  });
}

/**
 * Drops the points of a polyline that lie within `tolerance` pixels of the straight line between
 * the points kept around them (a straight stretch needs only its ends). Gaps (non-finite points)
 * are kept.
 */
export function simplify(points: [number, number][], tolerance = 0.1): [number, number][] {
  const ok = (p: [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const out: [number, number][] = [];
  let anchor = 0;
  while (anchor < points.length) {
    out.push(points[anchor]!);
    if (!ok(points[anchor]!)) {
      anchor++;
      continue;
    }
    // The farthest end such that every point between lies near the chord anchor → end.
    let end = anchor + 1;
    for (let j = anchor + 2; j < points.length && ok(points[j]!); j++) {
      const [ax, ay] = points[anchor]!;
      const [bx, by] = points[j]!;
      const len = Math.hypot(bx - ax, by - ay);
      let near = len > 0;
      for (let i = anchor + 1; i < j && near; i++) {
        const [px, py] = points[i]!;
        const t = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / (len * len);
        near = t >= 0 && t <= 1 && Math.abs((bx - ax) * (ay - py) - (by - ay) * (ax - px)) / len < tolerance;
      }
      if (!near) break;
      end = j;
    }
    if (end >= points.length) break;
    anchor = end;
  }
  return out;
}

/** Draws line series (clipped to the box) in data coordinates; returns their pixel polylines. */
export function drawSeries(svg: Svg, box: Box, x: Scale, y: Scale, series: Series[]): [number, number][][] {
  const drawn: [number, number][][] = [];
  const id = svg.clip(box);
  svg.add(`<g clip-path="url(#${id})" fill="none" stroke-width="2" stroke-linejoin="round">`);
  for (const s of series) {
    const pts: [number, number][] = [];
    for (let i = 0; i < s.xs.length; i++) pts.push([x(s.xs[i]!), y(s.ys[i]!)]);
    const d = pathData(simplify(pts));
    if (d === '') continue;
    drawn.push(pts.filter(([u, v]) => Number.isFinite(u) && Number.isFinite(v)));
    const dash = s.dash ? ' stroke-dasharray="6 4"' : '';
    svg.add(`<path d="${d}" stroke="${s.color}"${dash}/>`);
    if (pts.length === 1) svg.add(`<circle cx="${num(pts[0]![0])}" cy="${num(pts[0]![1])}" r="3" fill="${s.color}"/>`);
  }
  svg.add('</g>');
  return drawn;
}

/** Checks a width or height option: a finite number of pixels in [100, 10000]. */
export function checkSize(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 100 || value > 10000) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a number of pixels in [100, 10000], got ${String(value)}`);
  }
  return value;
}
