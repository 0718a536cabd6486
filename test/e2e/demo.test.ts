// `sfbackup demo --no-open` in Debian's Chromium: the whole cloud flow with no server of one's own —
// the demo account is there, automatic backups can be set, Back up now uploads with progress, the backup
// is listed and restored byte for byte, and "End demo" ends the command and removes what it made.
import { existsSync, readdirSync } from 'node:fs';
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
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.row-sub').textContent()).toBe('Demo server');

    // Restore it: the sample folders come back as they were.
    await row.click();
    await expectFocus(page, heading('Restore device'), 'the restore page opens');
    await button('Restore').click();
    await expect.poll(() => statusLine(), { timeout: 60_000 }).toBe('Finished');
    expect(readTree(path.join(dir, 'home', 'Documents'))).toEqual(samples);
    await checkState(page, viewport, 'demo-restore-finished');

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
