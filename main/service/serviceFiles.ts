// The files that keep the daemon available: a systemd user unit, D-Bus activation files for both of
// its names, and an XDG autostart entry for sessions without systemd. Each format quotes differently:
// systemd.service(5) ExecStart, the D-Bus spec's Exec (shell-like), and the Desktop Entry spec's Exec.
import os from 'node:os';
import path from 'node:path';
import { commandLine, type Program } from './program.js';

export const UNIT_NAME = 'sfbackup-daemon.service';
export const MSYNCD_NAME = 'com.meego.msyncd';
export const VAULT_NAME = 'org.sailfishos.backup';
/** The first line of every file written here: uninstall removes only files that carry it. */
export const MARKER = '# Written by "sfbackup service install"; "sfbackup service uninstall" removes it.';

export interface ServiceFilePaths {
  unit: string;
  msyncd: string;
  vault: string;
  autostart: string;
}

export function serviceFilePaths(env: NodeJS.ProcessEnv): ServiceFilePaths {
  const home = os.homedir();
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const data = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const services = path.join(data, 'dbus-1', 'services');
  return {
    unit: path.join(config, 'systemd', 'user', UNIT_NAME),
    msyncd: path.join(services, `${MSYNCD_NAME}.service`),
    vault: path.join(services, `${VAULT_NAME}.service`),
    autostart: path.join(config, 'autostart', 'sfbackup-daemon.desktop'),
  };
}

export interface DaemonSettings {
  /** The daemon leaves after this long with nothing to do (it is started on demand again). */
  exitWhenIdleSeconds: number;
  notifyFinished: boolean;
}

export interface ServiceSpec {
  program: Program;
  daemon: DaemonSettings;
  /** A systemd user session runs: activation goes through the unit. */
  systemd: boolean;
  /** Absolute path of gdbus, which starts the second name through the first without a second daemon. */
  gdbus: string | undefined;
}

function refuseControlCharacters(arg: string): string {
  if (/\p{Cc}/u.test(arg)) throw new Error(`Cannot write a service file for a path with control characters: ${arg}`);
  return arg;
}

/** systemd.service(5): double quotes with C escapes; `%` starts a specifier and `$` a variable. */
export function systemdQuote(arg: string): string {
  const escaped = refuseControlCharacters(arg)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/**
 * D-Bus service files' Exec is split like a shell line, where single quotes keep everything literal;
 * the key-file layer below it reads `\\` as one backslash and refuses other escapes.
 */
export function dbusExecQuote(arg: string): string {
  const shellQuoted = `'${refuseControlCharacters(arg).replace(/'/g, `'\\''`)}'`;
  return shellQuoted.replace(/\\/g, '\\\\');
}

/** Desktop Entry spec: quoted arguments escape `"` `` ` `` `$` `\`, then the string level doubles `\`; `%` is a field code. */
export function desktopExecQuote(arg: string): string {
  const quoted = refuseControlCharacters(arg).replace(/(["`$\\])/g, '\\$1');
  return `"${quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%')}"`;
}

export function daemonArgs(settings: DaemonSettings): string[] {
  const args = ['daemon', '--exit-when-idle', String(settings.exitWhenIdleSeconds)];
  if (settings.notifyFinished) args.push('--notify-finished');
  return args;
}

function withEnv(program: Program, argv: string[]): string[] {
  const env = Object.entries(program.env).map(([name, value]) => `${name}=${value}`);
  return env.length > 0 ? ['/usr/bin/env', ...env, ...argv] : argv;
}

export function systemdUnit(spec: ServiceSpec): string {
  const exec = commandLine(spec.program, daemonArgs(spec.daemon)).map(systemdQuote).join(' ');
  const env = Object.entries(spec.program.env).map(([name, value]) => {
    const text = refuseControlCharacters(`${name}=${value}`).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return `Environment="${text.replace(/%/g, '%%')}"`;
  });
  return [
    MARKER,
    '[Unit]',
    `Description=Sailfish backup daemon (${MSYNCD_NAME}, ${VAULT_NAME}): automatic backups`,
    '',
    '[Service]',
    // Ready once the second name is on the bus: the daemon claims com.meego.msyncd first.
    'Type=dbus',
    `BusName=${VAULT_NAME}`,
    `ExecStart=${exec}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=10',
    // SIGTERM cancels a running backup cleanly; give it time to remove its temporary files.
    'TimeoutStopSec=60',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

export function dbusServiceFile(name: string, spec: ServiceSpec): string {
  // Two Exec= lines for one daemon would race when both names are asked for at once (dbus-daemon
  // starts one process per name): the second name waits for the first one's daemon instead.
  const argv =
    name === VAULT_NAME && spec.gdbus
      ? [spec.gdbus, 'wait', '--session', '--activate', MSYNCD_NAME, '--timeout', '120', VAULT_NAME]
      : withEnv(spec.program, commandLine(spec.program, daemonArgs(spec.daemon)));
  return [
    MARKER,
    '[D-BUS Service]',
    `Name=${name}`,
    `Exec=${argv.map(dbusExecQuote).join(' ')}`,
    ...(spec.systemd ? [`SystemdService=${UNIT_NAME}`] : []),
    '',
  ].join('\n');
}

export function autostartEntry(spec: ServiceSpec): string {
  const argv = withEnv(spec.program, commandLine(spec.program, daemonArgs(spec.daemon)));
  return [
    MARKER,
    '[Desktop Entry]',
    'Type=Application',
    'Name=Sailfish backup daemon',
    'Comment=Runs automatic backups at their scheduled time',
    `Exec=${argv.map(desktopExecQuote).join(' ')}`,
    'NoDisplay=true',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
