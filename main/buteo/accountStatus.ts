// msyncd's per-account summary (Synchronizer::status, synchronizer.cpp:1645-1693), answered by
// `status(u)` and sent as `statusChanged(u i i x x)`: 0 running, 1 done, 2 failed (with the minor code).
import { MajorCode } from './codes.js';
import type { SyncDaemon } from './SyncDaemon.js';
import { nextRun } from './schedule.js';
import type { SyncProfile } from './SyncProfile.js';
import type { SyncResults } from './syncLog.js';

export interface AccountSyncState {
  status: 0 | 1 | 2;
  /** The minor code of the failure; 0 unless status is 2. */
  failedReason: number;
  /** Milliseconds since the epoch; 0 when unknown. */
  prevSyncTime: number;
  nextSyncTime: number;
}

function time(results: SyncResults | undefined): Date | undefined {
  const date = results ? new Date(results.time) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

export function accountSyncState(
  profiles: SyncProfile[],
  busy: (name: string) => boolean,
  lastResults: (name: string) => SyncResults | undefined,
): AccountSyncState {
  const state: AccountSyncState = { status: 1, failedReason: 0, prevSyncTime: 0, nextSyncTime: 0 };
  for (const profile of profiles) {
    if (busy(profile.name)) return { ...state, status: 0 };
    const last = lastResults(profile.name);
    if (last?.majorCode === MajorCode.Failed) {
      state.status = 2;
      state.failedReason = last.minorCode;
      break;
    }
  }
  // As upstream: the first profile that has run gives the previous time, and its schedule the next.
  const first = profiles.find((p) => time(lastResults(p.name)));
  const prev = first ? time(lastResults(first.name)) : undefined;
  if (prev) {
    state.prevSyncTime = prev.getTime();
    const schedule = profiles[0]?.schedule;
    const next = schedule?.enabled ? nextRun(schedule, prev) : undefined;
    state.nextSyncTime = next?.getTime() ?? 0;
  }
  return state;
}

function busyIn(daemon: SyncDaemon): (name: string) => boolean {
  const busy = new Set([...daemon.runningSyncs(), ...daemon.queuedSyncs()]);
  return (name) => busy.has(name);
}

/** msyncd's `status(accountId)`: running, done or failed, with the last and next sync times. */
export function accountStatus(daemon: SyncDaemon, accountId: number): AccountSyncState {
  return accountSyncState(daemon.profiles.forAccount(accountId), busyIn(daemon), (name) => daemon.lastResults(name));
}

/** msyncd's `syncingAccounts()`: accounts with a running or queued sync. */
export function syncingAccounts(daemon: SyncDaemon): number[] {
  const busy = busyIn(daemon);
  const ids = daemon.profiles
    .list()
    .filter((p) => busy(p.name))
    .map((p) => p.accountId);
  return [...new Set(ids.filter((id): id is number => id !== undefined))];
}
