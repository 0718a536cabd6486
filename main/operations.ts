// Operations the CLI and the UI share on top of a daemon session.
import { SyncStatus } from './buteo/codes.js';
import type { ServiceSession } from './serviceSession.js';
import type { Stores } from './stores.js';
import { backupFileDate } from './vault/progressText.js';
import { BACKUP_OPERATIONS, type BackupOperation } from './accounts/BackupAccounts.js';
import type { SyncProfile } from './buteo/SyncProfile.js';
import { BackupError } from './errors.js';
import { MinorCode } from './buteo/codes.js';
import { waitingFor } from './waits.js';

export interface ProfileRun {
  status: number;
  message: string;
  details: number;
}

const inFlight = new Set<number>([SyncStatus.Queued, SyncStatus.Started, SyncStatus.Progress, SyncStatus.Stopping]);

/** Starts a profile (or joins its running sync) and resolves with its final status. */
export async function runProfileToEnd(session: ServiceSession, profile: string): Promise<ProfileRun> {
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
        `The sync daemon refused to run ${profile}: it is unknown or disabled, or a device backup is running.`,
      );
    }
    return await waitingFor(`the end of the sync of ${profile}`, done);
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
  /** Where the plugin found it, "<dir>/<file>" on the server: what restoreFromCloud takes back. */
  path: string;
}

/**
 * Lists the account's backups as the Backup page does: listCloudBackups(id, true) on the backup
 * service, answered by listCloudBackupsFinished. Newest first. A failure carries the sync daemon's cause.
 */
export function listCloudBackups(session: ServiceSession, stores: Stores, accountId: number): Promise<CloudBackup[]> {
  return listCloudBackupsWith(session, ensureAccountProfiles(stores, accountId).BackupQuery.name, accountId);
}

/** listCloudBackups where the account's BackupQuery profile is already known (on a device, from its msyncd). */
export async function listCloudBackupsWith(
  session: ServiceSession,
  query: string,
  accountId: number,
): Promise<CloudBackup[]> {
  let failure: ProfileRun | undefined;
  const off = await session.msyncd.onSyncStatus((e) => {
    if (e.profile === query && !inFlight.has(e.status) && e.status !== SyncStatus.Done)
      failure = { status: e.status, message: e.message, details: e.moreDetails };
  });
  let lost!: (name: string) => void;
  const serviceLost = new Promise<never>((_, reject) => {
    lost = (name) => reject(new BackupError(MinorCode.InternalError, `${name} left the bus during the listing`));
  });
  const offLost = await session.onServicesLost(lost);
  try {
    const paths = await Promise.race([session.vault.listCloudBackupsOnce(accountId, true), serviceLost]);
    if (paths === undefined)
      throw new BackupError(
        failure && failure.details > 400 ? (failure.details as MinorCode) : MinorCode.InternalError,
        failure?.message || 'Cannot connect to cloud service: listing the backups failed.',
      );
    return paths.map((p) => {
      const name = p.slice(p.lastIndexOf('/') + 1);
      return { name, date: backupFileDate(name)?.toISOString() ?? null, path: p };
    });
  } finally {
    await off();
    await offLost();
  }
}
