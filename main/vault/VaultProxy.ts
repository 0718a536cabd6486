// Typed client of org.sailfishos.backup, for the plugins, the CLI and the UI bridge.
import { DBusCallError, type DBusClient } from '../dbus/DBusClient.js';
import { VAULT_INTERFACE, VAULT_PATH, VAULT_SERVICE, VaultError, vaultRefusalOf } from './vaultNames.js';
import type { FileNote } from './notes.js';
import { isVaultErrorCode, type VaultErrorCode, type VaultState } from './vaultTypes.js';
import { scalarText } from '../scalar.js';
import { isVaultStatus, VAULT_MODES, type VaultMode, type VaultStatus } from '../vocabulary.js';
import { waitingFor } from '../waits.js';

/** A status this app does not know (another vault's words) is undefined: nothing here could act on it. */
function statusFromWire(value: unknown): VaultStatus | undefined {
  const text = scalarText(value);
  return isVaultStatus(text) ? text : undefined;
}

/** Another vault's error codes may be its own words: those read as a plain error. */
function errorCodeFromWire(value: unknown): VaultErrorCode {
  const text = scalarText(value);
  return isVaultErrorCode(text) ? text : 'Error';
}

function modeFromWire(value: unknown): VaultMode {
  const text = scalarText(value);
  return (VAULT_MODES as readonly string[]).includes(text) ? (text as VaultMode) : '';
}

/** The vault's refusals come back as VaultError, to be told apart by kind, never by their words. */
function refusalOrError(err: unknown): unknown {
  const refusal = err instanceof DBusCallError ? vaultRefusalOf(err.type) : undefined;
  return refusal ? new VaultError(refusal, err instanceof Error ? err.message : String(err)) : err;
}

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

/**
 * `arrival`: where the signal stands among the messages received (DBusClient.arrivalOf). Statuses this
 * app does not know (another vault's words) are not passed on: nothing could act on them.
 */
export type AccountStatusHandler = (accountId: number, status: VaultStatus, arrival: number) => void;
export type AccountErrorHandler = (
  accountId: number,
  error: VaultErrorCode,
  errorString: string,
  arrival: number,
) => void;

export class VaultProxy {
  constructor(private readonly client: DBusClient) {}

  private async call(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    try {
      return await this.client.call(VAULT_SERVICE, VAULT_PATH, VAULT_INTERFACE, member, signature, body);
    } catch (err) {
      throw refusalOrError(err);
    }
  }

  /** A call that starts an operation: resolves with where its answer stands among received messages. */
  private async start(member: string, signature: string, body: unknown[]): Promise<number> {
    try {
      return (await this.client.callInOrder(VAULT_SERVICE, VAULT_PATH, VAULT_INTERFACE, member, signature, body))
        .arrival;
    } catch (err) {
      throw refusalOrError(err);
    }
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
      status: statusFromWire(props.status?.value) ?? 'Idle',
      statusText: scalarText(props.statusText?.value),
      progress: Number(props.progress?.value ?? 0),
      canCancel: props.canCancel?.value === true,
      error: scalarText(props.error?.value),
      errorCode: scalarText(props.errorCode?.value) ? errorCodeFromWire(props.errorCode?.value) : '',
      mode: modeFromWire(props.mode?.value),
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
        for (const [key, variant] of Object.entries(body[1] as Record<string, { value: unknown }>)) {
          if (key === 'status') {
            const status = statusFromWire(variant.value);
            if (status) changed.status = status;
          } else if (key === 'mode') changed.mode = modeFromWire(variant.value);
          else if (key === 'errorCode')
            changed.errorCode = scalarText(variant.value) ? errorCodeFromWire(variant.value) : '';
          else changed[key] = key === 'warnings' ? warningsFromWire(variant.value) : variant.value;
        }
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
    return this.onAccountSignal('cloudBackupStatusChanged', (b, at) => {
      const status = statusFromWire(b[1]);
      if (status) handler(Number(b[0]), status, at);
    });
  }

  onCloudBackupError(handler: AccountErrorHandler) {
    return this.onAccountSignal('cloudBackupError', (b, at) =>
      handler(Number(b[0]), errorCodeFromWire(b[1]), scalarText(b[2]), at),
    );
  }

  onCloudRestoreStatusChanged(handler: AccountStatusHandler) {
    return this.onAccountSignal('cloudRestoreStatusChanged', (b, at) => {
      const status = statusFromWire(b[1]);
      if (status) handler(Number(b[0]), status, at);
    });
  }

  onCloudRestoreError(handler: AccountErrorHandler) {
    return this.onAccountSignal('cloudRestoreError', (b, at) =>
      handler(Number(b[0]), errorCodeFromWire(b[1]), scalarText(b[2]), at),
    );
  }

  onFileBackupStatusChanged(handler: (file: string, status: VaultStatus, arrival: number) => void) {
    return this.onAccountSignal('fileBackupStatusChanged', (b, at) => {
      const status = statusFromWire(b[1]);
      if (status) handler(scalarText(b[0]), status, at);
    });
  }
}
