/**
 * Loss surfaces of two weights to watch optimizers on: the {@link LossSurface} shape and the
 * classic {@link SURFACES}.
 * @module
 */
import { NumnetError, describe } from '../errors.js';
import { checkPoint, checkRange } from './checks.js';

/**
 * A loss L(x, y) of two weights, to watch optimizers on: the function, its gradient, the region
 * to draw and where the optimizers start.
 */
export interface LossSurface {
  /** Shown in the default title. */
  name: string;
  /** L(x, y). */
  f(x: number, y: number): number;
  /** [∂L/∂x, ∂L/∂y]. */
  gradient(x: number, y: number): [number, number];
  /** The x interval drawn. */
  xRange: [number, number];
  /** The y interval drawn. */
  yRange: [number, number];
  /** The starting point of every optimizer. */
  start: [number, number];
  /** The minimum, marked with × when given. */
  minimum?: [number, number];
}

/**
 * Loss surfaces of the classic optimizer pictures:
 * - `quadratic`: the ill-conditioned bowl L = 0.1x² + 2y² (curvature 20 times larger along y:
 *   plain gradient descent zigzags across the valley and crawls along it);
 * - `rosenbrock`: L = (1 − x)² + 100(y − x²)², a curved narrow valley with its minimum at (1, 1);
 * - `beale`: L = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum at (3, 0.5).
 */
export const SURFACES: Readonly<Record<'quadratic' | 'rosenbrock' | 'beale', LossSurface>> = {
  quadratic: {
    name: 'the ill-conditioned quadratic 0.1x² + 2y²',
    f: (x, y) => 0.1 * x * x + 2 * y * y,
    gradient: (x, y) => [0.2 * x, 4 * y],
    xRange: [-10, 10],
    yRange: [-5, 5],
    start: [-9, 3],
    minimum: [0, 0],
  },
  rosenbrock: {
    name: 'the Rosenbrock function',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2.5],
    minimum: [1, 1],
  },
  beale: {
    name: 'the Beale function',
    f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    gradient: (x, y) => {
      const a = 1.5 - x + x * y;
      const b = 2.25 - x + x * y * y;
      const c = 2.625 - x + x * y ** 3;
      return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
    },
    xRange: [-4.5, 4.5],
    yRange: [-4.5, 4.5],
    start: [1, 1.4],
    minimum: [3, 0.5],
  },
};

/** Refuses anything that is not a well-formed {@link LossSurface} with its start inside its region. */
export function checkSurface(s: LossSurface): void {
  if (s === null || typeof s !== 'object' || typeof s.f !== 'function' || typeof s.gradient !== 'function') {
    throw new NumnetError('INVALID_ARGUMENT', `expected a LossSurface { name, f, gradient, xRange, yRange, start }, got ${describe(s)}`);
  }
  if (typeof s.name !== 'string') throw new NumnetError('INVALID_ARGUMENT', `LossSurface name must be a string, got ${describe(s.name)}`);
  checkRange(s.xRange, 'LossSurface xRange');
  checkRange(s.yRange, 'LossSurface yRange');
  const [sx, sy] = checkPoint(s.start, 'LossSurface start');
  if (sx < s.xRange[0] || sx > s.xRange[1] || sy < s.yRange[0] || sy > s.yRange[1]) {
    throw new NumnetError('INVALID_ARGUMENT', `LossSurface start ${describe(s.start)} must lie inside xRange × yRange`);
  }
  if (s.minimum !== undefined) checkPoint(s.minimum, 'LossSurface minimum');
}
