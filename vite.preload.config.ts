import { defineConfig } from 'vite';

// Electron's sandboxed preload must be a single CommonJS file that only requires "electron".
export default defineConfig({
  build: {
    lib: { entry: 'electron/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    outDir: 'dist/electron',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['electron'] },
  },
});
