// Typed client of org.sailfishos.backup, for the plugins, the CLI and the UI bridge.
import type { DBusClient } from '../dbus/DBusClient.js';
import { VAULT_INTERFACE, VAULT_PATH, VAULT_SERVICE } from './vaultService.js';
import type { FileNote } from './notes.js';
import type { VaultState } from './vaultTypes.js';
import { scalarText } from '../scalar.js';
import { waitingFor } from '../waits.js';

/** The vault's a(sss) warnings as notes; anything malformed is dropped, not trusted. */
function warningsFromWire(value: unknown): FileNote[] {
  if (!Array.isArray(value)) return [];
  const kinds = new Set(['skipped', 'changed', 'note']);
  return value.flatMap((item: unknown) => {
    if (!Array.isArray(item) || item.length !== 3 || !item.every((v) => typeof v === 'string')) return [];
    const [kind, path, reason] = item as [string, string, string];
    return kinds.has(kind) ? [{ kind: kind as FileNote['kind'], path, reason }] : [];
  });
}

/** `arrival`: where the signal stands among the messages received (DBusClient.arrivalOf). */
export type AccountStatusHandler = (accountId: number, status: string, arrival: number) => void;
export type AccountErrorHandler = (accountId: number, error: string, errorString: string, arrival: number) => void;

export class VaultProxy {
  constructor(private readonly client: DBusClient) {}

  private call(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return this.client.call(VAULT_SERVICE, VAULT_PATH, VAULT_INTERFACE, member, signature, body);
  }

  /** A call that starts an operation: resolves with where its answer stands among received messages. */
  private async start(member: string, signature: string, body: unknown[]): Promise<number> {
    return (await this.client.callInOrder(VAULT_SERVICE, VAULT_PATH, VAULT_INTERFACE, member, signature, body)).arrival;
  }

  isRunning(): Promise<boolean> {
    return this.client.nameHasOwner(VAULT_SERVICE);
  }

  async backupFileDeviceId(): Promise<string> {
    return scalarText((await this.call('backupFileDeviceId'))[0]);
  }

  async createBackupForSyncProfile(profileId: string): Promise<string> {
    return scalarText((await this.call('createBackupForSyncProfile', 's', [profileId]))[0]);
  }

  /** The endpoint this app's vault streams a new backup archive to (streamEndpoints.ts, archiveStream.ts). */
  async createBackupStreamForSyncProfile(profileId: string): Promise<string> {
    return scalarText((await this.call('createBackupStreamForSyncProfile', 's', [profileId]))[0]);
  }

  async setCloudBackups(profileId: string, backups: string[]): Promise<void> {
    await this.call('setCloudBackups', 'sas', [profileId, backups]);
  }

  /** Starts a listing; its answer is the listCloudBackupsFinished signal (see listCloudBackupsOnce). */
  async listCloudBackups(accountId: number, refresh = true): Promise<void> {
    await this.call('listCloudBackups', 'ib', [accountId, refresh]);
  }

  /** Lists an account's cloud backups and waits for listCloudBackupsFinished: the server paths, or undefined on failure. */
  async listCloudBackupsOnce(accountId: number, refresh = true): Promise<string[] | undefined> {
    let resolve!: (files: string[] | undefined) => void;
    const finished = new Promise<string[] | undefined>((r) => (resolve = r));
    const off = await this.onAccountSignal('listCloudBackupsFinished', (b) => {
      if (Number(b[0]) === accountId) resolve(b[2] === true ? (b[1] as string[]) : undefined);
    });
    try {
      await this.listCloudBackups(accountId, refresh);
      return await waitingFor(`listCloudBackupsFinished for account ${accountId}`, finished);
    } finally {
      await off();
    }
  }

  async logFileForBackup(fileName: string, accountId: number): Promise<string> {
    return scalarText((await this.call('logFileForBackup', 'si', [fileName, accountId]))[0]);
  }

  /** Resolves once the backup began, with where that answer arrived: later outcomes for the account are its own. */
  backupToCloud(accountId: number): Promise<number> {
    return this.start('backupToCloud', 'i', [accountId]);
  }

