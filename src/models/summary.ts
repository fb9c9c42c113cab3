import { formatFixed } from '../callbacks/format.js';

/**
 * `model.summary()` drawn as Keras 3 draws it (keras/src/utils/summary_utils.py, print_summary,
 * through rich's table): a box table of layer, output shape and parameter count, then the totals
 * with their memory size. numnet's weights are float64, so a parameter is 8 bytes (Keras's float32
 * weights are 4): the sizes are twice Keras's for the same counts.
 */

/** One row of the table. */
export interface SummaryRow {
  /** `name (ClassName)`. */
  layer: string;
  /** `(None, 26, 26, 8)`. */
  outputShape: string;
  /** The parameter count. */
  params: number;
}

/** The counts under the table. */
export interface SummaryCounts {
  trainable: number;
  nonTrainable: number;
  /** The optimizer's values (its slots, the step count and the learning rate), once it has updated; else undefined. */
  optimizer: number | undefined;
}

/** Bytes per value: numnet's weights and optimizer state are float64. */
const BYTES = 8;

/**
 * The table, `lineLength` characters wide (Keras: `min(88, terminal columns − 4)`, which is 76
 * where there is no terminal — notebooks, logs, print_fn — the default here).
 */
export function summaryText(name: string, rows: readonly SummaryRow[], counts: SummaryCounts, lineLength = 76): string {
  const widths = columnWidths(lineLength);
  const align: Align[] = ['left', 'left', 'right'];
  const rule = (l: string, mid: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w + 2)).join(mid) + r;
  const line = (cells: string[], edge: string, mid: string) => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      out.push(edge + wrapped.map((w, i) => ` ${pad(w[k] ?? '', widths[i]!, align[i]!)} `).join(mid) + edge);
    }
    return out;
  };
  const body = rows.flatMap((r, i) => [
    ...(i > 0 ? [rule('├', '┼', '┤', '─')] : []),
    ...line([r.layer, r.outputShape, r.params.toLocaleString('en-US')], '│', '│'),
  ]);
  const total = counts.trainable + counts.nonTrainable + (counts.optimizer ?? 0);
  const count = (label: string, n: number) => ` ${label}: ${n.toLocaleString('en-US')} (${memorySize(n * BYTES)})`;
  return [
    `Model: "${name}"`,
    rule('┏', '┳', '┓', '━'),
    ...line(['Layer (type)', 'Output Shape', 'Param #'], '┃', '┃'),
    rule('┡', '╇', '┩', '━'),
    ...body,
    rule('└', '┴', '┘', '─'),
    count('Total params', total),
    count('Trainable params', counts.trainable),
    count('Non-trainable params', counts.nonTrainable),
    ...(counts.optimizer !== undefined ? [count('Optimizer params', counts.optimizer)] : []),
  ].join('\n');
}

type Align = 'left' | 'right';

/**
 * The content widths of the three columns: Keras asks for positions [0.45, 0.80, 1.0] of the line,
 * and rich takes the borders (4) and padding (2 per column) out of them evenly (rich's
 * `ratio_reduce` with Python's round-half-even).
 */
export function columnWidths(lineLength: number): number[] {
  const cuts = [0.45, 0.8, 1].map((p) => Math.floor(p * lineLength));
  const wanted = cuts.map((c, i) => c - (i > 0 ? cuts[i - 1]! : 0) + 2);
  let excess = wanted.reduce((s, w) => s + w, 0) - (lineLength - 4);
  let ratio = wanted.length;
  return wanted.map((w) => {
    const cut = excess > 0 ? Math.min(w, roundHalfEven(excess / ratio)) : 0;
    excess -= cut;
    ratio -= 1;
    return Math.max(1, w - cut - 2);
  });
}

/** Python's round(): halves go to the even integer. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}

/** Lines of at most `width` characters, broken at spaces as rich wraps; a longer word is cut with "…" (rich's ellipsis overflow). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const w = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (!current) current = w;
    else if (current.length + 1 + w.length <= width) current += ` ${w}`;
    else {
      lines.push(current);
      current = w;
    }
  }
  lines.push(current);
  return lines;
}

function pad(s: string, width: number, align: Align): string {
  return align === 'left' ? s.padEnd(width) : s.padStart(width);
}

/** Keras's readable_memory_size: `310.59 KB` (powers of 1024, two decimals). */
export function memorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${formatFixed(size, 2)} ${unit}`;
    size /= 1024;
  }
  return `${formatFixed(size, 2)} PB`;
}
