/**
 * Contour lines by marching squares, joined into polylines, as pixel-space path data.
 * Internal: not exported from `numnet/plot`.
 * @internal
 * @module
 */
import { pathData } from './svg.js';

/** The (n + 1) × (n + 1) grid the contours of f are traced on: where each grid index lies in data and in pixels. */
export interface ContourGrid {
  /** The function. */
  f: (x: number, y: number) => number;
  /** Cells per axis. */
  n: number;
  /** The pixel x of a (fractional) grid index i. */
  px: (i: number) => number;
  /** The pixel y of a (fractional) grid index j. */
  py: (j: number) => number;
  /** The data x of grid index i. */
  xAt: (i: number) => number;
  /** The data y of grid index j. */
  yAt: (j: number) => number;
}

/** The value at grid point (i, j). */
type At = (i: number, j: number) => number;

/** Edge ids: horizontal edge (i, j)–(i+1, j) is 2·(j(n+1) + i), vertical (i, j)–(i, j+1) is that + 1. */
function edgeId(n: number, i: number, j: number, vertical: boolean): number {
  return 2 * (j * (n + 1) + i) + (vertical ? 1 : 0);
}

/**
 * The crossings of one level, as links between the edges it cuts: every cell with finite corners
 * joins its two cut edges (a saddle cell, with four, joins two pairs as its center decides).
 */
function linkEdges(n: number, at: At, level: number): Map<number, number[]> {
  const links = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    (links.get(a) ?? links.set(a, []).get(a)!).push(b);
    (links.get(b) ?? links.set(b, []).get(b)!).push(a);
  };
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      if (!c.every(Number.isFinite)) continue;
      // bottom, right, top, left
      const edges = [edgeId(n, i, j, false), edgeId(n, i + 1, j, true), edgeId(n, i, j + 1, false), edgeId(n, i, j, true)];
      const above = c.map((z) => z > level);
      const cut = edges.filter((_, e) => above[e] !== above[(e + 1) % 4]);
      if (cut.length === 2) link(cut[0]!, cut[1]!);
      else if (cut.length === 4) {
        // A saddle cell: the center decides which corners the contour cuts off.
        const center = (c[0]! + c[1]! + c[2]! + c[3]!) / 4 > level;
        if (center === above[0]) {
          link(edges[0]!, edges[1]!);
          link(edges[2]!, edges[3]!);
        } else {
          link(edges[3]!, edges[0]!);
          link(edges[1]!, edges[2]!);
        }
      }
    }
  }
  return links;
}

/** The linked edges walked into chains of points: open ones from their ends first, then the closed loops. */
function chainsOf(links: Map<number, number[]>, point: (edge: number) => [number, number]): [number, number][][] {
  const seen = new Set<number>();
  const chains: [number, number][][] = [];
  const walk = (startEdge: number) => {
    const chain: [number, number][] = [];
    let prev = -1;
    let cur: number | undefined = startEdge;
    while (cur !== undefined && !seen.has(cur)) {
      seen.add(cur);
      chain.push(point(cur));
      const next: number | undefined = links.get(cur)!.find((e) => e !== prev && !seen.has(e));
      prev = cur;
      cur = next;
    }
    if (chain.length > 2 && links.get(prev)!.includes(startEdge)) chain.push(chain[0]!); // a closed loop
    chains.push(chain);
  };
  const ids = [...links.keys()].sort((a, b) => a - b);
  for (const e of ids) if (!seen.has(e) && links.get(e)!.length === 1) walk(e);
  for (const e of ids) if (!seen.has(e)) walk(e);
  return chains;
}

/**
 * Contour lines (marching squares, joined into polylines) of f over the grid, at `levels`, as
 * pixel-space path data per level.
 */
export function contourPaths({ f, n, px, py, xAt, yAt }: ContourGrid, levels: number[]): string[] {
  const v = new Float64Array((n + 1) * (n + 1));
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) v[j * (n + 1) + i] = f(xAt(i), yAt(j));
  const at = (i: number, j: number) => v[j * (n + 1) + i]!;
  return levels.map((level) => {
    // Where the level crosses an edge, by linear interpolation between its ends.
    const point = (edge: number): [number, number] => {
      const k = edge >> 1;
      const i = k % (n + 1);
      const j = (k - i) / (n + 1);
      const [i2, j2] = edge & 1 ? [i, j + 1] : [i + 1, j];
      const a = at(i, j);
      const b = at(i2, j2);
      const t = (level - a) / (b - a);
      return [px(i + (i2 - i) * t), py(j + (j2 - j) * t)];
    };
    return chainsOf(linkEdges(n, at, level), point).map((c) => pathData(c)).join('');
  });
}
