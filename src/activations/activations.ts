import { NumnetError, describe, fmtShape } from '../errors.js';
import { Tensor, TensorLike, toTensor } from '../tensor/tensor.js';
import { sigmoidInKernel } from '../tensor/kernels.js';
import { erfOf as erf, erfcOf as erfc, sigmoid as sigma, softplus as splus } from '../math/special.js';
import { lookupName } from '../errors.js';

/**
 * An activation φ applied to a pre-activation z (the slides' net input a = Σ wᵢxᵢ): y = φ(z).
 *
 * `forward` writes y for `z` (element-wise, or row-wise over the last axis of `cols` values for
 * softmax). `backward` writes dz = dy · ∂y/∂z given z, y and the upstream gradient dy — the
 * vector–Jacobian product, so softmax needs no full Jacobian. Buffers may not alias, except that
 * `dz` may be `dy`.
 */
export interface Activation {
  /** The camelCase name ('sigmoid', 'leakyRelu', …); saved models refer to it. */
  readonly name: string;
  /** False for `step`: it has no useful derivative and cannot be trained by gradients. */
  readonly differentiable: boolean;
  /** Writes y = φ(z); `cols` is the length of the last axis (softmax normalizes each row). */
  forward(z: Float64Array, y: Float64Array, cols: number): void;
  /** Writes dz = dy · ∂y/∂z (the vector–Jacobian product) from z, y = φ(z) and dy. */
  backward(z: Float64Array, y: Float64Array, dy: Float64Array, dz: Float64Array, cols: number): void;
}

function sameLength(b: unknown, n: number): boolean {
  return b instanceof Float64Array && b.length === n;
}

/**
 * The buffer check of every built-in activation's forward/backward (O(1) and allocation-free, once
 * per call): Float64Arrays of one length (dy and dz for backward), and for softmax a row length
 * `cols` that divides it.
 */
function checkBuffers(name: string, z: unknown, y: unknown, dy: unknown, dz: unknown, backward: boolean, cols: unknown, rowWise: boolean): void {
  const n = z instanceof Float64Array ? z.length : -1;
  if (n < 0 || !sameLength(y, n) || (backward && (!sameLength(dy, n) || !sameLength(dz, n)))) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `activation '${name}': buffers must be Float64Arrays of one length, got ${describe(z)}, ${describe(y)}${backward ? `, ${describe(dy)}, ${describe(dz)}` : ''}`,
    );
  }
  if (rowWise && (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1 || n % cols !== 0)) {
    throw new NumnetError('INVALID_ARGUMENT', `activation '${name}': cols must be a positive integer dividing ${n}, got ${describe(cols)}`);
  }
}

/** Builds an element-wise activation from f(z) and f′(z, y). */
function elementwise(
  name: string,
  f: (z: number) => number,
  df: (z: number, y: number) => number,
): Activation {
  return {
    name,
    differentiable: true,
    forward(z, y) {
      checkBuffers(name, z, y, undefined, undefined, false, 1, false);
      for (let i = 0; i < z.length; i++) y[i] = f(z[i]!);
    },
    backward(z, y, dy, dz) {
      checkBuffers(name, z, y, dy, dz, true, 1, false);
      for (let i = 0; i < z.length; i++) dz[i] = dy[i]! * df(z[i]!, y[i]!);
    },
  };
}

/** linear: y = z, y′ = 1. */
export const linear: Activation = {
  name: 'linear',
  differentiable: true,
  forward(z, y) {
    checkBuffers('linear', z, y, undefined, undefined, false, 1, false);
    y.set(z);
  },
  backward(z, y, dy, dz) {
    checkBuffers('linear', z, y, dy, dz, true, 1, false);
    if (dz !== dy) dz.set(dy);
  },
};

/** step: y = 1 where z > 0, else 0 (the perceptron's threshold). No gradient. */
export const step: Activation = {
  name: 'step',
  differentiable: false,
  forward(z, y) {
    checkBuffers('step', z, y, undefined, undefined, false, 1, false);
    for (let i = 0; i < z.length; i++) y[i] = z[i]! > 0 ? 1 : 0;
  },
  backward() {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      "activation 'step' has no gradient: train it with Perceptron, or use 'sigmoid' for gradient training",
    );
  },
};

/*
 * The common activations below are plain loops (no call of f/f′ per element through the shared
 * `elementwise` closure): the same operations in the same order, so the same bits.
 */

