// Dates and names the way the Backup page shows them.
import { majorName } from '../main/ipc/contract';

/** As Sailfish writes a backup's time: "20 Oct 16:49", with the year only when it is not this year's. */
export function backupDate(iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = d.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
  return `${day} ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A results entry's outcome, capitalised: "Success", "Failed", "Cancelled". */
export function resultWord(majorCode: number): string {
  const name = majorName(majorCode);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A size as Sailfish's Format.formatFileSize writes it: "112.8 GB", "640 kB". */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
