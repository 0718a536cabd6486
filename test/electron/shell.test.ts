// The Electron shell's security, checked without launching Electron: window preferences, CSP, and
// the IPC handlers' sender and argument checks (with a stand-in ipcMain and the real bridge).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_PREFIX, registerIpcHandlers, type IpcMainLike } from '../../electron/ipcHandlers.js';
import { isTrustedSender, mainWindowOptions } from '../../electron/windowOptions.js';
import { calls, type CallName } from '../../main/ipc/contract.js';
import type { CallOutcome } from '../../main/bridge/dispatch.js';
import { CONTENT_SECURITY_POLICY } from '../../main/web/csp.js';
import { startWorld, type World } from '../helpers/world.js';

const appUrl = 'file:///opt/app/dist/renderer/index.html';

describe('the main window', () => {
  it('isolates and sandboxes the page, with no Node in it', () => {
    const prefs = mainWindowOptions('/opt/app/dist/electron/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/opt/app/dist/electron/preload.cjs',
    });
  });

  it('has a strict CSP, the same in the page and in the headers', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = readFileSync(path.join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    // frame-ancestors is not allowed in a meta tag; everything else must match.
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('trusts only its own page as a sender', () => {
    expect(isTrustedSender(appUrl, appUrl)).toBe(true);
    expect(isTrustedSender('file:///tmp/evil.html', appUrl)).toBe(false);
    expect(isTrustedSender('https://example.com/dist/renderer/index.html', appUrl)).toBe(false);
    expect(isTrustedSender(undefined, appUrl)).toBe(false);
  });
});

describe('IPC handlers', () => {
  let world: World;
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = {
    handle: (channel, fn) => handlers.set(channel, fn),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const event = (url: string) => ({ senderFrame: { url } }) as unknown as IpcMainInvokeEvent;
  const invoke = (name: CallName, url: string, ...args: unknown[]) =>
    handlers.get(CALL_PREFIX + name)!(event(url), ...args) as Promise<CallOutcome>;

  beforeAll(async () => {
    world = await startWorld();
    registerIpcHandlers(ipc, world.bridge, (e) => isTrustedSender(e.senderFrame?.url, appUrl));
  });
  afterAll(() => world?.close());

  it('registers one handler per contract channel', () => {
    expect([...handlers.keys()].sort()).toEqual(
      Object.keys(calls)
        .map((c) => CALL_PREFIX + c)
        .sort(),
    );
  });

  it('answers its own page', async () => {
    const providers = await invoke('providers.list', appUrl);
    expect(providers).toMatchObject({ ok: true });
    expect((providers as { result: Array<{ id: string }> }).result.map((p) => p.id)).toEqual([
      'nextcloud',
      'owncloud',
      'webdav',
    ]);
  });

  it.each(Object.keys(calls) as CallName[])('%s refuses a foreign sender and malformed arguments', async (name) => {
    const foreign = await invoke(name, 'https://evil.example/', ...[]);
    expect(foreign).toEqual({
      ok: false,
      error: { message: expect.stringContaining('Refused') as string, code: 'forbidden' },
    });
    const tooMany = await invoke(name, appUrl, { bogus: true }, 'x', -1, null);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    const wrongType = await invoke(name, appUrl, Symbol.for('x').toString(), { nested: { deeper: [1, 2, 3] } });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it("keeps working after bad calls, and refuses bad values with the engine's own words", async () => {
    const bad = await invoke('accounts.add', appUrl, {
      provider: 'webdav',
      serverAddress: 'ftp://x',
      username: 'u',
      password: 'p',
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('https:// or http://') as string },
    });
    expect(await invoke('accounts.list', appUrl)).toEqual({ ok: true, result: [] });
  });
});
