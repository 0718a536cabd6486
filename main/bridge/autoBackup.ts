// The Backup page's "Automatically back up to" settings ⇄ the Backup profile's Buteo schedule.
import {
  INTERVAL_FIRST_DAY_OF_MONTH,
  KEY_CONNECTION_TYPES,
  type Schedule,
  type SyncProfile,
} from '../buteo/SyncProfile.js';
import type { AutoBackup } from '../ipc/contract.js';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
/** Buteo's connection type for WLAN in internet_connection_types (DESIGN.md §2). */
const WLAN = '2';

export const defaultAutoBackup: AutoBackup = { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' };

export function scheduleFor(auto: AutoBackup, enabled: boolean): Schedule {
  const time = `${auto.time}:00`;
  if (auto.frequency === 'monthly') return { enabled, time, interval: INTERVAL_FIRST_DAY_OF_MONTH, days: ALL_DAYS };
  return { enabled, time, interval: 0, days: auto.frequency === 'weekly' ? [auto.day] : ALL_DAYS };
}

export function autoBackupOf(profile: SyncProfile): AutoBackup {
  const schedule = profile.schedule;
  if (!schedule) return defaultAutoBackup;
  const time = /^(\d{2}:\d{2})/.exec(schedule.time ?? '')?.[1] ?? defaultAutoBackup.time;
  const connection = profile.key(KEY_CONNECTION_TYPES) === WLAN ? 'wlan' : 'any';
  if (schedule.interval === INTERVAL_FIRST_DAY_OF_MONTH) return { frequency: 'monthly', day: 1, time, connection };
  if (schedule.days.length === 1) return { frequency: 'weekly', day: schedule.days[0]!, time, connection };
  return { frequency: 'daily', day: 1, time, connection };
}

export function applyAutoBackup(profile: SyncProfile, auto: AutoBackup, enabled: boolean): void {
  profile.setSchedule(scheduleFor(auto, enabled));
  if (auto.connection === 'wlan') profile.setKey(KEY_CONNECTION_TYPES, WLAN);
  else profile.removeKey(KEY_CONNECTION_TYPES);
}
