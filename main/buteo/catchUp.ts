// Which schedules are due, counting a slot that passed while no daemon was running. Like Buteo's
// SyncSchedule::nextSyncTime, the next slot is counted from the last run (or, before the first run, from
// when the schedule was set), so any number of missed slots comes due as one run, not one per slot.
import { statSync } from 'node:fs';
import { nextRun } from './schedule.js';
import type { Schedule, SyncProfile } from './SyncProfile.js';
import { elements } from './xmlTree.js';

export interface ScheduleHistory {
  /** When the profile last ran, scheduled or not (its newest results-log entry). */
  lastRun: Date | undefined;
  /** When the schedule was set, for a profile that never ran. */
  configured: Date | undefined;
}

/** The slot a schedule is due for at `now`, or undefined when it is not due. */
export function dueSlot(
  schedule: Schedule,
  history: ScheduleHistory,
  daemonStartedAt: Date,
  now: Date,
): Date | undefined {
  if (!schedule.enabled) return undefined;
  const since = history.lastRun ?? history.configured ?? daemonStartedAt;
  const slot = nextRun(schedule, since);
  return slot !== undefined && slot <= now ? slot : undefined;
}

/** A date that is real and not after `now` (a clock moved back, or a damaged value, counts as unknown). */
function pastDate(value: Date | undefined, now: Date): Date | undefined {
  return value && Number.isFinite(value.getTime()) && value <= now ? value : undefined;
}

/**
 * When the profile's schedule was set: Buteo's `syncconfiguredtime` (Qt ISO date, local time) when a
 * writer filled it in, else the profile file's modification time.
 */
export function scheduleConfiguredAt(profile: SyncProfile, profileFile: string, now: Date): Date | undefined {
  const written = elements(profile.root, 'schedule')[0]?.attrs.syncconfiguredtime;
  const fromProfile = written ? pastDate(new Date(written), now) : undefined;
  if (fromProfile) return fromProfile;
  try {
    return pastDate(statSync(profileFile).mtime, now);
  } catch {
    // a profile file that is gone has no time it was configured
    return undefined;
  }
}

/** Whether the profile's schedule is enabled and due now (missed slots included, once). */
export function isScheduleDue(
  profile: SyncProfile,
  profileFile: string,
  lastRunTime: string | undefined,
  daemonStartedAt: Date,
  now: Date,
): boolean {
  const schedule = profile.schedule;
  if (!schedule?.enabled || !profile.enabled) return false;
  const history: ScheduleHistory = {
    lastRun: lastRunTime ? pastDate(new Date(lastRunTime), now) : undefined,
    configured: scheduleConfiguredAt(profile, profileFile, now),
  };
  return dueSlot(schedule, history, daemonStartedAt, now) !== undefined;
}
