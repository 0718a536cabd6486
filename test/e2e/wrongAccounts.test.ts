// A new user adding an account that cannot work, in Chromium against `sfbackup ui`: a wrong password, a
// refused port, an unknown host, a silent server, a self-signed certificate. Each time the cause shows
// at the field it concerns before anything is saved; an unreachable server can still be saved on
// purpose, and the Accounts page then says it was never signed in.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRclone, type WebDavServer } from '../helpers/processes.js';
import {
  refusedUrl,
  selfSignedCertificate,
  startSilentServer,
  unknownHostUrl,
  type SilentServer,
} from '../helpers/wrongServers.js';
import { checkState, expectFocus, launchChromium, openPage, startUi, viewports, type UiProcess } from './browser.js';

describe.each(viewports)('adding a wrong account at $width×$height', (viewport) => {
  let rclone: WebDavServer;
  let tls: WebDavServer;
  let silent: SilentServer;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let closePage: () => Promise<void>;
  let consoleErrors: string[];

  beforeAll(async () => {
    [rclone, tls, silent, ui, browser] = await Promise.all([
      startRclone({ user: 'bob', password: 'right' }),
      startRclone({ user: 'bob', password: 'right', tls: selfSignedCertificate() }),
      startSilentServer(),
      startUi(),
      launchChromium(),
    ]);
    ({ page, consoleErrors, close: closePage } = await openPage(browser, viewport));
    await page.goto(ui.url);
  });
  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await ui?.stop();
    await Promise.all([rclone?.stop(), tls?.stop(), silent?.close()]);
  });

  /** Fills the WebDAV account form and presses Add account; resolves once the sign-in has answered. */
  const tryToAdd = async (server: string, password = 'right') => {
    await page.evaluate(`window.location.hash = '#/accounts/new/webdav'`);
    await page.getByRole('heading', { name: 'Add WebDAV account' }).waitFor();
    await page.getByLabel('Server address').fill(server);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('status').filter({ hasText: 'Signing in to' }).waitFor({ state: 'detached', timeout: 20_000 });
  };
  /** The note the field points at with aria-describedby, and whether the field is marked invalid. */
  const fieldNote = async (label: string) => {
    const field = page.getByLabel(label, { exact: true });
    const noteId = await field.getAttribute('aria-describedby');
    return {
      invalid: await field.getAttribute('aria-invalid'),
      // The sentence itself, not the technical detail behind its "Details".
      note: noteId ? await page.locator(`[id="${noteId}"] .error`).textContent() : null,
      field,
    };
  };

  it('shows each cause at its field before saving anything', async () => {
    await tryToAdd(rclone.url, 'wrong');
    const password = await fieldNote('Password');
    expect(password.invalid).toBe('true');
    expect(password.note).toContain('The server refused the password for bob. Check the user name and password.');
    await expectFocus(page, password.field, 'a refused password');
    expect(await page.getByRole('button', { name: 'Save anyway' }).count()).toBe(0);
    await checkState(page, viewport, 'add-account-wrong-password');

    await tryToAdd(await refusedUrl());
    let server = await fieldNote('Server address');
    expect(server.invalid).toBe('true');
    expect(server.note).toMatch(
      /Nothing answers at 127\.0\.0\.1:\d+: the server refused the connection\. Check the server address\./,
    );
    expect(server.note).not.toContain('ECONNREFUSED');
    await expectFocus(page, server.field, 'a refused port');
    await page.getByText('Details').first().click();
    expect(await page.locator('.technical').first().textContent()).toContain('ECONNREFUSED');
    expect(await page.getByRole('button', { name: 'Save anyway' }).count()).toBe(1);
    await checkState(page, viewport, 'add-account-refused');

    await tryToAdd(unknownHostUrl);
    server = await fieldNote('Server address');
    expect(server.note).toContain('The server name nosuchhost.invalid was not found.');

    const started = Date.now();
    await tryToAdd(silent.url);
    expect(Date.now() - started).toBeLessThan(20_000);
    server = await fieldNote('Server address');
    expect(server.note).toMatch(/The server 127\.0\.0\.1:\d+ did not answer\./);
    expect(await page.getByRole('button', { name: 'Save anyway' }).count()).toBe(1);

    await tryToAdd(tls.url);
    server = await fieldNote('Server address');
    expect(server.note).toContain('The certificate of 127.0.0.1');
    expect(server.note).toContain('turn on “Ignore SSL errors” in Advanced settings');
    await checkState(page, viewport, 'add-account-certificate');

    await page.evaluate(`window.location.hash = '#/accounts'`);
    await expect.poll(() => page.getByText('No accounts yet. Add one to back up to the cloud.').isVisible()).toBe(true);
  });

  it('can stop a sign-in, saves an unreachable server on purpose, and marks it on Accounts', async () => {
    // Listing the backups of an unreachable account fails, and the browser logs each failed call.
    const failedCalls = consoleErrors.length;
    await page.evaluate(`window.location.hash = '#/accounts/new/webdav'`);
    await page.getByLabel('Server address').fill(silent.url);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('right');
    await page.getByRole('button', { name: 'Add account' }).click();
    const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    await expectFocus(page, cancel, 'signing in');
    await checkState(page, viewport, 'add-account-signing-in');
    await page.keyboard.press('Enter');
    await expectFocus(page, page.getByRole('button', { name: 'Add account' }), 'the sign-in stopped');

    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    await tryToAdd(await refusedUrl());
    await page.getByRole('button', { name: 'Save anyway' }).click();
    // Saved offline; the Backup page then looks for its backups, which signs in and fails.
    await page.getByRole('heading', { name: 'Backup', exact: true }).waitFor();
    const listed = page.getByRole('alert').filter({ hasText: 'the server refused the connection' });
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(1);
    await checkState(page, viewport, 'backup-account-unreachable');
    await page.evaluate(`window.location.hash = '#/accounts'`);
    const row = page.getByRole('list', { name: 'Accounts' }).getByRole('listitem');
    await expect.poll(() => row.getByRole('alert').textContent()).toContain('the server refused the connection');
    await checkState(page, viewport, 'accounts-broken');
    await row.getByRole('button', { name: 'Check the server address in the account’s settings.' }).click();
    await expectFocus(page, page.getByLabel('Server address'), 'the fix opens the account at its server field');
    expect(consoleErrors.slice(failedCalls).filter((e) => !e.includes('status of 422'))).toEqual([]);
  });
});
