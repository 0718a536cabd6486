// Backup accounts: online accounts whose <provider>-backup storage service is enabled.
import { InputError } from '../errors.js';
export { defaultBackupsPath, defaultWebdavPath } from './accountSettings.js';
import type { AccountStore, StoredSetting } from './AccountStore.js';
import type { CredentialStore, Credentials } from './credentials.js';
import type { DescriptionCatalog, ServiceDescription } from './descriptions.js';
import {
  defaultBackupsPath,
  defaultWebdavPath,
  KEY_CREDENTIALS_ID,
  KEY_CREDENTIALS_NEED_UPDATE,
  KEY_CREDENTIALS_NEED_UPDATE_FROM,
  KEY_USERNAME,
  LayeredSettings,
  unsetWebdavPath,
} from './accountSettings.js';
import { GLOBAL_SERVICE_ID } from './schema.js';
import {
  resolveBackupsPath,
  validateDisplayName,
  validateServerAddress,
  validateServerPath,
  validateUsername,
} from './validation.js';

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
}

export interface NewAccount {
  provider: string;
  serverAddress: string;
  username: string;
  password: string;
  name?: string;
  webdavPath?: string;
  backupsPath?: string;
  ignoreSslErrors?: boolean;
}

/** Keys `account set` accepts, with how each is validated and where it is stored. */
const editableKeys = [
  'name',
  'enabled',
  'server_address',
  'webdav_path',
  'username',
  'ignore_ssl_errors',
  'backups_path',
] as const;
export type EditableKey = (typeof editableKeys)[number];

export function isEditableKey(key: string): key is EditableKey {
  return (editableKeys as readonly string[]).includes(key);
}

function parseBool(text: string, key: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new InputError(`${key} must be true or false, not "${text}"`);
}

