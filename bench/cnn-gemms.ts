/**
 * The GEMMs of bench/cnn.ts: the shapes one training step of a Sequential model runs (from its
 * layer shapes), and timers of numnet's `gemm` on a shape.
 */
import { Conv2D, Dense, type Sequential, gemm } from '../src/index.js';
import { type Time, timed } from './runners.js';

/** C = op(A)·op(B), m×n×k, as the training step calls `gemm`. */
export interface GemmShape {
  name: string;
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
}

/**
 * The GEMMs of one training step of `model` on a batch of `batch`, from the layer shapes (see the
 * formula at the top of bench/cnn.ts). The first layer computes no input gradient (nothing needs it).
 */
export function stepGemms(model: Sequential, batch: number): GemmShape[] {
  const out: GemmShape[] = [];
  const count: Record<string, number> = {};
  model.layers.forEach((layer, i) => {
    const tag = `${layer.className} #${(count[layer.className] = (count[layer.className] ?? 0) + 1)}`;
    if (layer instanceof Conv2D) {
      const [kh, kw, c, f] = layer.kernel.value.shape as number[];
      const [oh, ow] = layer.outputShape;
      const rows = batch * oh! * ow!;
      const p = kh! * kw! * c!;
      out.push({ name: `${tag} forward z = cols·K`, ta: false, tb: false, m: rows, n: f!, k: p });
      out.push({ name: `${tag} ∂K = colsᵀ·∂z`, ta: true, tb: false, m: p, n: f!, k: rows });
      if (i > 0) out.push({ name: `${tag} ∂cols = ∂z·Kᵀ`, ta: false, tb: true, m: rows, n: p, k: f! });
    } else if (layer instanceof Dense) {
      const [inputs, units] = layer.kernel.value.shape as number[];
      out.push({ name: `${tag} forward x·W`, ta: false, tb: false, m: batch, n: units!, k: inputs! });
      out.push({ name: `${tag} ∂W = xᵀ·∂z`, ta: true, tb: false, m: inputs!, n: units!, k: batch });
      if (i > 0) out.push({ name: `${tag} ∂x = ∂z·Wᵀ`, ta: false, tb: true, m: batch, n: inputs!, k: units! });
    }
  });
  return out;
}

export type GemmTimer = () => Promise<Time & { flop: number }>;

/** A GEMM timer for one shape: operands allocated once, repetitions sized to ~`ms` ms. */
export function gemmTimer(s: GemmShape, ms: number): GemmTimer {
  const A = new Float64Array(s.m * s.k).map(() => Math.random() - 0.5);
  const B = new Float64Array(s.k * s.n).map(() => Math.random() - 0.5);
  const C = new Float64Array(s.m * s.n);
  const run = (reps: number) => {
    for (let i = 0; i < reps; i++) gemm(s.ta, s.tb, s.m, s.n, s.k, A, B, C);
  };
  run(3);
  let reps = 1;
  for (let t = 0; ; reps *= 2) {
    const t0 = performance.now();
    run(reps);
    t = performance.now() - t0;
    if (t > ms / 4) {
      reps = Math.max(1, Math.round((reps * ms) / t));
      break;
    }
  }
  return async () => ({ ...(await timed(() => run(reps))), flop: 2 * s.m * s.n * s.k * reps });
}

/** FLOP of one training step per sample: 2 per multiply-add of the step's GEMMs (the formula at the top of bench/cnn.ts). */
export const flopPerSample = (shapes: GemmShape[], batch: number) => (2 * shapes.reduce((s, g) => s + g.m * g.n * g.k, 0)) / batch;

/** Each timer once, in turn. */
export async function timeEach(timers: GemmTimer[]): Promise<(Time & { flop: number })[]> {
  const out = [];
  for (const t of timers) out.push(await t());
  return out;
}
