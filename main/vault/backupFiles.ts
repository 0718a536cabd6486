// Where the vault keeps downloads, and the plain-words causes of local file failures.
import path from 'node:path';
import { errorMessage } from '../errors.js';

// The naming convention lives in ../backupNames.ts; re-exported for the vault's own modules.
export { CHECKSUM_FOLDER, checksumFileOf, isBackupFileName } from '../backupNames.js';

/** The cause in plain words, with the disk-full case named as such. */
export function diskMessage(err: unknown, where: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `there is not enough free space in ${where}.`;
  return errorMessage(err);
}

/** Where the vault has the BackupRestore plugin download a backup (and nowhere else). */
export function restoreDirOf(vaultDir: string): string {
  return path.join(vaultDir, 'restore');
}
