// sfbackup: everything the Backup settings page does, as commands with --json output.
// Each command's code is loaded when that command runs: `sfbackup --help` loads none of it, and a
// command loads only what it uses (the engine, WebDAV and the UI server are most of the start-up time).
import { parseArgs } from 'node:util';
import { BackupError, InputError, errorMessage } from '../errors.js';
import type { CommandArgs } from './args.js';
import type { Cli, Output } from './Cli.js';
import { guardStuckWaits } from './stuckGuard.js';

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

const commands: Record<string, (cli: Cli, args: CommandArgs) => Promise<void>> = {
  daemon: async (cli, args) => (await import('./daemonCommand.js')).daemon(cli, args),
  service: async (cli, args) => (await import('./serviceCommand.js')).service(cli, args),
  providers: async (cli) => (await import('./accountCommands.js')).providers(cli),
  account: async (cli, args) => (await import('./accountCommands.js')).account(cli, args),
  units: async (cli, args) => (await import('./profileCommands.js')).units(cli, args),
  profiles: async (cli, args) => (await import('./profileCommands.js')).profiles(cli, args),
  backup: async (cli, args) => (await import('./operationCommands.js')).backup(cli, args),
  backups: async (cli, args) => (await import('./operationCommands.js')).backups(cli, args),
  restore: async (cli, args) => (await import('./operationCommands.js')).restore(cli, args),
  sync: async (cli, args) => (await import('./operationCommands.js')).sync(cli, args),
  status: async (cli) => (await import('./operationCommands.js')).status(cli),
  ui: async (cli, args) => (await import('./uiCommand.js')).ui(cli, args),
  targets: async (cli, args) => (await import('./targetsCommand.js')).targets(cli, args),
  demo: async (cli, args) => (await import('./demoCommand.js')).demo(cli, args),
};

/** A failed operation's own exit code and Buteo code (operationCommands.ts OperationFailed). */
function operationFailure(err: unknown): { exitCode: number; code: number | string | undefined } | undefined {
  const failed = err as { name?: unknown; exitCode?: unknown; code?: unknown } | undefined;
  if (failed?.name !== 'OperationFailed' || typeof failed.exitCode !== 'number') return undefined;
  return {
    exitCode: failed.exitCode,
    code: typeof failed.code === 'number' || typeof failed.code === 'string' ? failed.code : undefined,
  };
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
  const run = command === undefined ? undefined : commands[command];
  if (!run && values.device === undefined) {
    // Said without loading any command's code, as a command's InputError would be said below.
    const message = command ? `Unknown command "${command}"` : usage.split('\n')[0]!;
    if (out.json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
    process.stderr.write(`sfbackup: ${message}\n`);
    if (command === undefined) process.stderr.write(usage.split('\n').slice(1).join('\n') + '\n');
    return 2;
  }
  let cli: Cli;
  try {
    if (values['device-bus'] !== undefined && values.device === undefined)
      throw new InputError('--device-bus needs --device');
    const { Cli } = await import('./Cli.js');
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
    if (cli.device) await (await import('./deviceCommands.js')).onDevice(cli, command, args);
    else await run!(cli, args);
    return 0;
  } catch (err) {
    const message = errorMessage(err).split('\n')[0] ?? 'failed';
    const failed = operationFailure(err);
    const exitCode = failed ? failed.exitCode : err instanceof InputError ? 2 : 1;
    const code = failed ? failed.code : err instanceof BackupError ? err.minorCode : undefined;
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
