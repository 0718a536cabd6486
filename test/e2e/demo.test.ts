// `sfbackup demo --no-open` in Debian's Chromium: the whole cloud flow with no server of one's own —
// the demo account is there, automatic backups can be set, Back up now uploads with progress, the backup
// is listed and restored byte for byte, and "End demo" ends the command and removes what it made.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { readTree } from '../helpers/tree.js';
import {
  checkState,
  expectFocus,
  launchChromium,
  openPage,
  pickerRow,
  startUi,
  viewports,
  type UiProcess,
} from './browser.js';

/** The demo's own folders: made by the demo process, named after it. */
function demoDirs(): Set<string> {
  const prefix = `sfbackup-demo-${process.getuid?.() ?? 0}-`;
  return new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix)));
}

describe.each(viewports)('the demo at $width×$height', (viewport) => {
  let demo: UiProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let closePage: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const before = demoDirs();
    demo = await startUi(cliEnv(), ['demo', '--no-open']);
    const made = [...demoDirs()].filter((n) => !before.has(n));
    expect(made).toHaveLength(1);
    dir = path.join(os.tmpdir(), made[0]!);
    browser = await launchChromium();
    ({ page, consoleErrors, close: closePage } = await openPage(browser, viewport));
  });

  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await demo?.stop();
  });

  const heading = (name: string) => page.getByRole('heading', { name, level: 1, exact: true });
  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const statusLine = () =>
    page
      .locator('.status-line')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  it('backs up to the demo server with progress, lists the backup, restores it, and ends cleanly', async () => {
    await page.goto(demo.url);
    await button('Backup').click();
    await expectFocus(page, heading('Backup'), 'Backup opens');
    await expect
      .poll(() => page.locator('.demo-banner').textContent())
      .toMatch(/^Demo: a WebDAV server on this computer/);
    expect(await button('Try with a demo server').count()).toBe(0);

    // Automatic backups to the demo account.
    const auto = pickerRow(page, 'Automatically back up to');
    await auto.click();
    await page.getByRole('option', { name: 'Demo server' }).click();
    await expect.poll(() => auto.textContent()).toBe('Automatically back up to Demo server');
    await expect.poll(() => pickerRow(page, 'Back up').count()).toBe(1);
    await checkState(page, viewport, 'demo-backup-page');

    // Back up now, to the demo account (the first storage in the menu).
    expect(await pickerRow(page, 'Manually back up to').textContent()).toBe('Manually back up to Demo server');
    const samples = readTree(path.join(dir, 'home', 'Documents'));
    await button('Back up now').click();
    const stages = new Set<string>();
    let checkedRunning = false;
    for (let i = 0; i < 2400; i++) {
      const line = (await statusLine()) ?? '';
      if (line) stages.add(line.replace(/ [\d.]+ [kMG]?B.*$/, ''));
      if (!checkedRunning && /^Uploading [\d.]+ [kMG]?B of [\d.]+ MB/.test(line)) {
        checkedRunning = true;
        await checkState(page, viewport, 'demo-backup-running');
      }
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect([...stages]).toContain('Finished');
    expect([...stages].some((s) => s.startsWith('Uploading'))).toBe(true);
    const row = page.getByRole('list', { name: 'Backups on Demo server' }).getByRole('button');
    // The listing runs BackupQuery against the demo server: seconds on a loaded machine, not one.
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.locator('.row-sub').textContent()).toBe('Demo server');

    // Restore it: the sample folders come back as they were (a file changed and one deleted since).
    const documents = path.join(dir, 'home', 'Documents');
    writeFileSync(path.join(documents, 'Welcome.txt'), 'changed after the backup\n');
    rmSync(path.join(documents, 'Recipes', 'Karjalanpiirakka.txt'));
    expect(readTree(documents)).not.toEqual(samples);
    await row.click();
    await expectFocus(page, heading('Restore device'), 'the restore page opens');
    await button('Restore').click();
    await expect.poll(() => statusLine(), { timeout: 60_000 }).toBe('Finished');
    expect(readTree(documents)).toEqual(samples);
    await checkState(page, viewport, 'demo-restore-finished');

    // This computer no longer backs up Pictures: the restore downloads the backup, finds no place for
    // Pictures, says so without naming a CLI flag, and asks for a folder; the backup goes there.
    const pictures = readTree(path.join(dir, 'home', 'Pictures'));
    await button('Done').click();
    await expectFocus(page, heading('Backup'), 'back on the Backup page');
    await button('Remove Pictures').click();
    await expect.poll(() => button('Remove Pictures').count()).toBe(0);
    await row.click();
    await expectFocus(page, heading('Restore device'), 'the restore page opens');
    await button('Restore').click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 })
      .toContain('The backup holds folders this computer does not back up (Pictures).');
    expect(await page.getByRole('alert').textContent()).toContain('Choose a folder to restore into.');
    expect(await page.locator('main').textContent()).not.toContain('--to');
    await expectFocus(page, button('Choose folder…'), 'the restore asks for a folder');
    await checkState(page, viewport, 'demo-restore-needs-folder');
    await button('Choose folder…').click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.count()).toBe(1);
    await dialog.getByLabel('New folder').fill('Restored');
    await dialog.getByRole('button', { name: 'Make' }).click();
    await expect.poll(() => dialog.locator('.current-folder').textContent()).toMatch(/\/home\/Restored$/);
    await dialog.getByRole('button', { name: 'Choose' }).click();
    await button('Try again').click();
    await expect.poll(() => statusLine(), { timeout: 60_000 }).toBe('Finished');
    const restored = path.join(dir, 'home', 'Restored');
    expect(readTree(path.join(restored, 'Pictures'))).toEqual(pictures);
    expect(readTree(path.join(restored, 'Documents'))).toEqual(samples);
    expect(await page.getByText(`Your files are back, in ${restored}.`).isVisible()).toBe(true);

    // End demo: the command ends by itself and its folder is gone.
    await button('Done').click();
    await expectFocus(page, heading('Backup'), 'back on the Backup page');
    await button('End demo').click();
    await expect
      .poll(() => page.locator('.demo-banner').textContent())
      .toBe('The demo has ended and everything it made is removed. You can close this window.');
    expect(await demo.exited).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(consoleErrors.filter((e) => !/Failed to load resource|api\/events/.test(e))).toEqual([]);
  });
});
