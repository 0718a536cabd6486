// The Backup page's "Automatically back up to" settings ⇄ the Backup profile's Buteo schedule, written
// and read as Sailfish's page does (BackupSettingsItem.qml, sailfish-components-accounts
// accountsyncoptions.cpp toButeoSchedule / writeToButeoProfile / fromButeoProfile).
import {
  INTERVAL_FIRST_DAY_OF_MONTH,
  INTERVAL_LAST_DAY_OF_MONTH,
  INTERVAL_MONTHLY,
  KEY_CONNECTION_TYPES,
  type Schedule,
  type SyncProfile,
} from './SyncProfile.js';
import { buteoTime } from './syncLog.js';
import type { AutoBackup } from '../ipc/contract.js';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
/** The page's day list starts on Sunday (BackupSettingsItem.qml scheduleDaySelector._days). */
const SUNDAY_FIRST = [7, 1, 2, 3, 4, 5, 6];

/** Sync::InternetConnectionType (QNetworkConfiguration bearers): WLAN, and the cellular ones. */
const WLAN = 2;
/** writeToButeoProfile's order for Cellular: 2G, 3G, 4G, CDMA2000, WCDMA, CDMA2000 (twice, as upstream), HSPA, WiMAX, EVDO, LTE. */
const CELLULAR = [3, 11, 12, 4, 5, 4, 6, 8, 9, 10];
const CELLULAR_SET = new Set(CELLULAR);

type Month = NonNullable<AutoBackup['month']>;
const monthIntervals: Record<Month, number> = {
  afterLastBackup: INTERVAL_MONTHLY,
  firstDay: INTERVAL_FIRST_DAY_OF_MONTH,
  lastDay: INTERVAL_LAST_DAY_OF_MONTH,
};

export const defaultAutoBackup: AutoBackup = { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' };

export function scheduleFor(auto: AutoBackup, enabled: boolean): Schedule {
  const time = `${auto.time}:00`;
  // setLongIntervalSyncMode keeps the time and clears the days (days="").
  if (auto.frequency === 'monthly')
    return { enabled, time, interval: monthIntervals[auto.month ?? 'firstDay'], days: [] };
  return { enabled, time, interval: 0, days: auto.frequency === 'weekly' ? [auto.day] : ALL_DAYS };
}

/** What the page shows for a profile (BackupSettingsItem.qml reload()). */
export function autoBackupOf(profile: SyncProfile): AutoBackup {
  const schedule = profile.schedule;
  if (!schedule) return defaultAutoBackup;
  const time = /^(\d{2}:\d{2})/.exec(schedule.time ?? '')?.[1] ?? defaultAutoBackup.time;
  // "Default value is WLAN-only": any cellular bearer in the list means "WLAN or mobile data".
  const types = (profile.key(KEY_CONNECTION_TYPES) ?? '').split(',').map((s) => Number(s.trim()));
  const connection = types.some((t) => CELLULAR_SET.has(t)) ? 'any' : 'wlan';
  const month = (Object.keys(monthIntervals) as Month[]).find((m) => monthIntervals[m] === schedule.interval);
  if (month) return { frequency: 'monthly', day: 1, time, connection, month };
  const days = new Set(schedule.days);
  if (days.size === 0 || ALL_DAYS.every((d) => days.has(d))) return { frequency: 'daily', day: 1, time, connection };
  return { frequency: 'weekly', day: SUNDAY_FIRST.find((d) => days.has(d))!, time, connection };
}

export function applyAutoBackup(profile: SyncProfile, auto: AutoBackup, enabled: boolean, now = new Date()): void {
  profile.setSchedule(scheduleFor(auto, enabled), buteoTime(now, 'local'));
  // The page sets the connection rule only for the schedule it turns on (_saveChanges: if (schedule.enabled)).
  if (enabled)
    profile.setKey(KEY_CONNECTION_TYPES, (auto.connection === 'any' ? [WLAN, ...CELLULAR] : [WLAN]).join(','));
}
