import { NumnetError, describe, fmtShape } from '../errors.js';

/**
 * The most layers a saved model may hold (native or TF.js format): loading is linear in the layers,
 * and this bounds what one file can make the loader do (100,000 one-unit layers load in seconds).
 */
export const MAX_LAYERS = 100_000;

/**
 * Checks for reading saved models. Every problem is a NumnetError with code INVALID_FORMAT whose
 * message starts with what is being read and the path of the bad field
 * (`numnet model: weights[1].shape: …`).
 */
export class FormatReader {
  constructor(readonly source: string) {}

  /** An INVALID_FORMAT error about `path`. */
  error(path: string, message: string): NumnetError {
    return new NumnetError('INVALID_FORMAT', path ? `${this.source}: ${path}: ${message}` : `${this.source}: ${message}`);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw this.error(path, `must be an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) throw this.error(path, `must be an array, got ${describe(v)}`);
    return v;
  }

  /** The layer list of a saved model: an array of at most MAX_LAYERS entries. */
  layerList(v: unknown, path: string): unknown[] {
    const a = this.array(v, path);
    if (a.length > MAX_LAYERS) throw this.error(path, `holds ${a.length} layers; numnet loads at most ${MAX_LAYERS}`);
    return a;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string') throw this.error(path, `must be a string, got ${describe(v)}`);
    return v;
  }

  /** An integer in [min, Number.MAX_SAFE_INTEGER]. */
  integer(v: unknown, path: string, min = 0): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw this.error(path, `must be an integer ≥ ${min}, got ${describe(v)}`);
    }
    return v;
  }

  /** A shape: an array of integers ≥ 0 (≥ 1 with `positive`). */
  shape(v: unknown, path: string, positive = false): number[] {
    const a = this.array(v, path);
    return a.map((n, i) => this.integer(n, `${path}[${i}]`, positive ? 1 : 0));
  }

  /** Throws unless every key of `o` is in `keys`. */
  onlyKeys(o: Record<string, unknown>, keys: readonly string[], path: string): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) throw this.error(path, `unknown field ${JSON.stringify(k)} (the fields are ${keys.join(', ')})`);
    }
  }

  /** Throws unless `o[key]` is present. */
  required(o: Record<string, unknown>, key: string, path: string): unknown {
    if (o[key] === undefined) throw this.error(path, `field ${JSON.stringify(key)} is missing`);
    return o[key];
  }

  /**
   * Runs `f`; any error it throws becomes INVALID_FORMAT about `path` (its message kept), so a
   * constructor's INVALID_ARGUMENT or UNKNOWN_NAME on a bad saved value reads as a bad file.
   */
  wrap<T>(path: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof NumnetError && e.code === 'INVALID_FORMAT') throw e;
      throw this.error(path, e instanceof Error ? e.message : String(e));
    }
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

export function product(shape: readonly number[]): number {
  return shape.reduce((p, n) => p * n, 1);
}

export { fmtShape };
