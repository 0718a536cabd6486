// Case 8 of the hostile probes: hardened restore inputs. A profile edited over D-Bus cannot make the
// BackupRestore plugin write outside the vault's own download folder (~/.bashrc), and a crafted archive
// cannot make `restore --to DIR` write DIR/.ssh/authorized_keys: unit names must be plain, and must be
// the units the backup's own manifest lists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncProfile } from '../../main/buteo/SyncProfile.js';
import { MsyncdProxy } from '../../main/buteo/MsyncdProxy.js';
import { connectBus, waitConnected } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { tempDir } from '../helpers/processes.js';

describe('restore inputs a server or another program controls', () => {
  let world: BackupWorld;
  let deviceFolder: string;
  let file: string;

  beforeAll(async () => {
    world = await startBackupWorld();
    const base = tempDir();
    for (const unit of ['Docs', 'Music']) {
      mkdirSync(path.join(base, unit));
      writeFileSync(path.join(base, unit, 'ok.txt'), `${unit}\n`);
      expect((await world.cli(['units', 'add', path.join(base, unit)])).code).toBe(0);
    }
    file = (await world.json<{ file: string }>(['backup', '1'])).file;
    deviceFolder = path.dirname(world.serverBackups()[0]!);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('refuses a restore file outside the vault download folder set by updateProfile', async () => {
    const victim = tempDir();
    writeFileSync(path.join(victim, '.bashrc'), 'mine\n');
    writeFileSync(path.join(victim, 'notes.txt'), 'mine too\n');
    await world.putOnServer(path.join(deviceFolder, '.bashrc'), Buffer.from('echo pwned\n'));
    await world.putOnServer(path.join(deviceFolder, 'notes.txt'), Buffer.from('echo pwned\n'));
    const conn = connectBus(world.env.DBUS_SESSION_BUS_ADDRESS!);
    await waitConnected(conn);
    try {
      const msyncd = new MsyncdProxy(new DBusClient(conn));
      for (const name of ['.bashrc', 'notes.txt']) {
        const profile = SyncProfile.parse(await msyncd.syncProfile('webdav.BackupRestore-1'));
        profile.setKey('sfos-backuprestore-file', path.join(victim, name));
        expect(await msyncd.updateProfile(profile.toXml())).toBe(true);
        const run = await world.cli(['sync', 'webdav.BackupRestore-1']);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/backup service's download folder|not a backup file name/);
      }
    } finally {
      conn.disconnect();
    }
    expect(readFileSync(path.join(victim, '.bashrc'), 'utf8')).toBe('mine\n');
    expect(readFileSync(path.join(victim, 'notes.txt'), 'utf8')).toBe('mine too\n');
  });

  it('never restores a dot-named folder of a crafted archive into the --to folder', async () => {
    const made = tempDir();
    mkdirSync(path.join(made, 'Docs'));
    mkdirSync(path.join(made, '.ssh'));
    writeFileSync(path.join(made, 'Docs', 'ok.txt'), 'fine\n');
    writeFileSync(path.join(made, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA attacker\n');
    const name = 'sailfish_backup_2030-01-01T00-00-00Z.tar';
    execFileSync('tar', ['-cf', path.join(made, name), '-C', made, 'Docs', '.ssh']);
    await world.putOnServer(path.join(deviceFolder, name), readFileSync(path.join(made, name)));
    const to = tempDir();
    const r = await world.json<{ skipped: Array<{ path: string; reason: string }> }>([
      'restore',
      '1',
      name,
      '--to',
      to,
    ]);
    expect(existsSync(path.join(to, '.ssh'))).toBe(false);
    expect(readFileSync(path.join(to, 'Docs', 'ok.txt'), 'utf8')).toBe('fine\n');
    expect(r.skipped.map((s) => s.path).sort()).toEqual(['.ssh/', '.ssh/authorized_keys']);
  });

  it('refuses an archive holding a folder its own manifest does not list, restoring nothing', async () => {
    const archive = path.join(deviceFolder, file);
    const bytes = readFileSync(archive);
    const head = bytes.indexOf('"units":["Docs","Music"]');
    expect(head).toBeGreaterThan(0);
    bytes.write('"units":["Docs","Xusic"]', head); // same length: only the manifest's unit list differs
    await world.putOnServer(archive, bytes);
    await world.putOnServer(path.join(deviceFolder, '.checksums', `${file}.sha256`), undefined);
    const to = tempDir();
    const r = await world.cli(['restore', '1', file, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"Music" is not one of its units/);
    expect(execFileSync('ls', ['-A', to]).toString()).toBe('');
  });
});
