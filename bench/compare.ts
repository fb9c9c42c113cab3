/**
 * A/B of this checkout against another one (say `git worktree add /tmp/old <commit>`, with
 * node_modules linked): the MNIST-MLP epoch (784-100 sigmoid-10 softmax, batch 32, SGD and Adam),
 * alternating old and new in one process, samples/s by wall and CPU time (medians of 5 epochs).
 *
 * Run: node --expose-gc --import tsx bench/compare.ts /tmp/old
 */
import { loadMnist } from '../examples/lib/mnist.js';
const oldRoot = process.argv[2];
if (!oldRoot) throw new Error('usage: node --expose-gc --import tsx bench/compare.ts <another checkout of numnet>');
const oldLib = await import(`${oldRoot}/src/index.ts`);
const newLib = await import('../src/index.js');
const data = loadMnist(1);
const make = (L: any) => { const m = new L.Sequential([new L.Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new L.Dense({ units: 10, activation: 'softmax' })], { seed: 1 }); m.compile({ optimizer: new L.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' }); return m; };
const makeAdam = (L: any) => { const m = new L.Sequential([new L.Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new L.Dense({ units: 10, activation: 'softmax' })], { seed: 1 }); m.compile({ optimizer: new L.Adam({ learningRate: 0.001 }), loss: 'categoricalCrossentropy' }); return m; };
const xOld = new oldLib.Tensor(data.xTrain.data, data.xTrain.shape), yOld = new oldLib.Tensor(data.yTrain.data, data.yTrain.shape);
const res: Record<string, { wall: number[]; cpu: number[] }> = {};
for (const [label, mk] of [['sgd', make], ['adam', makeAdam]] as const) {
  const mo = mk(oldLib), mn = mk(newLib);
  await mo.fit(xOld, yOld, { epochs: 1, batchSize: 32, shuffle: false }); await mn.fit(data.xTrain, data.yTrain, { epochs: 1, batchSize: 32, shuffle: false });
  for (let r = 0; r < 5; r++) {
    for (const [who, m, x, y] of [['old', mo, xOld, yOld], ['new', mn, data.xTrain, data.yTrain]] as const) {
      const c0 = process.cpuUsage(); const t0 = performance.now();
      await (m as any).fit(x, y, { epochs: 1, batchSize: 32, shuffle: false });
      const wall = performance.now() - t0; const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000;
      const k = `${label} ${who}`; (res[k] ??= { wall: [], cpu: [] }); res[k].wall.push(8000 / wall * 1000); res[k].cpu.push(8000 / cpu * 1000);
    }
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(10), 'samples/s wall median', Math.round(med(v.wall)), 'CPU median', Math.round(med(v.cpu)), 'best CPU', Math.round(Math.max(...v.cpu)));
