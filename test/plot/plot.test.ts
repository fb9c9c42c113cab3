/**
 * numnet/plot: the SVG strings are well-formed XML with the expected parts, every coordinate lies in
 * the picture, the output is deterministic, the optimizer paths are the real optimizers' steps, and
 * bad input is a NumnetError.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, Adam, LeakyReLU, NumnetError, SGD, numericalGradient } from '../../src/index.js';
import {
  SURFACES, optimizerPath, plotActivations, plotHistory, plotOptimizerPaths, type LossSurface,
} from '../../src/plot/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Parses the SVG as XML (a strict subset: elements, quoted attributes, text, entities); returns the element names. */
function checkXml(svg: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  const text = /[^<]*/y;
  let i = 0;
  while (i < svg.length) {
    text.lastIndex = i;
    const t = text.exec(svg)![0];
    expect(t.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toMatch(/[&<>]/);
    if (stack.length === 0) expect(t.trim()).toBe(''); // nothing outside the root
    i += t.length;
    if (i >= svg.length) break;
    tag.lastIndex = i;
    const m = tag.exec(svg);
    if (!m) throw new Error(`not XML at offset ${i}: ${svg.slice(i, i + 60)}`);
    const [whole, close, name, attrs, selfClose] = m;
    const keys = [...attrs!.matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    expect(new Set(keys).size).toBe(keys.length); // no duplicate attributes
    if (close) {
      expect(stack.pop()).toBe(name);
    } else {
      if (stack.length === 0) expect(names.length).toBe(0); // one root
      names.push(name!);
      if (!selfClose) stack.push(name!);
    }
    i += whole!.length;
  }
  expect(stack).toEqual([]);
  expect(names[0]).toBe('svg');
  return names;
}

/** Every number in path data, circle centers and text positions, as [x, y] pairs or single values. */
function coordinates(svg: string): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [, d] of svg.matchAll(/ d="([^"]*)"/g)) {
    // Absolute M/L commands carry x y pairs; H/V/h/v one value.
    for (const [, cmd, args] of d!.matchAll(/([MLHVhv])([^MLHVhv]*)/g)) {
      const nums = args!.trim().split(/[\s,]+/).filter(Boolean).map(Number);
      if (cmd === 'M' || cmd === 'L') nums.forEach((v, k) => (k % 2 ? ys : xs).push(v));
      else if (cmd === 'H') xs.push(...nums);
      else if (cmd === 'V') ys.push(...nums);
    }
  }
  for (const [, a, b] of svg.matchAll(/ c?x="([^"]*)" c?y="([^"]*)"/g)) {
    xs.push(Number(a));
    ys.push(Number(b));
  }
  return { xs, ys };
}

function inPicture(svg: string): void {
  const [, w, h] = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!.map(Number);
  const { xs, ys } = coordinates(svg);
  expect(xs.length).toBeGreaterThan(10);
  for (const v of [...xs, ...ys]) expect(Number.isFinite(v)).toBe(true);
  expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...xs)).toBeLessThanOrEqual(w!);
  expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...ys)).toBeLessThanOrEqual(h!);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof NumnetError ? e.code : `not a NumnetError: ${String(e)}`;
  }
  return 'no error';
}

const history = {
  epoch: [0, 1, 2, 3, 4],
  history: {
    loss: [0.9, 0.6, 0.45, 0.4, 0.38],
    acc: [0.5, 0.7, 0.8, 0.85, 0.9],
    val_loss: [0.95, 0.7, 0.55, 0.52, 0.53],
    val_acc: [0.45, 0.65, 0.75, 0.8, 0.8],
  },
};

