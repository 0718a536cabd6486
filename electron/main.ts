// The Electron shell: one window, the engine (or a daemon already on the bus) behind the IPC contract.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { BridgeRouter } from '../main/bridge/BridgeRouter.js';
import { SettingsBridge } from '../main/bridge/SettingsBridge.js';
import { DeviceStore } from '../main/device/DeviceStore.js';
import { resolvePaths } from '../main/paths.js';
import { DaemonSession } from '../main/session.js';
import { openStores } from '../main/stores.js';
import { CONTENT_SECURITY_POLICY } from '../main/web/csp.js';
import { BrowserWindow as ChromiumWindow } from '../main/web/browserWindow.js';
import { EVENT_CHANNEL, registerIpcHandlers } from './ipcHandlers.js';
import { isTrustedSender, mainWindowOptions } from './windowOptions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pageFile = path.join(here, '..', 'renderer', 'index.html');
const pageUrl = pathToFileURL(pageFile).toString();

app.enableSandbox();

app.on('web-contents-created', (_event, contents) => {
  // No new windows, no navigation away from the app's page.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (url !== pageUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

async function start(): Promise<void> {
  await app.whenReady();
  const stores = openStores(resolvePaths({ env: process.env }), process.env);
  const daemon = await DaemonSession.open(stores, process.env, (text) => console.log(text));
  // The dialog's parent: the window made below.
  const shown: { window?: BrowserWindow } = {};
  const local = await SettingsBridge.attach(stores, daemon, {
    env: process.env,
    note: (text) => console.log(text),
    // The system's own folder dialog, over the app's window.
    pickFolder: async ({ title, start }) => {
      if (!shown.window) return null;
      const result = await dialog.showOpenDialog(shown.window, {
        title,
        properties: ['openDirectory', 'createDirectory'],
        ...(start ? { defaultPath: start } : {}),
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    // The demo is served over loopback: it opens in a browser window of its own (this one stays the app's).
    openUrl: (url) => ChromiumWindow.open(url, process.env) !== undefined,
  });
  const bridge = new BridgeRouter(local, DeviceStore.inDataDir(stores.paths.dataDir), process.env);
  // The page asks for no permission (camera, notifications, …): every request is refused.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // The options as windowOptions.ts makes them (and test/electron/shell.test.ts checks them), unchanged.
  const window = new BrowserWindow(mainWindowOptions(path.join(here, 'preload.cjs')));
  shown.window = window;
  window.webContents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  const trusted = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents && isTrustedSender(event.senderFrame?.url, pageUrl);
  const unregister = registerIpcHandlers(ipcMain, bridge, trusted);
  const offEvents = bridge.onEvent((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { name, payload });
  });
  window.once('ready-to-show', () => window.show());
  // The Backup page first: on a new computer it can back up at once, with no account.
  await window.loadFile(pageFile, { hash: '/backup' });
  app.on('window-all-closed', () => {
    offEvents();
    unregister();
    void bridge
      .close()
      .then(() => local.close())
      .then(() => daemon.close())
      .finally(() => {
        stores.close();
        app.quit();
      });
  });
}

start().catch((err: unknown) => {
  console.error(`sailfish-backup-settings: ${err instanceof Error ? err.message : String(err)}`);
  app.exit(1);
});
