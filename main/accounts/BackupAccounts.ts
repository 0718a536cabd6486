// Backup accounts: online accounts whose <provider>-backup storage service is enabled.
import { InputError } from '../errors.js';
export { defaultBackupsPath, defaultWebdavPath } from './accountSettings.js';
import type { AccountStore, AccountTransaction } from './AccountStore.js';
import type { CredentialStore, Credentials } from './credentials.js';
import type { DescriptionCatalog, ServiceDescription } from './descriptions.js';
import {
  defaultBackupsPath,
  defaultWebdavPath,
  KEY_CREDENTIALS_ID,
  KEY_CREDENTIALS_NEED_UPDATE,
  KEY_CREDENTIALS_NEED_UPDATE_FROM,
  KEY_USERNAME,
} from './accountSettings.js';
import { BACKUP_OPERATIONS, readAccount, type BackupAccount, type BackupOperation } from './readAccount.js';
import { GLOBAL_SERVICE_ID } from './schema.js';
import {
  resolveBackupsPath,
  validateDisplayName,
  validateServerAddress,
  validateServerPath,
  validateUsername,
} from './validation.js';

export { BACKUP_OPERATIONS, type BackupAccount, type BackupOperation } from './readAccount.js';

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

/** A typed edit of an account's settings: what the UI and the CLI change (the CLI parses its own text). */
export interface AccountSettingsEdit {
  name?: string | undefined;
  enabled?: boolean | undefined;
  serverAddress?: string | undefined;
  webdavPath?: string | undefined;
  username?: string | undefined;
  ignoreSslErrors?: boolean | undefined;
  backupsPath?: string | undefined;
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
    return readAccount(this.store, this.catalog, id);
  }

  /**
   * Applies an edit after validating every field; nothing is written if any is wrong. The order of the
   * fields does not matter: each is validated on its own, as the form and `account set` give them.
   */
  async update(id: number, edit: AccountSettingsEdit): Promise<BackupAccount> {
    const account = this.get(id);
    const ref = this.serviceRef(account.provider);
    const writes: Array<(tx: AccountTransaction) => void> = [];
    if (edit.name !== undefined) {
      const name = validateDisplayName(edit.name);
      writes.push((tx) => tx.updateAccount(id, { name }));
    }
    if (edit.enabled !== undefined) {
      const enabled = edit.enabled;
      writes.push((tx) => tx.updateAccount(id, { enabled }));
    }
    if (edit.serverAddress !== undefined) {
      const value = validateServerAddress(edit.serverAddress);
      writes.push((tx) => tx.set(id, ref, 'server_address', 's', value));
    }
    if (edit.webdavPath !== undefined) {
      const value = validateServerPath(edit.webdavPath, 'WebDAV path');
      writes.push((tx) => tx.set(id, ref, 'webdav_path', 's', value));
    }
    const username = edit.username !== undefined ? validateUsername(edit.username) : account.username;
    if (edit.username !== undefined) writes.push((tx) => tx.set(id, globalRef, KEY_USERNAME, 's', username));
    if (edit.ignoreSslErrors !== undefined) {
      const flag = edit.ignoreSslErrors;
      writes.push((tx) => tx.set(id, ref, 'ignore_ssl_errors', 'b', flag));
    }
    if (edit.backupsPath !== undefined) {
      const value = resolveBackupsPath(edit.backupsPath);
      writes.push((tx) => tx.set(id, ref, 'backups_path', 's', value));
    }
    this.store.transaction((tx) => writes.forEach((write) => write(tx)));
    if (username !== account.username && account.credentialsId !== undefined) {
      const old = await this.credentials.read(account.credentialsId);
      if (old) await this.credentials.update(account.credentialsId, { ...old, username });
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
