// What the backup service says about itself: its state, its events, its refusals.
import type { FileNote } from './notes.js';

export type VaultStatus =
  'Idle' | 'Preparing' | 'UploadingBackup' | 'DownloadingBackup' | 'Finished' | 'Error' | 'Canceled';

/** What the running (or last) operation is, in the Backup page's words (BackupRestoreProgressItem.qml). */
export type VaultMode = '' | 'backupToCloud' | 'restoreFromCloud' | 'backupToFile' | 'restoreFromFile';

export interface VaultState {
  status: VaultStatus;
  statusText: string;
  progress: number;
  canCancel: boolean;
  error: string;
  /**
   * Why the last operation failed, as a code a client can act on ("" unless it did): "NeedsFolder" when a
   * restore needs a folder to restore into; else the code of its cloud*Error signal.
   */
  errorCode: string;
  /** Starts with "backup" or "restore": the page shows progress only for its own kind of operation. */
  mode: VaultMode;
  /** The log of the running (or last) operation; "" when there is none. */
  logFilePath: string;
  /** What the last run skipped or changed, file by file, and notes about it (empty while it runs). */
  warnings: FileNote[];
}

export interface VaultEvents {
  stateChanged: [changed: Partial<VaultState>];
  cloudBackupStatusChanged: [accountId: number, status: string];
  cloudBackupError: [accountId: number, error: string, errorString: string];
  cloudRestoreStatusChanged: [accountId: number, status: string];
  cloudRestoreError: [accountId: number, error: string, errorString: string];
  fileBackupStatusChanged: [path: string, status: string];
  cloudBackupsChanged: [accountId: number, backups: string[]];
  listCloudBackupsFinished: [accountId: number, fileNames: string[], success: boolean];
}

/**
 * A restore that needs a folder chosen to restore into: the backup's folders have no place on this
 * computer, or their place cannot take them. The message names the cause, not how to choose (a CLI flag
 * or a folder picker: the client's own words).
 */
export class NeedsFolder extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeedsFolder';
  }
}

/** Refused requests: the D-Bus layer turns these into named errors. */
export class VaultError extends Error {
  constructor(
    readonly kind: 'Busy' | 'InvalidArgs' | 'NotFound' | 'Failed' | 'Canceled',
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}
