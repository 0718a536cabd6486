import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { SyncProfile } from '../../main/buteo/SyncProfile.js';
import { parseSyncLog } from '../../main/buteo/syncLog.js';
import { findAssetsDir } from '../../main/paths.js';
import { tempDir } from '../helpers/processes.js';

const templates = path.join(findAssetsDir(), 'buteo', 'sync');

const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<profile name="nextcloud.Backup-3" type="sync">
    <!-- written by a device -->
    <key name="displayname" value="nextcloud.Backup-Work"/>
    <key name="accountid" value="3"/>
    <key name="x-vendor" value="one"/>
    <key name="x-vendor" value="two"/>
    <field name="remote-folder" type="combo" default="a"><option>a</option><option>b</option></field>
    <profile name="nextcloud-backup" type="client">
        <key name="Sync Direction" value="one-way"/>
        <key name="x-client-only" value="&amp; &lt;kept&gt;"/>
    </profile>
    <schedule enabled="true" interval="0" time="02:00:00" days="1,3,5" syncconfiguredtime="" x-extra="y">
        <rush enabled="true" begin="08:00:00" end="17:00:00" interval="60" days="1,2,3,4,5"/>
    </schedule>
</profile>
`;

describe('Buteo profile XML', () => {
  it('keeps what it does not understand through a read-edit-write round trip', () => {
    const profile = SyncProfile.parse(foreign);
    profile.setKey('enabled', 'true');
    profile.setSchedule({ ...profile.schedule!, days: [6, 7], time: '03:30:00' });
    const again = SyncProfile.parse(profile.toXml());
    expect(again.keyValues('x-vendor')).toEqual(['one', 'two']);
    expect(again.subProfiles('client')[0]!.key('x-client-only')).toBe('& <kept>');
    expect(again.schedule).toEqual({ enabled: true, time: '03:30:00', interval: 0, days: [6, 7] });
    const xml = again.toXml();
    expect(xml).toContain('<field name="remote-folder" type="combo" default="a">');
    expect(xml).toContain('<option>b</option>');
    expect(xml).toMatch(/<rush enabled="true" begin="08:00:00" end="17:00:00" interval="60" days="1,2,3,4,5"\s*\/>/);
    expect(xml).toContain('x-extra="y"');
    expect(xml).toContain('<!--');
    expect(SyncProfile.parse(xml).toXml()).toBe(xml);
  });

  it('refuses documents that are not profiles, and entity tricks', () => {
    expect(() => SyncProfile.parse('<profile name="x"')).toThrow();
    expect(() => SyncProfile.parse('<synclog name="x"/>')).toThrow(/expected <profile>/);
    expect(() => SyncProfile.parse('<!DOCTYPE p [<!ENTITY a "aaaa">]><profile name="&a;"/>')).toThrow(/not allowed/);
  });
});

describe('ProfileManager', () => {
  it("creates an account's three profiles from the provider's templates, as DESIGN §2 describes", () => {
    const manager = new ProfileManager(tempDir(), templates);
    const created = manager.createForAccount({ id: 4, provider: 'nextcloud', name: 'Work cloud' });
    expect(Object.values(created).map((p) => p.name)).toEqual([
      'nextcloud.Backup-4',
      'nextcloud.BackupQuery-4',
      'nextcloud.BackupRestore-4',
    ]);
    const backup = manager.load('nextcloud.Backup-4')!;
    expect(backup.key('displayname')).toBe('nextcloud.Backup-Work cloud');
    expect(backup.key('accountid')).toBe('4');
    expect(backup.key('use_accounts')).toBe('true');
    expect(backup.key('enabled')).toBe('true');
    expect(backup.key('destinationtype')).toBe('online');
    expect(backup.key('hidden')).toBe('true');
    expect(backup.clientPlugin).toBe('nextcloud-backup');
    expect(backup.subProfiles('client')[0]!.key('Sync Protocol')).toBe('webdav');
    expect(backup.schedule?.time).toBe('02:00:00');
    expect(manager.load('nextcloud.BackupQuery-4')!.schedule?.time).toBe('05:00:00');
    // The template has no sfos-backuprestore-file: the vault adds it when it restores.
    expect(manager.load('nextcloud.BackupRestore-4')!.keyValues('sfos-backuprestore-file')).toEqual([]);
  });

  it('keeps user edits when the profiles are created again', () => {
    const manager = new ProfileManager(tempDir(), templates);
    manager.createForAccount({ id: 1, provider: 'webdav', name: 'A' });
    const profile = manager.load('webdav.Backup-1')!;
    profile.setSchedule({ enabled: true, time: '22:15:00', interval: 0, days: [7] });
    manager.save(profile);
    manager.createForAccount({ id: 1, provider: 'webdav', name: 'Renamed' });
    const again = manager.load('webdav.Backup-1')!;
    expect(again.schedule).toEqual({ enabled: true, time: '22:15:00', interval: 0, days: [7] });
    expect(again.displayName).toBe('webdav.Backup-Renamed');
  });

  it('refuses names that could escape the profile folder', () => {
    const manager = new ProfileManager(tempDir(), templates);
    for (const name of ['../x', 'a/b', '', '.hidden', 'a..b'])
      expect(() => manager.load(name)).toThrow(/not a valid sync profile name/);
  });

  it('keeps the last five results in Buteo synclog format and sets a damaged log aside', () => {
    const dir = tempDir();
    const manager = new ProfileManager(dir, templates);
    for (let i = 0; i < 7; i++) {
      manager.appendResults('webdav.Backup-1', {
        time: `2026-01-0${i + 1}T02:00:00.000Z`,
        majorCode: i === 6 ? 1 : 0,
        minorCode: i === 6 ? 502 : 0,
        scheduled: true,
        targets: [
          {
            name: 'webdav-backup',
            local: { added: 0, deleted: 0, modified: 0 },
            remote: { added: 1, deleted: 0, modified: 0 },
          },
        ],
      });
    }
    const xml = readFileSync(path.join(dir, 'logs', 'webdav.Backup-1.log.xml'), 'utf8');
    const log = parseSyncLog(xml);
    expect(log.name).toBe('webdav.Backup-1');
    expect(log.results.map((r) => r.time.slice(0, 10))).toEqual([
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
    expect(xml).toMatch(/<syncresults time="2026-01-07T02:00:00.000Z" majorcode="1" minorcode="502" scheduled="true">/);
    expect(xml).toMatch(
      /<target name="webdav-backup">\s*<local added="0" deleted="0" modified="0"\s*\/>\s*<remote added="1" deleted="0" modified="0"\s*\/>/,
    );

    writeFileSync(path.join(dir, 'logs', 'webdav.Backup-1.log.xml'), '<synclog name="webdav.Backup-1"><syncresults');
    expect(manager.results('webdav.Backup-1')).toEqual([]);
    expect(manager.problems.at(-1)?.message).toMatch(/moved to .*corrupt/);
  });

  it('reports a corrupt profile file and keeps listing the others', () => {
    const dir = tempDir();
    const manager = new ProfileManager(dir, templates);
    manager.createForAccount({ id: 2, provider: 'owncloud', name: 'B' });
    writeFileSync(path.join(dir, 'owncloud.BackupQuery-2.xml'), '<profile name="broken"');
    expect(manager.list().map((p) => p.name)).toEqual(['owncloud.Backup-2', 'owncloud.BackupRestore-2']);
    expect(manager.problems.map((p) => path.basename(p.file))).toEqual(['owncloud.BackupQuery-2.xml']);
    expect(readFileSync(path.join(dir, 'owncloud.BackupQuery-2.xml'), 'utf8')).toBe('<profile name="broken"');
  });
});
