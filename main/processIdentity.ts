// Who owns a work file: a process named by pid and start time (a pid alone is reused), on one boot of
// this machine. Files named after their owner can be cleaned up once that owner is provably gone.
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat); 0 when unknown. */
  started: number;
}

/** When a process started, or undefined when it does not exist (or /proc cannot say). */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // no such process (or no /proc)
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const started = Number(fields[19]);
  return Number.isFinite(started) ? started : undefined;
}

let own: ProcessIdentity | undefined;

export function ownIdentity(): ProcessIdentity {
  own ??= { pid: process.pid, started: processStartTime(process.pid) ?? 0 };
  return own;
}

/** "<pid>-<start>": safe in file names. */
export function identityTag(identity: ProcessIdentity = ownIdentity()): string {
  return `${identity.pid}-${identity.started}`;
}

export function parseIdentityTag(tag: string): ProcessIdentity | undefined {
  const m = /^(\d{1,10})-(\d{1,20})$/.exec(tag);
  return m ? { pid: Number(m[1]), started: Number(m[2]) } : undefined;
}

/** True unless the process is provably gone: no such pid, or the pid now belongs to a later process. */
export function isAlive(identity: ProcessIdentity): boolean {
  if (identity.pid === process.pid) return true;
  const started = processStartTime(identity.pid);
  if (started !== undefined) return identity.started === 0 || started === identity.started;
  try {
    process.kill(identity.pid, 0);
    return true; // exists, but /proc does not say when it started: assume it is the owner
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let boot: string | undefined;

/** The first 8 hex digits of this boot's id: a process of another boot is gone. */
export function bootTag(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')
        .replace(/[^0-9a-f]/g, '')
        .slice(0, 8);
    } catch {
      // no /proc: an id without the boot part
      boot = '';
    }
    if (!boot) boot = '00000000';
  }
  return boot;
}
