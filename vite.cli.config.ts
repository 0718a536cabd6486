import { defineConfig } from 'vite';

// The sfbackup command (CLI, daemon, engine) as one bundle whose lazily loaded parts are chunks of it:
// Node then loads a handful of files instead of hundreds (zod alone is over a hundred), which was most of
// a command's start-up time. Only native modules stay outside.
export default defineConfig({
  build: {
    ssr: 'main/cli/index.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      // Optional natives of dbus-next it requires only when they are there (abstract sockets, X11 bus lookup).
      external: ['better-sqlite3', 'usocket', 'abstract-socket', 'x11'],
      output: { format: 'es', entryFileNames: 'sfbackup.js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true },
});
