// sfbackup --device [user@]host[:port] …: the commands on a device's own sync daemon and backup service,
// over SSH, exactly through what its Settings → Backup page calls (shared/UPSTREAM.md §G, §H); never by
// editing its files. Plus pull and push: copying a backup file between the device and this computer.
import path from 'node:path';
import type { SyncProfile } from '../buteo/SyncProfile.js';
import {
  deviceAccounts,
  deviceProfileFor,
  lastResultOf,
  readDeviceProfiles,
  type DeviceProfile,
} from '../device/deviceProfiles.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import { pullFile, pushFile, type CopyProgress } from '../device/transfer.js';
import { InputError } from '../errors.js';
import { listCloudBackupsWith } from '../operations.js';
import { transferLine } from '../progressText.js';
import { parseAccountId, type CommandArgs } from './args.js';
import type { Cli } from './Cli.js';
import { backupToCard, cardBackups, cardTargets, isDeviceFolder, restoreFromCard } from './deviceCardCommands.js';
import { cloudRun } from './deviceRuns.js';
import { lastResult, OperationFailed, sync } from './operationCommands.js';

export const DEVICE_COMMANDS = [
  'status',
  'profiles',
  'sync',
  'targets',
  'backup',
  'backups',
  'restore',
  'pull',
  'push',
];

function summary(p: SyncProfile, last: DeviceProfile['last']) {
  return {
    name: p.name,
    displayname: p.displayName,
    accountid: p.accountId ?? null,
    client: p.clientPlugin ?? null,
    enabled: p.enabled,
    schedule: p.schedule ?? null,
    last_result: last ?? null,
  };
}

function resultLine(r: NonNullable<DeviceProfile['last']>): string {
  return `${r.time} ${['success', 'failed', 'cancelled'][r.majorCode] ?? r.majorCode}${r.message ? `: ${r.message}` : ''}`;
}

async function status(cli: Cli, session: DeviceSession): Promise<void> {
  const running = await session.msyncd.runningSyncs();
  const vault = await session.vault.state();
  const profiles = await readDeviceProfiles(session.msyncd);
  const accounts = deviceAccounts(profiles.map((p) => p.profile));
  const list = profiles.map((p) => ({ name: p.profile.name, last: p.last ?? null }));
  cli.out.result(
    { device: session.label, daemon: { running, vault }, accounts: accounts.length, profiles: list },
    () => [
      `Device ${session.label}: sync daemon running; active: ${running.join(', ') || 'none'}`,
      `Backup service: ${vault.status}${vault.statusText && vault.statusText !== vault.status ? ` (${vault.statusText})` : ''}${vault.error ? `: ${vault.error}` : ''}`,
      ...list.map((p) => `${p.name.padEnd(32)} ${p.last ? resultLine(p.last) : 'never run'}`),
    ],
  );
}

async function profiles(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const [sub, name] = args.positionals;
  switch (sub) {
    case 'list':
    case undefined: {
      const list = (await readDeviceProfiles(session.msyncd)).map((p) => summary(p.profile, p.last));
      cli.out.result(list, () =>
        list.map((p) =>
          `${p.name.padEnd(32)} account ${String(p.accountid ?? '-').padEnd(4)} ${p.enabled ? 'enabled ' : 'disabled'} ${p.schedule?.enabled ? `scheduled ${p.schedule.time ?? ''}` : ''}`.trimEnd(),
        ),
      );
      return;
    }
    case 'show': {
      if (!name) throw new InputError('profiles show needs a profile name');
      const found = (await readDeviceProfiles(session.msyncd)).find((p) => p.profile.name === name);
      if (!found) throw new InputError(`The device has no sync profile ${name}`);
      const xml = found.profile.toXml();
      cli.out.result({ ...summary(found.profile, found.last), xml }, () => xml.trimEnd());
      return;
    }
    case 'log': {
      if (!name) throw new InputError('profiles log needs a profile name');
      if (!(await session.msyncd.syncProfile(name))) throw new InputError(`The device has no sync profile ${name}`);
      // msyncd's D-Bus interface gives the last result only (getLastSyncResult); the whole log stays on the device.
      const last = await lastResultOf(session.msyncd, name);
      const results = last ? [last] : [];
      cli.out.note('The device’s sync daemon reports only the last run of a profile over D-Bus.');
      cli.out.result(results, () =>
        results.length === 0
          ? ['No runs yet']
          : results.map((r) =>
              `${r.time}  ${['success', 'failed', 'cancelled'][r.majorCode] ?? r.majorCode}${r.minorCode ? ` (${r.minorCode})` : ''}${r.scheduled ? '  scheduled' : ''}  ${r.message ?? ''}`.trimEnd(),
            ),
      );
      return;
    }
    default:
      throw new InputError(
        sub === 'create'
          ? 'A device creates its backup profiles itself: open Settings → Backup on the device.'
          : `Unknown command "profiles ${sub}" (list, show, log)`,
      );
  }
}