  /**
   * `filePath` is "<dir>/<file>" from a listing, or a bare name; `folder` uses this app's extension.
   * Resolves once the restore began, as backupToCloud does.
   */
  restoreFromCloud(accountId: number, filePath: string, folder?: string): Promise<number> {
    if (folder === undefined) return this.start('restoreFromCloud', 'is', [accountId, filePath]);
    return this.start('restoreFromCloudToFolder', 'iss', [accountId, filePath, folder]);
  }

  /** Resolves once the backup began, with where that answer arrived, as backupToCloud does. */
  backupToFile(filePath: string): Promise<number> {
    return this.start('backupToFile', 's', [filePath]);
  }

  /**
   * `folder` uses this app's extension: restore into it instead of the original folders. Resolves once
   * the restore began, as backupToCloud does.
   */
  restoreFromFile(file: string, folder?: string): Promise<number> {
    if (folder === undefined) return this.start('restoreFromFile', 's', [file]);
    return this.start('restoreFromFileToFolder', 'ss', [file, folder]);
  }

  async cancel(): Promise<void> {
    await this.call('cancel');
  }

  async state(): Promise<VaultState> {
    const [all] = await this.client.call(VAULT_SERVICE, VAULT_PATH, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [
      VAULT_INTERFACE,
    ]);
    const props = all as Record<string, { value: unknown }>;
    return {
      status: scalarText(props.status?.value, 'Idle') as VaultState['status'],
      statusText: scalarText(props.statusText?.value),
      progress: Number(props.progress?.value ?? 0),
      canCancel: props.canCancel?.value === true,
      error: scalarText(props.error?.value),
      errorCode: scalarText(props.errorCode?.value),
      mode: scalarText(props.mode?.value) as VaultState['mode'],
      logFilePath: scalarText(props.logFilePath?.value),
      warnings: warningsFromWire(props.warnings?.value),
    };
  }

  onStateChanged(handler: (changed: Partial<VaultState>, arrival: number) => void): Promise<() => Promise<void>> {
    return this.client.subscribe(
      { interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged', path: VAULT_PATH },
      (body, message) => {
        if (body[0] !== VAULT_INTERFACE) return;
        const changed: Record<string, unknown> = {};
        for (const [key, variant] of Object.entries(body[1] as Record<string, { value: unknown }>))
          changed[key] = key === 'warnings' ? warningsFromWire(variant.value) : variant.value;
        handler(changed, this.client.arrivalOf(message));
      },
    );
  }

  private onAccountSignal(
    member: string,
    handler: (body: unknown[], arrival: number) => void,
  ): Promise<() => Promise<void>> {
    return this.client.subscribe({ interface: VAULT_INTERFACE, member, path: VAULT_PATH }, (body, message) =>
      handler(body, this.client.arrivalOf(message)),
    );
  }

  onCloudBackupStatusChanged(handler: AccountStatusHandler) {
    return this.onAccountSignal('cloudBackupStatusChanged', (b, at) => handler(Number(b[0]), scalarText(b[1]), at));
  }

  onCloudBackupError(handler: AccountErrorHandler) {
    return this.onAccountSignal('cloudBackupError', (b, at) =>
      handler(Number(b[0]), scalarText(b[1]), scalarText(b[2]), at),
    );
  }

  onCloudRestoreStatusChanged(handler: AccountStatusHandler) {
    return this.onAccountSignal('cloudRestoreStatusChanged', (b, at) => handler(Number(b[0]), scalarText(b[1]), at));
  }

  onCloudRestoreError(handler: AccountErrorHandler) {
    return this.onAccountSignal('cloudRestoreError', (b, at) =>
      handler(Number(b[0]), scalarText(b[1]), scalarText(b[2]), at),
    );
  }

  onFileBackupStatusChanged(handler: (file: string, status: string, arrival: number) => void) {
    return this.onAccountSignal('fileBackupStatusChanged', (b, at) => handler(scalarText(b[0]), scalarText(b[1]), at));
  }
}
