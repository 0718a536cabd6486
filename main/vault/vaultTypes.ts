// What the backup service says about itself: its state, its events, its refusals.
import { isSyncStatusName, type SyncStatusName } from '../buteo/codes.js';
import type { VaultMode, VaultStatus } from '../vocabulary.js';
import type { FileNote } from './notes.js';

export type { VaultMode, VaultStatus } from '../vocabulary.js';

/**
 * Why an operation failed, as a code a client can act on: the name of the sync daemon's final status
 * (the `error` of cloudBackupError/cloudRestoreError), or this vault's own "NeedsFolder" for a restore
 * whose folders have no place here.
 */
export type VaultErrorCode = SyncStatusName | 'NeedsFolder';

export function isVaultErrorCode(text: string): text is VaultErrorCode {
  return text === 'NeedsFolder' || isSyncStatusName(text);
}

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
  errorCode: VaultErrorCode | '';
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

export { VaultError } from './vaultNames.js';
