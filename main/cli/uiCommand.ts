// sfbackup ui — the Settings UI in a browser: the same renderer and API as the Electron app, over loopback.
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { BridgeRouter } from '../bridge/BridgeRouter.js';
import { SettingsBridge, type BridgeOptions } from '../bridge/SettingsBridge.js';
import { DeviceStore } from '../device/DeviceStore.js';
import { InputError } from '../errors.js';
import { BrowserWindow } from '../web/browserWindow.js';
import { UiServer } from '../web/UiServer.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';

/** The built renderer, next to the assets folder (dist/renderer). */
export function rendererDir(assetsDir: string): string {
  return path.join(path.dirname(assetsDir), 'dist', 'renderer');
}

/** Pages `--page` may open (a notification's action opens the Backup page). */
const pages = new Set(['backup', 'accounts', 'profiles']);

export interface UiOptions {
  /** What the bridge gets besides the stores and session (the demo's details). */
  bridge?: BridgeOptions;
  /** Ends the command when it settles (the demo's "End demo"). */
  until?: Promise<unknown>;
}

export async function ui(cli: Cli, args: CommandArgs, options: UiOptions = {}): Promise<void> {
  const staticDir = rendererDir(cli.stores.paths.assetsDir);
  if (!existsSync(path.join(staticDir, 'index.html')))
    throw new InputError(`The UI is not built (${staticDir}); run "npm run build" first`);
  const portText = args.string('port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`"${portText}" is not a port`);
  const page = args.string('page');
  if (page !== undefined && !pages.has(page)) throw new InputError(`--page takes one of ${[...pages].join(', ')}`);
  const session = await cli.daemon({ schedules: true });
  const local = await SettingsBridge.attach(cli.stores, session, {
    env: cli.env,
    note: (text) => cli.out.note(text),
    ...options.bridge,
  });
  // The window acts on this computer or on a device over SSH (the devices it remembers are in the data dir).
  const bridge = new BridgeRouter(local, DeviceStore.inDataDir(cli.stores.paths.dataDir), cli.env);
  const server = await UiServer.start({ bridge, staticDir, port });
  // Listen before printing the address: a script that reads it and then interrupts must not kill us.
  const stopped = [once(process, 'SIGINT'), once(process, 'SIGTERM')];
  const url = page ? `${server.url}#/${page}` : server.url;
  cli.out.result({ url }, () => `Settings UI: ${url}`);
  const window = args.flag('no-open') ? undefined : BrowserWindow.open(url, cli.env);
  if (!args.flag('no-open') && !window) cli.out.note('No Chromium found; open the address above in your browser.');
  // Closing the window ends the command (a notification's click leaves no server behind); a browser that
  // could not start (no display) leaves the address to use.
  const closed = window?.exited.then(async (code) => {
    if (code === 0) return;
    cli.out.note(`Chromium could not open a window (exit ${code ?? 'by signal'}); open the address above instead.`);
    await new Promise(() => {});
  });
  try {
    await Promise.race([...stopped, ...(closed ? [closed] : []), ...(options.until ? [options.until] : [])]);
  } finally {
    await window?.close();
    await server.close();
    await bridge.close();
    await local.close();
  }
}
