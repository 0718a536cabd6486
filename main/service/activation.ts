// Starting the installed daemon through the session bus (D-Bus activation), and asking the bus who runs
// it: what a client does instead of running an engine of its own when the service is installed.
import { readFileSync } from 'node:fs';
import type { DBusClient } from '../dbus/DBusClient.js';
import { dataDirArgs } from './program.js';
import { dbusExecQuote, MARKER, MSYNCD_NAME, serviceFilePaths, VAULT_NAME } from './serviceFiles.js';

const BUS = ['org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus'] as const;

export async function activatableNames(client: DBusClient): Promise<string[]> {
  const [names] = await client.call(...BUS, 'ListActivatableNames');
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * Whether the installed service runs a daemon for this data dir: a client working on another one
 * (a second data dir, a test's) must not start it and then work on the wrong accounts.
 */
export function installedFor(dataDir: string, env: NodeJS.ProcessEnv): boolean {
  let text: string;
  try {
    text = readFileSync(serviceFilePaths(env).msyncd, 'utf8');
  } catch {
    // no unit file: not installed
    return false;
  }
  if (!text.startsWith(MARKER)) return false;
  const args = dataDirArgs(dataDir);
  return args.length === 0 ? !text.includes("'--data-dir'") : text.includes(args.map(dbusExecQuote).join(' '));
}

/**
 * Starts the daemon through the bus when it knows how, and waits until both names are owned;
 * false when nothing is installed or the start failed (the caller then runs an engine itself).
 */
export async function activateDaemon(client: DBusClient): Promise<boolean> {
  if (!(await activatableNames(client)).includes(VAULT_NAME)) return false;
  try {
    // The vault's name is claimed last, so once it is owned both are (see serviceFiles.ts).
    await client.call(...BUS, 'StartServiceByName', 'su', [VAULT_NAME, 0]);
    return (await client.nameHasOwner(MSYNCD_NAME)) && (await client.nameHasOwner(VAULT_NAME));
  } catch {
    // the bus cannot start it: the caller runs the engine itself
    return false;
  }
}

/** Makes the bus read its service folders again after files were written or removed. */
export async function reloadBusConfig(client: DBusClient): Promise<void> {
  await client.call(...BUS, 'ReloadConfig');
}

export interface NameOwner {
  pid: number;
  /** The owner's command line, when it can be read (/proc). */
  commandLine: string[];
}

/** Who owns a name on the bus; undefined when nobody does. */
export async function nameOwner(client: DBusClient, name: string): Promise<NameOwner | undefined> {
  if (!(await client.nameHasOwner(name))) return undefined;
  const [pid] = await client.call(...BUS, 'GetConnectionUnixProcessID', 's', [name]);
  if (typeof pid !== 'number') return undefined;
  let commandLine: string[] = [];
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // another user's process, or no /proc: the pid alone must do
  }
  return { pid, commandLine };
}
