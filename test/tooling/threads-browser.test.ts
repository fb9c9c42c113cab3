/**
 * setThreads in a browser: headless Chromium (as test/tooling/playground.test.ts finds it) opens a
 * page served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
 * require-corp (so it is cross-origin isolated and has SharedArrayBuffer). The page imports numnet
 * (bundled from src/ by esbuild for the browser), turns 2 threads on (Blob URL workers), waits until
 * a worker has computed a part, and compares products with 1 and 2 threads bit for bit, on the
 * main thread of the page (which spins, as it may not block). A page served without those headers
 * gets the NumnetError that names them. Both pages first train a small CNN: in the isolated one the
 * WebAssembly memory is shared and the layers' buffers resident, in the other they are plain arrays
 * copied through the stage — and the weights are the same bits. Skipped without a Chromium unless CI / NUMNET_REQUIRE_BROWSER.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/dist.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromiumPath = CANDIDATES.find((p): p is string => !!p && existsSync(p));
const required = !!process.env.NUMNET_REQUIRE_BROWSER || !!process.env.CI;

/** What the page runs: numnet's exports and the thread statistics. */
const ENTRY = `
export * from './src/index.ts';
export { threadStats } from './src/tensor/wasm/threads.ts';
export { inKernelMemory } from './src/tensor/kernels.ts';
`;

/**
 * The page's CNN (conv relu → max pool → conv relu → max pool → dense softmax), three SGD steps on
 * fixed data: its weights, and whether the first convolution's output lies in the WebAssembly memory
 * (resident: only where that memory can be shared).
 */
const CNN = `(L) => {
  const rand = (len, seed) => { const a = new Float64Array(len); let s = seed; for (let i = 0; i < len; i++) { s = (s * 1103515245 + 12345) % 2147483648; a[i] = s / 2147483648 - 0.5; } return a; };
  const m = new L.Sequential([
    new L.Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 2] }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Conv2D({ filters: 6, kernelSize: 2, activation: 'relu' }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Flatten(), new L.Dense({ units: 3, activation: 'softmax' })], { seed: 11 });
  m.compile({ optimizer: new L.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  const x = new L.Tensor(rand(6 * 200, 31), [6, 10, 10, 2]);
  const y = new L.Tensor(Float64Array.from({ length: 18 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [6, 3]);
  for (let s = 0; s < 3; s++) m.trainOnBatch(x, y);
  return { weights: m.getWeights().map((w) => Array.from(w.data)), resident: L.inKernelMemory(m.layers[0].forward(x, true).data) };
}`;

/** The page's test: products on 1 and 2 threads, same bits; a worker computed parts. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>threads</title>
<script type="module">
import * as L from './numnet.js';
import { setThreads, getThreads, gemm, threadStats } from './numnet.js';
const rand = (len, seed) => { const a = new Float64Array(len); let s = seed; for (let i = 0; i < len; i++) { s = (s * 1103515245 + 12345) % 2147483648; a[i] = s / 2147483648 - 0.5; } return a; };
const shapes = [[32, 100, 784, false, false], [784, 100, 32, true, false], [3, 999, 200, false, true], [130, 67, 91, false, false]];
const run = (ta, tb, m, n, k, seed) => { const C = rand(m * n, seed + 2); gemm(ta, tb, m, n, k, rand(m * k, seed), rand(k * n, seed + 1), C, seed % 2 === 0); return C; };
async function main() {
  const out = { isolated: globalThis.crossOriginIsolated === true };
  out.cnn = (${CNN})(L);
  try { setThreads(2); } catch (e) { out.error = { name: e.name, code: e.code, message: e.message }; return out; }
  out.threads = getThreads();
  const deadline = performance.now() + 20000;
  while (threadStats().workerParts === 0 && performance.now() < deadline) {
    run(false, false, 96, 96, 64, 1); // over THREAD_MIN_WORK
    await new Promise((r) => setTimeout(r, 20));
  }
  out.same = true;
  for (const [m, n, k, ta, tb] of shapes) {
    const two = run(ta, tb, m, n, k, m + n);
    setThreads(1);
    const one = run(ta, tb, m, n, k, m + n);
    setThreads(2);
    for (let i = 0; i < one.length; i++) if (!Object.is(one[i], two[i])) out.same = false;
  }
  out.stats = threadStats();
  setThreads(1);
  out.after = getThreads();
  return out;
}
window.result = main().catch((e) => ({ crashed: String(e && e.stack || e) }));
</script>`;

async function serve(bundle: string, isolate: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolate
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    if (req.url === '/numnet.js') res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

if (!chromiumPath) {
  if (required) it('threads in a browser: a Chromium is available (required in CI)', () => expect(chromiumPath).toBeDefined());
  else it.skip('threads in a browser (needs Chromium)', () => {});
} else {
  describe('setThreads in Chromium', () => {
    let context: BrowserContext | undefined;
    let userDataDir = '';
    let bundle = '';
    const servers: Server[] = [];

    beforeAll(async () => {
      const result = await build({
        stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
        bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent',
      });
      bundle = result.outputFiles[0]!.text;
      const { chromium } = await import('playwright-core');
      userDataDir = mkdtempSync(join(tmpdir(), 'numnet-chromium-threads-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: chromiumPath,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
        timeout: 30_000,
      });
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    async function open(isolate: boolean): Promise<Record<string, unknown>> {
      const { server, url } = await serve(bundle, isolate);
      servers.push(server);
      const page = await context!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url, { waitUntil: 'load' });
      const result = (await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result)) as Record<string, unknown>;
      await page.close();
      expect(errors).toEqual([]);
      return result;
    }

    it('a cross-origin isolated page runs products on 2 threads (Blob URL workers) with the same bits as on 1', async () => {
      const r = await open(true);
      expect(r.crashed).toBeUndefined();
      expect(r.isolated).toBe(true);
      expect(r.error).toBeUndefined();
      expect(r.threads).toBe(2);
      expect(r.same).toBe(true);
      expect((r.stats as { workerParts: number }).workerParts).toBeGreaterThan(0);
      expect(r.after).toBe(1);
      expect((r.cnn as { resident: boolean }).resident).toBe(true); // a shared memory: the layers' buffers are resident
    }, 60_000);

    it('a page that is not cross-origin isolated gets a NumnetError naming COOP/COEP', async () => {
      const r = await open(false);
      expect(r.isolated).toBe(false);
      expect(r.error).toMatchObject({ name: 'NumnetError', code: 'INVALID_ARGUMENT' });
      expect((r.error as { message: string }).message).toMatch(/setThreads\(2\).*cross-origin isolated.*COOP\/COEP/);
      // no SharedArrayBuffer: the WebAssembly memory is the module's own, the buffers are copied — the
      // same bits as with resident buffers in an isolated page of the same browser (Chromium's V8 and
      // Node's may round Math.exp differently, so Node's run is not the reference here)
      expect((r.cnn as { resident: boolean }).resident).toBe(false);
      const isolated = await open(true);
      expect((r.cnn as { weights: number[][] }).weights).toEqual((isolated.cnn as { weights: number[][] }).weights);
    }, 60_000);
  });
}
