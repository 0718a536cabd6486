// Backups in a folder on the device (its memory card, as Settings → Backup offers it), read over the
// device's SSH connection: reading a folder is not editing the device's files. What writes and restores
// them is the device's own vault (backupToFile / restoreFromFile), never this side.
import { InputError } from '../errors.js';
import { backupFileDate } from '../backupNames.js';
import { shellQuote } from './sshCommand.js';
import type { SshLink } from './SshLink.js';

export interface MemoryCard {
  /** Where it is mounted on the device: the folder backups go into. */
  path: string;
  label: string;
  /** Bytes, as the device's df says; null when it could not say. */
  size: number | null;
  free: number | null;
  /** Whether the device user may write there. */
  writable: boolean;
}

export interface CardBackup {
  name: string;
  /** The full path on the device, as restoreFromFile takes it. */
  path: string;
  size: number;
  /** ISO time the name carries (a name without one is not a backup, as on this computer). */
  date: string;
}

/** A backup archive's name: what the vault writes (sailfish_backup_<time>.tar) or older .tar.gz ones. */
const BACKUP_NAME = /^sailfish_backup_[^/\\\p{Cc}]{1,200}\.tar(?:\.gz)?$/u;

export function isCardBackupName(name: string): boolean {
  return BACKUP_NAME.test(name);
}

/** An absolute folder on the device, without a trailing slash. */
export function cardFolder(text: string): string {
  const folder = text.trim().replace(/\/+$/, '');
  if (!folder.startsWith('/') || /[\0\n]/.test(folder))
    throw new InputError(
      `"${text.slice(0, 80)}" is not an absolute folder on the device (e.g. /run/media/defaultuser/SDCARD)`,
    );
  return folder;
}

/** The backups in `folder` on the device, newest first. */
export async function listCardBackups(link: SshLink, folder: string): Promise<CardBackup[]> {
  const dir = cardFolder(folder);
  // POSIX sh and stat -c only: the device's shell may be busybox. One "SIZE<tab>NAME" line a file.
  const script =
    `d=${shellQuote(dir)}; [ -d "$d" ] || { echo "there is no folder $d on the device" >&2; exit 3; }; ` +
    // Regular files only, as on this computer (main/targets/localBackups.ts): a link could point anywhere.
    `for f in "$d"/sailfish_backup_*; do [ -f "$f" ] && [ ! -L "$f" ] || continue; ` +
    `printf '%s\\t%s\\n' "$(stat -L -c %s "$f")" "\${f##*/}"; done`;
  const out = await link.run(script).catch((err: unknown) => {
    throw new InputError(`Cannot list ${dir} on the device: ${err instanceof Error ? err.message : String(err)}`);
  });
  const found: CardBackup[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\d+)\t(.+)$/.exec(line);
    const date = m && isCardBackupName(m[2]!) ? backupFileDate(m[2]!) : undefined;
    if (!m || !date) continue;
    found.push({ name: m[2]!, path: `${dir}/${m[2]!}`, size: Number(m[1]), date: date.toISOString() });
  }
  return found.sort((a, b) => b.date.localeCompare(a.date) || b.name.localeCompare(a.name));
}

/** What the device's vault wrote beside a backup it made: `<file>.sha256` (sha256sum's format), if there. */
export async function deviceChecksum(link: SshLink, file: string): Promise<string | undefined> {
  const out = await link.run(`f=${shellQuote(`${file}.sha256`)}; if [ -f "$f" ]; then head -c 400 "$f"; fi`);
  return /^([0-9a-f]{64})\b/.exec(out.trim())?.[1];
}

/** One "card<TAB>WRITABLE<TAB>PATH" line, then df's line for it (POSIX df -Pk). */
function parseCards(out: string): MemoryCard[] {
  const cards: MemoryCard[] = [];
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^card\t([01])\t(\/[^\t\p{Cc}]+)$/u.exec(lines[i]!);
    if (!m) continue;
    const df = (lines[i + 1] ?? '').trim().split(/\s+/);
    const kib = (text: string | undefined) => (text && /^\d+$/.test(text) ? Number(text) * 1024 : null);
    const path = m[2]!;
    cards.push({
      path,
      label: path.slice(path.lastIndexOf('/') + 1),
      size: df.length >= 6 ? kib(df[1]) : null,
      free: df.length >= 6 ? kib(df[3]) : null,
      writable: m[1] === '1',
    });
  }
  return cards;
}

/**
 * The device's memory cards: what is mounted for its user under /run/media/<user> (Sailfish OS 3 and
 * later) or /media/sdcard (older releases), as Settings → Backup offers them.
 */
export async function listMemoryCards(link: SshLink): Promise<MemoryCard[]> {
  const script =
    'u=$(id -un); for d in "/run/media/$u"/* /media/sdcard/*; do [ -d "$d" ] || continue; ' +
    'if [ -w "$d" ]; then w=1; else w=0; fi; printf \'card\\t%s\\t%s\\n\' "$w" "$d"; ' +
    'df -Pk "$d" 2>/dev/null | tail -n 1 || echo; done';
  return parseCards(await link.run(script));
}
