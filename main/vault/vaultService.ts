// org.sailfishos.backup at /sailfishbackup: the backup/restore service's D-Bus interface. Its members are
// what Sailfish's clients call: the backup plugins (nextcloud syncer.cpp) and the Settings → Backup page
// (Sailfish.Vault QML); restoreFromCloudToFolder, restoreFromFileToFolder and
// createBackupStreamForSyncProfile are this app's own extensions.
import dbus from 'dbus-next';
import { SyncProfile } from '../buteo/SyncProfile.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { errorMessage } from '../errors.js';
import type { Vault } from './Vault.js';

/** The folders a backup holds, as the page lists them. */
export interface BackupUnitList {
  list(): Array<{ name: string }>;
}
import type { FileNote } from './notes.js';
import { VAULT_INTERFACE, VaultError, vaultErrorName } from './vaultNames.js';
import type { VaultState } from './vaultTypes.js';

export { VAULT_INTERFACE, VAULT_PATH, VAULT_SERVICE } from './vaultNames.js';

const INT32_MAX = 2147483647;
const MAX_LIST = 100_000;
const MAX_TEXT = 4096;

function warningsOnWire(warnings: FileNote[]): string[][] {
  return warnings.map((w) => [w.kind, w.path, w.reason]);
}

function asDBusError(err: unknown): dbus.DBusError {
  if (err instanceof dbus.DBusError) return err;
  if (err instanceof VaultError) return new dbus.DBusError(vaultErrorName(err.kind), err.message);
  return new dbus.DBusError(vaultErrorName('Failed'), errorMessage(err));
}

async function guarded<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asDBusError(err);
  }
}

function checkText(text: string, what: string): string {
  if (text.length > MAX_TEXT)
    throw new dbus.DBusError('org.freedesktop.DBus.Error.InvalidArgs', `The ${what} is too long`);
  return text;
}

/** `<provider>.<Op>-<accountId>`: the account a profile belongs to, when the daemon cannot say. */
function accountOfProfileName(name: string): number | undefined {
  const id = Number(/^[^.]+\.Backup(?:Query|Restore)?-(\d+)$/.exec(name)?.[1]);
  return Number.isInteger(id) && id > 0 && id <= INT32_MAX ? id : undefined;
}

function checkAccountId(id: number): number {
  if (!Number.isInteger(id) || id <= 0 || id > INT32_MAX) {
    throw new dbus.DBusError('org.freedesktop.DBus.Error.InvalidArgs', `${id} is not an account id`);
  }
  return id;
}

export class VaultInterface extends dbus.interface.Interface {
  constructor(
    private readonly vault: Vault,
    private readonly msyncd: MsyncdProxy,
    private readonly units: BackupUnitList,
  ) {
    super(VAULT_INTERFACE);
    vault.on('stateChanged', (changed) => {
      const { warnings, ...rest } = changed;
      const wire = warnings ? { ...rest, warnings: warningsOnWire(warnings) } : rest;
      dbus.interface.Interface.emitPropertiesChanged(this, wire, []);
    });
    vault.on('cloudBackupStatusChanged', (id, status) => this.cloudBackupStatusChanged(id, status));
    vault.on('cloudBackupError', (id, error, text) => this.cloudBackupError(id, error, text));
    vault.on('cloudRestoreStatusChanged', (id, status) => this.cloudRestoreStatusChanged(id, status));
    vault.on('cloudRestoreError', (id, error, text) => this.cloudRestoreError(id, error, text));
    vault.on('fileBackupStatusChanged', (file, status) => this.fileBackupStatusChanged(file, status));
    vault.on('listCloudBackupsFinished', (id, files, ok) => this.listCloudBackupsFinished(id, files, ok));
  }

  private get s(): VaultState {
    return this.vault.snapshot;
  }
  get status(): string {
    return this.s.status;
  }
  get statusText(): string {
    return this.s.statusText;
  }
  get progress(): number {
    return this.s.progress;
  }
  get canCancel(): boolean {
    return this.s.canCancel;
  }
  get error(): string {
    return this.s.error;
  }
  /** This app's extension: why the last operation failed, as a code ("NeedsFolder"), or "". */
  get errorCode(): string {
    return this.s.errorCode;
  }
  get mode(): string {
    return this.s.mode;
  }
  get logFilePath(): string {
    return this.s.logFilePath;
  }
  /** a(sss): kind (skipped, changed, note), path, reason — what the last run left out or changed. */
  get warnings(): string[][] {
    return warningsOnWire(this.s.warnings);
  }
  /** The page lists these as what a backup contains (BackupRestoreStorageListModel.qml:240-241). */
  get localBackupUnits(): string[] {
    try {
      return this.units.list().map((u) => u.name);
    } catch {
      return []; // a damaged units file must not make every property unreadable
    }
  }
  /** On a desktop a cloud backup holds the same folders as a local one. */
  get cloudBackupUnits(): string[] {
    return this.localBackupUnits;
  }

  backupFileDeviceId(): string {
    return this.vault.deviceId;
  }

  createBackupForSyncProfile(profileId: string): Promise<string> {
    return guarded(() => this.vault.createBackupForSyncProfile(profileId));
  }

  /** This app's extension, for its own Backup plugin: the archive as a stream (archiveStream.ts). */
  createBackupStreamForSyncProfile(profileId: string): Promise<string> {
    return guarded(() => this.vault.createBackupStreamForSyncProfile(checkText(profileId, 'profile name')));
  }

