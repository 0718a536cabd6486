// Buteo's status, major and minor codes (buteo-syncfw SyncCommonDefs.h, SyncResults.h).

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

export function isSyncStatusName(text: string): text is SyncStatusName {
  return Object.hasOwn(SyncStatus, text);
}
