/**
 * Heat maps for {@link plotFilters} and {@link plotFeatureMaps}: color scales, a grid of labelled
 * cells, each a 2-D array of values drawn as colored squares, and the color bar they share.
 * Values are quantized to {@link LEVELS} colors and each cell is one group scaled to its pixel
 * size, holding one path per color in whole-number coordinates (runs of a row merged), so a 26×26
 * map costs a few kilobytes and the same values give the same bytes. Internal: not exported from
 * `numnet/plot`.
 * @internal
 * @module
 */
import { figureTitle } from './figure.js';
import { Svg, num } from './svg.js';

/** Number of colors of a scale (odd, so that 0 of a diverging scale has its own, white, color). */
export const LEVELS = 63;

/** ColorBrewer's RdBu, blue (negative) through white to red (positive): weights. */
const DIVERGING = ['#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b'];
/** matplotlib's viridis, dark (low) to yellow (high): activations. */
const SEQUENTIAL = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
/** White (0) to black (1): the input image, ink dark as on paper. */
const GRAY = ['#ffffff', '#000000'];

/** A color scale: the value range [lo, hi] and the colors it runs through. */
export interface ColorScale {
  /** The value drawn with the first color. */
  lo: number;
  /** The value drawn with the last color. */
  hi: number;
  /** The color stops, evenly spaced from lo to hi. */
  stops: readonly string[];
}

/** Smallest and largest of the values (all finite). */
function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Blue–white–red over [−m, m], m the largest |value| (1 when every value is 0). */
export function divergingScale(values: ArrayLike<number>): ColorScale {
  const [lo, hi] = range(values);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return { lo: -m, hi: m, stops: DIVERGING };
}

/**
 * Values that are never negative (ReLU outputs, pooled ReLU outputs): viridis over [0, max]; any
 * negative value: the diverging scale.
 */
export function activationScale(values: ArrayLike<number>): ColorScale {
  const [lo, hi] = range(values);
  if (lo < 0) return divergingScale(values);
  return { lo: 0, hi: hi > 0 ? hi : 1, stops: SEQUENTIAL };
}

/** White to black over [min(0, lo), max(1, hi)]: an image whose pixels are mostly in [0, 1]. */
export function grayScale(values: ArrayLike<number>): ColorScale {
  const [lo, hi] = range(values);
  return { lo: Math.min(0, lo), hi: Math.max(1, hi), stops: GRAY };
}

/** The level (0 … LEVELS − 1) of a value: [lo, hi] cut into LEVELS equal bins, values outside clamped. */
export function levelOf(scale: ColorScale, v: number): number {
  const k = Math.floor(((v - scale.lo) / (scale.hi - scale.lo)) * LEVELS);
  return k < 0 ? 0 : k >= LEVELS ? LEVELS - 1 : k;
}

const hex2 = (v: number) => Math.round(v).toString(16).padStart(2, '0');

/** The color of a level: the stops interpolated (per RGB channel) at the middle of its bin. */
export function levelColor(scale: ColorScale, level: number): string {
  const t = ((level + 0.5) / LEVELS) * (scale.stops.length - 1);
  const i = Math.min(Math.floor(t), scale.stops.length - 2);
  const f = t - i;
  const a = scale.stops[i]!;
  const b = scale.stops[i + 1]!;
  let out = '#';
  for (let c = 1; c < 7; c += 2) {
    const u = parseInt(a.slice(c, c + 2), 16);
    const w = parseInt(b.slice(c, c + 2), 16);
    out += hex2(u + (w - u) * f);
  }
  return out;
}

/** One cell of a grid: `rows × cols` values read through `at(r, c)`, a label, and its color scale. */
export interface Cell {
  rows: number;
  cols: number;
  at: (r: number, c: number) => number;
  label: string;
  scale: ColorScale;
}

/** The path data of each level in a cell: runs of equal level along each row, in pixel units. */
function levelPaths(cell: Cell): Map<number, string> {
  const paths = new Map<number, string>();
  for (let r = 0; r < cell.rows; r++) {
    let c = 0;
    while (c < cell.cols) {
      const k = levelOf(cell.scale, cell.at(r, c));
      let end = c + 1;
      while (end < cell.cols && levelOf(cell.scale, cell.at(r, end)) === k) end++;
      paths.set(k, (paths.get(k) ?? '') + `M${c} ${r}h${end - c}v1h${c - end}z`);
      c = end;
    }
  }
  return paths;
}

