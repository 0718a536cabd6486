// The permissions a restored file gets, as GNU tar gives them: for root exactly as stored, and for
// other users as stored less the bits the user's umask removes. Restored files belong to whoever
// restores them, so root keeps setuid/setgid only on files that belonged to root (uid 0) when backed
// up: a backup never turns someone's file into a setuid-root program.
import { readFileSync } from 'node:fs';

function currentUmask(): number {
  try {
    const line = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line) return parseInt(line[1]!, 8);
  } catch {
    // not Linux: fall through
  }
  return 0o022;
}

export interface ModePolicy {
  /** The mode to give a file stored with `stored` by owner `uid`; `dropped` when setuid/setgid were left out. */
  (stored: number, uid?: number): { mode: number; dropped: boolean };
}

export function modePolicy(isRoot = process.getuid?.() === 0, umask = currentUmask()): ModePolicy {
  return (stored, uid) => {
    const bits = stored & 0o7777;
    if (!isRoot) return { mode: bits & ~umask, dropped: false };
    if (uid === 0 || (bits & 0o6000) === 0) return { mode: bits, dropped: false };
    return { mode: bits & 0o1777, dropped: true };
  };
}

/** What a folder the archive does not describe (only its contents) gets: 0777 less the umask. */
export function defaultFolderMode(umask = currentUmask()): number {
  return 0o777 & ~umask;
}
