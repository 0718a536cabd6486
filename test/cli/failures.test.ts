// What a user sees when things go wrong: the right Buteo status and code, a sentence that names the
// cause, and nothing partial left on the server or on disk.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { freePort, startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { backupsBelow, filesBelow, makeUnitTree } from '../helpers/tree.js';

interface LogEntry {
  majorCode: number;
  minorCode: number;
  message?: string;
}

describe('failures end cleanly, with Buteo codes and plain words', () => {
  let server: WebDavServer;
  let slow: WebDavServer;
  let dataDir: string;
  const env = cliEnv();
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
  const addAccount = async (url: string, password: string): Promise<number> => {
    const r = await cli(
      // Offline: these accounts are broken on purpose, and signing in first would refuse to save them.
      [
        '--json',
        'account',
        'add',
        '--offline',
        '--provider',
        'webdav',
        '--server',
        url,
        '--user',
        'alice',
        '--password-stdin',
      ],
      `${password}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { id: number }).id;
  };
  const lastLog = async (profile: string): Promise<LogEntry> => {
    const r = await cli(['--json', 'profiles', 'log', profile]);
    return (JSON.parse(r.stdout) as LogEntry[]).at(-1)!;
  };
  const serverFiles = (s: WebDavServer) => backupsBelow(s.root);

  beforeAll(async () => {
    server = await startRclone({ user: 'alice', password: 'right' });
    slow = await startRclone({ user: 'alice', password: 'right', bwlimit: '1M' });
    dataDir = tempDir();
    const unit = path.join(tempDir(), 'Pictures');
    makeUnitTree(unit, 12 * 1024 * 1024);
    expect((await cli(['units', 'add', unit])).code).toBe(0);
  });

  afterAll(async () => {
    await server?.stop();
    await slow?.stop();
  });

  it('reports a wrong password as an authentication failure (402)', async () => {
    const id = await addAccount(server.url, 'wrong');
    const r = await cli(['--json', 'backup', String(id)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the user name or password');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ code: 402 });
    expect(await lastLog(`webdav.Backup-${id}`)).toMatchObject({ majorCode: 1, minorCode: 402 });
    const sync = await cli(['sync', `webdav.BackupQuery-${id}`]);
    expect(sync.stderr).toContain('AuthenticationFailure');
    expect(serverFiles(server)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });

  it('reports an unreachable server as a connection error (502)', async () => {
    const id = await addAccount(`http://127.0.0.1:${await freePort()}`, 'right');
    const r = await cli(['backup', String(id)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot connect to cloud service');
    expect(await lastLog(`webdav.Backup-${id}`)).toMatchObject({ majorCode: 1, minorCode: 502 });
    const list = await cli(['backups', String(id)]);
    expect(list.stderr).toContain('Cannot connect to cloud service');
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });

  it('lists no backups for an empty server and refuses to restore a file that is not there', async () => {
    const id = await addAccount(server.url, 'right');
    const list = await cli(['backups', String(id)]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('No previous backups found');
    const target = tempDir();
    const r = await cli(['restore', String(id), 'sailfish_backup_2020-01-01T00-00-00Z.tar', '--to', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not on the server');
    expect(await lastLog(`webdav.BackupRestore-${id}`)).toMatchObject({ majorCode: 1, minorCode: 401 });
    expect(readdirSync(target)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });

  it('cancels mid-upload on Ctrl-C: status cancelled (501), nothing on the server, nothing on disk', async () => {
    const id = await addAccount(slow.url, 'right');
    const r = await runCli(['--data-dir', dataDir, 'backup', String(id)], {
      env,
      signalAfter: { match: /Uploading/, signal: 'SIGINT' },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Backup cancelled');
    expect(await lastLog(`webdav.Backup-${id}`)).toMatchObject({ majorCode: 2, minorCode: 501 });
    expect(serverFiles(slow)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'vault'))).toBe(true);

    // The next run succeeds.
    const again = await cli(['backup', String(id)]);
    expect(again.code, again.stderr).toBe(0);
    expect(serverFiles(slow)).toHaveLength(1);
  });

  it('cancels mid-download: nothing restored, no partial file, status cancelled (501)', async () => {
    const id = await addAccount(slow.url, 'right');
    const listed = await cli(['--json', 'backups', String(id)]);
    const file = (JSON.parse(listed.stdout) as Array<{ name: string }>)[0]!.name;
    const target = tempDir();
    const r = await runCli(['--data-dir', dataDir, 'restore', String(id), file, '--to', target], {
      env,
      signalAfter: { match: /Downloading/, signal: 'SIGINT' },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Restore cancelled');
    expect(await lastLog(`webdav.BackupRestore-${id}`)).toMatchObject({ majorCode: 2, minorCode: 501 });
    expect(readdirSync(target)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });
});
