// The backups in a folder or on a drive, as Sailfish's page finds them on a memory card: the backup files
// right in it (BackupRestoreStorageListModel.qml:97, sortedBackupFileInfo(mountPath)), newest first.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { backupFileDate } from '../backupNames.js';

export interface LocalBackup {
  name: string;
  /** ISO time the name carries. */
  date: string;
  size: number;
}

export async function listLocalBackups(dir: string): Promise<LocalBackup[]> {
  const names = await readdir(dir);
  const found: LocalBackup[] = [];
  for (const name of names) {
    const date = backupFileDate(name);
    if (!date) continue;
    // Regular files only: a link could point anywhere, and a folder is not a backup.
    const stats = await lstat(path.join(dir, name)).catch(() => undefined);
    if (!stats?.isFile()) continue;
    found.push({ name, date: date.toISOString(), size: stats.size });
  }
  return found.sort((a, b) => b.date.localeCompare(a.date) || b.name.localeCompare(a.name));
}
