/**
 * A/B of this checkout against another one (say `git worktree add /tmp/old <commit>`, with
 * node_modules linked): the MNIST-CNN of bench/cnn.ts (conv 8@3×3 relu → pool 2 → conv 16@3×3 relu →
 * pool 2 → dense 10 softmax, batch 32, SGD 0.1) on 2,000 digits per round, alternating old and new in
 * one process, samples/s by wall and CPU time (medians of the rounds), and whether both trained to the
 * same weights bit for bit.
 *
 * Run: node --expose-gc --import tsx bench/compare-cnn.ts /tmp/old [rounds]
 */
import { loadMnist } from '../examples/lib/mnist.js';
const oldRoot = process.argv[2];
if (!oldRoot) throw new Error('usage: node --expose-gc --import tsx bench/compare-cnn.ts <another checkout of numnet> [rounds]');
const rounds = Number(process.argv[3] ?? 7);
const oldLib = await import(`${oldRoot}/src/index.ts`);
const newLib = await import('../src/index.js');
const data = loadMnist(1, 2000, 10);
const make = (L: any) => {
  const m = new L.Sequential([
    new L.Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    new L.MaxPooling2D({ poolSize: 2 }),
    new L.Conv2D({ filters: 16, kernelSize: 3, activation: 'relu' }),
    new L.MaxPooling2D({ poolSize: 2 }),
    new L.Flatten(),
    new L.Dense({ units: 10, activation: 'softmax' }),
  ], { seed: 1 });
  m.compile({ optimizer: new L.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  return m;
};
const shape = [2000, 28, 28, 1];
const xNew = new newLib.Tensor(data.xTrain.data, shape), yNew = new newLib.Tensor(data.yTrain.data, data.yTrain.shape);
const xOld = new oldLib.Tensor(data.xTrain.data, shape), yOld = new oldLib.Tensor(data.yTrain.data, data.yTrain.shape);
const mo = make(oldLib), mn = make(newLib);
const opts = { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 };
await mo.fit(xOld, yOld, opts); await mn.fit(xNew, yNew, opts);
const res: Record<string, { wall: number[]; cpu: number[] }> = {};
for (let r = 0; r < rounds; r++) {
  for (const [who, m, x, y] of [['old', mo, xOld, yOld], ['new', mn, xNew, yNew]] as const) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await (m as any).fit(x, y, opts);
    const wall = performance.now() - t0; const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000;
    (res[who] ??= { wall: [], cpu: [] }); res[who].wall.push(2000 / wall * 1000); res[who].cpu.push(2000 / cpu * 1000);
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(4), 'samples/s wall median', Math.round(med(v.wall)), 'CPU median', Math.round(med(v.cpu)), 'best CPU', Math.round(Math.max(...v.cpu)));
console.log('new/old (CPU median):', (med(res.new!.cpu) / med(res.old!.cpu)).toFixed(3), ' (wall median):', (med(res.new!.wall) / med(res.old!.wall)).toFixed(3));
const same = mo.getWeights().every((w: any, i: number) => { const v = mn.getWeights()[i]; return w.data.every((a: number, j: number) => Object.is(a, v.data[j])); });
console.log('weights identical after the same training:', same);
