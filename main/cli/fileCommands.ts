// sfbackup backup | backups | restore with a folder instead of an account: a drive or any folder, as a
// Sailfish device backs up to its memory card. No account is needed.
import path from 'node:path';
import { InputError } from '../errors.js';
import { archiveUnits } from '../vault/archiveUnits.js';
import { prepareTargetFolder } from '../targets/FolderTargets.js';
import { listLocalBackups } from '../targets/localBackups.js';
import { formatBytes } from '../progressText.js';
import { backupFileName, isBackupFileName } from '../backupNames.js';
import type { Cli } from './Cli.js';
import type { CommandArgs } from './args.js';
import { noteLines, OperationFailed, runNotes, withFolderFlag } from './runOutcome.js';
import { UNVERIFIED_NOTE } from '../vault/notes.js';
import { runFileOperation } from './fileOperation.js';

/** An account id is a number; anything else names a folder. */
export function isFolderArgument(text: string | undefined): text is string {
  return text !== undefined && !/^\d+$/.test(text);
}

function folderOf(text: string): string {
  return path.resolve(text);
}

export async function backupToFolder(cli: Cli, folderText: string): Promise<void> {
  const folder = folderOf(folderText);
  const { created } = prepareTargetFolder(folder, cli.env);
  if (created) cli.out.note(`Made the folder ${folder} for backups.`);
  const file = path.join(folder, backupFileName(new Date()));
  const session = await cli.daemon();
  const outcome = await runFileOperation(session, file, 'backup', () => session.vault.backupToFile(file));
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Backup cancelled; no backup file was left in the folder.', 130, undefined);
  if (outcome.status !== 'Finished') throw new OperationFailed(outcome.error ?? 'The backup failed.', 1, undefined);
  const notes = await runNotes(session);
  cli.out.result(
    {
      folder,
      file: path.basename(file),
      path: file,
      status: 'Finished',
      created,
      skipped: notes.skipped,
      notes: notes.notes,
    },
    () => [`Backed up to ${file} (${notes.summary})`, ...noteLines(notes)],
  );
}

export async function backupsInFolder(cli: Cli, folderText: string): Promise<void> {
  const folder = folderOf(folderText);
  const list = await listLocalBackups(folder).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`The folder ${folder} does not exist`);
    throw err;
  });
  cli.out.result(list, () =>
    list.length === 0 ? ['No previous backups found'] : list.map((b) => `${b.name}  ${b.date}  ${formatBytes(b.size)}`),
  );
}

export async function restoreFromFolder(cli: Cli, folderText: string, args: CommandArgs): Promise<void> {
  const name = args.positionals[1];
  if (!name) throw new InputError('restore needs the backup file name (see: sfbackup backups FOLDER)');
  if (!isBackupFileName(name) || name.startsWith('.'))
    throw new InputError(`"${name.slice(0, 80)}" is not a backup file name (see: sfbackup backups FOLDER)`);
  const file = path.join(folderOf(folderText), name);
  const toText = args.string('to');
  const to = toText ? path.resolve(toText) : undefined;
  if (!to) {
    // Said before anything runs: which folders of the backup have no folder here.
    const known = new Set(cli.stores.units.list().map((u) => u.name));
    const unknown = (await archiveUnits(file).catch(() => [])).filter((u) => !known.has(u));
    if (unknown.length > 0)
      throw new InputError(
        `The backup holds folders this computer does not back up (${unknown.join(', ')}); restore them into a folder with --to DIR.`,
      );
  }
  const session = await cli.daemon();
  const outcome = await runFileOperation(session, file, 'restore', () => session.vault.restoreFromFile(file, to));
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Restore cancelled; no files were changed.', 130, undefined);
  if (outcome.status !== 'Finished')
    throw new OperationFailed(withFolderFlag(outcome.error ?? 'The restore failed.', outcome.code), 1, undefined);
  const notes = await runNotes(session);
  cli.out.result(
    {
      file,
      status: 'Finished',
      to: to ?? null,
      verified: !notes.notes.includes(UNVERIFIED_NOTE),
      skipped: notes.skipped,
      notes: notes.notes,
    },
    () => [`Restored ${file}${to ? ` into ${to}` : ''} (${notes.summary})`, ...noteLines(notes)],
  );
}
