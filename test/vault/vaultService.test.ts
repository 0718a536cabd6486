// The backup service as other programs see it on the bus: properties, signals, file backups.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MsyncdProxy } from '../../main/buteo/MsyncdProxy.js';
import { PrivateBusDaemon, connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { Engine } from '../../main/engine.js';
import { resolvePaths } from '../../main/paths.js';
import { openStores, type Stores } from '../../main/stores.js';
import type { VaultState } from '../../main/vault/vaultTypes.js';
import { VaultProxy } from '../../main/vault/VaultProxy.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

describe('org.sailfishos.backup', () => {
  let bus: PrivateBusDaemon;
  let conn: MessageBus;
  let engine: Engine;
  let stores: Stores;
  let server: WebDavServer;
  let vault: VaultProxy;
  let msyncd: MsyncdProxy;
  let unit: string;

  beforeAll(async () => {
    server = await startRclone({ user: 'u', password: 'p', bwlimit: '4M' });
    bus = await PrivateBusDaemon.start();
    conn = connectBus(bus.address);
    await waitConnected(conn);
    stores = openStores(resolvePaths({ dataDir: tempDir(), env: {} }), {});
    engine = await Engine.start(stores, conn, { deviceId: 'Test_0123456789ab', scheduleCheckMs: 0 });
    const client = new DBusClient(conn);
    vault = new VaultProxy(client);
    msyncd = new MsyncdProxy(client);
    unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 6 * 1024 * 1024);
    stores.units.add(unit);
  });

  afterAll(async () => {
    await engine?.stop();
    conn?.disconnect();
    stores?.close();
    await bus?.stop();
    await server?.stop();
  });

  it('shows a cloud backup live: status, progress, transfer signals, then Finished', async () => {
    const account = await stores.accounts.add({
      provider: 'webdav',
      serverAddress: server.url,
      username: 'u',
      password: 'p',
    });
    ensureAccountProfiles(stores, account.id);
    const states: Array<Partial<VaultState>> = [];
    const statuses: string[] = [];
    const items: Array<[number, number, string, number]> = [];
    const offs = [
      await vault.onStateChanged((s) => states.push(s)),
      await vault.onCloudBackupStatusChanged((id, status) => id === account.id && statuses.push(status)),
      await msyncd.onTransferProgress(
        (e) => e.profile === `webdav.Backup-${account.id}` && items.push([e.db, e.type, e.mime, e.committed]),
      ),
    ];
    const done = new Promise<void>(
      (resolve) => void vault.onCloudBackupStatusChanged((id, s) => s === 'Finished' && resolve()),
    );
    await vault.backupToCloud(account.id);
    await done;
    for (const off of offs) await off();

    expect(statuses).toEqual(['UploadingBackup', 'Finished']);
    const seen = states.map((s) => s.status).filter(Boolean);
    expect(seen).toEqual(expect.arrayContaining(['Preparing', 'UploadingBackup', 'Finished']));
    expect(states.some((s) => s.statusText?.startsWith('Backing up: Documents'))).toBe(true);
    expect(states.some((s) => /^Uploading [\d.]+ [kMG]?B of [\d.]+ MB/.test(s.statusText ?? ''))).toBe(true);
    const progress = states.map((s) => s.progress).filter((p): p is number => p !== undefined);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    // Buteo's transferProgress counts items: one archive added on the remote side (REMOTE 1, ADD 0).
    expect(items).toEqual([[1, 0, 'application/x-tar', 1]]);
    expect(await vault.state()).toMatchObject({ status: 'Finished', canCancel: false, error: '' });

    // Another backup while one runs is refused, not queued behind the user's back.
    const second = vault.backupToCloud(account.id);
    await expect(vault.backupToCloud(account.id)).rejects.toThrow(/already running/);
    await new Promise<void>(
      (resolve) => void vault.onCloudBackupStatusChanged((_id, s) => s === 'Finished' && resolve()),
    );
    await second;
  });

  it('writes a backup to a local folder and restores from it', async () => {
    const folder = tempDir();
    const statuses: string[] = [];
    const done = new Promise<string>((resolve) => {
      void vault.onFileBackupStatusChanged((file, status) => {
        statuses.push(status);
        if (status === 'Finished' || status === 'Error') resolve(file);
      });
    });
    // A full file path, as the page passes it (BackupView.qml:161-162: memory card + new file name).
    const file = path.join(folder, 'sailfish_backup_2026-01-01T00-00-00Z.tar');
    await vault.backupToFile(file);
    expect(await done).toBe(file);
    expect(statuses).toEqual(['Preparing', 'Finished']);
    // The archive and its SHA-256 beside it, in sha256sum's format.
    expect(readdirSync(folder)).toEqual([path.basename(file), `${path.basename(file)}.sha256`]);

    const before = readTree(unit);
    stores.units.remove(unit);
    const elsewhere = tempDir();
    stores.units.add(path.join(elsewhere), 'Documents');
    const restored = new Promise<string>(
      (resolve) => void vault.onFileBackupStatusChanged((_f, s) => (s === 'Finished' || s === 'Error') && resolve(s)),
    );
    await vault.restoreFromFile(file);
    expect(await restored).toBe('Finished');
    expect(readTree(elsewhere)).toEqual(before);
    expect(readdirSync(folder)).toEqual([path.basename(file), `${path.basename(file)}.sha256`]); // the user's files are kept
  });
});
