// The local disk filling up while the archive is written or the backup downloaded: a clear message,
// no partial file, and the daemon still serving. Needs root to mount a small tmpfs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatus } from '../../main/buteo/codes.js';
import { restoreDirOf } from '../../main/vault/backupFiles.js';
import { ownWorkDir } from '../../main/vault/workDirs.js';
import { ensureAccountProfiles, runProfileToEnd } from '../../main/operations.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow } from '../helpers/tree.js';
import { startWorld, type World } from '../helpers/world.js';

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const small = tempDir('sfb-full-');
const canMount = process.getuid?.() === 0 && mountTmpfs(small, '6m');

describe.skipIf(!canMount)('a full disk', () => {
  let server: WebDavServer;
  let world: World;
  let accountId: number;

  beforeAll(async () => {
    server = await startRclone({ user: 'd', password: 'p' });
    world = await startWorld(path.join(small, 'data'));
    const unit = path.join(tempDir(), 'Big');
    mkdirSync(unit);
    writeFileSync(path.join(unit, 'random.bin'), randomBytes(12 * 1024 * 1024));
    world.stores.units.add(unit);
    accountId = (
      await world.stores.accounts.add({ provider: 'webdav', serverAddress: server.url, username: 'd', password: 'p' })
    ).id;
    ensureAccountProfiles(world.stores, accountId);
  });

  afterAll(async () => {
    await world?.close();
    await server?.stop();
    if (canMount) execFileSync('umount', [small]);
  });

  it('while writing the archive: the backup fails saying so, and leaves nothing', async () => {
    const run = await runProfileToEnd(world.session, `webdav.Backup-${accountId}`);
    expect(run.status).toBe(SyncStatus.Error);
    expect(run.message).toMatch(/not enough free space/);
    expect(filesBelow(path.join(world.dataDir, 'vault'))).toEqual([]);
    expect(filesBelow(server.root)).toEqual([]);
  });

  it('while downloading: the restore fails saying so, and leaves no partial file', async () => {
    const name = 'sailfish_backup_2026-01-01T00-00-00Z.tar';
    // Put a backup bigger than the free space on the server, through WebDAV so its cache knows.
    const auth = { Authorization: `Basic ${Buffer.from('d:p').toString('base64')}` };
    const folder = `${server.url}/Sailfish%20OS/Backups/${encodeURIComponent(world.session.engine!.vault.deviceId)}`;
    for (const dir of [`${server.url}/Sailfish%20OS`, `${server.url}/Sailfish%20OS/Backups`, folder])
      await fetch(dir, { method: 'MKCOL', headers: auth });
    const put = await fetch(`${folder}/${name}`, { method: 'PUT', headers: auth, body: randomBytes(12 * 1024 * 1024) });
    expect(put.status).toBeLessThan(300);
    // The vault's own download folder (on the full disk too): the only place the plugin writes to.
    const target = restoreDirOf(ownWorkDir(path.join(world.dataDir, 'vault')));
    mkdirSync(target, { recursive: true });
    const profile = world.stores.profiles.load(`webdav.BackupRestore-${accountId}`)!;
    profile.setKey('sfos-backuprestore-file', path.join(target, name));
    world.stores.profiles.save(profile);
    const run = await runProfileToEnd(world.session, profile.name);
    expect(run.status).toBe(SyncStatus.Error);
    expect(run.message).toMatch(/not enough free space/);
    expect(readdirSync(target)).toEqual([]);
    expect((await runProfileToEnd(world.session, `webdav.BackupQuery-${accountId}`)).status).toBe(SyncStatus.Done);
  });
});
