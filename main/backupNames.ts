// How backups, their checksums and the folders in them are named: the convention the vault, the backup
// plugins, the CLI, the UI and the drive listings all follow, kept apart from any of them so each may
// use it (the plugins reach the vault itself only over D-Bus).

/** sailfish_backup_YYYY-MM-DDTHH-MM-SSZ.tar, in UTC (Sailfish's BackupUtils.newBackupFileName). */
export function backupFileName(date: Date): string {
  return `sailfish_backup_${date.toISOString().slice(0, 19).replace(/:/g, '-')}Z.tar`;
}

/** The time a backup file name carries, or undefined for names of another shape. */
export function backupFileDate(name: string): Date | undefined {
  const m = /^sailfish_backup_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.tar(?:\.gz)?$/.exec(name);
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A name that is safe as a file name (and a D-Bus string): what a listing may pass on as a backup. */
export function isBackupFileName(name: string): boolean {
  return /^[^/\\]{1,255}$/.test(name) && name !== '.' && name !== '..' && !/\p{Cc}/u.test(name);
}

/** Unit names as stored in units.json (kept as they always were; a backup refuses dot names itself). */
export function isUnitName(name: string): boolean {
  return /^[^/\\\0]{1,255}$/.test(name) && name !== '.' && name !== '..' && !/\p{Cc}/u.test(name);
}

/** A backup's checksum beside it: `<file>.sha256`, in sha256sum's format. */
export function checksumFileOf(file: string): string {
  return `${file}.sha256`;
}

/** On the server, checksums live in a sub-folder of the device folder: a device lists only files there. */
export const CHECKSUM_FOLDER = '.checksums';
