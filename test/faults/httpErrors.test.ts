// Every request type answered with each error a WebDAV server can give, with garbage, or never:
// the run ends with the right Buteo code and a sentence naming the cause, no final-named file that
// is not a whole backup, nothing left on disk, and the daemon serves the next run.
import { mkdirSync, readdirSync } from 'node:fs';
import { restoreDirOf } from '../../main/vault/backupFiles.js';
import { ownWorkDir } from '../../main/vault/workDirs.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinorCode, SyncStatus } from '../../main/buteo/codes.js';
import { ensureAccountProfiles, runProfileToEnd } from '../../main/operations.js';
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { FaultProxy } from '../helpers/faultProxy.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow, makeUnitTree } from '../helpers/tree.js';
import net from 'node:net';
import { once } from 'node:events';

const statuses = [401, 403, 404, 409, 423, 500, 507];

describe('HTTP faults', () => {
  let server: WebDavServer;
  let proxy: FaultProxy;
  let bus: PrivateBusDaemon;
  let stores: Stores;
  let session: DaemonSession;
  let accountId: number;
  let dataDir: string;
  let backupFile: string;

  beforeAll(async () => {
    server = await startRclone({ user: 'f', password: 'p' });
    proxy = await FaultProxy.start(server.url);
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir, env }), env);
    session = await DaemonSession.open(stores, env, () => {}, {
      scheduleCheckMs: 0,
      deviceId: 'Faults_000000000000',
      idleTimeoutMs: 1500,
    });
    const unit = path.join(tempDir(), 'Docs');
    makeUnitTree(unit, 100_000);
    stores.units.add(unit);
    accountId = (
      await stores.accounts.add({ provider: 'webdav', serverAddress: proxy.url, username: 'f', password: 'p' })
    ).id;
    ensureAccountProfiles(stores, accountId);
    expect((await runProfileToEnd(session, `webdav.Backup-${accountId}`)).status).toBe(SyncStatus.Done);
    backupFile = readdirSync(path.join(server.root, 'Sailfish OS', 'Backups', 'Faults_000000000000')).filter(
      (n) => !n.startsWith('.'),
    )[0]!;
  });

  afterAll(async () => {
    await session?.close();
    stores?.close();
    await bus?.stop();
    await proxy?.stop();
    await server?.stop();
  });

  // Backups and uploads in progress; the checksums beside the backups live in their own folder.
  const serverFiles = () =>
    filesBelow(server.root)
      .filter((f) => !f.includes('/.checksums/'))
      .map((f) => path.basename(f));
  const run = async (op: 'Backup' | 'BackupQuery' | 'BackupRestore') => {
    if (op === 'BackupRestore') {
      const profile = stores.profiles.load(`webdav.BackupRestore-${accountId}`)!;
      // The plugin writes only into the vault's own download folder (this process runs the engine).
      const dir = restoreDirOf(ownWorkDir(path.join(dataDir, 'vault')));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      profile.setKey('sfos-backuprestore-file', path.join(dir, backupFile));
      stores.profiles.save(profile);
      const result = await runProfileToEnd(session, profile.name);
      return { ...result, leftovers: readdirSync(dir) };
    }
    return { ...(await runProfileToEnd(session, `webdav.${op}-${accountId}`)), leftovers: [] as string[] };
  };

  const cases: Array<[string, 'Backup' | 'BackupQuery' | 'BackupRestore']> = [
    ['PROPFIND', 'Backup'],
    ['MKCOL', 'Backup'],
    ['PUT', 'Backup'],
    ['MOVE', 'Backup'],
    ['PROPFIND', 'BackupQuery'],
    ['GET', 'BackupRestore'],
  ];

  it.each(cases.flatMap(([method, op]) => statuses.map((status) => [method, op, status] as const)))(
    '%s during %s answered with HTTP %i',
    async (method, op, status) => {
      const before = serverFiles().filter((n) => !n.startsWith('.'));
      proxy.fault = { method, status };
      if (method === 'MKCOL') {
        // Through the server, so its directory cache knows: the backup must create the folders again.
        const gone = await fetch(`${server.url}/Sailfish%20OS/`, {
          method: 'DELETE',
          headers: { Authorization: `Basic ${Buffer.from('f:p').toString('base64')}` },
        });
        expect(gone.status).toBeLessThan(300);
      }
      proxy.seen.length = 0;
      const result = await run(op);
      proxy.fault = undefined;
      const missingFolderIsEmpty = status === 404 && method === 'PROPFIND';
      if (missingFolderIsEmpty || (method === 'MKCOL' && status === 409) || (method === 'MKCOL' && status === 405)) {
        // A 404 listing means "no backups yet"; the run may then succeed or fail further on, but never silently lie.
        expect([SyncStatus.Done, SyncStatus.Error]).toContain(result.status);
      } else {
        // msyncd sends status 3 for every plugin failure; the minor code says which (SyncSession.cpp:298-322).
        expect(result.status).toBe(SyncStatus.Error);
        expect(result.details).toBe(status === 401 ? MinorCode.AuthenticationFailure : MinorCode.InternalError);
        expect(result.message).toMatch(
          status === 401
            ? /refused the user name or password/
            : status === 404 && method === 'GET'
              ? /is not on the server/
              : new RegExp(String(status)),
        );
      }
      // Whole backups only under final names; temporary uploads removed; nothing partial restored.
      const after = serverFiles();
      expect(after.filter((n) => n.startsWith('.'))).toEqual([]);
      for (const name of after) expect(name).toMatch(/^sailfish_backup_.*Z\.tar$/);
      if (method === 'MKCOL') expect(after.length).toBeLessThanOrEqual(1);
      else expect(after.length).toBeGreaterThanOrEqual(before.length);
      expect(result.leftovers).toEqual([]);
      expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
      // …and the next run works.
      const next = await run(op === 'BackupRestore' ? 'BackupQuery' : op);
      expect(next.status, next.message).toBe(SyncStatus.Done);
      if (op === 'Backup') {
        const again = await run('Backup');
        expect(again.status, again.message).toBe(SyncStatus.Done);
      }
      backupFile =
        readdirSync(path.join(server.root, 'Sailfish OS', 'Backups', 'Faults_000000000000')).filter(
          (n) => !n.startsWith('.'),
        )[0] ?? backupFile;
    },
  );

  it('treats garbage instead of a listing as an error, not as "no backups"', async () => {
    proxy.fault = { method: 'PROPFIND', garbage: true };
    const result = await run('BackupQuery');
    proxy.fault = undefined;
    expect(result.status).toBe(SyncStatus.Error);
    expect(result.message).toMatch(/not a WebDAV listing|unreadable/i);
  });

  it('gives up on a server that never answers, with a clear message', async () => {
    const silent = net.createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as net.AddressInfo).port;
    await stores.accounts.update(accountId, { serverAddress: `http://127.0.0.1:${port}` });
    const result = await run('BackupQuery');
    await stores.accounts.update(accountId, { serverAddress: proxy.url });
    silent.close();
    expect(result.status).toBe(SyncStatus.Error);
    expect(result.details).toBe(MinorCode.ConnectionError);
    expect(result.message).toMatch(/did not answer within \d+ s/);
    expect((await run('BackupQuery')).status).toBe(SyncStatus.Done);
  });
});
