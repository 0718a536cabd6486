// sfbackup backup | backups | restore | sync | status — run operations through the sync daemon and vault.
import path from 'node:path';
import { SyncStatus, majorName, minorNames, statusNames } from '../buteo/codes.js';
import { resultsFromElement, type SyncResults } from '../buteo/syncLog.js';
import { parseXml } from '../buteo/xmlTree.js';
import { errorMessage, InputError } from '../errors.js';
import { fileProblems } from '../fileProblems.js';
import { DaemonSession } from '../session.js';
import type { ServiceSession } from '../serviceSession.js';
import type { Cli } from './Cli.js';
import { parseAccountId, type CommandArgs } from './args.js';
import { ensureAccountProfiles, listCloudBackups, runProfileToEnd } from '../operations.js';
import { runVaultOperation } from './vaultOperation.js';
import { UNVERIFIED_NOTE } from '../vault/notes.js';
import { backupsInFolder, backupToFolder, isFolderArgument, restoreFromFolder } from './fileCommands.js';
import { noteLines, OperationFailed, runNotes, withFolderFlag } from './runOutcome.js';

export { OperationFailed };

/** The backup file a Backup run added on the server, as its results name it (Buteo's item details). */
function uploadedFile(results: SyncResults | undefined): string | undefined {
  const items = results?.targets.flatMap((t) => t.remote.items ?? []) ?? [];
  return items.find((i) => i.operation === 'added' && !i.failed)?.uid;
}

/** The run's results, when the daemon is still there to say. */
export async function lastResult(session: ServiceSession, profile: string) {
  try {
    const xml = await session.msyncd.getLastSyncResult(profile);
    return xml ? resultsFromElement(parseXml(xml)) : undefined;
  } catch {
    // the daemon left or never logged the run: the outcome is said without its results
    return undefined;
  }
}

export async function backup(cli: Cli, args: CommandArgs): Promise<void> {
  if (isFolderArgument(args.positionals[0])) return backupToFolder(cli, args.positionals[0]);
  const id = parseAccountId(args.positionals[0]);
  const profiles = ensureAccountProfiles(cli.stores, id);
  const session = await cli.daemon();
  const outcome = await runVaultOperation(session, id, 'backup', () => session.vault.backupToCloud(id));
  const result = await lastResult(session, profiles.Backup.name);
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Backup cancelled; nothing was left on the server.', 130, result?.minorCode);
  if (outcome.status !== 'Finished')
    throw new OperationFailed(outcome.error ?? result?.message ?? 'The backup failed.', 1, result?.minorCode);
  const file = uploadedFile(result);
  const account = cli.stores.accounts.get(id);
  const notes = await runNotes(session);
  cli.out.result(
    { account: id, status: 'Finished', file, folder: account.backupsPath, skipped: notes.skipped, notes: notes.notes },
    () => [`Backed up to ${account.name}: ${file ?? 'done'} (${notes.summary})`, ...noteLines(notes)],
  );
}

export async function backups(cli: Cli, args: CommandArgs): Promise<void> {
  if (isFolderArgument(args.positionals[0])) return backupsInFolder(cli, args.positionals[0]);
  const id = parseAccountId(args.positionals[0]);
  const session = await cli.daemon();
  const list = await listCloudBackups(session, cli.stores, id);
  cli.out.result(list, () =>
    list.length === 0 ? ['No previous backups found'] : list.map((b) => `${b.name}${b.date ? `  ${b.date}` : ''}`),
  );
}

export async function restore(cli: Cli, args: CommandArgs): Promise<void> {
  if (isFolderArgument(args.positionals[0])) return restoreFromFolder(cli, args.positionals[0], args);
  const id = parseAccountId(args.positionals[0]);
  const file = args.positionals[1];
  if (!file) throw new InputError('restore needs the backup file name (see: sfbackup backups ACCOUNT_ID)');
  const to = args.string('to');
  ensureAccountProfiles(cli.stores, id);
  const session = await cli.daemon();
  const outcome = await runVaultOperation(session, id, 'restore', () =>
    session.vault.restoreFromCloud(id, file, to ? path.resolve(to) : undefined),
  );
  if (outcome.status === 'Canceled')
    throw new OperationFailed('Restore cancelled; no files were changed.', 130, undefined);
  if (outcome.status !== 'Finished')
    throw new OperationFailed(withFolderFlag(outcome.error ?? 'The restore failed.', outcome.code), 1, undefined);
  const notes = await runNotes(session);
  const verified = !notes.notes.includes(UNVERIFIED_NOTE);
  cli.out.result(
    {
      account: id,
      status: 'Finished',
      file,
      to: to ? path.resolve(to) : null,
      verified,
      skipped: notes.skipped,
      notes: notes.notes,
    },
    () => [`Restored ${file}${to ? ` into ${path.resolve(to)}` : ''} (${notes.summary})`, ...noteLines(notes)],
  );
}

export async function sync(cli: Cli, args: CommandArgs): Promise<void> {
  const profile = args.positionals[0];
  if (!profile) throw new InputError('sync needs a profile name');
  const session = await cli.services();
  const run = await runProfileToEnd(session, profile);
  const name = statusNames[run.status] ?? String(run.status);
  // msyncd sends 3 for every failure; the minor code in moreDetails says which.
  const minor = run.details ? ` ${run.details} ${minorNames[run.details] ?? ''}`.trimEnd() : '';
  if (run.status !== SyncStatus.Done)
    throw new OperationFailed(`${profile}: ${name}${minor}${run.message ? `: ${run.message}` : ''}`, 1, run.details);
  cli.out.result(
    { profile, status: name, message: run.message },
    () => `${profile}: ${name}${run.message ? ` (${run.message})` : ''}`,
  );
}

export async function status(cli: Cli): Promise<void> {
  const stores = cli.stores;
  let daemon: { running: string[]; vault: unknown } | null = null;
  // The engine of this data dir, on the session bus or wherever its process published it; never started.
  let session: DaemonSession | undefined;
  try {
    session = await DaemonSession.existing(stores, cli.env);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    cli.out.note(errorMessage(err));
  }
  if (session) {
    try {
      daemon = { running: await session.msyncd.runningSyncs(), vault: await session.vault.state() };
    } finally {
      await session.close();
    }
  }
  const profiles = stores.profiles
    .list()
    .map((p) => ({ name: p.name, last: stores.profiles.results(p.name).at(-1) ?? null }));
  const problems = fileProblems(stores);
  cli.out.result({ daemon, accounts: stores.accounts.list().length, profiles, problems }, () => [
    daemon
      ? `Sync daemon running; active: ${daemon.running.join(', ') || 'none'}`
      : 'No sync daemon runs for this data dir (commands start one for their run)',
    ...profiles.map(
      (p) =>
        `${p.name.padEnd(32)} ${p.last ? `${p.last.time} ${majorName(p.last.majorCode)}${p.last.message ? `: ${p.last.message}` : ''}` : 'never run'}`,
    ),
    ...(problems.length > 0 ? ['Damaged files (not used until fixed):', ...problems.map((p) => `  ${p.message}`)] : []),
  ]);
}
