/**
 * Reading the heat-map figures of numnet/plot back in tests: well-formed XML, the cells (each a
 * group of colored unit squares), their labels, the color bar and its labels.
 */
import { expect } from 'vitest';
import { NumnetError } from '../../src/index.js';

/** Checks that the SVG is well-formed XML (elements, quoted attributes, escaped text) with one <svg> root. */
export function checkXml(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let roots = 0;
  let i = 0;
  while (i < svg.length) {
    const next = svg.indexOf('<', i);
    const text = svg.slice(i, next < 0 ? svg.length : next);
    expect(text.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/[&<>]/);
    if (stack.length === 0) expect(text.trim()).toBe('');
    if (next < 0) break;
    tag.lastIndex = next;
    const m = tag.exec(svg);
    if (!m) throw new Error(`not XML at offset ${next}: ${svg.slice(next, next + 60)}`);
    const [whole, close, name, , selfClose] = m;
    if (close) expect(stack.pop()).toBe(name);
    else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name!);
    }
    i = next + whole!.length;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

/** One drawn cell: where it is, its scale, and the color of every unit square (row by row). */
export interface DrawnCell {
  x: number;
  y: number;
  pixel: number;
  /** colors[r][c]; undefined where no square was drawn. */
  colors: (string | undefined)[][];
  /** How many times each square was drawn (1 everywhere for a correct cell). */
  counts: number[][];
}

/** The cells of a heat-map figure, in order, each read back square by square. */
export function cells(svg: string): DrawnCell[] {
  const out: DrawnCell[] = [];
  const group = /<g class="cell" transform="translate\(([-\d.]+) ([-\d.]+)\) scale\(([\d.]+)\)"[^>]*>\n([^]*?)<\/g>/g;
  for (const [, x, y, s, body] of svg.matchAll(group)) {
    const colors: (string | undefined)[][] = [];
    const counts: number[][] = [];
    for (const [, fill, d] of body!.matchAll(/<path fill="(#[0-9a-f]{6})" d="([^"]*)"\/>/g)) {
      // Nothing but unit-high rectangles: M c r h w v1 h −w z.
      expect(d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
      for (const [, c0, r, w, back] of d!.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
        expect(back).toBe(w);
        for (let c = Number(c0); c < Number(c0) + Number(w); c++) {
          (colors[Number(r)] ??= [])[c] = fill;
          (counts[Number(r)] ??= [])[c] = ((counts[Number(r)] ?? [])[c] ?? 0) + 1;
        }
      }
    }
    out.push({ x: Number(x), y: Number(y), pixel: Number(s), colors, counts });
  }
  return out;
}

/** Every square of the cell drawn exactly once, over rows × cols. */
export function expectCovered(cell: DrawnCell, rows: number, cols: number): void {
  expect(cell.counts.length).toBe(rows);
  for (let r = 0; r < rows; r++) {
    expect(cell.counts[r]!.length).toBe(cols);
    for (let c = 0; c < cols; c++) expect(cell.counts[r]![c]).toBe(1);
  }
}

/** The labels under the cells, in order (11-px text in #333333). */
export function cellLabels(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*font-size="11" fill="#333333">([^<]*)<\/text>/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[−\d.e+-]+$/.test(t));
}

/** The color bar: its colors bottom (lowest value) to top, and its tick labels top to bottom. */
export function colorBar(svg: string): { colors: string[]; labels: string[] } {
  const g = /<g class="colorbar"[^>]*>\n([^]*?)<\/g>/.exec(svg);
  if (!g) throw new Error('no color bar');
  const colors = [...g[1]!.matchAll(/<path fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]!);
  const after = svg.slice(g.index + g[0].length);
  const labels = [...after.matchAll(/<text [^>]*font-size="11" fill="#333333">([−\d.e+-]+)<\/text>/g)].map((m) => m[1]!);
  return { colors, labels };
}

/** The <title> text. */
export function titleOf(svg: string): string {
  return /<title>([^<]*)<\/title>/.exec(svg)![1]!;
}

/** The red, green and blue of '#rrggbb'. */
export function rgb(color: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
}

/** The code of the NumnetError `f` throws ('no error', or a note when it throws something else). */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof NumnetError ? e.code : `not a NumnetError: ${String(e)}`;
  }
  return 'no error';
}
