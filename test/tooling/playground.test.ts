/**
 * The browser playground, end to end: Vite builds playground/ against the package's ESM build,
 * a static server on 127.0.0.1 serves it, and headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core; `npx playwright install` does not work here) trains the two-moons network
 * until the page shows a loss below 0.1, with no console error, while the page keeps drawing
 * frames. The test never writes into the repository: its screenshot goes to a temporary folder, and
 * `npm run screenshot` (NUMNET_WRITE_SCREENSHOT=1) runs it to refresh docs/images/playground.png.
 *
 * Without a Chromium the test fails when NUMNET_REQUIRE_BROWSER=1 or CI is set (as .ci/run does,
 * after installing one), and is skipped with a warning otherwise, so that a plain
 * `npm install && npm test` works on a machine without a browser.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureDist } from '../helpers/dist.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromiumPath = CANDIDATES.find((p): p is string => !!p && existsSync(p));
const required = !!process.env.NUMNET_REQUIRE_BROWSER || !!process.env.CI;

const LOSS_THRESHOLD = 0.1;
const SCREENSHOT = process.env.NUMNET_WRITE_SCREENSHOT
  ? join(ROOT, 'docs', 'images', 'playground.png')
  : join(tmpdir(), `numnet-playground-${process.pid}.png`);
const OUT = join(ROOT, 'playground', 'dist');

/** Chromium's flags on this kind of machine: no sandbox as root, no GPU, no background network. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** A static file server for the built playground, on a free port of 127.0.0.1. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

if (!chromiumPath) {
  const message =
    'No Chromium found (looked for $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). ' +
    'Install it with `apt-get install -y chromium` (Debian), or point CHROMIUM_PATH at one.';
  if (required) {
    it('playground: a Chromium is available (required in CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n[playground.test] SKIPPED: ${message}\n`);
    it.skip('playground (needs Chromium)', () => {});
  }
} else {
  describe('browser playground', () => {
    let server: Server | undefined;
    let url = '';
    let context: BrowserContext | undefined;
    let userDataDir = '';

    beforeAll(async () => {
      await ensureDist();
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'playground', 'vite.config.ts'), logLevel: 'error' });
      ({ server, url } = await serve(OUT));
      const { chromium } = await import('playwright-core');
      userDataDir = mkdtempSync(join(tmpdir(), 'numnet-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: chromiumPath,
        headless: true,
        args: ARGS,
        viewport: { width: 1180, height: 860 },
        deviceScaleFactor: 1,
        timeout: 30_000,
      });
    }, 180_000);

    afterAll(async () => {
      await context?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('trains two moons live until the shown loss is below 0.1, with no console error', async () => {
      const page: Page = await context!.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
      });

      await page.goto(url, { waitUntil: 'load' });
      await page.selectOption('#task', 'moons');
      await expect.poll(() => page.inputValue('#hidden')).toBe('16,16');
      expect(await page.textContent('#status')).toBe('idle');

      await page.click('#start');
      await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'training');

      // The page keeps drawing while it trains: the longest gap between animation frames over 1 s.
      const maxFrameGap = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            let last = performance.now();
            let worst = 0;
            const t0 = last;
            const step = (now: number): void => {
              worst = Math.max(worst, now - last);
              last = now;
              if (now - t0 < 1000) requestAnimationFrame(step);
              else resolve(worst);
            };
            requestAnimationFrame(step);
          }),
      );
      const epochMidway = Number(await page.textContent('#epoch'));

      await page.waitForFunction(
        (threshold) => {
          const v = document.querySelector('#loss')?.getAttribute('data-value');
          return !!v && Number(v) < threshold;
        },
        LOSS_THRESHOLD,
        { timeout: 45_000, polling: 100 },
      );
      const loss = Number(await page.getAttribute('#loss', 'data-value'));
      const acc = Number(await page.getAttribute('#accuracy', 'data-value'));
      const epoch = Number(await page.textContent('#epoch'));

      await page.click('#stop');
      await page.waitForFunction(() => ['stopped', 'done'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''));
      // Let a frame draw the last numbers, then keep the picture.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.close();

      expect(problems).toEqual([]);
      expect(loss).toBeLessThan(LOSS_THRESHOLD);
      expect(acc).toBeGreaterThanOrEqual(0.95);
      expect(epoch).toBeGreaterThan(epochMidway);
      expect(maxFrameGap).toBeLessThan(500);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      if (!process.env.NUMNET_WRITE_SCREENSHOT) rmSync(SCREENSHOT, { force: true });
    }, 90_000);

    it('XOR and the weather perceptron train too', async () => {
      const page: Page = await context!.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      await page.goto(url, { waitUntil: 'load' });

      await page.selectOption('#task', 'xor');
      await page.click('#start');
      await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 30_000 });
      expect(Number(await page.getAttribute('#accuracy', 'data-value'))).toBe(1);

      // The slides' perceptron converges on the weather data: the last epoch has no error.
      await page.selectOption('#task', 'weather');
      expect(await page.inputValue('#model')).toBe('perceptron');
      await page.click('#start');
      await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 30_000 });
      expect(Number(await page.getAttribute('#loss', 'data-value'))).toBe(0);
      expect(Number(await page.getAttribute('#accuracy', 'data-value'))).toBe(1);
      await page.close();
      expect(problems).toEqual([]);
    }, 60_000);
  });
}
