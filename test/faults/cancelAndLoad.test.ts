// Cancel at every stage of a backup and a restore, and a hundred operations queued at once.
import { closeSync, openSync, ftruncateSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatus } from '../../main/buteo/codes.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import type { VaultState } from '../../main/vault/vaultTypes.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { backupsBelow, filesBelow, makeUnitTree } from '../helpers/tree.js';
import { startWorld, type World } from '../helpers/world.js';

describe('cancelling and queueing', () => {
  let server: WebDavServer;
  let world: World;
  let accountId: number;
  let bigUnit: string;

  beforeAll(async () => {
    server = await startRclone({ user: 'c', password: 'p' });
    world = await startWorld();
    bigUnit = path.join(tempDir(), 'Videos');
    mkdirSync(bigUnit);
    // Sparse files: large to archive and unpack, cheap on disk.
    for (let i = 0; i < 2; i++) {
      const fd = openSync(path.join(bigUnit, `clip-${i}.bin`), 'w');
      ftruncateSync(fd, 128 * 1024 * 1024);
      closeSync(fd);
    }
    world.stores.units.add(bigUnit);
    accountId = (
      await world.stores.accounts.add({ provider: 'webdav', serverAddress: server.url, username: 'c', password: 'p' })
    ).id;
    ensureAccountProfiles(world.stores, accountId);
  });

  afterAll(async () => {
    await world?.close();
    await server?.stop();
  });

  /** Starts an operation, cancels it once the vault's status text matches, and waits for the end. */
  async function cancelWhen(
    start: () => Promise<unknown>,
    when: (s: Partial<VaultState>) => boolean,
    kind: 'backup' | 'restore',
  ): Promise<string[]> {
    const { vault } = world.session;
    const seen: string[] = [];
    let cancelled = false;
    const ended = new Promise<string>((resolve) => {
      const handler = (id: number, status: string) =>
        id === accountId && ['Finished', 'Error', 'Canceled'].includes(status) && resolve(status);
      void (kind === 'backup' ? vault.onCloudBackupStatusChanged(handler) : vault.onCloudRestoreStatusChanged(handler));
    });
    const off = await vault.onStateChanged((s) => {
      if (s.statusText) seen.push(s.statusText);
      if (!cancelled && when(s)) {
        cancelled = true;
        void vault.cancel();
      }
    });
    await start();
    const status = await ended;
    await off();
    seen.push(status);
    return seen;
  }

  const vaultFiles = () => filesBelow(path.join(world.dataDir, 'vault'));

  it('cancels while preparing, while archiving, and while uploading, leaving nothing behind', async () => {
    for (const when of [
      (s: Partial<VaultState>) => s.status === 'Preparing',
      (s: Partial<VaultState>) => s.statusText?.startsWith('Backing up') === true,
      (s: Partial<VaultState>) => s.status === 'UploadingBackup',
    ]) {
      const seen = await cancelWhen(() => world.session.vault.backupToCloud(accountId), when, 'backup');
      expect(seen.at(-1)).toBe('Canceled');
      expect(vaultFiles()).toEqual([]);
      expect(filesBelow(server.root)).toEqual([]);
      expect(world.stores.profiles.results(`webdav.Backup-${accountId}`).at(-1)).toMatchObject({
        majorCode: 2,
        minorCode: 501,
      });
    }
  });

  it('cancels while downloading and while unpacking, changing no file', async () => {
    const done = await cancelWhen(
      () => world.session.vault.backupToCloud(accountId),
      () => false,
      'backup',
    );
    expect(done.at(-1)).toBe('Finished');
    const file = path.basename(backupsBelow(server.root)[0]!);
    const before = readdirSync(bigUnit).length;
    for (const when of [
      (s: Partial<VaultState>) => s.status === 'DownloadingBackup',
      (s: Partial<VaultState>) => s.statusText === 'Unpacking' || s.statusText?.startsWith('Restoring:') === true,
    ]) {
      const target = tempDir();
      const seen = await cancelWhen(
        () => world.session.vault.restoreFromCloud(accountId, file, target),
        when,
        'restore',
      );
      expect(seen.at(-1)).toBe('Canceled');
      expect(readdirSync(target)).toEqual([]);
      expect(vaultFiles()).toEqual([]);
      expect(readdirSync(bigUnit)).toHaveLength(before);
    }
  });

  it('runs a hundred queued operations for fifty accounts: each ends once, none twice at a time', async () => {
    world.stores.units.remove(bigUnit);
    const small = path.join(tempDir(), 'Notes');
    makeUnitTree(small, 1000);
    world.stores.units.add(small);
    const profiles: string[] = [];
    for (let i = 0; i < 50; i++) {
      const a = await world.stores.accounts.add({
        provider: 'webdav',
        serverAddress: server.url,
        username: 'c',
        password: 'p',
        backupsPath: `/load/${i}`,
      });
      const p = ensureAccountProfiles(world.stores, a.id);
      profiles.push(p.Backup.name, p.BackupQuery.name);
    }
    const running = new Set<string>();
    const finals = new Map<string, number>();
    const overlaps: string[] = [];
    let backupsAtOnce = 0;
    let maxBackupsAtOnce = 0;
    const off = await world.session.msyncd.onSyncStatus((e) => {
      if (!profiles.includes(e.profile)) return;
      if (e.status === SyncStatus.Started) {
        if (running.has(e.profile)) overlaps.push(e.profile);
        running.add(e.profile);
        if (e.profile.includes('.Backup-')) maxBackupsAtOnce = Math.max(maxBackupsAtOnce, ++backupsAtOnce);
      } else if (e.status >= SyncStatus.Error && e.status !== SyncStatus.Stopping) {
        running.delete(e.profile);
        if (e.profile.includes('.Backup-')) backupsAtOnce--;
        finals.set(e.profile, (finals.get(e.profile) ?? 0) + 1);
      }
    });
    const started = await Promise.all(profiles.map((p) => world.session.msyncd.startSync(p)));
    expect(started.every(Boolean)).toBe(true);
    const again = await Promise.all(profiles.slice(0, 10).map((p) => world.session.msyncd.startSync(p)));
    // msyncd answers true for a profile already running or queued (synchronizer.cpp:417-424), and runs it once.
    expect(again.every(Boolean)).toBe(true);
    for (let i = 0; i < 1200 && finals.size < profiles.length; i++) await new Promise((r) => setTimeout(r, 50));
    await off();
    expect(finals.size).toBe(profiles.length);
    expect(overlaps).toEqual([]);
    expect(maxBackupsAtOnce).toBe(1);
    for (const p of profiles) expect(world.stores.profiles.results(p).at(-1), p).toMatchObject({ majorCode: 0 });
  });
});
