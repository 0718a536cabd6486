// Backup file names and the plain-words causes of local file failures.
import path from 'node:path';
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

/** Where the vault has the BackupRestore plugin download a backup (and nowhere else). */
export function restoreDirOf(vaultDir: string): string {
  return path.join(vaultDir, 'restore');
}

/** A backup's checksum beside it: `<file>.sha256`, in sha256sum's format. */
export function checksumFileOf(file: string): string {
  return `${file}.sha256`;
}

/** On the server, checksums live in a sub-folder of the device folder: a device lists only files there. */
export const CHECKSUM_FOLDER = '.checksums';