async function backup(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const id = parseAccountId(args.positionals[0]);
  const profile = await deviceProfileFor(session.msyncd, id, 'Backup');
  const outcome = await cloudRun(cli, session, id, 'backup', () => session.vault.backupToCloud(id));
  const result = await lastResult(session, profile);
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Backup cancelled; nothing was left on the server.', 130, result?.minorCode);
  if (outcome.status !== 'Finished')
    throw new OperationFailed(outcome.error ?? result?.message ?? 'The backup failed.', 1, result?.minorCode);
  const file = /Uploaded (\S+)/.exec(result?.message ?? '')?.[1];
  cli.out.result(
    { device: session.label, account: id, status: 'Finished', file },
    () => `The device backed up to account ${id}: ${file ?? 'done'}`,
  );
}

async function backups(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const id = parseAccountId(args.positionals[0]);
  const query = await deviceProfileFor(session.msyncd, id, 'BackupQuery');
  const list = await listCloudBackupsWith(session, query, id);
  cli.out.result(list, () =>
    list.length === 0 ? ['No previous backups found'] : list.map((b) => `${b.name}${b.date ? `  ${b.date}` : ''}`),
  );
}

async function restore(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const id = parseAccountId(args.positionals[0]);
  const file = args.positionals[1];
  if (!file) throw new InputError('restore needs the backup file name (see: sfbackup --device … backups ACCOUNT_ID)');
  if (args.string('to') !== undefined)
    throw new InputError(
      'A device restores into its own data; --to works on this computer only (sfbackup pull copies a backup here).',
    );
  // As RestorePage.qml does: restoreFromCloud(accountId, "<fileDir>/<fileName>") from the listing.
  const query = await deviceProfileFor(session.msyncd, id, 'BackupQuery');
  const listed = (await listCloudBackupsWith(session, query, id)).find((b) => b.name === file || b.path === file);
  if (!listed) throw new InputError(`No backup ${file} on account ${id}; see: sfbackup --device … backups ${id}`);
  const outcome = await cloudRun(cli, session, id, 'restore', () => session.vault.restoreFromCloud(id, listed.path));
  if (outcome.status === 'Canceled') throw new OperationFailed('Restore cancelled on the device.', 130, undefined);
  if (outcome.status !== 'Finished') throw new OperationFailed(outcome.error ?? 'The restore failed.', 1, undefined);
  cli.out.result({ device: session.label, account: id, status: 'Finished', file: listed.name }, () => [
    `The device restored ${listed.name}`,
  ]);
}

/** Progress of a copy on stderr, rewritten in place on a terminal. */
function copyProgress(cli: Cli, verb: string): { report: (p: CopyProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    report(p) {
      const line = transferLine(verb, p);
      if (line === last) return;
      last = line;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else cli.out.note(line);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

async function pull(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const remote = args.positionals[0];
  if (!remote) throw new InputError('pull needs the file on the device (pull DEVICE_FILE [--to DIR])');
  const local = path.join(path.resolve(args.string('to') ?? '.'), path.posix.basename(remote));
  const progress = copyProgress(cli, 'Copying from the device');
  try {
    const copied = await pullFile(session.link, remote, local, progress.report);
    progress.done();
    cli.out.result({ device: session.label, from: remote, ...copied }, () => [
      `Copied ${remote} to ${copied.path} (${copied.size} bytes, SHA-256 ${copied.sha256}, checked on both sides)`,
    ]);
  } finally {
    progress.done();
  }
}

async function push(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const local = args.positionals[0];
  if (!local) throw new InputError('push needs a local file (push LOCAL_FILE [--to DEVICE_DIR])');
  const progress = copyProgress(cli, 'Copying to the device');
  try {
    const copied = await pushFile(session.link, local, args.string('to') ?? '.', progress.report);
    progress.done();
    cli.out.result({ device: session.label, from: path.resolve(local), ...copied }, () => [
      `Copied ${path.resolve(local)} to ${copied.path} on the device (${copied.size} bytes, SHA-256 ${copied.sha256}, checked on both sides)`,
    ]);
  } finally {
    progress.done();
  }
}

export async function onDevice(cli: Cli, command: string | undefined, args: CommandArgs): Promise<void> {
  if (!command || !DEVICE_COMMANDS.includes(command))
    throw new InputError(
      `--device works with ${DEVICE_COMMANDS.join(', ')}; ${command ? `"${command}" works on this computer only` : 'give a command'}` +
        (command === 'account'
          ? ' (a device keeps its accounts in its own store: add them on the device, Settings → Accounts)'
          : ''),
    );
  if (command === 'sync') return sync(cli, args);
  const session = await cli.deviceServices();
  switch (command) {
    case 'status':
      return status(cli, session);
    case 'profiles':
      return profiles(cli, session, args);
    case 'targets':
      if (args.positionals.length > 0 && args.positionals[0] !== 'list')
        throw new InputError('A device finds its memory cards itself: --device works with targets [list] only.');
      return cardTargets(cli, session);
    // A number is one of the device's accounts; an absolute path is a folder there (its memory card).
    case 'backup':
      return isDeviceFolder(args.positionals[0]) ? backupToCard(cli, session, args) : backup(cli, session, args);
    case 'backups':
      return isDeviceFolder(args.positionals[0]) ? cardBackups(cli, session, args) : backups(cli, session, args);
    case 'restore':
      return isDeviceFolder(args.positionals[0]) ? restoreFromCard(cli, session, args) : restore(cli, session, args);
    case 'pull':
      return pull(cli, session, args);
    default:
      return push(cli, session, args);
  }
}
