// Browser mode's token stays the owner's: it reaches the browser through an owner-only page, never a
// command line; it leaves the address bar once used; the window, its temporary profile and the private
// bus go when `sfbackup ui` ends, and what a `kill -9` left is removed by the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const bin = path.resolve(import.meta.dirname, '../../bin/sfbackup.js');

interface BrowserReport {
  pid: number;
  cmdline: string;
  openPage: string;
  mode: number;
  status: number;
  cookie: string | null;
}

/**
 * Stands in for Chromium: a program that does what the window does with its arguments (opens the page
 * it is given, follows it to the UI) and writes down what it saw; it runs until it is stopped.
 */
function fakeBrowser(report: string): string {
  const file = path.join(tempDir(), 'browser.mjs');
  writeFileSync(
    file,
    `#!${process.execPath}
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
const app = process.argv.find((a) => a.startsWith('--app='));
const openPage = new URL(app.slice(6)).pathname;
const html = readFileSync(openPage, 'utf8');
const url = /url=([^"]+)"/.exec(html)[1].replace(/&#(\\d+);/g, (_, c) => String.fromCharCode(Number(c)));
const res = await fetch(url);
// Written whole, then renamed: the test reads it as soon as it appears.
writeFileSync(${JSON.stringify(report + '.tmp')}, JSON.stringify({
  pid: process.pid,
  cmdline: readFileSync('/proc/self/cmdline', 'utf8'),
  openPage,
  mode: statSync(openPage).mode & 0o777,
  status: res.status,
  cookie: res.headers.get('set-cookie'),
}));
renameSync(${JSON.stringify(report + '.tmp')}, ${JSON.stringify(report)});
setInterval(() => {}, 1000);
`,
  );
  chmodSync(file, 0o755);
  return file;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
});

function startUi(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, '--data-dir', tempDir(), '--json', 'ui', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = until(() => out.includes('"url"'), 'the UI address').then(() => (JSON.parse(out) as { url: string }).url);
  return { child, url };
}

describe('the browser-mode token', () => {
  it('reaches the browser through an owner-only page, never its command line; all is removed on exit', async () => {
    const report = path.join(tempDir(), 'report.json');
    const env = cliEnv({ SFBACKUP_BROWSER: fakeBrowser(report) });
    const { child, url } = startUi([], env);
    const token = new URL(await url).searchParams.get('token')!;
    await until(() => existsSync(report), 'the browser to open the UI');
    const seen = JSON.parse(readFileSync(report, 'utf8')) as BrowserReport;
    expect(token.length).toBeGreaterThan(20);
    expect(seen.cmdline).not.toContain(token);
    expect(seen.mode).toBe(0o600);
    expect(seen.status).toBe(200);
    expect(seen.cookie).toMatch(/HttpOnly; SameSite=Strict/);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(alive(seen.pid)).toBe(false);
    expect(existsSync(path.dirname(seen.openPage))).toBe(false); // the page, the profile, the run folder
  });

  it('after kill -9: the window and the private bus stop with it, and the next start removes the rest', async () => {
    const report = path.join(tempDir(), 'report.json');
    // A runtime folder of its own, so no other test's command cleans up before the next start here does.
    const runtime = tempDir();
    const env = cliEnv({ SFBACKUP_BROWSER: fakeBrowser(report), XDG_RUNTIME_DIR: runtime });
    const { child, url } = startUi([], env);
    await url;
    await until(() => existsSync(report), 'the browser to open the UI');
    const seen = JSON.parse(readFileSync(report, 'utf8')) as BrowserReport;
    const runFolder = path.dirname(seen.openPage);
    const helpers = JSON.parse(readFileSync(path.join(runFolder, 'helpers.json'), 'utf8')) as Array<{
      pid: number;
      what: string;
    }>;
    expect(helpers.map((h) => h.what).sort()).toEqual(['browser', 'dbus-daemon']);

    child.kill('SIGKILL');
    await once(child, 'exit');
    for (const helper of helpers) await until(() => !alive(helper.pid), `${helper.what} to stop`);
    expect(existsSync(runFolder)).toBe(true); // nobody was left to remove it…

    const next = startUi(['--no-open'], cliEnv({ XDG_RUNTIME_DIR: runtime }));
    await next.url;
    expect(existsSync(runFolder)).toBe(false); // …until the next start
  });

  it('leaves the address bar once the page has loaded, and the page keeps working', async () => {
    const { url } = startUi(['--no-open'], cliEnv());
    const address = await url;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${address}#/`);
      await expect.poll(() => page.url()).not.toContain('token=');
      expect(page.url()).toBe(`${new URL(address).origin}/#/`);
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
