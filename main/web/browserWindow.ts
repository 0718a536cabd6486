// The browser window of `sfbackup ui`. The address carries the per-launch token, so it never goes on a
// command line (every local user can read /proc/<pid>/cmdline): Chromium is given an owner-only page
// that forwards to the address, as Jupyter does. The window, its temporary profile and that page live
// in this process's run folder (runDir.ts) and go when the command ends, or when the next one starts
// after a `kill -9`.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunDir, tiedToParent } from '../runDir.js';

const browsers = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An owner-only page that forwards the browser to `url`; returns its path. */
export function writeOpenPage(dir: string, url: string): string {
  const file = path.join(dir, 'open.html');
  const href = escapeHtml(url);
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${href}"><title>Settings · Backup</title>` +
      `<p><a href="${href}">Open the backup settings</a></p>\n`,
    { mode: 0o600 },
  );
  return file;
}

export class BrowserWindow {
  private constructor(
    private readonly child: ChildProcess,
    private readonly files: string[],
    /** Resolves when the browser has exited, with its exit code. */
    readonly exited: Promise<number | null>,
  ) {}

  /**
   * Opens `url` in an app window of the system's Chromium (or `$SFBACKUP_BROWSER`); undefined when
   * there is none.
   */
  static open(url: string, env: NodeJS.ProcessEnv = process.env): BrowserWindow | undefined {
    const browser = env.SFBACKUP_BROWSER || browsers.find((b) => existsSync(b));
    if (!browser) return undefined;
    const run = RunDir.own(env);
    const profile = path.join(run.path, 'chromium-profile');
    mkdirSync(profile, { recursive: true, mode: 0o700 });
    const page = writeOpenPage(run.path, url);
    const args = [
      `--app=${pathToFileURL(page).href}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const launch = tiedToParent(browser, args);
    const child = spawn(launch.command, launch.args, { stdio: 'ignore' });
    child.on('error', () => {});
    const pid = child.pid;
    if (pid) {
      run.recordHelper(pid, 'browser');
      child.once('exit', () => run.helperStopped(pid));
    }
    const exited = once(child, 'exit').then(
      ([code]) => code as number | null,
      () => null,
    );
    return new BrowserWindow(child, [profile, page], exited);
  }

  /** Closes the window and removes its profile and the page that held the token. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    for (const file of this.files) rmSync(file, { recursive: true, force: true });
  }
}
