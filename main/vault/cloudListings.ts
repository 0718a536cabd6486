// What BackupQuery plugins report through setCloudBackups, kept per account. Real plugins send full
// server paths (nextcloud syncer.cpp:295 the PROPFIND href, Dropbox path_display, OneDrive
// remotePath/name); the page splits each into fileDir and fileName and passes "<dir>/<file>" back to
// restoreFromCloud (Sailfish.Vault BackupInfoItem.qml:19).
import type { MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { SyncStatus } from '../buteo/codes.js';
import { isBackupFileName } from './backupFiles.js';
import { backupFileDate } from '../backupNames.js';
import { accountProfile, finalStatuses } from './syncOutcome.js';
import { VaultError } from './vaultTypes.js';

export interface CloudBackup {
  /** As the plugin reported it: a server path, or a bare name. */
  path: string;
  /** The file name alone, for display and for the local download. */
  name: string;
}

const MAX_ENTRIES = 100_000;
const MAX_PATH = 4096;

/** The file name of a reported entry, or undefined when it is not something to list or restore. */
export function backupNameOf(entry: string): string | undefined {
  if (entry.length > MAX_PATH || /\p{Cc}/u.test(entry)) return undefined;
  const name = entry.slice(entry.lastIndexOf('/') + 1);
  // Dot-files are uploads in progress (this app's temporary names), never finished backups.
  if (!isBackupFileName(name) || name.startsWith('.')) return undefined;
  return name;
}

/** Splits "<dir>/<file>" (or a bare file name) as restoreFromCloud receives it; throws on anything else. */
export function restoreTarget(filePath: string): CloudBackup {
  const name = backupNameOf(filePath);
  if (!name || filePath.split('/').some((segment) => segment === '..'))
    throw new VaultError(
      'InvalidArgs',
      `"${filePath.slice(0, 80)}" is not a backup file name or "<folder>/<file>" path`,
    );
  return { path: filePath, name };
}

/** Newest first by the time in the name, then by name; each name's time is read once. */
function newestFirst(list: CloudBackup[]): CloudBackup[] {
  const keyed = list.map((b) => ({ b, time: backupFileDate(b.name)?.getTime() ?? 0 }));
  keyed.sort((x, y) => y.time - x.time || (x.b.name < y.b.name ? 1 : x.b.name > y.b.name ? -1 : 0));
  return keyed.map((k) => k.b);
}

export class CloudListings {
  private readonly lists = new Map<number, CloudBackup[]>();

  /** Replaces an account's list with what a plugin reported; unusable entries are dropped. */
  set(accountId: number, entries: string[]): CloudBackup[] {
    if (entries.length > MAX_ENTRIES) throw new VaultError('InvalidArgs', `More than ${MAX_ENTRIES} backups`);
    const seen = new Set<string>();
    const list: CloudBackup[] = [];
    for (const entry of entries) {
      const name = backupNameOf(entry);
      if (!name || seen.has(entry)) continue;
      seen.add(entry);
      list.push({ path: entry, name });
    }
    const sorted = newestFirst(list);
    this.lists.set(accountId, sorted);
    return sorted;
  }

  get(accountId: number): CloudBackup[] | undefined {
    return this.lists.get(accountId);
  }
}

type Finished = (accountId: number, fileNames: string[], success: boolean) => void;

/**
 * The page's listing (BackupRestoreStorageListModel.qml:244-249): listCloudBackups(accountId, true)
 * runs the account's BackupQuery through the sync daemon, and listCloudBackupsFinished answers with
 * what its plugin reported, or success=false when the run failed.
 */
export class CloudBackupLister {
  readonly listings = new CloudListings();
  /** BackupQuery runs started here: profile name → account id. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly msyncd: MsyncdProxy,
    private readonly finished: Finished,
  ) {}

  async list(accountId: number, refresh: boolean): Promise<void> {
    const known = this.listings.get(accountId);
    if (!refresh && known) {
      this.finished(
        accountId,
        known.map((b) => b.path),
        true,
      );
      return;
    }
    let profile: string;
    try {
      profile = (await accountProfile(this.msyncd, accountId, 'BackupQuery')).name;
    } catch (err) {
      this.finished(accountId, [], false);
      throw err;
    }
    if (this.running.has(profile)) return; // joins the listing already running
    this.running.set(profile, accountId);
    let started = false;
    try {
      started = await this.msyncd.startSync(profile);
    } finally {
      if (!started && this.running.delete(profile)) this.finished(accountId, [], false);
    }
  }

  onSyncStatus(event: SyncStatusEvent): void {
    const accountId = this.running.get(event.profile);
    if (accountId === undefined || !finalStatuses.has(event.status)) return;
    this.running.delete(event.profile);
    const ok = event.status === SyncStatus.Done;
    this.finished(accountId, ok ? (this.listings.get(accountId) ?? []).map((b) => b.path) : [], ok);
  }
}
