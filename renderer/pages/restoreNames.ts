/** The time in a sailfish_backup_YYYY-MM-DDTHH-MM-SSZ.tar name, as ISO text, or null. */
export function backupFileDateIso(name: string): string | null {
  const m = /^sailfish_backup_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.tar(?:\.gz)?$/.exec(name);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}Z` : null;
}
