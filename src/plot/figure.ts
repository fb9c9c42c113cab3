/**
 * The frame of a figure shared by every numnet plot: its panels side by side and its title.
 * Internal: not exported from `numnet/plot`.
 * @internal
 * @module
 */
import type { Box, Svg } from './svg.js';

/** Space around a panel's plotting area, in pixels. */
const MARGIN = { left: 62, right: 16, top: 58, bottom: 48 };

/** The plotting areas of `n` panels side by side in a figure of `width` × `height`. */
export function panels(n: number, width: number, height: number): Box[] {
  const w = width / n;
  return Array.from({ length: n }, (_, i) => ({
    left: i * w + MARGIN.left,
    top: MARGIN.top,
    width: w - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  }));
}

/** Writes the figure's title, centered above the panels. */
export function figureTitle(svg: Svg, title: string): void {
  svg.text(svg.width / 2, 22, title, 'text-anchor="middle" font-size="15" font-weight="bold"');
}