/** sigmoid: y = 1/(1 + e^{−z}), y′ = y(1 − y) ≤ 0.25 (hence vanishing gradients). */
export const sigmoid: Activation = {
  name: 'sigmoid',
  differentiable: true,
  forward(z, y) {
    checkBuffers('sigmoid', z, y, undefined, undefined, false, 1, false);
    // resident buffers (a Dense layer's z and y): in WebAssembly SIMD, the same bits
    if (sigmoidInKernel(z, y)) return;
    for (let i = 0, n = z.length; i < n; i++) y[i] = sigma(z[i]!);
  },
  backward(z, y, dy, dz) {
    checkBuffers('sigmoid', z, y, dy, dz, true, 1, false);
    for (let i = 0, n = z.length; i < n; i++) {
      const v = y[i]!;
      dz[i] = dy[i]! * (v * (1 - v));
    }
  },
};

/** tanh: y = (e^z − e^{−z})/(e^z + e^{−z}), y′ = 1 − y². */
export const tanh: Activation = {
  name: 'tanh',
  differentiable: true,
  forward(z, y) {
    checkBuffers('tanh', z, y, undefined, undefined, false, 1, false);
    for (let i = 0, n = z.length; i < n; i++) y[i] = Math.tanh(z[i]!);
  },
  backward(z, y, dy, dz) {
    checkBuffers('tanh', z, y, dy, dz, true, 1, false);
    for (let i = 0, n = z.length; i < n; i++) {
      const v = y[i]!;
      dz[i] = dy[i]! * (1 - v * v);
    }
  },
};

/** relu: y = max(0, z), y′ = 1 where z > 0, else 0. */
export const relu: Activation = {
  name: 'relu',
  differentiable: true,
  forward(z, y) {
    checkBuffers('relu', z, y, undefined, undefined, false, 1, false);
    for (let i = 0, n = z.length; i < n; i++) {
      const v = z[i]!;
      y[i] = v > 0 ? v : 0;
    }
  },
  backward(z, y, dy, dz) {
    checkBuffers('relu', z, y, dy, dz, true, 1, false);
    // dy·1 where z > 0, else dy·0 (kept as a product: ±0, or NaN for an infinite or NaN dy).
    for (let i = 0, n = z.length; i < n; i++) {
      const g = dy[i]!;
      dz[i] = z[i]! > 0 ? g : g * 0;
    }
  },
};

/** Leaky ReLU with slope α below zero: y = z where z > 0, else αz. */
export function makeLeakyRelu(alpha: number): Activation {
  return elementwise(
    'leakyRelu',
    (z) => (z > 0 ? z : alpha * z),
    (z) => (z > 0 ? 1 : alpha),
  );
}

/** ELU: y = z where z > 0, else α(e^z − 1); y′ = 1, else α·e^z. */
export function makeElu(alpha: number): Activation {
  return elementwise(
    'elu',
    (z) => (z > 0 ? z : alpha * Math.expm1(z)),
    (z) => (z > 0 ? 1 : alpha * Math.exp(z)),
  );
}

/** leakyRelu with α = 0.01. */
export const leakyRelu = makeLeakyRelu(0.01);

/** elu with α = 1. */
export const elu = makeElu(1);

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** selu: y = λz where z > 0, else λα(e^z − 1), λ ≈ 1.0507, α ≈ 1.6733. */
export const selu = elementwise(
  'selu',
  (z) => (z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * Math.expm1(z)),
  (z) => (z > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(z)),
);

/** softplus: y = log(1 + e^z), y′ = σ(z). */
export const softplus = elementwise('softplus', splus, (z) => sigma(z));

/** softsign: y = z/(1 + |z|), y′ = 1/(1 + |z|)². */
export const softsign = elementwise(
  'softsign',
  (z) => z / (1 + Math.abs(z)),
  (z) => {
    const d = 1 + Math.abs(z);
    return 1 / (d * d);
  },
);