const globalRef = { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' };

export class BackupAccounts {
  constructor(
    private readonly store: AccountStore,
    private readonly catalog: DescriptionCatalog,
    private readonly credentials: CredentialStore,
  ) {}

  private service(provider: string): ServiceDescription {
    const service = this.catalog.backupService(provider);
    if (!service) {
      const known = this.catalog
        .backupProviders()
        .map((p) => p.id)
        .join(', ');
      throw new InputError(`Unknown backup provider "${provider}" (known: ${known || 'none'})`);
    }
    return service;
  }

  private serviceRef(provider: string) {
    const service = this.service(provider);
    return { name: service.id, id: this.store.ensureService(service), type: service.type };
  }

  async add(input: NewAccount): Promise<BackupAccount> {
    this.service(input.provider);
    const serverAddress = validateServerAddress(input.serverAddress);
    const username = validateUsername(input.username);
    if (!input.password) throw new InputError('Enter the password');
    const name = validateDisplayName(input.name ?? `${username}@${new URL(serverAddress).host}`);
    const webdavPath = validateServerPath(
      input.webdavPath ?? defaultWebdavPath(input.provider, serverAddress, username),
      'WebDAV path',
    );
    const backupsPath = resolveBackupsPath(input.backupsPath ?? defaultBackupsPath(webdavPath));

    const credentialsId = await this.credentials.create({ username, password: input.password });
    const ref = this.serviceRef(input.provider);
    try {
      const id = this.store.transaction((tx) => {
        const id = tx.createAccount(input.provider, name, true);
        // As Sailfish's account creator: the server settings on the backup service, the name account-wide.
        tx.set(id, globalRef, KEY_USERNAME, 's', username);
        tx.set(id, globalRef, KEY_CREDENTIALS_ID, 'u', credentialsId);
        tx.set(id, ref, 'enabled', 'b', true);
        tx.set(id, ref, 'server_address', 's', serverAddress);
        tx.set(id, ref, 'webdav_path', 's', webdavPath);
        tx.set(id, ref, 'ignore_ssl_errors', 'b', input.ignoreSslErrors ?? false);
        tx.set(id, ref, 'backups_path', 's', backupsPath);
        return id;
      });
      return this.get(id);
    } catch (err) {
      await this.credentials.remove(credentialsId);
      throw err;
    }
  }

  /** Every account whose provider offers a backup service, including ones made by other tools. */
  list(): BackupAccount[] {
    return this.store
      .listAccounts()
      .filter((row) => this.catalog.backupService(row.provider))
      .map((row) => this.get(row.id));
  }

  get(id: number): BackupAccount {
    const row = this.store.account(id);
    if (!row) throw new InputError(`No account with id ${id}`);
    const service = this.catalog.backupService(row.provider);
    if (!service) throw new InputError(`Account ${id} (${row.provider}) is not a backup account`);
    const global = this.store.settings(id, GLOBAL_SERVICE_ID);
    const serviceId = this.store.serviceId(service.id);
    const own = serviceId === undefined ? new Map<string, StoredSetting>() : this.store.settings(id, serviceId);
    const s = new LayeredSettings(own, global);
    // A stored value another tool wrote that fails validation is reported (problems) and not used.
    const serverAddress = this.checked(id, 'server_address', s.string('server_address'), validateServerAddress);
    const username = s.username();
    let webdavPath = this.checked(id, 'webdav_path', s.string('webdav_path'), (v) =>
      validateServerPath(v, 'WebDAV path'),
    );
    if (!webdavPath && serverAddress) {
      try {
        webdavPath = unsetWebdavPath(row.provider, serverAddress, username);
      } catch {
        // a server address without a usable path: the server root, as the plugin takes it
        webdavPath = '/';
      }
    }
    const rawBackups = s.string('backups_path');
    // Unset is the server root, as the plugin has it (QDir("") at the root); invalid is not used at all.
    const backupsPath = rawBackups
      ? this.checked(id, 'backups_path', rawBackups, resolveBackupsPath)
      : resolveBackupsPath('');
    const credentials = s.number(KEY_CREDENTIALS_ID);
    const profileIds: Partial<Record<BackupOperation, string>> = {};
    for (const op of BACKUP_OPERATIONS) {
      const v = own.get(`${row.provider}.${op}/profile_id`)?.value;
      if (typeof v === 'string' && v) profileIds[op] = v;
    }
    return {
      id,
      provider: row.provider,
      providerName: this.catalog.provider(row.provider)?.name ?? row.provider,
      name: row.name,
      enabled: row.enabled,
      serverAddress,
      webdavPath,
      username,
      ignoreSslErrors: s.bool('ignore_ssl_errors'),
      backupsPath,
      backupEnabled: own.get('enabled')?.value === true,
      credentialsId: credentials,
      credentialsNeedUpdate: s.bool(KEY_CREDENTIALS_NEED_UPDATE),
      profileIds,
    };
  }

  /**
   * A stored value (ag-tool or another tool may have written it) that fails validation is reported in
   * the store's problems and not used: the account then has no such value, never the raw text.
   */
  private checked(id: number, key: string, raw: string, validate: (value: string) => string): string {
    if (!raw) return raw;
    try {
      return validate(raw);
    } catch (err) {
      // The message may quote the value, and a server address may hold a user name and password.
      const message = (err instanceof Error ? err.message : String(err)).replace(/\/\/[^/@\s"]*@/g, '//…@');
      if (!this.store.problems.some((p) => p.account === id && p.key === key))
        this.store.problems.push({ account: id, service: GLOBAL_SERVICE_ID, key, message });
      return '';
    }
  }

  /** Applies `key=value` edits after validating every one; nothing is written if any is wrong. */
  async set(id: number, edits: Array<[string, string]>): Promise<BackupAccount> {
    const account = this.get(id);
    const ref = this.serviceRef(account.provider);
    const next = { ...account };
    const writes: Array<(tx: Parameters<Parameters<AccountStore['transaction']>[0]>[0]) => void> = [];
    for (const [key, value] of edits) {
      if (!isEditableKey(key)) throw new InputError(`Unknown setting "${key}" (editable: ${editableKeys.join(', ')})`);
      switch (key) {
        case 'name': {
          const name = validateDisplayName(value);
          writes.push((tx) => tx.updateAccount(id, { name }));
          break;
        }
        case 'enabled': {
          const enabled = parseBool(value, key);
          writes.push((tx) => tx.updateAccount(id, { enabled }));
          break;
        }
        case 'server_address':
          next.serverAddress = validateServerAddress(value);
          writes.push((tx) => tx.set(id, ref, key, 's', next.serverAddress));
          break;
        case 'webdav_path':
          next.webdavPath = validateServerPath(value, 'WebDAV path');
          writes.push((tx) => tx.set(id, ref, key, 's', next.webdavPath));
          break;
        case 'username':
          next.username = validateUsername(value);
          writes.push((tx) => tx.set(id, globalRef, KEY_USERNAME, 's', next.username));
          break;
        case 'ignore_ssl_errors': {
          const flag = parseBool(value, key);
          writes.push((tx) => tx.set(id, ref, key, 'b', flag));
          break;
        }
        case 'backups_path':
          next.backupsPath = resolveBackupsPath(value);
          writes.push((tx) => tx.set(id, ref, key, 's', next.backupsPath));
          break;
      }
    }
    this.store.transaction((tx) => writes.forEach((write) => write(tx)));
    if (next.username !== account.username && account.credentialsId !== undefined) {
      const old = await this.credentials.read(account.credentialsId);
      if (old) await this.credentials.update(account.credentialsId, { ...old, username: next.username });
    }
    return this.get(id);
  }

  async setPassword(id: number, password: string): Promise<void> {
    if (!password) throw new InputError('The password cannot be empty');
    const account = this.get(id);
    if (account.credentialsId !== undefined) {
      await this.credentials.update(account.credentialsId, { username: account.username, password });
      return;
    }
    const credentialsId = await this.credentials.create({ username: account.username, password });
    this.store.transaction((tx) => tx.set(id, globalRef, KEY_CREDENTIALS_ID, 'u', credentialsId));
  }

  /**
   * Marks (after an HTTP 401) or clears (after a successful sign-in) the account's credentials as
   * needing an update, in the backup service's scope as Sailfish's AccountAuthenticator writes it.
   */
  setCredentialsNeedUpdate(id: number, needUpdate: boolean): void {
    const account = this.get(id);
    if (account.credentialsNeedUpdate === needUpdate) return;
    const ref = this.serviceRef(account.provider);
    this.store.transaction((tx) => {
      tx.set(id, ref, KEY_CREDENTIALS_NEED_UPDATE, 'b', needUpdate);
      if (needUpdate) tx.set(id, ref, KEY_CREDENTIALS_NEED_UPDATE_FROM, 's', ref.name);
      else tx.remove(id, ref, KEY_CREDENTIALS_NEED_UPDATE_FROM);
    });
  }

  async credentialsFor(account: BackupAccount): Promise<Credentials | undefined> {
    if (account.credentialsId === undefined) return undefined;
    return this.credentials.read(account.credentialsId);
  }

  /** Records the per-account profile names on the backup service (`<template>/profile_id`). */
  recordProfiles(id: number, profiles: Partial<Record<BackupOperation, string>>): void {
    const account = this.get(id);
    const ref = this.serviceRef(account.provider);
    this.store.transaction((tx) => {
      for (const op of BACKUP_OPERATIONS) {
        const name = profiles[op];
        const key = `${account.provider}.${op}/profile_id`;
        if (name) tx.set(id, ref, key, 's', name);
        else tx.remove(id, ref, key);
      }
    });
  }

  async remove(id: number): Promise<void> {
    const account = this.get(id);
    this.store.transaction((tx) => tx.deleteAccount(id));
    if (account.credentialsId !== undefined) await this.credentials.remove(account.credentialsId);
  }
}