/** Draws one cell as a heat map with its top-left corner at (x, y), `size` pixels on its longer side. */
export function drawCell(svg: Svg, cell: Cell, x: number, y: number, size: number): void {
  const px = size / Math.max(cell.rows, cell.cols);
  svg.add(`<g class="cell" transform="translate(${num(x)} ${num(y)}) scale(${num(px)})" shape-rendering="crispEdges">`);
  const paths = levelPaths(cell);
  for (const k of [...paths.keys()].sort((a, b) => a - b)) svg.add(`<path fill="${levelColor(cell.scale, k)}" d="${paths.get(k)}"/>`);
  svg.add('</g>');
  svg.add(`<rect x="${num(x)}" y="${num(y)}" width="${num(cell.cols * px)}" height="${num(cell.rows * px)}" fill="none" stroke="#333333" stroke-width="0.5"/>`);
  svg.text(x + (cell.cols * px) / 2, y + cell.rows * px + 14, cell.label, 'text-anchor="middle" font-size="11" fill="#333333"');
}

/** A value for a color bar's label: three significant digits, a true minus sign. */
export function fmtValue(v: number): string {
  const s = String(Number(v.toPrecision(3)));
  return s.replace('-', '−');
}

/** Draws a vertical color bar of `scale` at (x, y), `height` pixels tall, labelled at both ends (and 0 between when it has it). */
export function drawColorBar(svg: Svg, scale: ColorScale, x: number, y: number, height: number, label: string): void {
  const w = 14;
  svg.add(`<g class="colorbar" transform="translate(${num(x)} ${num(y)}) scale(${w} ${num(height / LEVELS)})" shape-rendering="crispEdges">`);
  for (let k = 0; k < LEVELS; k++) svg.add(`<path fill="${levelColor(scale, k)}" d="M0 ${LEVELS - 1 - k}h1v1h-1z"/>`);
  svg.add('</g>');
  svg.add(`<rect x="${num(x)}" y="${num(y)}" width="${w}" height="${num(height)}" fill="none" stroke="#333333" stroke-width="0.5"/>`);
  const tick = (v: number) => {
    const ty = y + height - ((v - scale.lo) / (scale.hi - scale.lo)) * height;
    svg.add(`<path d="M${num(x + w)} ${num(ty)}h4" stroke="#333333" stroke-width="1"/>`);
    svg.text(x + w + 6, ty + 4, fmtValue(v), 'font-size="11" fill="#333333"');
  };
  tick(scale.hi);
  if (scale.lo < 0 && scale.hi > 0) tick(0);
  tick(scale.lo);
  svg.text(x + w / 2, y - 8, label, 'text-anchor="middle" font-size="11"');
}

/** The layout of a grid figure: where each cell and the color bar go, and how big the figure is. */
export interface Grid {
  width: number;
  height: number;
  /** Top-left corners of the cells, in reading order. */
  corners: [number, number][];
  /** Left edge of the color bar. */
  barX: number;
}

const MARGIN = { left: 16, top: 48, bottom: 12 };
const GAP = { x: 12, y: 24 };

/**
 * `count` cells of `size` pixels in `columns` columns, under a title, with `right` pixels on the
 * right for a color bar; at least `minWidth` wide (the title's width), the content centered.
 */
export function gridLayout(count: number, columns: number, size: number, right: number, minWidth: number): Grid {
  const cols = Math.min(columns, count);
  const rows = Math.ceil(count / cols);
  const content = MARGIN.left + cols * (size + GAP.x) - GAP.x + right;
  const width = Math.max(content, minWidth, 320);
  const shift = (width - content) / 2;
  const corners: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    corners.push([shift + MARGIN.left + (i % cols) * (size + GAP.x), MARGIN.top + Math.floor(i / cols) * (size + GAP.y)]);
  }
  const height = MARGIN.top + rows * (size + GAP.y) - GAP.y + 18 + MARGIN.bottom;
  return { width, height, corners, barX: shift + content - right + 36 };
}

/**
 * A figure of heat-map cells in a grid, titled, with the color bar of `barScale` (labelled
 * `barLabel`) to the right of the cells.
 */
export function heatmapFigure(cells: Cell[], columns: number, size: number, title: string, barScale: ColorScale, barLabel: string): string {
  // The bar (14 px), its ticks and labels (about 7 px a character), some air; the title is bold 15 px.
  const widest = Math.max(...[barScale.lo, 0, barScale.hi].map((v) => fmtValue(v).length));
  const right = Math.max(36 + 14 + 10 + 7 * widest, 40 + 3.5 * barLabel.length);
  const grid = gridLayout(cells.length, columns, size, right, 9 * title.length + 32);
  const svg = new Svg(grid.width, grid.height, title);
  figureTitle(svg, title);
  cells.forEach((cell, i) => drawCell(svg, cell, grid.corners[i]![0], grid.corners[i]![1], size));
  const barH = Math.max(Math.min(grid.height - MARGIN.top - MARGIN.bottom - 18, 240), 60);
  drawColorBar(svg, barScale, grid.barX, MARGIN.top, barH, barLabel);
  return svg.toString();
}
