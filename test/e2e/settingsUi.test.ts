// The whole user journey in Debian's Chromium against `sfbackup ui` with the real engine, a private
// bus and a real WebDAV server: add an account through the form, set backups_path in the advanced
// dialog, back up and watch the stages, find the backup in the restore list, restore it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

const screens = path.resolve('test-results', 'screens');

describe('the Settings UI in Chromium', () => {
  let server: WebDavServer;
  let ui: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  let unitDir: string;
  const consoleErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(screens, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    server = await startRclone({ user: 'alice', password: 'open sesame', bwlimit: '3M' });
    unitDir = path.join(tempDir(), 'Documents');
    makeUnitTree(unitDir, 6 * 1024 * 1024);
    const dataDir = tempDir();
    ui = spawn(process.execPath, ['bin/sfbackup.js', '--data-dir', dataDir, '--json', 'ui', '--no-open'], {
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('"url"'); i++) await new Promise((r) => setTimeout(r, 50));
    url = (JSON.parse(out) as { url: string }).url;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('favicon') && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    if (ui && ui.exitCode === null) {
      ui.kill('SIGTERM');
      await once(ui, 'exit');
    }
    await server?.stop();
  });

  it('adds an account, backs up with live stages, and restores the files byte for byte', async () => {
    await page.goto(url);
    await expect.poll(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true);
    await shot('settings-home');

    await page.getByRole('button', { name: 'Backup' }).click();
    await page.getByRole('button', { name: 'Add cloud account' }).click();
    await page.getByLabel('Service').selectOption('webdav');
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('open sesame');
    await page.getByRole('button', { name: 'Advanced settings' }).click();
    await page.getByLabel('Backups path').fill('/Phone backups/Sailfish');
    await shot('advanced-settings');
    await page.getByRole('button', { name: 'Accept' }).click();
    await shot('add-account');
    await page.getByRole('button', { name: 'Add account' }).click();

    await page.getByLabel('Add folder').fill(unitDir);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect
      .poll(() =>
        page
          .getByText(/will be backed up: Documents/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await expect.poll(() => page.getByText('No previous backups found').isVisible()).toBe(true);
    await shot('backup-page');

    const stages = new Set<string>();
    await page.getByRole('button', { name: 'Back up now' }).click();
    let shotWhileRunning = false;
    for (let i = 0; i < 600; i++) {
      const line =
        (await page
          .locator('.status-line')
          .textContent()
          .catch(() => null)) ?? '';
      if (line) stages.add(line.replace(/ [\d.]+ [kMG]?B.*$/, ''));
      if (!shotWhileRunning && /Uploading \d/.test(line)) {
        await shot('backup-running');
        shotWhileRunning = true;
      }
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect([...stages]).toContain('Finished');
    expect([...stages].some((s) => s.startsWith('Uploading'))).toBe(true);
    const onServer = readdirSync(path.join(server.root, 'Phone backups', 'Sailfish'));
    expect(onServer).toHaveLength(1);
    const [file] = readdirSync(path.join(server.root, 'Phone backups', 'Sailfish', onServer[0]!));
    expect(file).toMatch(/^sailfish_backup_.*Z\.tar$/);

    const backupRow = page
      .getByRole('list', { name: /^Backups on / })
      .getByRole('button', { name: new RegExp(file!.slice(0, 24)) });
    await expect.poll(() => backupRow.isVisible()).toBe(true);
    await shot('backup-finished');

    const original = readTree(unitDir);
    writeFileSync(path.join(unitDir, 'notes.txt'), 'overwritten after the backup\n');
    await backupRow.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Restore device' }).isVisible()).toBe(true);
    await shot('restore-confirm');
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(() => page.locator('.status-line').textContent(), { timeout: 30_000 }).toBe('Finished');
    await shot('restore-finished');
    expect(readTree(unitDir)).toEqual(original);

    await page.goto(`${url}#/profiles/webdav.Backup-1`);
    await page.reload();
    await expect.poll(() => page.getByRole('list', { name: 'Results log' }).textContent()).toContain('Success');
    await shot('profile-inspector');
    await page.evaluate("window.location.hash = '#/accounts'");
    await expect.poll(() => page.getByRole('list', { name: 'Accounts' }).isVisible()).toBe(true);
    await shot('accounts');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
