/**
 * The door's finiteness check (checkFiniteRows, issue 13 item 4b) on MNIST-sized data: 60,000 × 784
 * float64 values, all finite (the common case: the whole array is read). Alternates the current
 * check with a second copy's (`--base <dir>`, e.g. `git archive <commit> src | tar -x -C <dir>`),
 * and reports the median ms per check, wall and CPU (process.cpuUsage).
 *
 *   node --import tsx bench/finite-check.ts [--base /tmp/base] [--rounds 15]
 */
import { Tensor } from '../src/index.js';
import { checkFiniteRows } from '../src/training/data.js';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 15;
type Check = typeof checkFiniteRows;
const checks: [string, Check][] = [['current', checkFiniteRows]];
if (args.includes('--base')) {
  const base = (await import(`${args[args.indexOf('--base') + 1]}/src/training/data.ts`)) as { checkFiniteRows: Check };
  checks.unshift(['base', base.checkFiniteRows]);
}
const data = new Float64Array(60000 * 784);
for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 256) / 255;
const t = new Tensor(data, [60000, 784]);
const times = new Map(checks.map(([name]) => [name, { wall: [] as number[], cpu: [] as number[] }]));
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, check] of r % 2 ? checks.slice().reverse() : checks) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    check(t, 'x');
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r >= 2) {
      times.get(name)!.wall.push(wall);
      times.get(name)!.cpu.push((c.user + c.system) / 1000);
    }
  }
}
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1]!;
console.log(`checkFiniteRows on 60,000 × 784, ${rounds} rounds alternating; median ms per check`);
for (const [name, { wall, cpu }] of times) console.log(`${name.padEnd(8)} wall ${median(wall).toFixed(1)}  cpu ${median(cpu).toFixed(1)}`);
