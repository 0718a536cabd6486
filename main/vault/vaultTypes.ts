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
