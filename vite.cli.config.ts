import { defineConfig } from 'vite';

// The sfbackup command (CLI, daemon, engine) as one bundle whose lazily loaded parts are chunks of it:
// Node then loads a handful of files instead of hundreds (zod alone is over a hundred), which was most of
// a command's start-up time. The native SQLite module and the CommonJS D-Bus library stay outside.
export default defineConfig({
  build: {
    ssr: 'main/cli/index.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      external: ['better-sqlite3', 'dbus-next'],
      output: { format: 'es', entryFileNames: 'sfbackup.js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  ssr: { noExternal: ['zod', 'fast-xml-parser'] },
});
