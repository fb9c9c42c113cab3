import { NumnetError, checkNumber, describe, isNumericTypedArray } from './errors.js';

/**
 * A snapshot of a {@link Random} generator (`getState()` / `setState()`): the 32-bit state, and the
 * second normal draw of the last Box–Muller pair when one is pending. Plain JSON.
 */
export interface RandomState {
  /** The mulberry32 state, an integer in [0, 2³²). */
  state: number;
  /** The cached normal draw, when `normal()` has one pending. */
  spareNormal?: number;
}

/**
 * A small seedable PRNG (mulberry32 on a 32-bit state) with normal draws by Box–Muller.
 * The same seed gives the same stream on every platform, bit for bit.
 */
export class Random {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number = Math.floor(Math.random() * 2 ** 32)) {
    checkNumber(seed, 'seed');
    this.state = seed >>> 0;
  }

  /** A uniform draw in [0, 1) with 32 random bits. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform draw in [low, high). */
  uniform(low = 0, high = 1): number {
    if (typeof low !== 'number' || typeof high !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `Random.uniform(): low and high must be numbers, got ${describe(low)} and ${describe(high)}`);
    }
    return low + (high - low) * this.next();
  }

  /** A normal draw with the given mean and standard deviation. */
  normal(mean = 0, stddev = 1): number {
    if (typeof mean !== 'number' || typeof stddev !== 'number') {
      throw new NumnetError('INVALID_ARGUMENT', `Random.normal(): mean and stddev must be numbers, got ${describe(mean)} and ${describe(stddev)}`);
    }
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** A whole number in [0, n) (n a positive integer up to 2³²). */
  int(n: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new NumnetError('INVALID_ARGUMENT', `Random.int(): n must be an integer in [1, 2^32], got ${describe(n)}`);
    }
    return Math.floor(this.next() * n);
  }

  /** Shuffles `a` in place (Fisher–Yates). */
  shuffle<
    T extends {
      /** The number of elements. */
      length: number;
      [i: number]: number;
    },
  >(a: T): T {
    if (!Array.isArray(a) && !isNumericTypedArray(a)) {
      throw new NumnetError('INVALID_ARGUMENT', `Random.shuffle() takes an array or a typed array, got ${describe(a)}`);
    }
    if (Object.isFrozen(a) && a.length > 1) {
      throw new NumnetError('INVALID_ARGUMENT', 'Random.shuffle(): the array is frozen; shuffle a copy');
    }
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1)); // = int(i + 1), unchecked in the loop
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** A new generator seeded from this one (for a layer or a model of its own). */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }

  /** A copy of the generator's state: `setState` of it continues the same stream, bit for bit. */
  getState(): RandomState {
    return this.spareNormal === undefined ? { state: this.state } : { state: this.state, spareNormal: this.spareNormal };
  }

  /** Restores a state from `getState` (INVALID_ARGUMENT unless it is one). */
  setState(state: RandomState): void {
    const s = state as unknown as Record<string, unknown>;
    if (s === null || typeof s !== 'object') {
      throw new NumnetError('INVALID_ARGUMENT', `Random state must be { state, spareNormal? }, got ${describe(state)}`);
    }
    const st = s.state;
    if (typeof st !== 'number' || !Number.isInteger(st) || st < 0 || st >= 4294967296) {
      throw new NumnetError('INVALID_ARGUMENT', `Random state.state must be an integer in [0, 2^32), got ${describe(st)}`);
    }
    const spare = s.spareNormal;
    if (spare !== undefined && (typeof spare !== 'number' || !Number.isFinite(spare))) {
      throw new NumnetError('INVALID_ARGUMENT', `Random state.spareNormal must be a finite number, got ${describe(spare)}`);
    }
    this.state = st;
    this.spareNormal = spare;
  }
}

let globalRandom = new Random();

/** Seeds the global generator that models without a seed of their own draw from. */
export function setSeed(seed: number): void {
  globalRandom = new Random(seed);
}

/** The global generator (seeded by `setSeed`). */
export function getGlobalRandom(): Random {
  return globalRandom;
}
