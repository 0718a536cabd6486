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
