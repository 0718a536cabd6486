// A sync profile as the Settings UI's Sync profiles page shows it: its keys, schedule and last result,
// whether it runs now. The same for this computer's profiles and for a connected device's.
import type { ProfileSummary } from '../ipc/contract.js';
import type { SyncProfile } from './SyncProfile.js';
import type { SyncResults } from './syncLog.js';

export function profileSummary(profile: SyncProfile, last: SyncResults | undefined, running: string[]): ProfileSummary {
  const schedule = profile.schedule;
  return {
    name: profile.name,
    displayName: profile.displayName,
    accountId: profile.accountId ?? null,
    client: profile.clientPlugin ?? null,
    enabled: profile.enabled,
    schedule: schedule
      ? {
          enabled: schedule.enabled,
          interval: schedule.interval,
          days: schedule.days,
          ...(schedule.time ? { time: schedule.time } : {}),
        }
      : null,
    keys: profile.keys(),
    running: running.includes(profile.name),
    lastResult: last
      ? {
          time: last.time,
          majorCode: last.majorCode,
          minorCode: last.minorCode,
          scheduled: last.scheduled,
          ...(last.message ? { message: last.message } : {}),
        }
      : null,
  };
}
