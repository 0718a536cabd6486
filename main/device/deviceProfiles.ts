// What a device's sync daemon says about its backup profiles and, through them, its backup accounts.
// The accounts themselves live in the device's privileged libaccounts store, out of reach over SSH; each
// account's profiles carry its id (`accountid`) and its name (`displayname` = `<template>-<account name>`,
// sailfish-components-accounts accountsyncmanager.cpp newProfileFromTemplate).
import type { BackupOperation } from '../accounts/BackupAccounts.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { SyncProfile } from '../buteo/SyncProfile.js';
import { resultsFromElement, type SyncResults } from '../buteo/syncLog.js';
import { parseXml } from '../buteo/xmlTree.js';
import { InputError } from '../errors.js';

export interface DeviceProfile {
  profile: SyncProfile;
  /** getLastSyncResult: the one result msyncd reports over D-Bus. */
  last: SyncResults | undefined;
}

export interface DeviceAccount {
  id: number;
  provider: string;
  name: string;
  profiles: Partial<Record<BackupOperation, string>>;
}

const BACKUP_PROFILE = /^([^.]+)\.(Backup|BackupQuery|BackupRestore)-(\d+)$/;

export function backupProfileParts(
  name: string,
): { provider: string; op: BackupOperation; accountId: number } | undefined {
  const m = BACKUP_PROFILE.exec(name);
  if (!m) return undefined;
  return { provider: m[1]!, op: m[2] as BackupOperation, accountId: Number(m[3]) };
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The account name in a profile's display name; upstream HTML-escapes it (QString::toHtmlEscaped). */
function accountNameOf(profile: SyncProfile, template: string): string | undefined {
  const display = profile.displayName;
  if (!display.startsWith(`${template}-`)) return undefined;
  return display.slice(template.length + 1).replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => entities[e]!);
}

export async function lastResultOf(msyncd: MsyncdProxy, name: string): Promise<SyncResults | undefined> {
  const xml = await msyncd.getLastSyncResult(name);
  if (!xml) return undefined;
  try {
    return resultsFromElement(parseXml(xml));
  } catch {
    return undefined; // a result we cannot read is shown as none, not as a failure of the page
  }
}

/** Every sync profile the device's msyncd knows (syncProfilesByType gives names; syncProfile their XML). */
export async function readDeviceProfiles(msyncd: MsyncdProxy): Promise<DeviceProfile[]> {
  const names = await msyncd.syncProfilesByType('sync');
  const read = await Promise.all(
    names.map(async (name): Promise<DeviceProfile | undefined> => {
      const xml = await msyncd.syncProfile(name);
      if (!xml) return undefined;
      try {
        return { profile: SyncProfile.parse(xml), last: await lastResultOf(msyncd, name) };
      } catch {
        // a profile the device holds that does not parse is not shown
        return undefined;
      }
    }),
  );
  return read
    .filter((p): p is DeviceProfile => p !== undefined)
    .sort((a, b) => a.profile.name.localeCompare(b.profile.name));
}

/** The device's backup accounts, as its backup profiles show them. */
export function deviceAccounts(profiles: SyncProfile[]): DeviceAccount[] {
  const byId = new Map<number, DeviceAccount>();
  for (const profile of profiles) {
    const parts = backupProfileParts(profile.name);
    if (!parts) continue;
    const id = profile.accountId ?? parts.accountId;
    const account = byId.get(id) ?? { id, provider: parts.provider, name: '', profiles: {} };
    account.profiles[parts.op] = profile.name;
    if (!account.name || parts.op === 'Backup')
      account.name = accountNameOf(profile, `${parts.provider}.${parts.op}`) ?? account.name;
    byId.set(id, account);
  }
  return [...byId.values()]
    .map((a) => ({ ...a, name: a.name || `${a.provider} account ${a.id}` }))
    .sort((a, b) => a.id - b.id);
}

/** The name of an account's profile for one operation, as the device's msyncd has it. */
export async function deviceProfileFor(msyncd: MsyncdProxy, accountId: number, op: BackupOperation): Promise<string> {
  const profiles = (await readDeviceProfiles(msyncd)).map((p) => p.profile);
  const account = deviceAccounts(profiles).find((a) => a.id === accountId);
  const name = account?.profiles[op];
  if (!name)
    throw new InputError(
      account
        ? `Account ${accountId} on the device has no ${op} profile; open Settings → Backup on the device once to create it.`
        : `The device has no backup account ${accountId}; its accounts are: ${
            deviceAccounts(profiles)
              .map((a) => `${a.id} (${a.name})`)
              .join(', ') || 'none'
          }. Add accounts on the device (Settings → Accounts).`,
    );
  return name;
}
