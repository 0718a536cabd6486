// The user's own ssh: `$SFBACKUP_SSH` names the command and its options (default `ssh`), read by the
// shell as git reads GIT_SSH_COMMAND, so quoting and `~` work as the user expects. The app adds only
// what it needs; ssh takes the first value given for an option, so the user's own options win.
import type { DeviceAddress } from './deviceAddress.js';

/** How often ssh checks that the device still answers, and how many missed answers end the connection. */
export const ALIVE_INTERVAL_S = 2;
export const ALIVE_COUNT = 2;

export interface SshInvocation {
  command: string;
  args: string[];
}

export function sshProgram(env: NodeJS.ProcessEnv): string {
  return env.SFBACKUP_SSH?.trim() || 'ssh';
}

/** `sh -c 'exec <SFBACKUP_SSH> "$@"' ssh ARGS…`: the arguments reach ssh exactly as given. */
export function sshInvocation(env: NodeJS.ProcessEnv, args: string[]): SshInvocation {
  return { command: '/bin/sh', args: ['-c', `exec ${sshProgram(env)} "$@"`, 'ssh', ...args] };
}

/** Options every connection to a device gets: the device's port and user, keep-alives, no prompts in a window. */
export function deviceOptions(address: DeviceAddress, options: { interactive: boolean }): string[] {
  return [
    ...(address.port ? ['-p', String(address.port)] : []),
    ...(address.user ? ['-l', address.user] : []),
    '-o',
    `ServerAliveInterval=${ALIVE_INTERVAL_S}`,
    '-o',
    `ServerAliveCountMax=${ALIVE_COUNT}`,
    '-o',
    'ConnectTimeout=10',
    // A window has no terminal to ask for a passphrase or a host key on: fail with ssh's sentence instead.
    ...(options.interactive ? [] : ['-o', 'BatchMode=yes']),
  ];
}

/** A remote shell word: the device's login shell reads it back as exactly `text`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
