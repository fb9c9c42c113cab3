import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';

// The playground imports 'numnet' exactly as a user's app would, resolved to the package's ESM
// build: run `npm run build` first (the playground test does it when dist/ is stale).
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * Says where the playground is: the dev server's address once it listens, and the absolute output
 * folder once a build has written it. The log level stays 'warn' to keep Vite's own output quiet,
 * which also hides the address Vite prints; these lines show at 'warn' and 'info', not at 'error'
 * or 'silent' (the playground test builds with logLevel 'error').
 */
function announce(): Plugin {
  let config: ResolvedConfig;
  const shown = () => config.logLevel === 'warn' || config.logLevel === 'info';
  return {
    name: 'numnet-playground-announce',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address() as AddressInfo | null;
        if (!address || typeof address !== 'object' || !shown()) return;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const protocol = config.server.https ? 'https' : 'http';
        console.log(`\n  numnet playground: ${protocol}://${host}:${address.port}${config.base}  (Ctrl+C stops it)\n`);
      });
    },
    writeBundle() {
      if (shown()) console.log(`numnet playground built into ${resolve(config.root, config.build.outDir)}`);
    },
  };
}

export default defineConfig({
  plugins: [announce()],
  root: here('.'),
  base: './',
  resolve: {
    alias: [{ find: /^numnet$/, replacement: here('../dist/index.js') }],
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  logLevel: 'warn',
});
