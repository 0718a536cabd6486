// The words every layer shares — the daemon, the vault, the plugins, the CLI, the UI bridge and the UI
// (which gets them through main/ipc/contract.ts): Buteo's status, major and minor codes, what the backup
// service says about an operation, and what went wrong in terms of where the fix is. Code routes on
// these words, never on a sentence.

// --- Buteo's status, major and minor codes (buteo-syncfw SyncCommonDefs.h, SyncResults.h) ---

/** `syncStatus` status values on com.meego.msyncd. */
export const SyncStatus = {
  Queued: 0,
  Started: 1,
  Progress: 2,
  Error: 3,
  Done: 4,
  Aborted: 5,
  Cancelled: 6,
  Stopping: 7,
  NotPossible: 8,
  AuthenticationFailure: 9,
  DatabaseFailure: 10,
  ConnectionError: 11,
  ServerFailure: 12,
  BadRequest: 13,
  PluginError: 14,
  PluginTimeout: 15,
} as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];

/** `moreDetails` of a progress status. */
export const ProgressDetail = {
  Initialising: 201,
  Sending: 202,
  Receiving: 203,
  Finalising: 204,
} as const;
export type ProgressDetail = (typeof ProgressDetail)[keyof typeof ProgressDetail];

export const MajorCode = { Success: 0, Failed: 1, Cancelled: 2 } as const;
export type MajorCode = (typeof MajorCode)[keyof typeof MajorCode];
/** SyncResults::SYNC_RESULT_INVALID: a results entry with no outcome. */
export const MAJOR_INVALID = -1;

/** Buteo's minor codes (SyncResults.h MinorCode), every one of them. */
export const MinorCode = {
  NoError: 0,
  ItemFailures: 301,
  InternalError: 401,
  AuthenticationFailure: 402,
  DatabaseFailure: 403,
  PluginError: 404,
  PluginTimeout: 405,
  Aborted: 501,
  ConnectionError: 502,
  UnsupportedSyncType: 503,
  UnsupportedStorageType: 504,
  LowBatteryPower: 601,
  PowerSavingMode: 602,
  Offline: 603,
  BackupInProgress: 604,
  LowMemory: 605,
} as const;
export type MinorCode = (typeof MinorCode)[keyof typeof MinorCode];

/**
 * The syncStatus a failed run reports (msyncd SyncSession::mapToSyncStatusError): 8 for an
 * unsupported sync type, 3 for everything else, with the minor code in moreDetails. Sailfish's
 * AccountSyncManager handles only 0-13, so 9-15 are never sent.
 */
export function statusForMinorCode(minor: number): SyncStatus {
  return minor === MinorCode.UnsupportedSyncType ? SyncStatus.NotPossible : SyncStatus.Error;
}

export const statusNames = Object.fromEntries(
  Object.entries(SyncStatus).map(([name, value]) => [value, name]),
) as Record<number, keyof typeof SyncStatus>;

export const minorNames: Record<number, string> = Object.fromEntries(
  Object.entries(MinorCode).map(([name, value]) => [value, name]),
);

export type SyncStatusName = keyof typeof SyncStatus;

/** A results entry's outcome in words (SyncResults::MajorCode), for the CLI and the UI. */
export const majorNames: Record<MajorCode, string> = {
  [MajorCode.Success]: 'success',
  [MajorCode.Failed]: 'failed',
  [MajorCode.Cancelled]: 'cancelled',
};

export function majorName(code: number): string {
  return majorNames[code as MajorCode] ?? String(code);
}

/** A minor code Buteo names (another daemon may send numbers it does not). */
export function isMinorCode(code: number): code is MinorCode {
  return Object.values(MinorCode).some((c) => c === code);
}

export function isSyncStatusName(text: string): text is SyncStatusName {
  return Object.hasOwn(SyncStatus, text);
}

// --- The backup service's words ---

/** The vault's `status` property (Sailfish.Vault's BackupRestoreProgressItem.qml reads these). */
export const VAULT_STATUSES = [
  'Idle',
  'Preparing',
  'UploadingBackup',
  'DownloadingBackup',
  'Finished',
  'Error',
  'Canceled',
] as const;
export type VaultStatus = (typeof VAULT_STATUSES)[number];

