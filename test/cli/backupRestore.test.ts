// The whole seed flow through the CLI against real servers: add account → create profiles → back up →
// list → restore, with the sync daemon and vault running as their own process on a private bus.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon, connectBus, waitConnected } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { VaultProxy } from '../../main/vault/VaultProxy.js';
import { cliEnv, runCli, startDaemonProcess } from '../helpers/cli.js';
import { startApache, startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow, makeUnitTree, readTree } from '../helpers/tree.js';

const servers = {
  'rclone serve webdav': { start: () => startRclone({ user: 'alice', password: 'correct horse' }), provider: 'webdav' },
  'Apache mod_dav (Nextcloud layout)': {
    start: () => startApache({ user: 'alice', password: 'correct horse' }),
    provider: 'nextcloud',
  },
};

describe.each(Object.entries(servers))('backup and restore through %s', (_label, kind) => {
  let server: WebDavServer;
  let bus: PrivateBusDaemon;
  let daemon: ChildProcess;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let unitDir: string;
  let deviceId: string;
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env });

  beforeAll(async () => {
    server = await kind.start();
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    unitDir = path.join(tempDir(), 'Documents');
    makeUnitTree(unitDir);
    env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address });
    daemon = await startDaemonProcess(dataDir, env);
    const conn = connectBus(bus.address);
    await waitConnected(conn);
    deviceId = await new VaultProxy(new DBusClient(conn)).backupFileDeviceId();
    conn.disconnect();
  });

  afterAll(async () => {
    daemon?.kill('SIGTERM');
    if (daemon && daemon.exitCode === null) await once(daemon, 'exit');
    await bus?.stop();
    await server?.stop();
  });

  it('backs up, lists and restores byte-identical files, leaving no temporary file anywhere', async () => {
    const add = await runCli(
      [
        '--data-dir',
        dataDir,
        '--json',
        'account',
        'add',
        '--provider',
        kind.provider,
        '--server',
        server.url,
        '--user',
        'alice',
        '--password-stdin',
      ],
      { env, input: 'correct horse\n' },
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const account = JSON.parse(add.stdout) as { id: number; backups_path: string };
    // The default Sailfish's account creator stores: <webdav_path>/Sailfish OS/Backups.
    expect(account.backups_path).toBe(`${server.webdavPath === '/' ? '' : server.webdavPath}/Sailfish OS/Backups`);

    const created = await cli('--json', 'profiles', 'create', String(account.id));
    expect(JSON.parse(created.stdout)).toEqual([
      `${kind.provider}.Backup-${account.id}`,
      `${kind.provider}.BackupQuery-${account.id}`,
      `${kind.provider}.BackupRestore-${account.id}`,
    ]);
    expect((await cli('units', 'add', unitDir)).code).toBe(0);

    const backup = await cli('--json', 'backup', String(account.id));
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/Backing up: Documents|Uploading/);
    expect(backup.stderr).toContain('Finished');
    const file = (JSON.parse(backup.stdout) as { file: string }).file;
    expect(file).toMatch(/^sailfish_backup_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.tar$/);

    const deviceFolder = path.join(server.root, 'Sailfish OS', 'Backups', deviceId);
    // The archive, and its SHA-256 in a sub-folder (a device lists every file of its folder as a backup).
    expect(readdirSync(deviceFolder).sort()).toEqual(['.checksums', file]);
    expect(readdirSync(path.join(deviceFolder, '.checksums'))).toEqual([`${file}.sha256`]);
    if (server.requests) {
      // Streamed with a length (FastCGI servers store 0 bytes otherwise), to a temporary name, then moved.
      const size = statSync(path.join(deviceFolder, file)).size;
      const put = server.requests().find((line) => line.startsWith('PUT ') && !line.includes('/.checksums/'));
      expect(put).toMatch(
        new RegExp(`^PUT .+/\\.${file.replace(/\./g, '\\.')}\\.[0-9a-f]{8}-\\d+-\\d+-[0-9a-f]+\\.part ${size} - 201$`),
      );
      expect(server.requests().some((line) => line.startsWith('MOVE ') && line.endsWith(' 201'))).toBe(true);
    }
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);

    const listed = await cli('--json', 'backups', String(account.id));
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((b) => b.name)).toEqual([file]);

    const target = tempDir();
    const restored = await cli('--json', 'restore', String(account.id), file, '--to', target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readTree(path.join(target, 'Documents'))).toEqual(readTree(unitDir));
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    expect(readdirSync(target).filter((n) => n.startsWith('.'))).toEqual([]);

    // Restoring in place brings a changed file back.
    writeFileSync(path.join(unitDir, 'notes.txt'), 'changed after the backup\n');
    const inPlace = await cli('restore', String(account.id), file);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(readTree(unitDir)).toEqual(readTree(path.join(target, 'Documents')));

    // On a computer that does not back up Documents, the downloaded backup's folders have no place: the
    // restore names them, changes nothing, and the CLI says how to give a folder.
    expect((await cli('units', 'remove', unitDir)).code).toBe(0);
    writeFileSync(path.join(unitDir, 'notes.txt'), 'changed again\n');
    const homeless = await cli('restore', String(account.id), file);
    expect(homeless.code).toBe(1);
    expect(homeless.stderr).toContain(
      'Could not restore the backup: The backup holds folders this computer does not back up (Documents). Restore it into a folder with --to DIR.',
    );
    expect(readFileSync(path.join(unitDir, 'notes.txt'), 'utf8')).toBe('changed again\n');
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    expect((await cli('units', 'add', unitDir)).code).toBe(0);

    const log = await cli('--json', 'profiles', 'log', `${kind.provider}.Backup-${account.id}`);
    expect(JSON.parse(log.stdout)).toMatchObject([{ majorCode: 0, minorCode: 0 }]);
    expect(
      existsSync(path.join(dataDir, 'msyncd', 'sync', 'logs', `${kind.provider}.Backup-${account.id}.log.xml`)),
    ).toBe(true);
  });
});
