// The Settings UI managing a Sailfish device over SSH, in Debian's Chromium: connect through "Connect to
// a device…", change the device's automatic backup (read back from the device's own bus, as the device
// user), and Back up now with the device's live progress. The device is another user on this machine
// behind a private sshd (test/helpers/testDevice.ts); everything the UI does to it goes through SSH.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { deviceTestBlocker, startTestDevice, type TestDevice } from '../helpers/testDevice.js';
import { makeUnitTree } from '../helpers/tree.js';
import { checkState, launchChromium, openPage, pickerRow, startUi, viewports, type UiProcess } from './browser.js';

if (deviceTestBlocker) console.warn(`Skipping test/e2e/deviceUi.test.ts: ${deviceTestBlocker}`);

const [phone, laptop] = viewports as [(typeof viewports)[0], (typeof viewports)[0]];

describe.skipIf(deviceTestBlocker !== undefined)('the Settings UI on a device over SSH', () => {
  let device: TestDevice;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let closePage: () => Promise<void>;
  let uiHome: string;

  beforeAll(async () => {
    device = await startTestDevice({ bwlimit: '2M' });
    makeUnitTree(device.unit, 8 * 1024 * 1024);
    execFileSync('chown', ['-R', `${device.uid}:${device.uid}`, device.unit]);
    const added = await device.own(
      ['account', 'add', '--provider', 'webdav', '--server', device.webdav.url, '--user', 'phone', '--password-stdin'],
      'phone-secret\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await device.own(['units', 'add', device.unit])).code).toBe(0);
    expect((await device.own(['profiles', 'create', '1'])).code).toBe(0);
    // This computer's home of its own: its default backup folder is where a copy from the device goes.
    uiHome = tempDir('sfb-ui-home-');
    ui = await startUi(cliEnv({ SFBACKUP_SSH: device.sshCommand, HOME: uiHome }));
    browser = await launchChromium();
    ({ page, consoleErrors, close: closePage } = await openPage(browser, phone));
  }, 120_000);

  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await ui?.stop();
    await device?.stop();
  });

  const heading = (name: string) => page.getByRole('heading', { name, level: 1, exact: true });
  const connection = () => page.getByRole('complementary', { name: 'Connection' });
  /** The device's Backup profile, read as the device user over the device's own bus. */
  const deviceProfile = () =>
    device.run('gdbus', [
      'call',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--method',
      'com.meego.msyncd.syncProfile',
      'webdav.Backup-1',
    ]);
  const choose = async (label: string, option: string | RegExp) => {
    await pickerRow(page, label).click();
    await page.getByRole('option', { name: option }).click();
  };

  it('connects, sets the device’s schedule, and backs it up now with live progress', async () => {
    await page.goto(ui.url);
    await expect.poll(() => heading('Settings').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Connect to a device…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect to a device' });
    expect(await dialog.getByLabel('Host').inputValue()).toBe('192.168.2.15');
    expect(await dialog.getByLabel('User').inputValue()).toBe('defaultuser');
    await checkState(page, phone, 'device-connect');
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('User').fill(device.user);
    await dialog.getByLabel('Port').fill(String(device.port));
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => connection().textContent(), { timeout: 30_000 }).toContain('Connected');
    expect(await connection().textContent()).toContain(`Device ${device.address}`);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await checkState(page, phone, 'device-home');
    await page.setViewportSize(laptop);
    await checkState(page, laptop, 'device-home');
    await page.setViewportSize(phone);

    // Settings → Backup shows the device's account and what the device backs up.
    await page.getByRole('button', { name: 'Backup', exact: true }).click();
    await expect.poll(() => heading('Backup').isVisible()).toBe(true);
    const account = `phone@127.0.0.1:${device.webdav.port}`;
    await expect
      .poll(() => pickerRow(page, 'Manually back up to').textContent())
      .toBe(`Manually back up to ${account}`);
    expect(await page.getByText(/The device backs up: Documents\./).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Add cloud account' }).count()).toBe(0);

    // The schedule, as the device's own page sets it: account, weekly on Wednesday, any connection.
    await choose('Automatically back up to', account);
    await choose('Back up', 'Weekly');
    await choose('Day', 'Wednesday');
    await choose('Connection', 'WLAN or mobile data');
    await expect
      .poll(deviceProfile, { timeout: 15_000 })
      .toMatch(/internet_connection_types\\?" value=\\?"2,3,11,12,4,5,4,6,8,9,10/);
    const xml = deviceProfile();
    expect(xml).toMatch(/<schedule[^>]*enabled=\\?"true\\?"/);
    expect(xml).toMatch(/days=\\?"3\\?"/);
    expect(xml).toMatch(/time=\\?"02:00:00\\?"/);
    await checkState(page, phone, 'device-backup-automatic');

    // Back up now: the device's vault's stages and bytes, live.
    await page.getByRole('button', { name: 'Back up now' }).click();
    const stages = new Set<string>();
    let bytesSeen = false;
    for (let i = 0; i < 2400; i++) {
      const line = await page
        .locator('.status-line')
        .textContent({ timeout: 1000 })
        .catch(() => '');
      if (line) stages.add(line.replace(/ [\d.]+ [kMG]?B.*$/, ''));
      if (!bytesSeen && /Uploading [\d.]+ [kMG]?B of/.test(line ?? '')) {
        bytesSeen = true;
        await checkState(page, phone, 'device-backup-running');
      }
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect(bytesSeen).toBe(true);
    expect([...stages]).toContain('Finished');
    expect([...stages][0]).not.toBe('Finished');
    expect(await connection().textContent()).toContain('Connected');
    // The backup is where the device's account keeps it.
    const uploaded = readdirSync(device.webdav.root, { recursive: true }).map(String);
    expect(uploaded.some((f) => /sailfish_backup_.*Z\.tar$/.test(path.basename(f)))).toBe(true);
    await checkState(page, phone, 'device-backup-finished');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });

  it('says within 5 s that the connection broke mid-backup, and shows how the device ended it once reconnected', async () => {
    const statusLine = () =>
      page
        .locator('.status-line')
        .textContent({ timeout: 1000 })
        .catch(() => '');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(statusLine, { timeout: 30_000, interval: 25 }).toMatch(/^Uploading/);
    const killedAt = Date.now();
    expect(device.killSshSessions()).toBeGreaterThan(0);
    await expect.poll(() => connection().textContent(), { timeout: 10_000, interval: 50 }).toContain('Connection lost');
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(await statusLine()).not.toBe('Finished');
    await checkState(page, phone, 'device-connection-lost');
    await expect.poll(() => connection().textContent(), { timeout: 30_000 }).toContain('Connected');
    // The device went on with the backup on its own; the page shows how it ended there.
    await expect.poll(statusLine, { timeout: 60_000 }).toBe('Finished');
    const theirs = JSON.parse((await device.own(['--json', 'status'])).stdout) as {
      daemon: { vault: { status: string } };
    };
    expect(theirs.daemon.vault.status).toBe('Finished');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
  it('restores from the device’s restore list, and shows its profiles with their last result', async () => {
    const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
    const notes = path.join(device.unit, 'notes.txt');
    writeFileSync(notes, 'changed on the phone after the backup\n');
    // The device's own listing (listCloudBackups on its vault), newest first.
    const theirs = JSON.parse((await device.own(['--json', 'backups', '1'])).stdout) as Array<{ name: string }>;
    expect(theirs.length).toBeGreaterThanOrEqual(2);
    const list = page.getByRole('list', { name: /^Backups on / });
    await button(`Show all ${theirs.length} backups on phone@127.0.0.1:${device.webdav.port}`).click();
    await expect.poll(() => list.getByRole('button').count(), { timeout: 30_000 }).toBe(theirs.length);
    await list.getByRole('button', { name: new RegExp(`^${theirs[0]!.name.replace(/\./g, '\\.')} `) }).click();
    await expect.poll(() => heading('Restore device').isVisible()).toBe(true);
    await checkState(page, phone, 'device-restore-confirm');
    await button('Restore').click();
    await expect
      .poll(() => page.locator('.status-line').textContent(), { timeout: 60_000, interval: 50 })
      .toBe('Finished');
    // Restored on the device, by the device's own vault.
    expect(readFileSync(notes, 'utf8')).toBe('Backup me\n');
    const after = JSON.parse((await device.own(['--json', 'status'])).stdout) as {
      daemon: { vault: { status: string; mode: string } };
    };
    expect(after.daemon.vault).toMatchObject({ status: 'Finished', mode: 'restoreFromCloud' });
    await button('Done').click();
    await expect.poll(() => heading('Backup').isVisible()).toBe(true);

    // Sync profiles: the device's, from its msyncd, with the last result and the schedule set above.
    await button('Back').click();
    await button('Sync profiles').click();
    await expect.poll(() => heading('Sync profiles').isVisible()).toBe(true);
    await button(/^webdav\.Backup-1/).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Results log' }).textContent(), { timeout: 15_000 })
      .toContain('Success');
    expect(await page.getByRole('region', { name: 'Profile XML' }).textContent()).toMatch(/days="3"/);
    expect(await connection().textContent()).toContain('Connected');
    await checkState(page, phone, 'device-profile-inspector');
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
  it('backs up to the device’s memory card with live progress, and restores from it on the device', async () => {
    const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
    await button('Back').click();
    await expect.poll(() => heading('Settings').isVisible()).toBe(true);
    await button('Backup').click();
    await expect.poll(() => heading('Backup').isVisible()).toBe(true);
    // The device's card, as its own page offers it: "Memory card <name> <free space>"; no folder of this computer.
    await pickerRow(page, 'Manually back up to').click();
    const options = await page.getByRole('option').allTextContents();
    expect(options.some((o) => /^Add folder/.test(o))).toBe(false);
    await page.getByRole('option', { name: /^Memory card SDCARD / }).click();
    expect(await page.getByText(`Backups go to ${device.card}.`).count()).toBe(1);
    await checkState(page, phone, 'device-card-chosen');

    await button('Back up now').click();
    const stages = new Set<string>();
    for (let i = 0; i < 2400; i++) {
      const line = await page
        .locator('.status-line')
        .textContent({ timeout: 1000 })
        .catch(() => '');
      if (line) stages.add(line);
      if (line === 'Finished') break;
      await page.waitForTimeout(25);
    }
    expect([...stages].at(-1)).toBe('Finished');
    expect([...stages][0]).not.toBe('Finished');
    // Written by the device's own vault, owned by the device user, with its checksum beside it.
    const [made] = readdirSync(device.card).filter((n) => n.endsWith('.tar'));
    expect(made).toMatch(/^sailfish_backup_.*Z\.tar$/);
    expect(statSync(path.join(device.card, made!)).uid).toBe(device.uid);
    expect(readdirSync(device.card)).toContain(`${made}.sha256`);

    // The restore list shows it under the card; restoring puts the device's files back, in place.
    const notes = path.join(device.unit, 'notes.txt');
    writeFileSync(notes, 'changed on the phone after the card backup\n');
    const list = page.getByRole('list', { name: /^Backups on Memory card SDCARD/ });
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 30_000 }).toBe(1);
    await list.getByRole('button', { name: new RegExp(`^${made!.replace(/\./g, '\\.')} `) }).click();
    await expect.poll(() => heading('Restore device').isVisible()).toBe(true);
    expect(await button('Restore into another folder…').count()).toBe(0);
    expect(await page.getByText(/replace the ones on the device/).count()).toBe(1);
    await checkState(page, phone, 'device-card-restore-confirm');
    await button('Restore').click();
    await expect
      .poll(() => page.locator('.status-line').textContent(), { timeout: 60_000, interval: 50 })
      .toBe('Finished');
    expect(readFileSync(notes, 'utf8')).toBe('Backup me\n');
    const after = JSON.parse((await device.own(['--json', 'status'])).stdout) as {
      daemon: { vault: { status: string; mode: string } };
    };
    expect(after.daemon.vault).toMatchObject({ status: 'Finished', mode: 'restoreFromFile' });
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
  it('copies the device’s memory card backup to this computer, checked, where This computer’s restore list shows it', async () => {
    const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
    const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    const [made] = readdirSync(device.card).filter((n) => n.endsWith('.tar'));
    expect(made).toBeDefined();
    // From the restore the last case ended on, back to the device's Backup page.
    await button('Done').click();
    await expect.poll(() => heading('Backup').isVisible()).toBe(true);
    const list = page.getByRole('list', { name: /^Backups on Memory card SDCARD/ });
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await list.getByRole('button', { name: `Copy to this computer: ${made!}` }).click();
    const line = () =>
      page
        .locator('.copy .status-line, .copy .error')
        .textContent({ timeout: 1000 })
        .catch(() => '');
    await expect.poll(line, { timeout: 60_000, interval: 50 }).toMatch(/^Copied /);
    const into = path.join(uiHome, 'Sailfish OS backups');
    expect(await line()).toMatch(
      new RegExp(
        `^Copied ${made!.replace(/\./g, '\\.')} to ${into}, checked: [\\d.]+ [kMG]?B, the same SHA-256 on both sides, and the checksum the device recorded with the backup\\.$`,
      ),
    );
    await checkState(page, phone, 'device-card-copied');
    // Byte for byte the device's, with the checksum beside it as the vault writes it.
    const copy = path.join(into, made!);
    expect(sha256(copy)).toBe(sha256(path.join(device.card, made!)));
    expect(readFileSync(`${copy}.sha256`, 'utf8')).toBe(`${sha256(copy)}  ${made!}\n`);

    // This computer's own restore list has it.
    await button('Back').click();
    await expect.poll(() => heading('Settings').isVisible()).toBe(true);
    await page
      .getByRole('list', { name: 'Devices' })
      .getByRole('button', { name: /^This computer/ })
      .click();
    await expect.poll(() => connection().count(), { timeout: 30_000 }).toBe(0);
    await button('Backup').click();
    await expect.poll(() => heading('Backup').isVisible()).toBe(true);
    const mine = page.getByRole('list', { name: /^Backups on This computer/ });
    await expect
      .poll(() => mine.getByRole('button', { name: new RegExp(`^${made!.replace(/\./g, '\\.')} `) }).count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect(await page.getByRole('button', { name: /Copy to this computer/ }).count()).toBe(0);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
