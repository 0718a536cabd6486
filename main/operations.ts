// Operations the CLI and the UI share on top of a daemon session.
import { SyncStatus } from './buteo/codes.js';
import type { DaemonSession } from './session.js';
import type { Stores } from './stores.js';
import { backupFileDate } from './vault/progressText.js';
import { BACKUP_OPERATIONS, type BackupOperation } from './accounts/BackupAccounts.js';
import type { SyncProfile } from './buteo/SyncProfile.js';
import { BackupError } from './errors.js';
import { MinorCode } from './buteo/codes.js';

export interface ProfileRun {
  status: number;
  message: string;
  details: number;
}

const inFlight = new Set<number>([SyncStatus.Queued, SyncStatus.Started, SyncStatus.Progress, SyncStatus.Stopping]);

/** Starts a profile (or joins its running sync) and resolves with its final status. */
export async function runProfileToEnd(session: DaemonSession, profile: string): Promise<ProfileRun> {
  let resolve!: (run: ProfileRun) => void;
  const done = new Promise<ProfileRun>((r) => (resolve = r));
  const off = await session.msyncd.onSyncStatus((e) => {
    if (e.profile === profile && !inFlight.has(e.status))
      resolve({ status: e.status, message: e.message, details: e.moreDetails });
  });
  const offLost = await session.onServicesLost((name) =>
    resolve({
      status: SyncStatus.Error,
      message: `${name} left the bus during the run`,
      details: MinorCode.InternalError,
    }),
  );
  try {
    const started = await session.msyncd.startSync(profile);
    if (!started && !(await session.msyncd.runningSyncs()).includes(profile)) {
      throw new BackupError(
        MinorCode.PluginError,
        `The sync daemon refused to run ${profile}: unknown, disabled or already queued.`,
      );
    }
    return await done;
  } finally {
    await off();
    await offLost();
  }
}

/** Creates the account's three profiles when missing and records them on the account (as the Backup page does). */
export function ensureAccountProfiles(stores: Stores, accountId: number): Record<BackupOperation, SyncProfile> {
  const account = stores.accounts.get(accountId);
  const profiles = stores.profiles.createForAccount(account);
  const names = Object.fromEntries(BACKUP_OPERATIONS.map((op) => [op, profiles[op].name])) as Record<
    BackupOperation,
    string
  >;
  stores.accounts.recordProfiles(accountId, names);
  return profiles;
}

export interface CloudBackup {
  name: string;
  /** ISO time from the file name, when it has the standard shape. */
  date: string | null;
}

/** Runs BackupQuery for the account and returns what it found, newest first. */
export async function listCloudBackups(
  session: DaemonSession,
  stores: Stores,
  accountId: number,
): Promise<CloudBackup[]> {
  const profiles = ensureAccountProfiles(stores, accountId);
  const run = await runProfileToEnd(session, profiles.BackupQuery.name);
  if (run.status !== SyncStatus.Done)
    throw new BackupError(
      run.details > 400 ? (run.details as MinorCode) : MinorCode.InternalError,
      run.message || 'Listing the backups failed.',
    );
  const names = await session.vault.cloudBackups(accountId);
  return names.map((name) => ({ name, date: backupFileDate(name)?.toISOString() ?? null }));
}
