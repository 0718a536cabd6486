// One engine per data dir. Commands run at once on one data dir, with no session bus, share the engine
// the first of them started instead of each starting one that cleans up the others' work; a command
// for another data dir than the daemon's refuses; a second daemon for one data dir refuses.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { cliEnv, runCli, startDaemonProcess, type CliResult } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow, makeUnitTree, readTree } from '../helpers/tree.js';

const bin = path.resolve(import.meta.dirname, '../../bin/sfbackup.js');

const env = cliEnv();

/** Unpacks a backup with GNU tar (not this app's code) and reads the unit back. */
function unitInArchive(archive: string, unit: string): Record<string, string> {
  const dir = tempDir();
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  return readTree(path.join(dir, unit));
}

describe('one engine per data dir', () => {
  let server: WebDavServer;
  let dataDir: string;
  let unit: string;
  let deviceFolder: () => string;
  const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...options });
  const serverBackups = () => readdirSync(deviceFolder()).filter((n) => !n.startsWith('.'));

  beforeAll(async () => {
    server = await startRclone({ user: 'one', password: 'engine', bwlimit: '8M' });
    dataDir = tempDir();
    unit = path.join(tempDir(), 'Many');
    // Many small files make unpacking take long enough to be caught in the act.
    mkdirSync(unit);
    for (let i = 0; i < 8000; i++) writeFileSync(path.join(unit, `file-${i}.txt`), `file ${i}\n`.repeat(1 + (i % 7)));
    makeUnitTree(path.join(unit, 'tree'), 3 * 1024 * 1024);
    expect((await cli(['units', 'add', unit])).code).toBe(0);
    const add = await cli(
      ['--json', 'account', 'add', '--provider', 'webdav', '--server', server.url, '--user', 'one', '--password-stdin'],
      { input: 'engine\n' },
    );
    expect(add.code, add.stderr).toBe(0);
    const first = await cli(['--json', 'backup', '1']);
    expect(first.code, first.stderr).toBe(0);
    const root = path.join(server.root, 'Sailfish OS', 'Backups');
    deviceFolder = () => path.join(root, readdirSync(root)[0]!);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('a listing while a restore unpacks leaves the restore whole, and both succeed', async () => {
    const [file] = serverBackups();
    const target = tempDir();
    let listing: Promise<CliResult> | undefined;
    const restore = await cli(['--json', 'restore', '1', file!, '--to', target], {
      onStderr: (text) => {
        if (!listing && /Downloading|Unpacking|Restoring/.test(text)) listing = cli(['--json', 'backups', '1']);
      },
    });
    expect(listing).toBeDefined();
    const listed = await listing!;
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((b) => b.name)).toContain(file);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ status: 'Finished' });
    expect(readTree(path.join(target, 'Many'))).toEqual(readTree(unit));
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });

  it('two backups started together: one runs, the other is told one is running; what finished is whole', async () => {
    const before = serverBackups();
    const results = await Promise.all([cli(['--json', 'backup', '1']), cli(['--json', 'backup', '1'])]);
    const finished = results.filter((r) => r.code === 0);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/already running/);
    for (const r of finished) {
      const { file } = JSON.parse(r.stdout) as { status: string; file: string };
      expect(before).not.toContain(file);
      expect(unitInArchive(path.join(deviceFolder(), file), 'Many')).toEqual(readTree(unit));
    }
    // No partial upload left (the checksums folder holds each backup's SHA-256).
    expect(readdirSync(deviceFolder()).filter((n) => n.startsWith('.') && n !== '.checksums')).toEqual([]);
  });

  describe('with a daemon running', () => {
    let bus: PrivateBusDaemon;
    let otherDir: string;
    let daemon: ReturnType<typeof spawn>;
    let busEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      bus = await PrivateBusDaemon.start();
      busEnv = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address });
      otherDir = tempDir();
      daemon = await startDaemonProcess(otherDir, busEnv);
    });

    afterAll(async () => {
      if (daemon.exitCode === null) {
        daemon.kill('SIGTERM');
        await once(daemon, 'exit');
      }
      await bus?.stop();
    });

    it('says which data dir it serves, and a command for another data dir refuses to use it', async () => {
      const said = execFileSync(
        'gdbus',
        [
          'call',
          '--session',
          '--dest',
          'com.meego.msyncd',
          '--object-path',
          '/sfbackup/engine',
          '--method',
          'org.freedesktop.DBus.Properties.Get',
          'org.sailfishos.backupsettings.Engine',
          'DataDir',
        ],
        { env: busEnv },
      ).toString();
      expect(said).toContain(otherDir);
      const before = serverBackups();
      const r = await runCli(['--data-dir', dataDir, '--json', 'backup', '1'], { env: busEnv });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`works on the data dir ${otherDir}, not ${dataDir}`);
      expect(serverBackups()).toEqual(before);
    });

    it('a second daemon for the same data dir refuses, naming the first', async () => {
      const second = spawn(process.execPath, [bin, '--data-dir', otherDir, 'daemon'], {
        env: cliEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let said = '';
      second.stderr.on('data', (d: Buffer) => (said += d.toString()));
      // A second engine would run until stopped: give it a bounded time to refuse, then stop it either way.
      const timer = setTimeout(() => second.kill('SIGTERM'), 20_000);
      const [code] = (await once(second, 'exit')) as [number | null];
      clearTimeout(timer);
      expect(code).toBe(2);
      expect(said).toMatch(/already runs the sync daemon for .*DBUS_SESSION_BUS_ADDRESS=/);
    });

    it('a command with no session bus finds the daemon of its data dir and uses it', async () => {
      const r = await runCli(['--data-dir', otherDir, '--json', 'status'], { env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { daemon: unknown }).daemon).not.toBeNull();
      const listing = await runCli(['--data-dir', otherDir, 'profiles', 'list'], { env: cliEnv() });
      expect(listing.code, listing.stderr).toBe(0);
      const sync = await runCli(['--data-dir', otherDir, 'sync', 'no-such-profile'], { env: cliEnv() });
      expect(sync.stderr).not.toContain('started a private dbus-daemon');
    });
  });
});
