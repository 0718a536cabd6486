// sfbackup --device D backup | backups | restore FOLDER …: backups in a folder on the device, its memory
// card, made and restored by the device's own vault exactly as its Settings → Backup does it:
// backupToFile("<card>/<new backup name>") (Sailfish.Vault BackupView.qml:161-162) and restoreFromFile.
import { cardFolder, deviceChecksum, listCardBackups, listMemoryCards } from '../device/memoryCard.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import { InputError } from '../errors.js';
import { backupFileName } from '../backupNames.js';
import { formatBytes } from '../progressText.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';
import { fileRun } from './deviceRuns.js';
import { OperationFailed } from './operationCommands.js';

/** An account id is a number; a folder on the device is an absolute path. */
export function isDeviceFolder(text: string | undefined): text is string {
  return text !== undefined && !/^\d+$/.test(text.trim());
}

export async function backupToCard(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const folder = cardFolder(args.positionals[0] ?? '');
  const file = `${folder}/${backupFileName(new Date())}`;
  const outcome = await fileRun(cli, session, file, 'backup', () => session.vault.backupToFile(file));
  if (outcome.status === 'Canceled') throw new OperationFailed('Backup cancelled on the device.', 130, undefined);
  if (outcome.status !== 'Finished') throw new OperationFailed(outcome.error ?? 'The backup failed.', 1, undefined);
  const made = (await listCardBackups(session.link, folder)).find((b) => b.path === file);
  if (!made) throw new OperationFailed(`The device said Finished, but ${file} is not there.`, 1, undefined);
  const sha256 = (await deviceChecksum(session.link, file)) ?? null;
  cli.out.result(
    { device: session.label, status: 'Finished', folder, file: made.name, path: file, size: made.size, sha256 },
    () => [`The device backed up to ${file} (${made.size} bytes${sha256 ? `, SHA-256 ${sha256}` : ''})`],
  );
}

export async function cardBackups(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const list = await listCardBackups(session.link, args.positionals[0] ?? '');
  cli.out.result(list, () =>
    list.length === 0
      ? ['No previous backups found']
      : list.map((b) => `${b.name}  ${b.size} bytes${b.date ? `  ${b.date}` : ''}`),
  );
}

export async function restoreFromCard(cli: Cli, session: DeviceSession, args: CommandArgs): Promise<void> {
  const [folderText, name] = args.positionals;
  if (!name) throw new InputError('restore needs the backup file name (see: sfbackup --device … backups FOLDER)');
  if (args.string('to') !== undefined)
    throw new InputError(
      'A device restores into its own data; --to works on this computer only (sfbackup pull copies a backup here).',
    );
  const listed = (await listCardBackups(session.link, folderText ?? '')).find((b) => b.name === name);
  if (!listed) throw new InputError(`No backup ${name} in ${cardFolder(folderText ?? '')} on the device`);
  const outcome = await fileRun(cli, session, listed.path, 'restore', () => session.vault.restoreFromFile(listed.path));
  if (outcome.status === 'Canceled') throw new OperationFailed('Restore cancelled on the device.', 130, undefined);
  if (outcome.status !== 'Finished') throw new OperationFailed(outcome.error ?? 'The restore failed.', 1, undefined);
  cli.out.result({ device: session.label, status: 'Finished', file: listed.name, path: listed.path }, () => [
    `The device restored ${listed.path}`,
  ]);
}

/** The device's memory cards, where `backup FOLDER` can go. */
export async function cardTargets(cli: Cli, session: DeviceSession): Promise<void> {
  const cards = await listMemoryCards(session.link);
  cli.out.result(cards, () =>
    cards.length === 0
      ? ['No memory card on the device']
      : cards.map(
          (c) =>
            `Memory card ${c.label}  ${c.path}${c.free !== null && c.size !== null ? `  ${formatBytes(c.free)} free of ${formatBytes(c.size)}` : ''}${c.writable ? '' : '  (read-only)'}`,
        ),
  );
}
