// Processes dying mid-run: the WebDAV server, and the sync daemon with the vault inside it. Each run
// ends with a clear failure, nothing partial stays under a final name or on disk, and the next run works.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { cliEnv, runCli, startDaemonProcess } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { backupsBelow, filesBelow, makeUnitTree, readTree } from '../helpers/tree.js';

interface LogEntry {
  majorCode: number;
  minorCode: number;
  message?: string;
}

describe('recovery from dying processes', () => {
  let server: WebDavServer;
  let bus: PrivateBusDaemon;
  let daemon: ChildProcess | undefined;
  let dataDir: string;
  let unit: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...options });
  const startDaemon = () => startDaemonProcess(dataDir, env);
  const lastLog = async (profile: string) =>
    (JSON.parse((await cli(['--json', 'profiles', 'log', profile])).stdout) as LogEntry[]).at(-1);
  const finalNames = () => backupsBelow(server.root).filter((f) => !path.basename(f).startsWith('.'));

  beforeAll(async () => {
    server = await startRclone({ user: 'r', password: 'p', bwlimit: '1M' });
    bus = await PrivateBusDaemon.start();
    env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address });
    dataDir = tempDir();
    unit = path.join(tempDir(), 'Music');
    makeUnitTree(unit, 10 * 1024 * 1024);
    expect((await cli(['units', 'add', unit])).code).toBe(0);
    expect(
      (
        await cli(
          ['account', 'add', '--provider', 'webdav', '--server', server.url, '--user', 'r', '--password-stdin'],
          { input: 'p\n' },
        )
      ).code,
    ).toBe(0);
    daemon = await startDaemon();
  });

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
    }
    await bus?.stop();
    await server?.stop();
  });

  it('the sync daemon killed mid-upload: the client is told, the log says so, the next run succeeds', async () => {
    const running = runCli(['--data-dir', dataDir, 'backup', '1'], {
      env,
      onStderr: (text) => /Uploading/.test(text) && daemon?.kill('SIGKILL'),
    });
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('left the bus');
    daemon = await startDaemon();
    expect(await lastLog('webdav.Backup-1')).toMatchObject({
      majorCode: 1,
      minorCode: 501,
      message: expect.stringContaining('Interrupted') as string,
    });
    const status = JSON.parse((await cli(['--json', 'status'])).stdout) as { daemon: { running: string[] } };
    expect(status.daemon.running).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    expect(finalNames()).toEqual([]);

    const again = await cli(['backup', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(finalNames()).toHaveLength(1);
    expect(filesBelow(server.root).filter((f) => path.basename(f).startsWith('.'))).toEqual([]); // the old partial upload is gone
  });

  it('the server killed mid-upload and mid-download, then restarted: clear errors, nothing partial, the next runs succeed', async () => {
    const before = finalNames();
    const upload = await cli(['backup', '1'], { onStderr: (text) => void (/Uploading/.test(text) && server.stop()) });
    expect(upload.code).toBe(1);
    expect(upload.stderr).toMatch(/Cannot connect to cloud service|stopped answering|HTTP/);
    expect(await lastLog('webdav.Backup-1')).toMatchObject({ majorCode: 1, minorCode: 502 });
    await server.restart();
    expect(finalNames()).toEqual(before);

    // The finished backup, not a partial upload the killed server may have kept under a dot-name.
    const file = path.basename(before[0]!);
    const target = tempDir();
    const download = await cli(['restore', '1', file, '--to', target], {
      onStderr: (text) => void (/Downloading/.test(text) && server.stop()),
    });
    expect(download.code, download.stderr).toBe(1);
    expect(download.stderr).toMatch(/Cannot connect to cloud service|stopped answering|HTTP/);
    expect(await lastLog('webdav.BackupRestore-1')).toMatchObject({ majorCode: 1, minorCode: 502 });
    expect(readdirSync(target)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    await server.restart();

    const restored = await cli(['restore', '1', file, '--to', target]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readTree(path.join(target, 'Music'))).toEqual(readTree(unit));
    const backedUp = await cli(['backup', '1']);
    expect(backedUp.code, backedUp.stderr).toBe(0);
  });

  it('the vault killed while writing an archive: the half-written archive is cleaned up on restart', async () => {
    // Thousands of small files keep the archiver busy long enough to be caught in the act.
    const big = path.join(tempDir(), 'Films');
    mkdirSync(big);
    for (let i = 0; i < 30_000; i++) writeFileSync(path.join(big, `frame-${i}.txt`), `frame ${i}\n`);
    expect((await cli(['units', 'add', big])).code).toBe(0);
    const before = finalNames();
    const r = await cli(['backup', '1'], {
      onStderr: (text) => /Backing up: Films/.test(text) && daemon?.kill('SIGKILL'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('left the bus');
    expect(filesBelow(path.join(dataDir, 'vault')).length).toBeGreaterThan(0); // the killed vault's leftovers
    daemon = await startDaemon();
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    expect(await lastLog('webdav.Backup-1')).toMatchObject({
      majorCode: 1,
      minorCode: 501,
      message: expect.stringContaining('Interrupted') as string,
    });
    expect(finalNames()).toEqual(before);
    expect((await cli(['units', 'remove', big])).code).toBe(0);
  });
});