/** swish (= silu): y = z·σ(z), y′ = σ(z) + z·σ(z)(1 − σ(z)). */
export const swish = elementwise(
  'swish',
  (z) => z * sigma(z),
  (z) => {
    const s = sigma(z);
    return s + z * s * (1 - s);
  },
);

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
/** √(2/π). */
const SQRT_2_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** gelu (exact): y = z·Φ(z) = ½z(1 + erf(z/√2)), y′ = Φ(z) + z·φ(z). */
export const gelu = elementwise(
  'gelu',
  (z) => 0.5 * z * erfc(-z * SQRT1_2),
  (z) => 0.5 * (1 + erf(z * SQRT1_2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z),
);

/**
 * geluApproximate, Keras 3's `gelu(x, approximate=True)` (keras/src/activations/activations.py;
 * TF.js's `gelu_new`): y = ½z(1 + tanh(u)), u = √(2/π)(z + 0.044715z³);
 * y′ = ½(1 + tanh u) + ½z(1 − tanh²u)·√(2/π)(1 + 3·0.044715z²).
 */
export const geluApproximate = elementwise(
  'geluApproximate',
  (z) => 0.5 * z * (1 + Math.tanh(SQRT_2_PI * (z + GELU_CUBIC * z * z * z))),
  (z) => {
    const th = Math.tanh(SQRT_2_PI * (z + GELU_CUBIC * z * z * z));
    // z(1 − tanh²u) → 0 where tanh saturates; written so that it does not become ∞·0 = NaN.
    const sech2 = 1 - th * th;
    return 0.5 * (1 + th) + (sech2 === 0 ? 0 : 0.5 * z * sech2 * SQRT_2_PI * (1 + 3 * GELU_CUBIC * z * z));
  },
);

/** gelu with Keras's `approximate` option: {@link geluApproximate} (the tanh form) when true, else the exact {@link gelu}. */
export function makeGelu(approximate: boolean): Activation {
  if (typeof approximate !== 'boolean') {
    throw new NumnetError('INVALID_ARGUMENT', `gelu: approximate must be true or false, got ${describe(approximate)}`);
  }
  return approximate ? geluApproximate : gelu;
}

/**
 * softmax over the last axis: yᵢ = e^{zᵢ − max z}/Σⱼ e^{zⱼ − max z}.
 * Backward is the vector–Jacobian product dzᵢ = yᵢ(dyᵢ − Σⱼ dyⱼyⱼ).
 */
export const softmax: Activation = {
  name: 'softmax',
  differentiable: true,
  forward(z, y, cols) {
    checkBuffers('softmax', z, y, undefined, undefined, false, cols, true);
    for (let r = 0; r < z.length; r += cols) {
      let m = -Infinity;
      for (let j = 0; j < cols; j++) if (z[r + j]! > m) m = z[r + j]!;
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[r + j]! - m);
        y[r + j] = e;
        s += e;
      }
      for (let j = 0; j < cols; j++) y[r + j]! /= s;
    }
  },
  backward(z, y, dy, dz, cols) {
    checkBuffers('softmax', z, y, dy, dz, true, cols, true);
    for (let r = 0; r < y.length; r += cols) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dy[r + j]! * y[r + j]!;
      for (let j = 0; j < cols; j++) dz[r + j] = y[r + j]! * (dy[r + j]! - dot);
    }
  },
};

/** Every activation by its camelCase name (snake_case and any case also resolve). */
export const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear,
  step,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  elu,
  selu,
  softplus,
  softsign,
  swish,
  silu: swish,
  gelu,
  geluApproximate,
  softmax,
};

/** The activation called `name` (UNKNOWN_NAME lists the valid names). */
export function getActivation(name: string | Activation | undefined): Activation {
  if (name === undefined) return linear;
  if (typeof name === 'object' && name !== null && !Array.isArray(name)) {
    const a = name as unknown as Record<string, unknown>;
    if (typeof a.forward !== 'function' || typeof a.backward !== 'function' || typeof a.name !== 'string' || a.name === '' || typeof a.differentiable !== 'boolean') {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `a custom activation must be { name: string, differentiable: boolean, forward(z, y, cols), backward(z, y, dy, dz, cols) }, got ${describe(name)} (name ${describe(a.name)})`,
      );
    }
    return name;
  }
  return lookupName(ACTIVATIONS, name, 'activation');
}

function lastAxis(t: Tensor): number {
  return t.rank === 0 ? 1 : Math.max(1, t.shape[t.rank - 1]!);
}

/** φ(x) for the activation called `name`, as a new tensor (softmax over the last axis). */
export function activate(name: string, x: TensorLike): Tensor {
  const act = getActivation(name);
  const t = toTensor(x, `activate(${describe(act.name)}) x`);
  const y = new Float64Array(t.size);
  act.forward(t.data, y, lastAxis(t));
  return new Tensor(y, t.shape);
}

/**
 * The gradient of Σ upstream·φ(x) with respect to x: φ′(x) element-wise when `upstream` is
 * omitted (ones), the vector–Jacobian product for softmax.
 */
export function activationGradient(name: string, x: TensorLike, upstream?: TensorLike): Tensor {
  const act = getActivation(name);
  const t = toTensor(x, `activationGradient(${describe(act.name)}) x`);
  const dy = upstream === undefined ? new Float64Array(t.size).fill(1) : toTensor(upstream, 'activationGradient() upstream').data;
  if (dy.length !== t.size) {
    throw new NumnetError(
      'SHAPE_MISMATCH',
      `activationGradient(): upstream has ${dy.length} elements but x ${fmtShape(t.shape)} has ${t.size}`,
    );
  }
  const y = new Float64Array(t.size);
  act.forward(t.data, y, lastAxis(t));
  const dz = new Float64Array(t.size);
  act.backward(t.data, y, dy, dz, lastAxis(t));
  return new Tensor(dz, t.shape);
}