describe('plotHistory', () => {
  it('draws a loss and an accuracy panel, training and validation, as well-formed SVG', () => {
    const svg = plotHistory(history, { title: 'A & B <run>' });
    const names = checkXml(svg);
    expect(names.filter((n) => n === 'clipPath')).toHaveLength(2); // two panels
    expect(svg).toContain('<title>A &amp; B &lt;run&gt;</title>');
    expect(svg).toMatch(/>loss</);
    expect(svg).toMatch(/>acc</);
    expect(svg.match(/stroke-dasharray="6 4"/g)).toHaveLength(2); // the validation curves
    expect(svg).toContain('>training<');
    expect(svg).toContain('>validation<');
    inPicture(svg);
  });

  it('is deterministic, and takes a History from fit', async () => {
    expect(plotHistory(history)).toBe(plotHistory(history));
    const { Sequential, Dense } = await import('../../src/index.js');
    const model = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const h = await model.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1], { epochs: 3, validationSplit: 0.25 });
    const svg = plotHistory(h, { width: 500, height: 250 });
    checkXml(svg);
    inPicture(svg);
    expect(svg).toMatch(/width="500" height="250"/);
  });

  it('leaves a gap for a NaN loss, plots one epoch as a point, and chooses panels', () => {
    const svg = plotHistory({ history: { loss: [1, NaN, 0.5, 0.4] } });
    checkXml(svg);
    inPicture(svg);
    expect(svg).toMatch(/ d="M[^"]*M[^"]*" stroke="#1f77b4"/); // two pieces
    const one = plotHistory({ history: { loss: [0.7] } });
    expect(one).toMatch(/<circle /);
    const only = plotHistory(history, { metrics: ['acc'] });
    expect(only.match(/<clipPath/g)).toHaveLength(1);
  });

  it('bad input is a NumnetError', () => {
    expect(codeOf(() => plotHistory(null as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotHistory({ history: {} }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotHistory({ history: { loss: ['a'] as never } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotHistory(history, { metrics: ['mae'] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotHistory(history, { width: 5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotHistory(history, { title: 3 as never }))).toBe('INVALID_ARGUMENT');
  });
});

describe('plotActivations', () => {
  const all = Object.keys(ACTIVATIONS).filter((n) => n !== 'softmax');

  it('draws every element-wise activation and its derivative', () => {
    const svg = plotActivations(all);
    checkXml(svg);
    inPicture(svg);
    for (const n of all) expect(svg).toContain(`>${n === 'silu' ? 'swish' : n}<`);
    // step has a value curve but no derivative curve: one fewer path in the second panel.
    const groups = [...svg.matchAll(/<g clip-path="[^"]*"[^>]*>([^]*?)<\/g>/g)].map((m) => m[1]!);
    const curves = (g: string) => (g.match(/<path /g) ?? []).length;
    expect(groups.map(curves)).toEqual([all.length, all.length - 1]);
  });

  it('draws reference lines, labels, activation objects, one panel on request; deterministic', () => {
    const svg = plotActivations(
      ['sigmoid', { label: 'LeakyReLU α=0.2', activation: new LeakyReLU({ alpha: 0.2 }).activation }, 'leaky_relu'],
      { show: 'derivative', xRange: [-2, 2], samples: 101, referenceLines: [{ y: 0.25, label: 'max 0.25' }] },
    );
    checkXml(svg);
    inPicture(svg);
    expect(svg.match(/<clipPath/g)).toHaveLength(1);
    expect(svg).toContain('>max 0.25<');
    expect(svg).toContain('>LeakyReLU α=0.2<');
    expect(svg).toContain('>leakyRelu<');
    expect(plotActivations(['tanh'])).toBe(plotActivations(['tanh']));
  });

  it('bad input is a NumnetError', () => {
    expect(codeOf(() => plotActivations([]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotActivations(['softmax']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotActivations(['sigmoyd']))).toBe('UNKNOWN_NAME');
    expect(codeOf(() => plotActivations(['relu'], { xRange: [1, 0] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotActivations(['relu'], { samples: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotActivations(['relu'], { show: 'all' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotActivations(['relu'], { referenceLines: [{ y: NaN, label: 'x' }] }))).toBe('INVALID_ARGUMENT');
  });
});

describe('plotOptimizerPaths and optimizerPath', () => {
  it("each surface's gradient is its function's (central differences)", () => {
    for (const s of Object.values(SURFACES)) {
      for (const p of [s.start, [0.3, -0.7], [1.1, 0.4]] as [number, number][]) {
        const num = numericalGradient((t) => s.f(t.data[0]!, t.data[1]!), p).data;
        const g = s.gradient(p[0], p[1]);
        for (let k = 0; k < 2; k++) expect(Math.abs(g[k]! - num[k]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(num[k]!)));
      }
    }
  });

  it('the path is the optimizer’s own updates: SGD and momentum by hand', () => {
    const q = SURFACES.quadratic;
    const [x0, y0] = q.start;
    const one = optimizerPath(q, new SGD({ learningRate: 0.1 }), { steps: 1 });
    expect(one.points).toEqual([[x0, y0], [x0 - 0.1 * 0.2 * x0, y0 - 0.1 * 4 * y0]]);
    const mom = optimizerPath(q, new SGD({ learningRate: 0.05, momentum: 0.9 }), { steps: 5 });
    let [x, y, vx, vy] = [x0, y0, 0, 0];
    for (let t = 1; t <= 5; t++) {
      const [gx, gy] = q.gradient(x, y);
      vx = 0.9 * vx - 0.05 * gx;
      vy = 0.9 * vy - 0.05 * gy;
      x += vx;
      y += vy;
      expect(mom.points[t]).toEqual([x, y]);
    }
    // The optimizer is reset first: the same instance gives the same path twice.
    const adam = new Adam({ learningRate: 0.3 });
    expect(optimizerPath(q, adam, { steps: 20 })).toEqual(optimizerPath(q, adam, { steps: 20 }));
    expect(optimizerPath(q, 'adam', { steps: 20 }).label).toBe('Adam α=0.001');
  });

  it('draws contours, one path per optimizer, start and minimum marks; deterministic', () => {
    const opts = [new SGD({ learningRate: 0.4 }), { label: 'Adam', optimizer: new Adam({ learningRate: 0.5 }) }, 'rmsprop'];
    const svg = plotOptimizerPaths(SURFACES.quadratic, opts, { steps: 40, resolution: 40 });
    checkXml(svg);
    inPicture(svg);
    expect(svg).toContain('>SGD α=0.4<');
    expect(svg).toContain('>Adam<');
    expect(svg).toContain('>RMSprop α=0.001<');
    const contours = svg.slice(svg.indexOf('stroke="#9fb3cf"'), svg.indexOf('</g>', svg.indexOf('stroke="#9fb3cf"')));
    expect(contours.match(/<path /g)!.length).toBeGreaterThanOrEqual(10);
    expect(plotOptimizerPaths(SURFACES.quadratic, opts, { steps: 40, resolution: 40 })).toBe(svg);
  });

  it('a path that leaves the region ends on the border and says so', () => {
    const p = optimizerPath(SURFACES.quadratic, new SGD({ learningRate: 0.6 }), { steps: 100 });
    expect(p.escaped).toBe(true);
    const svg = plotOptimizerPaths(SURFACES.quadratic, [new SGD({ learningRate: 0.6 })], { steps: 100, levels: [1, 10] });
    checkXml(svg);
    inPicture(svg);
    expect(svg).toContain('(left the plot)');
  });

  it('bad input is a NumnetError', () => {
    const q = SURFACES.quadratic;
    expect(codeOf(() => plotOptimizerPaths(q, []))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths(q, ['adamm']))).toBe('UNKNOWN_NAME');
    expect(codeOf(() => plotOptimizerPaths({} as LossSurface, ['sgd']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths({ ...q, xRange: [1, 1] }, ['sgd']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths({ ...q, start: [50, 0] }, ['sgd']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths(q, ['sgd'], { steps: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths(q, ['sgd'], { levels: [NaN] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths(q, ['sgd'], { resolution: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => plotOptimizerPaths(q, [{ label: 1, optimizer: 'sgd' } as never]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => optimizerPath(q, 'sgd', { start: [0, NaN] }))).toBe('INVALID_ARGUMENT');
  });
});

describe('numnet/plot is browser-safe', () => {
  it('src/plot has no Node built-ins, process or Buffer', () => {
    const dir = resolve(root, 'src/plot');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(resolve(dir, f), 'utf8');
      expect(text).not.toMatch(/from 'node:|require\(|\bprocess\.|\bBuffer\b/);
      expect([...text.matchAll(/from '([^']+)'/g)].every(([, m]) => m!.startsWith('.'))).toBe(true);
    }
  });
});
