// One backup account as Sailfish code reads it from the accounts database: the backup service's value
// first, then the account-wide one. A stored value that cannot be read or fails validation is named in
// the account's `problems` and not used — never replaced by a default that would send backups elsewhere.
import type { AccountStore, SettingProblem, StoredSetting } from './AccountStore.js';
import {
  KEY_CREDENTIALS_ID,
  KEY_CREDENTIALS_NEED_UPDATE,
  LayeredSettings,
  SERVICE_KEYS,
  unsetWebdavPath,
} from './accountSettings.js';
import type { DescriptionCatalog } from './descriptions.js';
import { InputError } from '../errors.js';
import { GLOBAL_SERVICE_ID } from './schema.js';
import { resolveBackupsPath, validateServerAddress, validateServerPath } from './validation.js';

export const BACKUP_OPERATIONS = ['Backup', 'BackupQuery', 'BackupRestore'] as const;
export type BackupOperation = (typeof BACKUP_OPERATIONS)[number];

export interface BackupAccount {
  id: number;
  provider: string;
  providerName: string;
  name: string;
  enabled: boolean;
  serverAddress: string;
  webdavPath: string;
  username: string;
  ignoreSslErrors: boolean;
  backupsPath: string;
  backupEnabled: boolean;
  credentialsId: number | undefined;
  /** The server refused the stored password (HTTP 401); Sailfish shows "Account not signed in". */
  credentialsNeedUpdate: boolean;
  /** Per-account profile names recorded on the service as `<template>/profile_id`. */
  profileIds: Partial<Record<BackupOperation, string>>;
  /** Stored settings that cannot be used (another tool wrote them, or the file is damaged): not used, said. */
  problems: AccountSettingProblem[];
}

/** A setting of the account that is stored but cannot be used. */
export interface AccountSettingProblem {
  key: string;
  message: string;
}

/** Settings whose damage would send backups to another place: a run refuses instead (pluginEnv.ts). */
export const LOCATION_KEYS: readonly string[] = SERVICE_KEYS.filter((k) => k !== 'ignore_ssl_errors');

// The message may quote the value, and a server address may hold a user name and password.
function withoutCredentials(message: string): string {
  return message.replace(/\/\/[^/@\s"]*@/g, '//…@');
}

export function readAccount(store: AccountStore, catalog: DescriptionCatalog, id: number): BackupAccount {
  const row = store.account(id);
  if (!row) throw new InputError(`No account with id ${id}`);
  const service = catalog.backupService(row.provider);
  if (!service) throw new InputError(`Account ${id} (${row.provider}) is not a backup account`);
  const unreadable: SettingProblem[] = [];
  const global = store.settings(id, GLOBAL_SERVICE_ID, unreadable);
  const serviceId = store.serviceId(service.id);
  const own = serviceId === undefined ? new Map<string, StoredSetting>() : store.settings(id, serviceId, unreadable);
  const s = new LayeredSettings(own, global);
  const problems: AccountSettingProblem[] = [];
  for (const p of unreadable)
    if (!problems.some((q) => q.key === p.key)) problems.push({ key: p.key, message: withoutCredentials(p.message) });
  const damaged = (key: string) => problems.some((p) => p.key === key);
  const checked = (key: string, validate: (value: string) => string): string => {
    const stored = s.value(key);
    if (stored !== undefined && typeof stored !== 'string') {
      problems.push({ key, message: `it is stored as ${typeof stored}, not as text` });
      return '';
    }
    const raw = s.string(key);
    if (!raw) return raw;
    try {
      return validate(raw);
    } catch (err) {
      problems.push({ key, message: withoutCredentials(err instanceof Error ? err.message : String(err)) });
      return '';
    }
  };
  const serverAddress = checked('server_address', validateServerAddress);
  const username = s.username();
  let webdavPath = checked('webdav_path', (v) => validateServerPath(v, 'WebDAV path'));
  // Unset, a plugin uses the server root (webdavsyncer.cpp:99-101); damaged, nothing is guessed.
  if (!webdavPath && serverAddress && !damaged('webdav_path'))
    webdavPath = unsetWebdavPath(row.provider, serverAddress, username);
  // Unset is the server root, as the plugin has it (QDir("") at the root); invalid is not used at all.
  const backupsPath =
    s.value('backups_path') !== undefined
      ? checked('backups_path', resolveBackupsPath)
      : damaged('backups_path')
        ? ''
        : resolveBackupsPath('');
  const profileIds: Partial<Record<BackupOperation, string>> = {};
  for (const op of BACKUP_OPERATIONS) {
    const v = own.get(`${row.provider}.${op}/profile_id`)?.value;
    if (typeof v === 'string' && v) profileIds[op] = v;
  }
  return {
    id,
    provider: row.provider,
    providerName: catalog.provider(row.provider)?.name ?? row.provider,
    name: row.name,
    enabled: row.enabled,
    serverAddress,
    webdavPath,
    username,
    ignoreSslErrors: s.bool('ignore_ssl_errors'),
    backupsPath,
    backupEnabled: own.get('enabled')?.value === true,
    credentialsId: s.number(KEY_CREDENTIALS_ID),
    credentialsNeedUpdate: s.bool(KEY_CREDENTIALS_NEED_UPDATE),
    profileIds,
    problems,
  };
}
