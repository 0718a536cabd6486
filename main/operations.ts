// Operations the CLI and the UI share on top of a daemon session.
import { SyncStatus } from './vocabulary.js';
import type { ServiceSession } from './serviceSession.js';
import type { Stores } from './stores.js';
import { backupFileDate } from './backupNames.js';
import { BACKUP_OPERATIONS, type BackupOperation } from './accounts/BackupAccounts.js';
import type { SyncProfile } from './buteo/SyncProfile.js';
import { BackupError, InputError } from './errors.js';
import type { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { isMinorCode, MinorCode } from './vocabulary.js';
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

/**
 * The account's three profiles, created or refreshed through the sync daemon's own updateProfile, so the
 * daemon and every bus client hear of them (signalProfileChanged), and recorded on the account.
 */
export async function ensureProfilesThroughDaemon(
  stores: Stores,
  msyncd: MsyncdProxy,
  accountId: number,
): Promise<Record<BackupOperation, SyncProfile>> {
  const account = stores.accounts.get(accountId);
  const { profiles, changed } = stores.profiles.buildForAccount(account);
  // Only what changed: an unchanged copy must not undo what another process saved meanwhile.
  for (const profile of changed) {
    if (!(await msyncd.updateProfile(profile.toXml())))
      throw new BackupError(MinorCode.InternalError, `The sync daemon did not store the profile ${profile.name}.`);
  }
  const names = Object.fromEntries(BACKUP_OPERATIONS.map((op) => [op, profiles[op].name])) as Record<
    BackupOperation,
    string
  >;
  stores.accounts.recordProfiles(accountId, names);
  return profiles;
}

/**
 * Removes the account's profiles through the sync daemon (removeProfile), which refuses while one of
 * them runs: then nothing is removed and the caller hears which one runs.
 */
export async function removeProfilesThroughDaemon(
  stores: Stores,
  msyncd: MsyncdProxy,
  accountId: number,
): Promise<void> {
  const names = stores.profiles.forAccount(accountId).map((p) => p.name);
  const running = (await msyncd.runningSyncs()).filter((name) => names.includes(name));
  if (running.length > 0)
    throw new InputError(
      `${running.join(', ')} is running; cancel it (or wait until it ends) before removing the account.`,
    );
  for (const name of names) {
    if (!(await msyncd.removeProfile(name)) && stores.profiles.load(name))
      throw new InputError(`The sync daemon refused to remove ${name}; it may have just started. Try again.`);
  }
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
        failure && failure.details > 400 && isMinorCode(failure.details) ? failure.details : MinorCode.InternalError,
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
