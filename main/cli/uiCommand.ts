// sfbackup ui — the Settings UI in a browser: the same renderer and API as the Electron app, over loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { SettingsBridge } from '../bridge/SettingsBridge.js';
import { InputError } from '../errors.js';
import { UiServer } from '../web/UiServer.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';

const browsers = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The built renderer, next to the assets folder (dist/renderer). */
export function rendererDir(assetsDir: string): string {
  return path.join(path.dirname(assetsDir), 'dist', 'renderer');
}

/** Opens the URL as an app window in the system's Chromium; undefined when there is none. */
export function openInChromium(url: string): ChildProcess | undefined {
  const browser = browsers.find((b) => existsSync(b));
  if (!browser) return undefined;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'sfbackup-ui-'));
  const args = [
    `--app=${url}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(browser, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return child;
}

/** Pages `--page` may open (a notification's action opens the Backup page). */
const pages = new Set(['backup', 'accounts', 'profiles']);

export async function ui(cli: Cli, args: CommandArgs): Promise<void> {
  const staticDir = rendererDir(cli.stores.paths.assetsDir);
  if (!existsSync(path.join(staticDir, 'index.html')))
    throw new InputError(`The UI is not built (${staticDir}); run "npm run build" first`);
  const portText = args.string('port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`"${portText}" is not a port`);
  const page = args.string('page');
  if (page !== undefined && !pages.has(page)) throw new InputError(`--page takes one of ${[...pages].join(', ')}`);
  const session = await cli.daemon({ schedules: true });
  const bridge = await SettingsBridge.attach(cli.stores, session);
  const server = await UiServer.start({ bridge, staticDir, port });
  // Listen before printing the address: a script that reads it and then interrupts must not kill us.
  const interrupted = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  const url = page ? `${server.url}#/${page}` : server.url;
  cli.out.result({ url }, () => `Settings UI: ${url}`);
  const window = args.flag('no-open') ? undefined : openInChromium(url);
  if (!args.flag('no-open') && !window) cli.out.note('No Chromium found; open the address above in your browser.');
  // The window it opened is the UI: closing it ends the command (a notification's click leaves no server behind).
  const closed = window ? once(window, 'exit') : new Promise<never>(() => {});
  await Promise.race([interrupted, closed]);
  await server.close();
  await bridge.close();
}
