// A marker file per running sync, so a daemon that was killed mid-run can say so in the results log
// when it starts again, instead of leaving the profile looking as if it never ran.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface InterruptedRun {
  profile: string;
  started: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunMarkers {
  private readonly dir: string;

  constructor(profileDir: string) {
    this.dir = path.join(profileDir, '.running');
  }

  mark(profile: string, started: Date): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      path.join(this.dir, profile),
      JSON.stringify({ profile, started: started.toISOString(), pid: process.pid }),
    );
  }

  clear(profile: string): void {
    rmSync(path.join(this.dir, profile), { force: true });
  }

  /** Runs whose daemon is gone: each is returned once and its marker removed. */
  takeInterrupted(): InterruptedRun[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      // no marker folder: no run was interrupted
      return [];
    }
    const out: InterruptedRun[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      let run: InterruptedRun;
      try {
        run = JSON.parse(readFileSync(file, 'utf8')) as InterruptedRun;
      } catch {
        // an unreadable marker still names its profile: treat the run as interrupted
        run = { profile: name, started: new Date(0).toISOString(), pid: 0 };
      }
      if (run.pid !== process.pid && run.pid > 0 && alive(run.pid)) continue;
      rmSync(file, { force: true });
      out.push({ ...run, profile: name });
    }
    return out;
  }
}
