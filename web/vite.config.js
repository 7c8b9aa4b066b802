// Bundles the web app into one folder of static files that `empathic serve` serves. The
// output folder comes from CMake (EMPATHIC_WEB_OUT, <build>/web); `npm run build` alone writes
// web/dist.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  publicDir: 'public',
  build: {
    outDir: process.env.EMPATHIC_WEB_OUT || 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
