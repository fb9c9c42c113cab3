/**
 * `predict` at batch 1 on the MNIST MLP (784 → Dense 100 sigmoid → Dense 10 softmax; `--net
 * 784-512-512-10` or any other widths: sigmoid hidden layers, softmax last), issue 13
 * item 4c: µs per call, wall time and CPU time (process.cpuUsage, user + system) side by side.
 * Inputs: one sample as number[][] ([[…784]]) and as a Tensor [1, 784].
 *
 * A/B in one run: `--base <dir>` imports a second copy of numnet's sources (e.g. the previous
 * commit, `git archive <commit> src | tar -x -C <dir>`) and alternates the two round by round,
 * so both see the same machine load. Reports the median over rounds. `--js` runs both on the JS
 * GEMM (setKernelBackend('js')).
 *
 *   node --import tsx bench/predict-batch1.ts [--base /tmp/base] [--js] [--net 784-100-10] [--rounds 15] [--calls 4000]
 */
import * as current from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string, d: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : d);
const rounds = Number(opt('--rounds', '15'));
const calls = Number(opt('--calls', '4000'));
const baseDir = args.includes('--base') ? opt('--base', '') : undefined;
// --js: both copies on the plain JS GEMM (setKernelBackend('js'), as where WebAssembly SIMD is missing).
const jsOnly = args.includes('--js');
const units = opt('--net', '784-100-10').split('-').map(Number);
if (units.length < 2 || units.some((u) => !(u >= 1))) throw new Error(`--net: widths such as 784-100-10, got ${opt('--net', '')}`);
type Lib = typeof current;
const libs: [string, Lib][] = [['current', current]];
if (baseDir) libs.unshift(['base', (await import(`${baseDir}/src/index.ts`)) as Lib]);

function setup(lib: Lib) {
  if (jsOnly) lib.setKernelBackend('js');
  const layers = units.slice(1).map((u, i) =>
    new lib.Dense({ units: u, activation: i === units.length - 2 ? 'softmax' : 'sigmoid', ...(i === 0 ? { inputShape: [units[0]!] } : {}) }));
  const m = new lib.Sequential(layers, { seed: 1 });
  m.compile({ optimizer: new lib.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  const row = Array.from({ length: units[0]! }, (_, i) => ((i * 37) % 256) / 255);
  return { m, nested: [row], t: lib.tensor([row]) };
}

const cases = libs.flatMap(([name, lib]) => {
  const { m, nested, t } = setup(lib);
  return [
    { name: `${name} predict(number[][])`, f: () => m.predict(nested) },
    { name: `${name} predict(Tensor)`, f: () => m.predict(t) },
  ];
});

let sink = 0;
const results = new Map<string, { wall: number[]; cpu: number[] }>(cases.map((c) => [c.name, { wall: [], cpu: [] }]));
for (const c of cases) for (let i = 0; i < calls; i++) sink += c.f().data[0]!; // warm-up
for (let r = 0; r < rounds; r++) {
  for (const c of r % 2 ? cases.slice().reverse() : cases) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += c.f().data[0]!;
    const wall = ((performance.now() - t0) * 1000) / calls;
    const cpu1 = process.cpuUsage(cpu0);
    results.get(c.name)!.wall.push(wall);
    results.get(c.name)!.cpu.push((cpu1.user + cpu1.system) / calls);
  }
}
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1]!;
console.log(`${rounds} rounds × ${calls} calls, alternating; median µs per call (min–max)`);
for (const [name, { wall, cpu }] of results) {
  const f = (v: number[]) => `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`;
  console.log(`${name.padEnd(32)} wall ${f(wall)}  cpu ${f(cpu)}`);
}
if (!Number.isFinite(sink)) console.log('sink', sink);
