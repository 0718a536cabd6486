// What the backup service says about itself: its state, its events, its refusals.
import type { FileNote } from './notes.js';

export type VaultStatus =
  'Idle' | 'Preparing' | 'UploadingBackup' | 'DownloadingBackup' | 'Finished' | 'Error' | 'Canceled';

export interface VaultState {
  status: VaultStatus;
  statusText: string;
  progress: number;
  canCancel: boolean;
  error: string;
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
