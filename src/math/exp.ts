/**
 * eˣ as V8's Math.exp computes it — fdlibm's e_exp.c (Sun Microsystems, 1993), with V8's exp(1) = E —
 * written out in JavaScript, so that it gives those bits on every engine (JavaScriptCore's Math.exp
 * is the system's libm), and the WebAssembly sigmoid of gemm.wat, which follows the same steps
 * lane by lane, gives the JS loop's bits.
 *
 *   x = k·ln2 + r, |r| ≤ ½ln2: k = 0 for |x| ≤ ½ln2, ±1 below 1.5 ln2, else trunc(x/ln2 ± ½);
 *     r = hi − lo with hi = x − k·ln2_hi (exact), lo = k·ln2_lo
 *   c = r − t(P1 + t(P2 + t(P3 + t(P4 + t·P5)))), t = r²      (a Remez fit of r·(eʳ + 1)/(eʳ − 1))
 *   eˣ = 2ᵏ·(1 − ((lo − r·c/(2 − c)) − hi))                   (k = 0: 1 − (r·c/(c − 2) − r))
 *
 * The thresholds are the doubles whose high 32 bits fdlibm compares |x|'s with; test/math/exp.test.ts
 * checks the bits against Math.exp over millions of values.
 */

/** The double with high 32 bits `high` and low 32 bits zero. */
function fromHigh(high: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, high);
  return v.getFloat64(0);
}

const OVERFLOW_RANGE = fromHigh(0x40862e42); // |x| ≥ this: overflow, underflow or not finite
const HALF_LN2 = fromHigh(0x3fd62e43); // |x| ≥ this: reduce by k·ln2
const THREE_HALVES_LN2 = fromHigh(0x3ff0a2b2); // |x| below this: k = ±1
const TINY = fromHigh(0x3e300000); // 2⁻²⁸: eˣ = 1 + x
const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.45133219101941108420e2;
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const TWO_1023 = 8.988465674311579539e307;
const TWO_M1000 = 9.33263618503218878990e-302;

/** 2ᵏ for k = −1021 … 1023 at POW2[k + 1021] (doubling from 2⁻¹⁰²¹: exact). */
const POW2 = (() => {
  const p = new Float64Array(2045);
  let v = 1;
  for (let i = 0; i < 1021; i++) v /= 2;
  for (let i = 0; i < p.length; i++, v *= 2) p[i] = v;
  return p;
})();

/** eˣ, the bits of V8's Math.exp (see above). */
export function exp(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < OVERFLOW_RANGE)) {
    if (x !== x) return x + x;
    if (ax === Infinity) return x > 0 ? x : 0;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let k = 0;
  let hi = 0;
  let lo = 0;
  if (ax >= HALF_LN2) {
    if (ax < THREE_HALVES_LN2) {
      if (x === 1) return Math.E;
      k = x < 0 ? -1 : 1;
    } else {
      k = Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
    }
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (ax < TINY) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) return k === 1024 ? y * 2 * TWO_1023 : y * POW2[k + 1021]!;
  return y * POW2[k + 2021]! * TWO_M1000;
}
