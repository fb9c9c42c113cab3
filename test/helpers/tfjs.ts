/**
 * What the TF.js interop tests share: the real @tensorflow/tfjs on its pure-JS CPU backend, without
 * its one-time Node greeting on stderr, float32 agreement |a − b| ≤ 1e-5·max(|a|, |b|) + 1e-6, and
 * what tfjs's own `model.save` writes.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, vi } from 'vitest';

/** Registers the suite's beforeAll/afterAll: tfjs on the CPU backend, its Node greeting silenced. */
export function useTfjsCpu(): void {
  let warn: ReturnType<typeof vi.spyOn> | undefined;
  beforeAll(async () => {
    const original = console.warn.bind(console);
    warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => {
      if (!String(a[0]).includes('TensorFlow.js in Node.js')) original(...a);
    });
    await tf.setBackend('cpu');
    await tf.ready();
  });
  afterAll(() => warn?.mockRestore());
}

/** Float32 agreement of every element: |a − b| ≤ 1e-5·max(|a|, |b|) + 1e-6. */
export function expectFloat32Close(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b)) + 1e-6)) bad.push(`[${i}] ${a} vs ${b}`);
  }
  expect(bad).toEqual([]);
}

/** What tfjs's own `model.save` hands to a save handler. */
export async function tfjsArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}
