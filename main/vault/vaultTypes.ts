// What the backup service says about itself: its state, its events, its refusals.
import type { SyncStatusName } from '../buteo/codes.js';
import type { VaultMode, VaultStatus } from '../vocabulary.js';
import type { FileNote } from './notes.js';

export type { VaultMode, VaultStatus } from '../vocabulary.js';

/** The `error` of cloudBackupError/cloudRestoreError: the name of the sync daemon's final status. */
export type VaultErrorCode = SyncStatusName;

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
  cloudBackupStatusChanged: [accountId: number, status: VaultStatus];
  cloudBackupError: [accountId: number, error: VaultErrorCode, errorString: string];
  cloudRestoreStatusChanged: [accountId: number, status: VaultStatus];
  cloudRestoreError: [accountId: number, error: VaultErrorCode, errorString: string];
  fileBackupStatusChanged: [path: string, status: VaultStatus];
  cloudBackupsChanged: [accountId: number, backups: string[]];
  listCloudBackupsFinished: [accountId: number, fileNames: string[], success: boolean];
}

export { VaultError } from './vaultNames.js';
