// org.sailfishos.backup at /sailfishbackup: the backup/restore service's D-Bus interface (seed + DESIGN.md §2).
import dbus from 'dbus-next';
import { SyncProfile } from '../buteo/SyncProfile.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { errorMessage } from '../errors.js';
import type { Vault } from './Vault.js';
import type { FileNote } from './notes.js';
import { VaultError, type VaultState } from './vaultTypes.js';

export const VAULT_SERVICE = 'org.sailfishos.backup';
export const VAULT_PATH = '/sailfishbackup';
export const VAULT_INTERFACE = 'org.sailfishos.backup';

const INT32_MAX = 2147483647;

function warningsOnWire(warnings: FileNote[]): string[][] {
  return warnings.map((w) => [w.kind, w.path, w.reason]);
}
const MAX_LIST = 100_000;

function asDBusError(err: unknown): dbus.DBusError {
  if (err instanceof dbus.DBusError) return err;
  if (err instanceof VaultError) {
    const name =
      err.kind === 'InvalidArgs' ? 'org.freedesktop.DBus.Error.InvalidArgs' : `${VAULT_INTERFACE}.Error.${err.kind}`;
    return new dbus.DBusError(name, err.message);
  }
  return new dbus.DBusError(`${VAULT_INTERFACE}.Error.Failed`, errorMessage(err));
}

async function guarded<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asDBusError(err);
  }
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
  /** a(sss): kind (skipped, changed, note), path, reason — what the last run left out or changed. */
  get warnings(): string[][] {
    return warningsOnWire(this.s.warnings);
  }

  backupFileDeviceId(): string {
    return this.vault.deviceId;
  }

  createBackupForSyncProfile(profileId: string): Promise<string> {
    return guarded(() => this.vault.createBackupForSyncProfile(profileId));
  }

  setCloudBackups(profileId: string, backups: string[]): Promise<void> {
    return guarded(async () => {
      if (backups.length > MAX_LIST) throw new VaultError('InvalidArgs', `More than ${MAX_LIST} backups`);
      const xml = await this.msyncd.syncProfile(profileId);
      const accountId = xml ? SyncProfile.parse(xml).accountId : undefined;
      if (accountId === undefined) throw new VaultError('NotFound', `No sync profile ${profileId} with an account`);
      this.vault.setCloudBackups(profileId, backups, accountId);
    });
  }

  cloudBackups(accountId: number): string[] {
    return this.vault.cloudBackups(checkAccountId(accountId));
  }

  backupToCloud(accountId: number): Promise<void> {
    return guarded(() => this.vault.backupToCloud(checkAccountId(accountId)));
  }

  restoreFromCloud(accountId: number, fileName: string): Promise<void> {
    return guarded(() => this.vault.restoreFromCloud(checkAccountId(accountId), fileName));
  }

  restoreFromCloudToFolder(accountId: number, fileName: string, folder: string): Promise<void> {
    return guarded(() => this.vault.restoreFromCloud(checkAccountId(accountId), fileName, folder));
  }

  backupToFile(folder: string): Promise<string> {
    return guarded(() => this.vault.backupToFile(folder));
  }

  restoreFromFile(file: string): Promise<void> {
    return guarded(() => this.vault.restoreFromFile(file));
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
}

const read = dbus.interface.ACCESS_READ;
VaultInterface.configureMembers({
  properties: {
    status: { signature: 's', access: read },
    statusText: { signature: 's', access: read },
    progress: { signature: 'd', access: read },
    canCancel: { signature: 'b', access: read },
    error: { signature: 's', access: read },
    warnings: { signature: 'a(sss)', access: read },
  },
  methods: {
    backupFileDeviceId: { inSignature: '', outSignature: 's' },
    createBackupForSyncProfile: { inSignature: 's', outSignature: 's' },
    setCloudBackups: { inSignature: 'sas', outSignature: '' },
    cloudBackups: { inSignature: 'i', outSignature: 'as' },
    backupToCloud: { inSignature: 'i', outSignature: '' },
    restoreFromCloud: { inSignature: 'is', outSignature: '' },
    restoreFromCloudToFolder: { inSignature: 'iss', outSignature: '' },
    backupToFile: { inSignature: 's', outSignature: 's' },
    restoreFromFile: { inSignature: 's', outSignature: '' },
    cancel: { inSignature: '', outSignature: '' },
  },
  signals: {
    cloudBackupStatusChanged: { signature: 'is' },
    cloudBackupError: { signature: 'iss' },
    cloudRestoreStatusChanged: { signature: 'is' },
    cloudRestoreError: { signature: 'iss' },
    fileBackupStatusChanged: { signature: 'ss' },
  },
});
