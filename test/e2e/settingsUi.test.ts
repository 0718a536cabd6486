// The main journey in Debian's Chromium against `sfbackup ui` with the real engine, a private bus and a
// real WebDAV server, with the keyboard alone, at a phone's and a laptop's window size: add an account
// (signing in), choose a folder and a schedule, back up and watch the stages, restore byte for byte.
// After each step: where the focus is; on each page state: no sideways scrolling and no axe violations.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';
import {
  checkState,
  expectChecksToCatchFaults,
  expectFocus,
  launchChromium,
  openPage,
  pickerRow,
  startUi,
  tabTo,
  viewports,
  type UiProcess,
} from './browser.js';

describe.each(viewports)('the Settings UI at $width×$height, keyboard only', (viewport) => {
  let server: WebDavServer;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let closePage: () => Promise<void>;
  let unitDir: string;

  beforeAll(async () => {
    server = await startRclone({ user: 'alice', password: 'open sesame', bwlimit: '3M' });
    unitDir = path.join(tempDir(), 'Documents');
    makeUnitTree(unitDir, 6 * 1024 * 1024);
    ui = await startUi();
    browser = await launchChromium();
    ({ page, consoleErrors, close: closePage } = await openPage(browser, viewport));
  });

  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await ui?.stop();
    await server?.stop();
  });

  const heading = (name: string) => page.getByRole('heading', { name, level: 1, exact: true });
  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const statusLine = () =>
    page
      .locator('.status-line')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  it('adds an account, backs up with live stages, and restores the files byte for byte', async () => {
    await page.goto(ui.url);
    await expectFocus(page, heading('Settings'), 'Settings opens');
    expect(await page.title()).toBe('Settings');
    await expectChecksToCatchFaults(page);
    await checkState(page, viewport, 'settings-home');

    // Settings → Backup: no account yet.
    await tabTo(page, button('Backup'));
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Backup'), 'Backup opens');
    expect(await page.title()).toBe('Backup · Settings');
    await checkState(page, viewport, 'backup-empty');

    // Add a WebDAV account: pick the service from its menu, type the fields, set the backups path.
    await tabTo(page, button('Add cloud account'));
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Add Nextcloud account'), 'the account form opens');
    const service = pickerRow(page, 'Service');
    await tabTo(page, service);
    await page.keyboard.press('ArrowDown');
    await expectFocus(page, page.getByRole('option', { name: 'Nextcloud' }), 'the service menu opens');
    await checkState(page, viewport, 'add-account-service-menu');
    await page.keyboard.press('w');
    await page.keyboard.press('Enter');
    await expectFocus(page, service, 'WebDAV chosen');
    expect(await service.textContent()).toBe('Service WebDAV');
    await page.keyboard.press('Tab');
    await expectFocus(page, page.getByLabel('Server address'), 'Tab to the server');
    await page.keyboard.type(server.url);
    await page.keyboard.press('Tab');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await expectFocus(page, page.getByLabel('Password'), 'Tab to the password');
    await page.keyboard.type('open sesame');
    await tabTo(page, button('Advanced settings'));
    await page.keyboard.press('Enter');
    const backupsPath = page.getByLabel('Backups path');
    await expectFocus(page, page.getByLabel('WebDAV path'), 'the dialog opens on its first field');
    await expect.poll(() => backupsPath.inputValue()).toBe('/Sailfish OS/Backups');
    await checkState(page, viewport, 'advanced-settings');
    await page.keyboard.press('Tab');
    await expectFocus(page, backupsPath, 'Tab to the backups path');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('/Phone backups/Sailfish');
    await page.keyboard.press('Enter');
    await expectFocus(page, button('Advanced settings'), 'Enter accepts the dialog and focus returns');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await checkState(page, viewport, 'add-account');
    await tabTo(page, button('Add account'));
    await page.keyboard.press('Enter');
    // Signed in and saved: on to the Backup page.
    await expectFocus(page, heading('Backup'), 'the account is saved after signing in');

    // Choose a folder.
    const addFolder = page.getByLabel('Add folder');
    await tabTo(page, addFolder);
    await page.keyboard.type(unitDir);
    await page.keyboard.press('Enter');
    await expect.poll(() => button('Remove Documents').count()).toBe(1);
    await expectFocus(page, addFolder, 'focus stays in the folder field after adding');
    await expect.poll(() => page.getByText('No previous backups found').isVisible()).toBe(true);
    await checkState(page, viewport, 'backup-page');

    // Automatic backups to the account, at 03:40.
    const auto = pickerRow(page, 'Automatically back up to');
    await tabTo(page, auto, { back: true });
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expectFocus(page, auto, 'the account chosen for automatic backups');
    await expect.poll(() => auto.textContent()).toMatch(/^Automatically back up to alice@127\.0\.0\.1:\d+$/);
    const time = pickerRow(page, 'Time');
    await tabTo(page, time);
    await page.keyboard.press('Enter');
    await expectFocus(page, page.getByRole('spinbutton', { name: 'Hour' }), 'the time picker opens on the hour');
    await checkState(page, viewport, 'time-picker');
    await page.keyboard.type('03');
    await page.keyboard.press('Tab');
    await page.keyboard.type('40');
    await page.keyboard.press('Enter');
    await expectFocus(page, time, 'the time is set and focus returns');
    await expect.poll(() => time.textContent()).toBe('Time 03:40');
    await checkState(page, viewport, 'backup-automatic');

    // Back up now: focus moves to the cancel button; the stages show; at the end focus comes back.
    await tabTo(page, button('Back up now'));
    await page.keyboard.press('Enter');
    await expectFocus(page, button('Cancel backup'), 'the backup starts');
    const stages = new Set<string>();
    let checkedWhileRunning = false;
    for (let i = 0; i < 1200; i++) {
      const line = await statusLine();
      if (line) stages.add(line.replace(/ [\d.]+ [kMG]?B.*$/, ''));
      if (!checkedWhileRunning && /Uploading \d/.test(line ?? '')) {
        await checkState(page, viewport, 'backup-running');
        checkedWhileRunning = true;
      }
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect([...stages]).toContain('Finished');
    expect([...stages].some((s) => s.startsWith('Uploading'))).toBe(true);
    expect([...stages][0]).not.toBe('Finished');
    await expectFocus(page, button('Back up now'), 'the backup ends');
    const folder = path.join(server.root, 'Phone backups', 'Sailfish');
    const [device] = readdirSync(folder);
    const [file] = readdirSync(path.join(folder, device!)).filter((n) => n !== '.checksums');
    expect(file).toMatch(/^sailfish_backup_.*Z\.tar$/);
    const backupRow = page
      .getByRole('list', { name: /^Backups on / })
      .getByRole('button', { name: new RegExp(file!.slice(0, 24)) });
    await expect.poll(() => backupRow.count()).toBe(1);
    await checkState(page, viewport, 'backup-finished');

    // Restore it: the confirm page, Restore, focus on cancel, then Done.
    const original = readTree(unitDir);
    writeFileSync(path.join(unitDir, 'notes.txt'), 'overwritten after the backup\n');
    await tabTo(page, backupRow);
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Restore device'), 'the restore page opens');
    await checkState(page, viewport, 'restore-confirm');
    await tabTo(page, button('Restore'));
    await page.keyboard.press('Enter');
    await expectFocus(page, button('Cancel restore'), 'the restore starts');
    await expect.poll(() => statusLine(), { timeout: 30_000 }).toBe('Finished');
    await expectFocus(page, button('Done'), 'the restore ends');
    expect(readTree(unitDir)).toEqual(original);
    await checkState(page, viewport, 'restore-finished');
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Backup'), 'Done goes back to Backup');

    // Accounts: the account signed in fine; removing asks first, with focus on Keep.
    await tabTo(page, button('Back'), { back: true });
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Settings'), 'Back to Settings');
    await tabTo(page, button('Accounts'));
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Accounts'), 'Accounts opens');
    expect(await page.title()).toBe('Accounts · Settings');
    expect(await page.getByRole('alert').count()).toBe(0);
    await checkState(page, viewport, 'accounts');
    const remove = button(/^Remove alice@/);
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    await expectFocus(page, button('Keep'), 'the removal asks first');
    await checkState(page, viewport, 'accounts-remove-confirm');
    await page.keyboard.press('Enter');
    await expectFocus(page, remove, 'Keep goes back to Remove');

    // Sync profiles (for developers): the list, then one profile with its log and XML.
    await tabTo(page, button('Back'), { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, button('Sync profiles'));
    await page.keyboard.press('Enter');
    await expectFocus(page, heading('Sync profiles'), 'Sync profiles opens');
    await checkState(page, viewport, 'profiles');
    await tabTo(page, button('webdav.Backup-1'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('list', { name: 'Results log' }).textContent()).toContain('Success');
    await tabTo(page, page.getByRole('region', { name: 'Profile XML' }));
    await checkState(page, viewport, 'profile-inspector');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
