// When a Buteo schedule next fires (buteo-syncfw SyncSchedule semantics, simplified to what the Backup page sets).
import {
  INTERVAL_FIRST_DAY_OF_MONTH,
  INTERVAL_LAST_DAY_OF_MONTH,
  INTERVAL_MONTHLY,
  type Schedule,
} from './SyncProfile.js';

function parseTime(time: string | undefined): [number, number, number] {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time ?? '');
  if (!m) return [0, 0, 0];
  return [Math.min(23, Number(m[1])), Math.min(59, Number(m[2])), Math.min(59, Number(m[3] ?? 0))];
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday, as Buteo's `days` attribute. */
export function isoWeekday(date: Date): number {
  return ((date.getDay() + 6) % 7) + 1;
}

function atTime(day: Date, time: [number, number, number]): Date {
  const d = new Date(day);
  d.setHours(time[0], time[1], time[2], 0);
  return d;
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(year, month + 1, 0).getDate();
}

/** The first moment strictly after `after` when the schedule fires; undefined when it never does. */
export function nextRun(schedule: Schedule, after: Date): Date | undefined {
  if (!schedule.enabled) return undefined;
  const time = parseTime(schedule.time);
  const days = schedule.days.length > 0 ? new Set(schedule.days) : new Set([1, 2, 3, 4, 5, 6, 7]);

  if (
    schedule.interval === INTERVAL_FIRST_DAY_OF_MONTH ||
    schedule.interval === INTERVAL_LAST_DAY_OF_MONTH ||
    schedule.interval === INTERVAL_MONTHLY
  ) {
    for (let i = 0; i < 3; i++) {
      const y = after.getFullYear();
      const m = after.getMonth() + i;
      let day: number;
      if (schedule.interval === INTERVAL_LAST_DAY_OF_MONTH) day = lastDayOfMonth(y, m);
      else if (schedule.interval === INTERVAL_FIRST_DAY_OF_MONTH) day = 1;
      else day = Math.min(after.getDate(), lastDayOfMonth(y, m));
      const candidate = atTime(new Date(y, m, day), time);
      if (candidate > after && (schedule.interval !== INTERVAL_MONTHLY || i > 0)) return candidate;
    }
    return undefined;
  }

  if (schedule.interval > 0 && !schedule.time) {
    let candidate = new Date(after.getTime() + schedule.interval * 60_000);
    for (let i = 0; i < 8 && !days.has(isoWeekday(candidate)); i++)
      candidate = atTime(new Date(candidate.getTime() + 86_400_000), [0, 0, 0]);
    return candidate;
  }

  if (!schedule.time) return undefined;
  for (let i = 0; i <= 7; i++) {
    const day = new Date(after.getFullYear(), after.getMonth(), after.getDate() + i);
    const candidate = atTime(day, time);
    if (candidate > after && days.has(isoWeekday(candidate))) return candidate;
  }
  return undefined;
}