  /** From BackupQuery plugins: full server paths (real plugins) or bare names. */
  setCloudBackups(profileId: string, backups: string[]): Promise<void> {
    return guarded(async () => {
      if (backups.length > MAX_LIST) throw new VaultError('InvalidArgs', `More than ${MAX_LIST} backups`);
      checkText(profileId, 'profile name');
      const xml = await this.msyncd.syncProfile(profileId).catch(() => '');
      const accountId = (xml ? SyncProfile.parse(xml).accountId : undefined) ?? accountOfProfileName(profileId);
      if (accountId === undefined) throw new VaultError('NotFound', `No sync profile ${profileId} with an account`);
      this.vault.setCloudBackups(profileId, backups, accountId);
    });
  }

  /** Answered by listCloudBackupsFinished(accountId, fileNames, success). */
  listCloudBackups(accountId: number, refresh: boolean): Promise<void> {
    return guarded(() => this.vault.listCloudBackups(checkAccountId(accountId), refresh));
  }

  logFileForBackup(fileName: string, accountId: number): string {
    if (!Number.isInteger(accountId) || accountId < 0) return '';
    return this.vault.logFileForBackup(checkText(fileName, 'file name'), accountId);
  }

  backupToCloud(accountId: number): Promise<void> {
    return guarded(() => this.vault.backupToCloud(checkAccountId(accountId)));
  }

  /** `filePath` is "<dir>/<file>" from a listing, or a bare file name. */
  restoreFromCloud(accountId: number, filePath: string): Promise<void> {
    return guarded(() => this.vault.restoreFromCloud(checkAccountId(accountId), checkText(filePath, 'file path')));
  }

  /** This app's extension: restore into another folder instead of the original ones. */
  restoreFromCloudToFolder(accountId: number, filePath: string, folder: string): Promise<void> {
    return guarded(() =>
      this.vault.restoreFromCloud(
        checkAccountId(accountId),
        checkText(filePath, 'file path'),
        checkText(folder, 'folder'),
      ),
    );
  }

  /** `filePath` is the archive to write, e.g. on a memory card (BackupView.qml:161-162). */
  backupToFile(filePath: string): Promise<void> {
    return guarded(() => this.vault.backupToFile(checkText(filePath, 'file path')));
  }

  restoreFromFile(file: string): Promise<void> {
    return guarded(() => this.vault.restoreFromFile(checkText(file, 'file path')));
  }

  /** This app's extension: restore a backup file into another folder instead of the original ones. */
  restoreFromFileToFolder(file: string, folder: string): Promise<void> {
    return guarded(() => this.vault.restoreFromFile(checkText(file, 'file path'), checkText(folder, 'folder')));
  }

  cancel(): Promise<void> {
    return guarded(() => this.vault.cancel());
  }

  cloudBackupStatusChanged(accountId: number, status: string): unknown[] {
    return [accountId, status];
  }
  cloudBackupError(accountId: number, error: string, errorString: string): unknown[] {
    return [accountId, error, errorString];
  }
  cloudRestoreStatusChanged(accountId: number, status: string): unknown[] {
    return [accountId, status];
  }
  cloudRestoreError(accountId: number, error: string, errorString: string): unknown[] {
    return [accountId, error, errorString];
  }
  fileBackupStatusChanged(file: string, status: string): unknown[] {
    return [file, status];
  }
  listCloudBackupsFinished(accountId: number, fileNames: string[], success: boolean): unknown[] {
    return [accountId, fileNames, success];
  }
}

const read = dbus.interface.ACCESS_READ;
VaultInterface.configureMembers({
  properties: {
    status: { signature: 's', access: read },
    statusText: { signature: 's', access: read },
    progress: { signature: 'd', access: read },
    canCancel: { signature: 'b', access: read },
    error: { signature: 's', access: read },
    errorCode: { signature: 's', access: read },
    mode: { signature: 's', access: read },
    logFilePath: { signature: 's', access: read },
    warnings: { signature: 'a(sss)', access: read },
    localBackupUnits: { signature: 'as', access: read },
    cloudBackupUnits: { signature: 'as', access: read },
  },
  methods: {
    backupFileDeviceId: { inSignature: '', outSignature: 's' },
    createBackupForSyncProfile: { inSignature: 's', outSignature: 's' },
    createBackupStreamForSyncProfile: { inSignature: 's', outSignature: 's' },
    setCloudBackups: { inSignature: 'sas', outSignature: '' },
    listCloudBackups: { inSignature: 'ib', outSignature: '' },
    logFileForBackup: { inSignature: 'si', outSignature: 's' },
    backupToCloud: { inSignature: 'i', outSignature: '' },
    restoreFromCloud: { inSignature: 'is', outSignature: '' },
    restoreFromCloudToFolder: { inSignature: 'iss', outSignature: '' },
    backupToFile: { inSignature: 's', outSignature: '' },
    restoreFromFile: { inSignature: 's', outSignature: '' },
    restoreFromFileToFolder: { inSignature: 'ss', outSignature: '' },
    cancel: { inSignature: '', outSignature: '' },
  },
  signals: {
    cloudBackupStatusChanged: { signature: 'is' },
    cloudBackupError: { signature: 'iss' },
    cloudRestoreStatusChanged: { signature: 'is' },
    cloudRestoreError: { signature: 'iss' },
    fileBackupStatusChanged: { signature: 'ss' },
    listCloudBackupsFinished: { signature: 'iasb' },
  },
});
