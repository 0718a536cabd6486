// What the vault reads from the sync daemon: an account's profiles and how a run ended. The daemon
// may be this app's or the real Buteo msyncd, so only what msyncd itself sends is relied on.
import type { MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { MinorCode, SyncStatus } from '../buteo/codes.js';
import { SyncProfile } from '../buteo/SyncProfile.js';
import { VaultError } from './vaultTypes.js';

/** Statuses that end a run. msyncd sends 3 (error) or 8 (not possible) for failures; 9-15 come from older daemons. */
export const finalStatuses: ReadonlySet<number> = new Set<number>([
  SyncStatus.Error,
  SyncStatus.Done,
  SyncStatus.Aborted,
  SyncStatus.Cancelled,
  SyncStatus.NotPossible,
  SyncStatus.AuthenticationFailure,
  SyncStatus.DatabaseFailure,
  SyncStatus.ConnectionError,
  SyncStatus.ServerFailure,
  SyncStatus.BadRequest,
  SyncStatus.PluginError,
  SyncStatus.PluginTimeout,
]);

/** A Nextcloud plugin answers abortSync with error(ABORTED), which msyncd sends as status 3 + 501. */
export function isCancelled(event: SyncStatusEvent): boolean {
  return (
    event.status === SyncStatus.Aborted ||
    event.status === SyncStatus.Cancelled ||
    (event.status === SyncStatus.Error && event.moreDetails === MinorCode.Aborted)
  );
}

/** The account's `<provider>.<op>-<id>` profile, found through the daemon as any Buteo client would. */
export async function accountProfile(
  msyncd: MsyncdProxy,
  accountId: number,
  op: 'Backup' | 'BackupQuery' | 'BackupRestore',
): Promise<SyncProfile> {
  const xmls = await msyncd.syncProfilesByKey('accountid', String(accountId));
  const profile = xmls.map((x) => SyncProfile.parse(x)).find((p) => p.name.endsWith(`.${op}-${accountId}`));
  if (!profile)
    throw new VaultError(
      'NotFound',
      `Account ${accountId} has no ${op} sync profile; open the Backup page (or run "sfbackup profiles create ${accountId}") first.`,
    );
  return profile;
}
