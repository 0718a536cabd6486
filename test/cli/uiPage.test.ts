// `sfbackup ui --page backup`: what a failed-backup notification runs when the user clicks it; and
// `npm start` without Electron's binary, which opens the same UI on the Backup page (the first-run page).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

describe('sfbackup ui --page', () => {
  it('opens the UI on the Backup page, and refuses pages it does not have', async () => {
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      [path.resolve('bin/sfbackup.js'), '--data-dir', dataDir, 'ui', '--no-open', '--page', 'backup'],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    const exited = once(child, 'exit');
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGINT');
    });
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    expect(out).toMatch(/^Settings UI: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+#\/backup\n$/);

    const bad = await runCli(['--data-dir', dataDir, 'ui', '--no-open', '--page', 'settings'], { env: cliEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--page takes one of backup, accounts, profiles');
  });
});

/** Electron's binary cannot run here; where it can be had, `npm start` opens it instead of browser mode. */
const electronAvailable =
  spawnSync(process.execPath, ['-e', 'require("electron")'], { stdio: 'ignore', timeout: 120_000 }).status === 0;

describe.skipIf(electronAvailable)('npm start without Electron', () => {
  it('opens the UI in browser mode, on the Backup page, on a fresh data dir', async () => {
    const dataDir = path.join(tempDir(), 'fresh');
    const child = spawn(process.execPath, [path.resolve('scripts/start.mjs'), '--no-open'], {
      env: cliEnv({ SFBACKUP_DATA_DIR: dataDir, HOME: tempDir('sfb-home-') }),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    const exited = once(child, 'exit');
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Settings UI:') && out.endsWith('\n')) child.kill('SIGINT');
    });
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    expect(out).toMatch(/^Electron is not available here \(.+\); opening the same UI in browser mode\.\n/);
    expect(out).toMatch(/\nSettings UI: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+#\/backup\n$/);
  });
});
