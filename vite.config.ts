import { defineConfig } from 'vite';

// The Settings UI: built into dist/renderer, loaded by Electron from disk and by `sfbackup ui` over loopback.
export default defineConfig({
  root: 'renderer',
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the CSP allows our own files only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
