// sfbackup backup | backups | restore with a folder instead of an account: a drive or any folder, as a
// Sailfish device backs up to its memory card. No account is needed.
import path from 'node:path';
import { InputError } from '../errors.js';
import type { DaemonSession } from '../session.js';
import { archiveUnits } from '../vault/archiveUnits.js';
import { prepareTargetFolder } from '../targets/FolderTargets.js';
import { listLocalBackups } from '../targets/localBackups.js';
import { backupFileName, formatBytes } from '../vault/progressText.js';
import { isBackupFileName } from '../vault/backupFiles.js';
import type { Cli } from './Cli.js';
import type { CommandArgs } from './args.js';
import { noteLines, OperationFailed, runNotes, withFolderFlag } from './runOutcome.js';
import { UNVERIFIED_NOTE } from '../vault/notes.js';
import { showVaultProgress } from './progress.js';

/** An account id is a number; anything else names a folder. */
export function isFolderArgument(text: string | undefined): text is string {
  return text !== undefined && !/^\d+$/.test(text);
}

const terminal = new Set(['Finished', 'Error', 'Canceled']);

/** Runs a backup to or restore from a file and waits for its end; Ctrl-C cancels it. */
async function runFileOperation(
  session: DaemonSession,
  file: string,
  start: () => Promise<void>,
): Promise<{ status: string; error?: string; code?: string }> {
  const { vault } = session;
  let resolve!: (status: string) => void;
  const finished = new Promise<string>((r) => (resolve = r));
  let started = false;
  const offs = [
    await vault.onFileBackupStatusChanged((changed, status) => {
      if (started && changed === file && terminal.has(status)) resolve(status);
    }),
    await showVaultProgress(vault),
    await session.onServicesLost((name) => resolve(`Lost:${name}`)),
  ];
  const cancel = () => void vault.cancel();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    await start();
    started = true;
    const now = await vault.state();
    if ((now.mode === 'backupToFile' || now.mode === 'restoreFromFile') && terminal.has(now.status))
      resolve(now.status);
    const status = await finished;
    if (status.startsWith('Lost:'))
      return { status: 'Error', error: `The backup service stopped (${status.slice(5)} left the bus).` };
    const state = await vault.state();
    if (status !== 'Error') return { status };
    return {
      status,
      error: state.error || 'The operation failed.',
      ...(state.errorCode ? { code: state.errorCode } : {}),
    };
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    for (const off of offs) await off();
  }
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
  const outcome = await runFileOperation(session, file, () => session.vault.backupToFile(file));
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
  const outcome = await runFileOperation(session, file, () => session.vault.restoreFromFile(file, to));
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Restore cancelled; no files were changed.', 130, undefined);
  if (outcome.status !== 'Finished')
    throw new OperationFailed(withFolderFlag(outcome.error ?? 'The restore failed.', outcome.code), 1, outcome.code);
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