/** The statuses an operation ends with; the others mean nothing runs, or it runs. */
export const FINAL_VAULT_STATUSES = ['Finished', 'Error', 'Canceled'] as const satisfies readonly VaultStatus[];
export type FinalVaultStatus = (typeof FINAL_VAULT_STATUSES)[number];

/** The statuses of a running operation. */
export const BUSY_VAULT_STATUSES = [
  'Preparing',
  'UploadingBackup',
  'DownloadingBackup',
] as const satisfies readonly VaultStatus[];

export function isVaultStatus(text: string): text is VaultStatus {
  return (VAULT_STATUSES as readonly string[]).includes(text);
}

export function isFinalVaultStatus(status: string): status is FinalVaultStatus {
  return (FINAL_VAULT_STATUSES as readonly string[]).includes(status);
}

export function isBusyVaultStatus(status: string): boolean {
  return (BUSY_VAULT_STATUSES as readonly string[]).includes(status);
}

/** What the running (or last) operation is, in the Backup page's words (BackupRestoreProgressItem.qml). */
export const VAULT_MODES = ['', 'backupToCloud', 'restoreFromCloud', 'backupToFile', 'restoreFromFile'] as const;
export type VaultMode = (typeof VAULT_MODES)[number];

/** The two things a user starts on the Backup page. */
export const OPERATION_KINDS = ['backup', 'restore'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** Which way a backup file is copied between a connected device and this computer (sfbackup pull / push). */
export const COPY_DIRECTIONS = ['toComputer', 'toDevice'] as const;
export type CopyDirection = (typeof COPY_DIRECTIONS)[number];

/**
 * How the vault refuses a request: the D-Bus error `org.sailfishos.backup.Error.<refusal>`
 * (InvalidArgs is answered as org.freedesktop.DBus.Error.InvalidArgs).
 */
export const VAULT_REFUSALS = ['Busy', 'InvalidArgs', 'NotFound', 'Failed', 'Canceled'] as const;
export type VaultRefusal = (typeof VAULT_REFUSALS)[number];

/** Which of the app's files a damaged-file problem is about (main/fileProblems.ts). */
export const FILE_PROBLEM_KINDS = [
  'account-setting',
  'profile',
  'results-log',
  'units',
  'credentials',
  'provider',
] as const;
export type FileProblemKind = (typeof FILE_PROBLEM_KINDS)[number];

/**
 * What went wrong, in terms of where the fix is: the UI and the CLI route on this (which field, which
 * page), never on the wording of a message.
 */
export const FAILURE_KINDS = [
  /** The server refused the user name or password (HTTP 401). */
  'auth',
  /** Nothing listens at the address (connection refused). */
  'refused',
  /** The host name does not resolve. */
  'unknown-host',
  /** No route to the server, or the network is down. */
  'unreachable',
  /** The server accepted the connection but did not answer in time. */
  'timeout',
  /** The connection broke in the middle of a request. */
  'connection-lost',
  /** The server's TLS certificate is not trusted. */
  'certificate',
  /** A folder or file is not on the server (HTTP 404, 409). */
  'not-found',
  /** The server does not allow this path or method (HTTP 403). */
  'forbidden',
  /** Something answers, but it is not a WebDAV server (HTTP 405, 501, a listing that is not XML). */
  'not-webdav',
  /** The file is locked by someone else (HTTP 423). */
  'locked',
  /** No space left, on the server (HTTP 507) or on this computer. */
  'space',
  /** The server failed (HTTP 5xx). */
  'server',
  /** Another backup or restore is running. */
  'busy',
  /** The user cancelled. */
  'cancelled',
  /** A restore needs a folder chosen to restore into: the backup's folders have no place here. */
  'needs-folder',
  /** A file the app keeps (settings, profiles, units) is damaged; the message names it. */
  'damaged',
  /** Anything else; the message says what. */
  'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
