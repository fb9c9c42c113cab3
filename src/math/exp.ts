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

/** 2ᵏ for k = −1021 … 1023 at POW2[k + 1021] (doubling from 2⁻¹⁰²¹: exact). */
const POW2 = (() => {
  const p = new Float64Array(2045);
  let v = 1;
  for (let i = 0; i < 1021; i++) v /= 2;
  for (let i = 0; i < p.length; i++, v *= 2) p[i] = v;
  return p;
})();

/**
 * eˣ, the bits of V8's Math.exp (see above). The constants are written where they are used (V8 folds
 * literals into the code; module constants are loads): fdlibm's o_threshold, u_threshold, ln2HI,
 * ln2LO, invln2, P1…P5, two1023 and twom1000, and the thresholds 0x40862E42, 0x3FD62E43, 0x3FF0A2B2
 * and 0x3E300000 (high words, low words zero) as the doubles they are. Faster than Math.exp here.
 */
export function exp(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 709.7822265625)) {
    // |x| ≥ 709.78…: overflow, underflow or not finite
    if (x !== x) return x + x;
    if (ax === Infinity) return x > 0 ? x : 0;
    if (x > 7.09782712893383973096e2) return Infinity;
    if (x < -7.45133219101941108420e2) return 0;
  }
  let k = 0;
  let hi = 0;
  let lo = 0;
  if (ax >= 0.3465735912322998) {
    // |x| > ½ln2: x = k·ln2 + r
    if (ax < 1.0397205352783203) {
      if (x === 1) return Math.E;
      k = x < 0 ? -1 : 1;
    } else {
      k = (1.44269504088896338700 * x + (x < 0 ? -0.5 : 0.5)) | 0; // truncated, as C's (int)
    }
    hi = x - k * 6.93147180369123816490e-1;
    lo = k * 1.90821492927058770002e-10;
    x = hi - lo;
  } else if (ax < 3.725290298461914e-9) {
    return 1 + x; // |x| < 2⁻²⁸
  }
  const t = x * x;
  const c =
    x -
    t * (1.66666666666666019037e-1 + t * (-2.77777777770155933842e-3 + t * (6.61375632143793436117e-5 + t * (-1.65339022054652515390e-6 + t * 4.13813679705723846039e-8))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) return k === 1024 ? y * 2 * 8.988465674311579539e307 : y * POW2[k + 1021]!;
  return y * POW2[k + 2021]! * 9.3326361850321887899e-302;
}
