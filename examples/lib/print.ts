/**
 * Printing helpers shared by the examples: plain-text tables, slide-vs-numnet comparison rows, and
 * `check`, which throws when a claim an example prints is false.
 */

/** True when the examples run in their quick mode (`NUMNET_FAST=1`, as test/course/examples.test.ts sets). */
export const FAST = process.env.NUMNET_FAST === '1';

/** Throws unless `cond` holds; prints the claim when it does. */
export function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`claim failed: ${what}`);
  console.log(`  ok: ${what}`);
}

/** A number with full float64 precision (the shortest string that reads back as the same double). */
export const s = (v: number): string => String(v);
/** A rule of 100 characters. */
export const line = (ch = '='): string => ch.repeat(100);

/** A section title between two rules. */
export function heading(title: string): void {
  console.log('');
  console.log(line());
  console.log(title);
  console.log(line());
}

/** Prints rows as a plain-text table with padded columns. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(fmt(r));
}

/**
 * True when the exact value, rounded to as many decimals as the slide's figure shows, is that
 * figure (so the slide is right to its own precision).
 */
export function agrees(slide: string, exact: number): boolean {
  const decimals = (slide.split('.')[1] ?? '').length;
  const rounded = exact.toFixed(decimals);
  return Number(rounded) === Number(slide);
}

/** One row of a slide-vs-numnet table; `why` explains the figure when it does not agree. */
export function compareRow(quantity: string, slide: string | undefined, value: number, why?: string): string[] {
  if (slide === undefined) return [quantity, '—', s(value), 'not shown on the slide'];
  if (agrees(slide, value)) return [quantity, slide, s(value), 'ok (slide agrees to its digits)'];
  return [quantity, slide, s(value), `DIFFERS: ${why ?? 'see docs/errata.md'}`];
}
