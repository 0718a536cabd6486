// The permissions a restored file gets, as GNU tar gives them: exactly as stored for root (but never
// setuid/setgid, since the restored file belongs to root, not to the user who had it), and for other
// users as stored less the bits the user's umask removes.
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
  /** The mode to give; `dropped` says which special bits were left out. */
  (stored: number): { mode: number; dropped: boolean };
}

export function modePolicy(isRoot = process.getuid?.() === 0, umask = currentUmask()): ModePolicy {
  return (stored) => {
    const bits = stored & 0o7777;
    if (isRoot) return { mode: bits & 0o1777, dropped: (bits & 0o6000) !== 0 };
    return { mode: bits & ~umask, dropped: false };
  };
}

/** What a folder the archive does not describe (only its contents) gets: 0777 less the umask. */
export function defaultFolderMode(umask = currentUmask()): number {
  return 0o777 & ~umask;
}
