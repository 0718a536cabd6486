#!/usr/bin/env node
// npm start: the Electron app when its binary can be had, else the same UI in browser mode.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);

// Requiring "electron" resolves its binary, downloading it on first use; do that quietly in a child.
const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 120_000,
});
const binary = probe.status === 0 ? probe.stdout.trim() : '';

const run = (command, args) => {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
};

if (binary) {
  run(binary, ['.', ...extra]);
} else {
  const cause =
    (probe.stderr || probe.stdout || '')
      .split('\n')
      .find((l) => /error|ENOTFOUND|failed/i.test(l))
      ?.trim() || 'it could not be downloaded';
  console.log(`Electron is not available here (${cause.slice(0, 120)}); opening the same UI in browser mode.`);
  // Straight to the Backup page, as the app's own window opens: it can back up at once, with no account.
  const page = extra.includes('--page') ? [] : ['--page', 'backup'];
  run(process.execPath, [path.join(root, 'bin', 'sfbackup.js'), 'ui', ...page, ...extra]);
}
