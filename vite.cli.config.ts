import { defineConfig } from 'vite';

// The sfbackup command (CLI, daemon, engine) as a bundle of three files: what `--help` needs (the entry),
// the browser UI's server, and everything else in one chunk. Node then loads two or three files instead
// of hundreds (zod alone is over a hundred), which was most of a command's start-up time; one chunk
// rather than dozens saves as much again.

/** The entry's own modules: what `sfbackup --help` loads, kept out of the big chunk. */
const entry = /main[\\/](cli[\\/](index|stuckGuard|args)|errors|waits|vocabulary|buteo[\\/]codes)\.ts$/;
/** The UI server and its command: loaded only by `sfbackup ui`. */
const ui = /main[\\/](web[\\/]|cli[\\/]uiCommand)/;
export default defineConfig({
  build: {
    ssr: 'main/cli/index.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      // Native modules, and dbus-next: the device's connection (device/deviceBus.ts) takes its parts
      // from node_modules at run time, and one copy of its classes must serve both.
      external: ['better-sqlite3', 'dbus-next', /^dbus-next\//],
      output: {
        format: 'es',
        entryFileNames: 'sfbackup.js',
        chunkFileNames: '[name]-[hash].js',
        codeSplitting: {
          groups: [
            { name: 'ui', test: (id: string) => ui.test(id), includeDependenciesRecursively: false },
            {
              name: 'sfbackup-engine',
              test: (id: string) => !entry.test(id) && !ui.test(id),
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  ssr: { noExternal: true },
});
