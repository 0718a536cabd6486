// sfbackup demo: prints the UI's address, runs a WebDAV server of its own on loopback with a demo account
// and sample folders in a folder of its own, and removes all of it when it ends — by Ctrl-C/SIGTERM, and
// after a kill -9 when the next demo starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processesWith, waitFor, waitGone } from '../helpers/buses.js';
import { cliEnv } from '../helpers/cli.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/sfbackup.js');

async function startDemo(): Promise<{ child: ChildProcess; url: string; dir: string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, '--json', 'demo', '--no-open'], {
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(`the demo's address (${err})`, () => out.includes('"url"') || child.exitCode !== null, 60_000);
  const url = (JSON.parse(out) as { url: string }).url;
  const dir = path.join(os.tmpdir(), `sfbackup-demo-${process.getuid?.() ?? 0}-${child.pid}-`);
  const own = readdirSync(os.tmpdir()).find((n) => path.join(os.tmpdir(), n).startsWith(dir));
  return { child, url, dir: path.join(os.tmpdir(), own ?? 'missing'), stderr: () => err };
}

describe('sfbackup demo', () => {
  it('prints the address of the UI, serves the demo account, and removes everything when it ends', async () => {
    const demo = await startDemo();
    try {
      expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(demo.stderr()).toMatch(/Demo: a WebDAV server at http:\/\/127\.0\.0\.1:\d+ with the account "demo"/);
      expect(existsSync(path.join(demo.dir, 'home', 'Documents', 'Welcome.txt'))).toBe(true);
      const servers = processesWith('serve', 'webdav', path.join(demo.dir, 'server'));
      expect(servers).toHaveLength(1);
      // The page answers, and the demo's Backup page has its account and folders.
      const page = await fetch(demo.url);
      expect(page.status).toBe(200);
      const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
      const origin = new URL(demo.url).origin;
      const api = await fetch(`${origin}/api/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: origin },
        body: JSON.stringify({ name: 'backup.page', args: [] }),
      });
      const body = (await api.json()) as {
        result: { accounts: Array<{ name: string }>; units: Array<{ name: string }>; demo: { serverUrl: string } };
      };
      expect(body.result.accounts.map((a) => a.name)).toEqual(['Demo server']);
      expect(body.result.units.map((u) => u.name)).toEqual(['Documents', 'Pictures']);
      expect(body.result.demo.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const exited = once(demo.child, 'exit');
      demo.child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      expect(existsSync(demo.dir)).toBe(false);
      for (const pid of servers) await waitGone(pid);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
  });

  it('killed with -9: its server goes with it, and the next demo removes what it left', async () => {
    const first = await startDemo();
    const servers = processesWith('serve', 'webdav', path.join(first.dir, 'server'));
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    for (const pid of servers) await waitGone(pid);
    expect(existsSync(first.dir)).toBe(true);
    const second = await startDemo();
    try {
      expect(existsSync(first.dir)).toBe(false);
      expect(existsSync(second.dir)).toBe(true);
    } finally {
      const done = once(second.child, 'exit');
      second.child.kill('SIGTERM');
      await done;
    }
    expect(existsSync(second.dir)).toBe(false);
  });
});
