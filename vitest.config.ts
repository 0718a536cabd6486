import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    globalSetup: ['./test/tempDirs.ts'],
    reporters: ['default', './test/summaryReporter.ts'],
    // Integration tests start real dbus-daemon, WebDAV, Apache and Chromium processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
