import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The orchestrator serves dist/ at `/`; in `vite dev` the API is proxied to it.
export default defineConfig({
  root,
  plugins: [react()],
  resolve: {
    alias: {
      '@rowflow/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
      // Browser-safe: the page validates specs with the same zod schema as the servers.
      '@rowflow/schema': fileURLToPath(new URL('../../libs/schema/src/index.ts', import.meta.url)),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' },
  },
});
