/**
 * Memory of `fit` on nested-array input (issue 13, item 4a): three `fit` calls on a synthetic
 * MNIST-sized number[][] (60,000 rows × 784 numbers, one-hot y 60,000 × 10), a tiny model
 * (784 → Dense 4 → Dense 10 softmax), one epoch each. Prints the RSS after building the data,
 * the peak RSS during each fit (sampled every 5 ms, and the process's maxRSS), the RSS when it resolved
 * (and after a full gc with --gc), and the RSS after a full gc at the end.
 *
 *   node --expose-gc --import tsx bench/nested-rss.ts [rows=60000] [fits=3] [--gc] [--predict]
 */
import { Dense, SGD, Sequential } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const MB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const rows = Number(process.argv[2] ?? 60000);
const fits = Number(process.argv[3] ?? 3);
// --gc: a full gc after each fit (what the library keeps alive); without it, V8 decides (what a user sees).
const gcBetween = process.argv.includes('--gc');
// --predict: also predict(x) after each fit (the layers' last-input references).
const alsoPredict = process.argv.includes('--predict');

// A seeded LCG, so every run holds the same numbers.
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const x: number[][] = [];
const y: number[][] = [];
for (let i = 0; i < rows; i++) {
  const r = new Array<number>(784);
  for (let j = 0; j < 784; j++) r[j] = rand();
  x.push(r);
  const t = new Array<number>(10).fill(0);
  t[i % 10] = 1;
  y.push(t);
}
gc();
console.log(`data built (${rows} × 784 number[][]): rss ${MB(process.memoryUsage().rss)}`);

const model = new Sequential([new Dense({ units: 4, inputShape: [784], activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })], { seed: 1 });
model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });

for (let f = 1; f <= fits; f++) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  await model.fit(x, y, { epochs: 1, batchSize: 128 });
  if (alsoPredict) model.predict(x, { batchSize: 1000 });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const before = process.memoryUsage().rss;
  if (gcBetween) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(`fit ${f}${alsoPredict ? ' + predict' : ''}: peak rss ${MB(peak)} (process maxRSS ${MB(maxRss)}), rss when fit resolved ${MB(before)}${gcBetween ? `, after gc ${MB(process.memoryUsage().rss)}` : ''}, heap used ${MB(process.memoryUsage().heapUsed)}`);
}
gc();
await new Promise((r) => setTimeout(r, 50));
gc();
console.log(`after all fits and a full gc: rss ${MB(process.memoryUsage().rss)}, heap used ${MB(process.memoryUsage().heapUsed)}`);
