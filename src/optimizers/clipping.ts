import type { Parameter } from '../layers/layer.js';

/** The clipping options, applied to the gradients before the update (as Keras). */
export interface Clipping {
  readonly clipNorm: number | undefined;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
}

/**
 * Clips the gradients in place: clipValue c clamps each element to [−c, c]; clipNorm c scales each
 * weight's gradient by c/max(‖g‖, c); globalClipNorm c scales all of them by c/max(‖(g₁, g₂, …)‖, c).
 */
export function clip(c: Clipping, params: readonly Parameter[]): void {
  if (c.clipValue !== undefined) {
    const v = c.clipValue;
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! > v ? v : g[i]! < -v ? -v : g[i]!;
    }
  } else if (c.clipNorm !== undefined) {
    for (const p of params) scale(p.grad, c.clipNorm / Math.max(norm(p.grad), c.clipNorm));
  } else if (c.globalClipNorm !== undefined) {
    let sq = 0;
    for (const p of params) sq += norm(p.grad) ** 2;
    const f = c.globalClipNorm / Math.max(Math.sqrt(sq), c.globalClipNorm);
    for (const p of params) scale(p.grad, f);
  }
}

function norm(g: Float64Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return Math.sqrt(s);
}

function scale(g: Float64Array, f: number): void {
  if (f === 1) return;
  for (let i = 0; i < g.length; i++) g[i]! *= f;
}
