// The first run of a new user, with no account, in Debian's Chromium against `sfbackup ui`: the Backup
// page backs up at once to "This computer" (a folder in the home folder, made on first use), as a
// Sailfish device backs up to its memory card; the folder to back up is chosen in the page's folder
// browser; the backup is listed under Restore device with its storage's name; and restoring it on a
// computer that does not back up its folder asks where to put it and restores there, byte for byte.
// Every page state is checked for sideways scrolling and axe-core violations at both window sizes.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';
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

describe.each(viewports)('backing up without an account at $width×$height', (viewport) => {
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let closePage: () => Promise<void>;
  let home: string;
  let docs: string;

  beforeAll(async () => {
    home = tempDir('sfb-home-');
    docs = path.join(home, 'Documents');
    makeUnitTree(docs, 12 * 1024 * 1024);
    ui = await startUi(cliEnv({ HOME: home }));
    browser = await launchChromium();
    ({ page, consoleErrors, close: closePage } = await openPage(browser, viewport));
  });

  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await ui?.stop();
  });

  const heading = (name: string) => page.getByRole('heading', { name, level: 1, exact: true });
  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const dialog = () => page.getByRole('dialog');
  const statusLine = () =>
    page
      .locator('.status-line')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  /** In the folder browser: opens a folder inside the one shown, by its name. */
  const openFolder = async (name: string) => {
    await dialog().getByRole('button', { name, exact: true }).click();
    await expect.poll(() => dialog().locator('.current-folder').textContent()).toContain(`/${name}`);
  };

  it('backs up to this computer at once, lists it, and restores it into a folder the user chooses', async () => {
    await page.goto(ui.url);
    await button('Backup').click();
    await expectFocus(page, heading('Backup'), 'Backup opens');
    await expect
      .poll(() => pickerRow(page, 'Manually back up to').textContent())
      .toMatch(/^Manually back up to This computer [\d.]+ [kMGT]B$/);
    expect(await page.getByText('Back up now to a cloud account or memory card').isVisible()).toBe(true);
    expect(await page.getByText(`Backups go to ${home}/Sailfish OS backups, made on the first backup.`).count()).toBe(
      1,
    );
    expect(await button('Try with a demo server').isVisible()).toBe(true);
    await checkState(page, viewport, 'backup-first-run');

    // The folder to back up, from the folder browser (browser mode has no system dialog).
    await button('Choose a folder to back up…').click();
    await expectFocus(page, dialog().getByRole('button', { name: 'Home' }), 'the folder browser opens');
    await expect.poll(() => dialog().locator('.current-folder').textContent()).toBe(`Folder ${home}`);
    await checkState(page, viewport, 'folder-browser');
    await openFolder('Documents');
    await dialog().getByRole('button', { name: 'Choose' }).click();
    await expect.poll(() => button('Remove Documents').count()).toBe(1);
    expect(await dialog().count()).toBe(0);

    // Back up now: to "This computer", whose folder is made now and said so.
    // (A backup of a few MB to a local disk may end before focus could be seen on its cancel button.)
    await button('Back up now').click();
    let sawBytes = false;
    for (let i = 0; i < 2400; i++) {
      const line = (await statusLine()) ?? '';
      if (!sawBytes && /^Backing up: Documents · [\d.]+ [kMG]?B of [\d.]+ MB/.test(line)) {
        sawBytes = true;
        await checkState(page, viewport, 'memory-card-running');
      }
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect(await statusLine()).toBe('Finished');
    const folder = path.join(home, 'Sailfish OS backups');
    const [file, checksum] = readdirSync(folder).sort();
    expect(file).toMatch(/^sailfish_backup_.*Z\.tar$/);
    expect(checksum).toBe(`${file}.sha256`);
    expect(await page.getByText(`Made the folder ${folder} for your backups.`).isVisible()).toBe(true);
    const row = page.getByRole('list', { name: /^Backups on This computer/ }).getByRole('button');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.row-sub').textContent()).toMatch(/^This computer [\d.]+ [kMGT]B$/);
    await expectFocus(page, button('Back up now'), 'the backup ends');
    await checkState(page, viewport, 'memory-card-finished');

    // Another place to back up to: "Add folder…" at the end of the menu, a new folder made in the browser.
    const target = pickerRow(page, 'Manually back up to');
    await target.click();
    await page.getByRole('option', { name: 'Add folder…' }).click();
    await expect.poll(() => dialog().count()).toBe(1);
    await dialog().getByLabel('New folder').fill('USB stick');
    await dialog().getByLabel('New folder').press('Enter');
    await expect.poll(() => dialog().locator('.current-folder').textContent()).toBe(`Folder ${home}/USB stick`);
    await dialog().getByRole('button', { name: 'Choose' }).click();
    await expect.poll(() => target.textContent()).toMatch(/^Manually back up to USB stick [\d.]+ [kMGT]B$/);
    await checkState(page, viewport, 'manual-backup-folder-added');

    // On a computer that does not back up Documents, the restore asks where to put it.
    const original = readTree(docs);
    await button('Remove Documents').click();
    await expect.poll(() => button('Remove Documents').count()).toBe(0);
    await row.click();
    await expectFocus(page, heading('Restore device'), 'the restore page opens');
    await expect
      .poll(() => page.locator('.hint').allTextContents())
      .toContain(
        'This backup holds folders this computer does not back up (Documents). Choose a folder to restore them into.',
      );
    expect(await page.locator('.backup-row .row-sub').textContent()).toMatch(/^This computer /);
    await checkState(page, viewport, 'restore-choose-folder');
    await button('Choose folder…').click();
    await expect.poll(() => dialog().count()).toBe(1);
    await dialog().getByLabel('New folder').fill('Restored');
    await dialog().getByRole('button', { name: 'Make' }).click();
    await expect.poll(() => dialog().locator('.current-folder').textContent()).toBe(`Folder ${home}/Restored`);
    await dialog().getByRole('button', { name: 'Choose' }).click();
    await expect.poll(() => page.locator('.restore-into').textContent()).toBe(`Restore into ${home}/Restored`);
    await expectFocus(page, button('Restore'), 'the folder is chosen');
    await checkState(page, viewport, 'restore-into-folder');
    await button('Restore').click();
    await expect.poll(() => statusLine(), { timeout: 60_000 }).toBe('Finished');
    expect(await page.getByText(`Your files are back, in ${home}/Restored.`).isVisible()).toBe(true);
    expect(readTree(path.join(home, 'Restored', 'Documents'))).toEqual(original);
    await checkState(page, viewport, 'restore-into-folder-finished');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);

    // "Try with a demo server": the demo starts beside this UI and the page goes there; it ends cleanly.
    await button('Done').click();
    await expectFocus(page, heading('Backup'), 'back on the Backup page');
    const origin = new URL(page.url()).origin;
    await button('Try with a demo server').click();
    await expect.poll(() => new URL(page.url()).origin, { timeout: 60_000 }).not.toBe(origin);
    await button('Backup').click();
    await expect.poll(() => page.locator('.demo-banner').textContent()).toMatch(/^Demo: a WebDAV server/);
    expect(await pickerRow(page, 'Manually back up to').textContent()).toBe('Manually back up to Demo server');
    await button('End demo').click();
    await expect
      .poll(() => page.locator('.demo-banner').textContent())
      .toBe('The demo has ended and everything it made is removed. You can close this window.');
  }, 180_000);
});
