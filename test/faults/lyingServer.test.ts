// A server that says a streamed backup is stored when it is not: "201 Created" after reading part of
// the upload, a part stored of a whole upload read, a listing that hides the stored size. None of these
// ends as "Finished", and no file under a backup's name is left on the server; once the server tells
// the truth again, the next backup is Finished and whole.
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { FaultProxy, type Fault } from '../helpers/faultProxy.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow } from '../helpers/tree.js';

const MiB = 1 << 20;
const ARCHIVE_PART = /\.part$/;

describe('a server that lies about a streamed upload', () => {
  let server: WebDavServer;
  let proxy: FaultProxy;
  let bus: PrivateBusDaemon;
  let stores: Stores;
  let session: DaemonSession;
  let accountId: number;

  beforeAll(async () => {
    server = await startRclone({ user: 'l', password: 'p' });
    proxy = await FaultProxy.start(server.url);
    bus = await PrivateBusDaemon.start();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir: tempDir(), env }), env);
    // Everything streamed: no archive is kept in a local file before its upload.
    session = await DaemonSession.open(stores, env, () => {}, {
      deviceId: 'Liar_000000000000',
      scheduleCheckMs: 0,
      spoolMaxBytes: 0,
    });
    const unit = path.join(tempDir(), 'Videos');
    mkdirSync(unit);
    writeFileSync(path.join(unit, 'film.bin'), randomBytes(8 * MiB));
    stores.units.add(unit);
    accountId = (
      await stores.accounts.add({ provider: 'webdav', serverAddress: proxy.url, username: 'l', password: 'p' })
    ).id;
    ensureAccountProfiles(stores, accountId);
  });

  afterAll(async () => {
    await session?.close();
    stores?.close();
    await bus?.stop();
    await proxy?.stop();
    await server?.stop();
  });

  /** Backups on the server under their own names (not uploads in progress, not checksums), with sizes. */
  const storedBackups = () =>
    filesBelow(server.root)
      .filter((f) => !f.includes('/.checksums/') && !path.basename(f).startsWith('.'))
      .map((f) => ({ name: path.basename(f), size: statSync(path.join(server.root, f)).size }));

  async function backup(fault: Fault | undefined): Promise<{ status: string; error?: string }> {
    proxy.fault = fault;
    proxy.seen.length = 0;
    const { vault } = session;
    let error: string | undefined;
    const ended = new Promise<string>((resolve) => {
      void vault.onCloudBackupStatusChanged(
        (id, status) => id === accountId && ['Finished', 'Error', 'Canceled'].includes(status) && resolve(status),
      );
    });
    const offError = await vault.onCloudBackupError((id, _code, text) => id === accountId && (error = text));
    await vault.backupToCloud(accountId);
    const status = await ended;
    await offError();
    proxy.fault = undefined;
    return { status, ...(error ? { error } : {}) };
  }

  it('"201 Created" after 1 MiB of the upload: an error, and no backup on the server', async () => {
    const r = await backup({ method: 'PUT', storeOnly: { bytes: MiB, path: ARCHIVE_PART, early: true } });
    expect(r.status).toBe('Error');
    expect(r.error).toMatch(/answered the upload after \d+ of its \d+ bytes/);
    expect(storedBackups()).toEqual([]);
  });

  it('the whole upload read but 1 MiB stored: an error before the upload gets a backup’s name', async () => {
    const r = await backup({ method: 'PUT', storeOnly: { bytes: MiB, path: ARCHIVE_PART, early: false } });
    expect(r.status).toBe('Error');
    expect(r.error).toMatch(/server stored 1048576 of \d+ bytes/);
    expect(proxy.seen.filter((s) => s.startsWith('MOVE'))).toEqual([]);
    expect(storedBackups()).toEqual([]);
  });

  it('a server that does not say how large the upload is: an error, not an unchecked "Finished"', async () => {
    const r = await backup({ method: 'PROPFIND', hideSize: true });
    expect(r.status).toBe('Error');
    expect(r.error).toMatch(/does not say how large/);
    expect(proxy.seen.filter((s) => s.startsWith('MOVE'))).toEqual([]);
    expect(storedBackups()).toEqual([]);
  });

  it('the truth again: the next backup is Finished, and whole on the server', async () => {
    const r = await backup(undefined);
    expect(r, r.error).toEqual({ status: 'Finished' });
    const [stored] = storedBackups();
    expect(stored?.size).toBeGreaterThan(8 * MiB);
    expect(storedBackups()).toHaveLength(1);
  });
});
