// The kernel's table of mounts (/proc/self/mountinfo, proc(5)): which drives a desktop has mounted for
// the user when UDisks2 cannot say (media mounts under /media and /run/media), and which drive a folder
// is on, to name it in messages.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Mount {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** Octal escapes the kernel writes for space, tab, newline and backslash. */
function unescapeField(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 10 || dash < 6) continue;
    mounts.push({
      mountPoint: unescapeField(fields[4]!),
      fsType: fields[dash + 1] ?? '',
      source: unescapeField(fields[dash + 2] ?? ''),
    });
  }
  return mounts;
}

export function readMounts(file = '/proc/self/mountinfo'): Mount[] {
  try {
    return parseMountinfo(readFileSync(file, 'utf8'));
  } catch {
    // no mountinfo (not Linux): no drives found that way
    return [];
  }
}

/** Where desktops mount removable drives for the user (udisks2, udevil, pmount). */
const MEDIA_ROOTS = ['/media/', '/run/media/'];

export function isMediaMount(mountPoint: string): boolean {
  return MEDIA_ROOTS.some((root) => mountPoint.startsWith(root)) && !MEDIA_ROOTS.includes(mountPoint + '/');
}

/** The mount a path is on: the longest mount point that holds it. */
export function mountOf(dir: string, mounts: Mount[] = readMounts()): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = dir === m.mountPoint || dir.startsWith(m.mountPoint === '/' ? '/' : m.mountPoint + '/');
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** How messages name a folder: the drive it is on when that is a removable drive, else the folder. */
export function describeLocation(dir: string, mounts: Mount[] = readMounts()): string {
  const mount = mountOf(dir, mounts);
  if (mount && isMediaMount(mount.mountPoint)) {
    return `the drive "${path.basename(mount.mountPoint)}" (${dir})`;
  }
  return dir;
}
