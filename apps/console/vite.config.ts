import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into apps/console/dist, which the gateway serves under `/` (CONSOLE_DIR), next to the `/v1` API it calls.
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  // `npx vite apps/console` for development: the API of a running stack behind the same origin.
  server: { proxy: { '/v1': process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000' } },
});
