import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The playground imports 'numnet' exactly as a user's app would, resolved to the package's ESM
// build: run `npm run build` first (the playground test does it when dist/ is stale).
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
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
