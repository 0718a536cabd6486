// sfbackup: everything the Backup settings page does, as commands with --json output.
import { parseArgs } from 'node:util';
import { BackupError, InputError, errorMessage } from '../errors.js';
import { account, providers } from './accountCommands.js';
import type { CommandArgs } from './args.js';
import { Cli, type Output } from './Cli.js';
import { daemon } from './daemonCommand.js';
import { onDevice } from './deviceCommands.js';
import { backup, backups, OperationFailed, restore, status, sync } from './operationCommands.js';
import { profiles, units } from './profileCommands.js';
import { service } from './serviceCommand.js';
import { guardStuckWaits } from './stuckGuard.js';
import { ui } from './uiCommand.js';
import { targets } from './targetsCommand.js';
import { demo } from './demoCommand.js';

const usage = `Usage: sfbackup [--json] [--data-dir DIR] [--device [USER@]HOST[:PORT] [--device-bus ADDRESS]] COMMAND

  daemon [--only vault|msyncd] [--exit-when-idle SECONDS] [--notify-finished]
                                         run the sync daemon and backup service (or one of them) until Ctrl-C
  service install [--exit-when-idle SECONDS] [--notify-finished] | uninstall | status
                                         keep the daemon available: systemd user unit, D-Bus activation,
                                         autostart; it catches up missed automatic backups at start
  providers                              list the providers that offer backups
  account add --provider P --server URL --user U --password-stdin
              [--backups-path PATH] [--webdav-path PATH] [--name NAME] [--ignore-ssl-errors] [--offline]
  account list | show ID | set ID KEY=VALUE… [--password-stdin] [--offline] | remove ID
                                         add and set sign in to the server before saving;
                                         --offline saves without signing in
  units add PATH [--name NAME] | list | remove PATH
  profiles create ACCOUNT_ID | list | show NAME | log NAME
  targets [list] | add DIR | remove DIR  where backups can go: accounts, removable drives, folders
  backup ACCOUNT_ID|FOLDER               back up now to the account, or to a drive or folder (no account needed)
  backups ACCOUNT_ID|FOLDER              list the backups on the server, drive or folder
  restore ACCOUNT_ID|FOLDER FILE [--to DIR]
                                         restore a backup (into DIR instead of the original folders)
  sync PROFILE                           run a sync profile (startSync)
  status                                 what the daemon is doing, and the last results
  ui [--port N] [--no-open] [--page backup]
                                         the Settings UI in a browser (loopback only, per-launch token)
  demo [--no-open]                       the UI with a WebDAV server, an account and sample folders of its own,
                                         all removed when it ends

  With --device, status, profiles list|show|log, sync, targets, backup, backups and restore act on a Sailfish
  device's own services over SSH ($SFBACKUP_SSH, default ssh; --device-bus overrides the bus there);
  backup|backups|restore take one of the device's account ids or an absolute folder on the device (its
  memory card, e.g. /run/media/defaultuser/SDCARD; targets lists its cards); and:
  pull DEVICE_FILE [--to DIR]            copy a backup from the device here (checked by size and SHA-256)
  push LOCAL_FILE [--to DEVICE_DIR]      copy a backup to the device (default: the device user's home)`;

const optionSpec = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  provider: { type: 'string' },
  server: { type: 'string' },
  user: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'backups-path': { type: 'string' },
  'webdav-path': { type: 'string' },
  'ignore-ssl-errors': { type: 'boolean' },
  name: { type: 'string' },
  to: { type: 'string' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  offline: { type: 'boolean' },
  page: { type: 'string' },
  'exit-when-idle': { type: 'string' },
  'notify-finished': { type: 'boolean' },
  only: { type: 'string' },
  device: { type: 'string' },
  'device-bus': { type: 'string' },
} as const;

function makeOutput(json: boolean): Output {
  return {
    json,
    result(data, text) {
      if (json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
      else {
        const lines = text();
        process.stdout.write((Array.isArray(lines) ? lines.join('\n') : lines) + '\n');
      }
    },
    note(text) {
      process.stderr.write(text + '\n');
    },
  };
}

async function dispatch(cli: Cli, command: string | undefined, args: CommandArgs): Promise<void> {
  switch (command) {
    case 'daemon':
      return daemon(cli, args);
    case 'service':
      return service(cli, args);
    case 'providers':
      return providers(cli);
    case 'account':
      return account(cli, args);
    case 'units':
      return units(cli, args);
    case 'profiles':
      return profiles(cli, args);
    case 'backup':
      return backup(cli, args);
    case 'backups':
      return backups(cli, args);
    case 'restore':
      return restore(cli, args);
    case 'sync':
      return sync(cli, args);
    case 'status':
      return status(cli);
    case 'ui':
      return ui(cli, args);
    case 'targets':
      return targets(cli, args);
    case 'demo':
      return demo(cli, args);
    default:
      throw new InputError(command ? `Unknown command "${command}"\n${usage}` : usage);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: optionSpec, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`sfbackup: ${errorMessage(err)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  const out = makeOutput(values.json === true);
  // Reached only when a wait can never end (see stuckGuard.ts); a command that ended disarms it.
  const disarm = guardStuckWaits((message) => {
    if (out.json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
    process.stderr.write(`sfbackup: ${message}\n`);
  });
  const [command, ...rest] = positionals;
  let cli: Cli;
  try {
    if (values['device-bus'] !== undefined && values.device === undefined)
      throw new InputError('--device-bus needs --device');
    cli = new Cli(out, values['data-dir'], process.env, { address: values.device, bus: values['device-bus'] });
  } catch (err) {
    disarm();
    process.stderr.write(`sfbackup: ${errorMessage(err)}\n`);
    return 2;
  }
  const args: CommandArgs = {
    positionals: rest,
    string: (name) => (values as Record<string, unknown>)[name] as string | undefined,
    flag: (name) => (values as Record<string, unknown>)[name] === true,
  };
  try {
    await (cli.device ? onDevice(cli, command, args) : dispatch(cli, command, args));
    return 0;
  } catch (err) {
    const message = errorMessage(err).split('\n')[0] ?? 'failed';
    const exitCode = err instanceof OperationFailed ? err.exitCode : err instanceof InputError ? 2 : 1;
    const code = err instanceof OperationFailed ? err.code : err instanceof BackupError ? err.minorCode : undefined;
    if (out.json)
      process.stdout.write(JSON.stringify({ error: message, ...(code !== undefined ? { code } : {}) }) + '\n');
    process.stderr.write(`sfbackup: ${message}\n`);
    if (command === undefined && err instanceof InputError)
      process.stderr.write(errorMessage(err).split('\n').slice(1).join('\n') + '\n');
    return exitCode;
  } finally {
    await cli.close();
    disarm();
  }
}

// The process ends when the command has closed what it opened (bus connections, HTTP agents, timers):
// nothing forces it, so a leak shows as a command that does not end, in the tests that run every command.
process.exitCode = await main(process.argv.slice(2));
