// A USB stick in the page, from a UDisks2 stand-in on a private system bus (python-dbusmock with our
// udisks2 template), mounted on a real folder: it is offered as "<label> <free space>" to back up to, as
// Sailfish offers "Memory card 112.8 GB"; a backup goes onto it and is listed with the drive's name; when
// the stick is unmounted it leaves the page at once, with no reload.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DBusClient } from '../../main/dbus/DBusClient.js';
import { startBus, startDbusMock, type DbusMock, type TestBus } from '../helpers/buses.js';
import { cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { makeUnitTree } from '../helpers/tree.js';
import { checkState, launchChromium, openPage, pickerRow, startUi, viewports, type UiProcess } from './browser.js';

const UDISKS = 'org.freedesktop.UDisks2';

describe.each(viewports)('a removable drive in the page at $width×$height', (viewport) => {
  let bus: TestBus;
  let mock: DbusMock;
  let client: DBusClient;
  let stick: string;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let closePage: () => Promise<void>;
  let home: string;

  const udisks = (member: string, signature: string, body: unknown[]) =>
    client.call(UDISKS, '/org/freedesktop/UDisks2', 'org.freedesktop.DBus.Mock', member, signature, body);

  beforeAll(async () => {
    bus = await startBus('system');
    mock = await startDbusMock('udisks2', bus, UDISKS);
    client = await bus.client();
    stick = tempDir('sfb-stick-');
    await udisks('AddRemovableDrive', 'sstsb', ['sdb', 'SFB STICK', 16_000_000_000n, stick, true]);
    home = tempDir('sfb-home-');
    makeUnitTree(path.join(home, 'Documents'), 256 * 1024);
    ui = await startUi(cliEnv({ HOME: home, DBUS_SYSTEM_BUS_ADDRESS: bus.address }));
    browser = await launchChromium();
    ({ page, consoleErrors, close: closePage } = await openPage(browser, viewport));
  });

  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await ui?.stop();
    await mock?.stop();
    await bus?.stop();
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const statusLine = () =>
    page
      .locator('.status-line')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  it('backs up to the stick, lists the backup by the stick’s name, and drops the stick when it is unmounted', async () => {
    await page.goto(`${ui.url}#/backup`);
    const target = pickerRow(page, 'Manually back up to');
    await expect.poll(() => target.textContent()).toMatch(/^Manually back up to SFB STICK [\d.]+ GB$/);
    await target.click();
    const options = await page.getByRole('option').allTextContents();
    expect(options[0]).toMatch(/^SFB STICK [\d.]+ GB$/);
    expect(options.slice(1)).toEqual([expect.stringMatching(/^This computer /), 'Add folder…']);
    await page.keyboard.press('Escape');
    expect(await page.getByText(`Backups go to ${stick}.`).count()).toBe(1);

    await page.getByLabel('Add folder').fill('~/Documents');
    await page.getByLabel('Add folder').press('Enter');
    await expect.poll(() => button('Remove Documents').count()).toBe(1);
    await checkState(page, viewport, 'backup-drive');

    await button('Back up now').click();
    await expect.poll(() => statusLine(), { timeout: 60_000 }).toBe('Finished');
    const [file, checksum] = readdirSync(stick).sort();
    expect(file).toMatch(/^sailfish_backup_.*Z\.tar$/);
    expect(checksum).toBe(`${file}.sha256`);
    const row = page.getByRole('list', { name: /^Backups on SFB STICK/ }).getByRole('button');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.row-sub').textContent()).toMatch(/^SFB STICK [\d.]+ GB$/);
    await checkState(page, viewport, 'backup-drive-finished');

    // Unmounted (as the desktop does when the stick is ejected): gone from the page, live.
    await udisks('SetMountPoint', 'ss', ['sdb', '']);
    await expect.poll(() => target.textContent()).toMatch(/^Manually back up to This computer /);
    await expect.poll(() => page.getByRole('list', { name: /^Backups on SFB STICK/ }).count()).toBe(0);
    await checkState(page, viewport, 'backup-drive-unmounted');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
