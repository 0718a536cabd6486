// What a process starts for itself and must not outlive it: a private dbus-daemon, a Chromium window
// and its temporary profile. They live in one owner-only folder per process,
// `<runtime dir>/sfbackup-<uid>-<pid>-<start>/`, with the helpers' pids recorded in it. The helpers are
// also tied to their parent by the kernel (PR_SET_PDEATHSIG via setpriv) where setpriv exists; what a
// process killed with -9 still left behind is removed by the next one that starts.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identityTag, isAlive, ownIdentity, parseIdentityTag, processStartTime } from './processIdentity.js';

interface Helper {
  pid: number;
  started: number;
  what: string;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));

/**
 * The command line that starts `command` so the kernel sends it SIGTERM when this process dies,
 * even by SIGKILL. Without setpriv the helper is only removed by the next start.
 */
export function tiedToParent(command: string, args: string[]): { command: string; args: string[] } {
  if (!SETPRIV) return { command, args };
  return { command: SETPRIV, args: ['--pdeathsig', 'TERM', '--', command, ...args] };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function uid(): number {
  return process.getuid?.() ?? 0;
}

export function runtimeRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : os.tmpdir();
}

export class RunDir {
  private constructor(readonly path: string) {}

  private static cached = new Map<string, RunDir>();

  /** This process's folder (made owner-only on first use), after cleaning up after dead processes. */
  static own(env: NodeJS.ProcessEnv = process.env): RunDir {
    const root = runtimeRoot(env);
    let dir = RunDir.cached.get(root);
    if (!dir) {
      RunDir.removeAbandoned(root);
      dir = new RunDir(path.join(root, `sfbackup-${uid()}-${identityTag()}`));
      mkdirSync(dir.path, { recursive: true, mode: 0o700 });
      RunDir.cached.set(root, dir);
      if (!RunDir.exitHook) {
        RunDir.exitHook = true;
        process.once('exit', () => {
          for (const made of [...RunDir.cached.values()]) made.remove();
        });
      }
    }
    return dir;
  }

  private static exitHook = false;

  /** Records a helper process, so that it is stopped if this process dies without doing it. */
  recordHelper(pid: number, what: string): void {
    const helpers = this.helpers();
    helpers.push({ pid, started: processStartTime(pid) ?? 0, what });
    writeFileSync(path.join(this.path, 'helpers.json'), JSON.stringify(helpers), { mode: 0o600 });
  }

  /** A helper has stopped; once none is left the folder goes (a process killed by a signal has no exit hook). */
  helperStopped(pid: number): void {
    const left = this.helpers().filter((h) => h.pid !== pid);
    if (left.length === 0) return this.remove();
    try {
      writeFileSync(path.join(this.path, 'helpers.json'), JSON.stringify(left), { mode: 0o600 });
    } catch {
      // the folder is already gone
    }
  }

  private helpers(): Helper[] {
    try {
      return JSON.parse(readFileSync(path.join(this.path, 'helpers.json'), 'utf8')) as Helper[];
    } catch {
      // no helpers file: no helpers registered
      return [];
    }
  }

  /** Removes the folder (call once the helpers have stopped). */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
    for (const [root, dir] of RunDir.cached) if (dir === this) RunDir.cached.delete(root);
  }

  /** Stops the helpers of this user's processes that are gone and removes their folders. */
  static removeAbandoned(root: string): string[] {
    const prefix = `sfbackup-${uid()}-`;
    const removed: string[] = [];
    let names: string[];
    try {
      names = readdirSync(root).filter((name) => name.startsWith(prefix));
    } catch {
      // no run folder root: nothing left behind
      return removed;
    }
    for (const name of names) {
      const owner = parseIdentityTag(name.slice(prefix.length));
      if (!owner || owner.pid === ownIdentity().pid || isAlive(owner)) continue;
      const dir = new RunDir(path.join(root, name));
      // Only the very processes that were recorded: a pid reused since then is left alone.
      const running = dir.helpers().filter((h) => h.started && isAlive({ pid: h.pid, started: h.started }));
      for (const helper of running) {
        try {
          process.kill(helper.pid, 'SIGTERM');
        } catch {
          // gone meanwhile
        }
      }
      // A browser still writing its profile would put files back: give the helpers a moment to exit.
      const deadline = Date.now() + 3000;
      while (running.some((h) => isAlive(h)) && Date.now() < deadline) sleepSync(50);
      rmSync(dir.path, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}
