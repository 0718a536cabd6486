// Backup file names and the plain-words causes of local file failures.
import { errorMessage } from '../errors.js';

/** The cause in plain words, with the disk-full case named as such. */
export function diskMessage(err: unknown, where: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `there is not enough free space in ${where}.`;
  return errorMessage(err);
}

export function isBackupFileName(name: string): boolean {
  return /^[^/\\]{1,255}$/.test(name) && name !== '.' && name !== '..' && !/\p{Cc}/u.test(name);
}
