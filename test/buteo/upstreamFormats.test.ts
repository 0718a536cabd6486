// Profiles, templates and schedules next to the upstream files themselves: the Sailfish Nextcloud
// templates from the vendored sources, and profiles as the real Backup page writes them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { x as untar } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseService } from '../../main/accounts/descriptions.js';
import { applyAutoBackup, autoBackupOf } from '../../main/buteo/autoBackup.js';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { SyncProfile } from '../../main/buteo/SyncProfile.js';
import { parseSyncLog, serializeResults } from '../../main/buteo/syncLog.js';
import { elements, parseXml } from '../../main/buteo/xmlTree.js';
import { findAssetsDir } from '../../main/paths.js';
import { tempDir } from '../helpers/processes.js';
import { kitDir } from '../helpers/realButeo.js';

const assets = findAssetsDir();
let upstream: string;

beforeAll(() => {
  const dir = tempDir('sfb-upstream-');
  untar({ file: path.join(kitDir, 'src', 'sailfish-account-nextcloud.tar.gz'), cwd: dir, sync: true });
  upstream = path.join(dir, 'sailfish-account-nextcloud');
});

const ops = [
  ['Backup', 'backup'],
  ['BackupQuery', 'backupquery'],
  ['BackupRestore', 'backuprestore'],
] as const;

function shape(file: string, rename: (s: string) => string = (s) => s) {
  const p = SyncProfile.parse(readFileSync(file, 'utf8'));
  const client = p.subProfiles('client')[0]!;
  const schedule = elements(p.root, 'schedule')[0]!.attrs;
  return {
    name: rename(p.name),
    keys: p.keys().sort(),
    client: rename(client.name),
    clientKeys: client.keys().sort(),
    schedule: { ...schedule, interval: Number(schedule.interval || 0) },
  };
}

describe('sync profile templates', () => {
  it.each(ops)('%s: exactly upstream’s keys, client keys and schedule, for every provider', (op, dir) => {
    const theirs = shape(
      path.join(upstream, 'buteo-plugins/buteo-sync-plugin-nextcloud-backup', dir, `nextcloud.${op}.xml`),
    );
    for (const provider of ['nextcloud', 'owncloud', 'webdav']) {
      const ours = shape(path.join(assets, 'buteo/sync', `${provider}.${op}.xml`), (s) =>
        s.replace(provider, 'nextcloud'),
      );
      expect(ours).toEqual(theirs);
    }
    // No connection rule: Ethernet (and anything msyncd allows) is never blocked by a template.
    expect(theirs.keys.map(([k]) => k)).not.toContain('internet_connection_types');
  });

  it.each(ops)('%s client profile: the same <field>s as upstream', (_op, dir) => {
    const fields = (file: string) =>
      elements(parseXml(readFileSync(file, 'utf8')), 'field')
        .map((f) => f.attrs.name)
        .sort();
    const theirs = fields(
      path.join(upstream, 'buteo-plugins/buteo-sync-plugin-nextcloud-backup', dir, `nextcloud-${dir}.xml`),
    );
    for (const provider of ['nextcloud', 'owncloud', 'webdav'])
      expect(fields(path.join(assets, 'buteo/client', `${provider}-${dir}.xml`))).toEqual(theirs);
  });

  it('backup service: upstream’s template settings, and no backups_path default', () => {
    const theirs = parseService(path.join(upstream, 'settings/accounts/services/nextcloud-backup.service'));
    for (const provider of ['nextcloud', 'owncloud', 'webdav']) {
      const ours = parseService(path.join(assets, 'accounts/services', `${provider}-backup.service`));
      expect([...ours.template.keys()].sort()).toEqual([...theirs.template.keys()].sort());
      expect(ours.template.has('backups_path')).toBe(false);
      expect(ours.type).toBe(theirs.type);
    }
  });
});

describe('per-account profiles', () => {
  it('HTML-escapes the account name in the display name, as toHtmlEscaped does', () => {
    const manager = new ProfileManager(tempDir(), path.join(assets, 'buteo', 'sync'));
    manager.createForAccount({ id: 2, provider: 'nextcloud', name: 'Tom & "Jerry" <home>' });
    expect(manager.load('nextcloud.Backup-2')!.key('displayname')).toBe(
      'nextcloud.Backup-Tom &amp; &quot;Jerry&quot; &lt;home&gt;',
    );
  });

  it('reads boolean keys in any letter case, as Buteo’s Profile::boolKey', () => {
    const p = SyncProfile.parse(
      '<profile name="a.Backup-1" type="sync"><key name="enabled" value="TRUE"/><key name="hidden" value="False"/></profile>',
    );
    expect(p.enabled).toBe(true);
    expect(p.hidden).toBe(false);
  });
});

/** A Backup profile as the real page leaves it after _saveChanges (toButeoSchedule, writeToButeoProfile). */
function pageWritten(schedule: string, connection?: string): SyncProfile {
  return SyncProfile.parse(`<?xml version="1.0" encoding="UTF-8"?>
<profile type="sync" name="nextcloud.Backup-1">
    <key value="1" name="accountid"/>
    <key value="online" name="destinationtype"/>
    <key value="nextcloud.Backup-alice" name="displayname"/>
    <key value="true" name="enabled"/>
    <key value="true" name="hidden"/>
    ${connection ? `<key value="${connection}" name="internet_connection_types"/>` : ''}
    <key value="30" name="sync_since_days_past"/>
    <key value="true" name="use_accounts"/>
    <profile type="client" name="nextcloud-backup">
        <key value="one-way" name="Sync Direction"/>
    </profile>
    ${schedule}
</profile>`);
}

const ANY = '2,3,11,12,4,5,4,6,8,9,10';

describe('schedules as the real Backup page writes and reads them', () => {
  it.each([
    ['afterLastBackup', 1051200],
    ['firstDay', 1051201],
    ['lastDay', 1051202],
  ] as const)('monthly, %s (%i): read back as that choice, and written the same way', (month, interval) => {
    const profile = pageWritten(
      `<schedule time="03:15:00" enabled="true" interval="${interval}" days="" syncconfiguredtime="2026-11-20T10:00:00"><rush enabled="false" interval="15" begin="" end="" days="" externalsync="false"/></schedule>`,
      ANY,
    );
    expect(autoBackupOf(profile)).toEqual({ frequency: 'monthly', day: 1, time: '03:15', connection: 'any', month });

    const ours = pageWritten(
      '<schedule enabled="false" interval="" days="1,2,3,4,5,6,7" syncconfiguredtime="" time="02:00:00"/>',
    );
    applyAutoBackup(ours, autoBackupOf(profile), true, new Date(2026, 10, 26, 16, 2, 56));
    const attrs = elements(ours.root, 'schedule')[0]!.attrs;
    expect(attrs).toMatchObject({
      enabled: 'true',
      time: '03:15:00',
      interval: String(interval),
      days: '',
      syncconfiguredtime: '2026-11-26T16:02:56',
    });
    expect(ours.key('internet_connection_types')).toBe(ANY);
  });

  it('"WLAN only" is the list with WLAN alone; no list at all reads as WLAN only, as the page says', () => {
    const daily = '<schedule enabled="true" interval="0" days="1,2,3,4,5,6,7" time="02:00:00" syncconfiguredtime=""/>';
    expect(autoBackupOf(pageWritten(daily, '2')).connection).toBe('wlan');
    expect(autoBackupOf(pageWritten(daily)).connection).toBe('wlan');
    expect(autoBackupOf(pageWritten(daily, '2,3,11')).connection).toBe('any');
    const ours = pageWritten(daily, ANY);
    applyAutoBackup(ours, { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' }, true);
    expect(ours.key('internet_connection_types')).toBe('2');
  });

  it('daily is every day; any other set of days is weekly on the first of them from Sunday on', () => {
    const at = (days: string) =>
      autoBackupOf(
        pageWritten(`<schedule enabled="true" interval="0" days="${days}" time="22:00:00" syncconfiguredtime=""/>`),
      );
    expect(at('1,2,3,4,5,6,7')).toMatchObject({ frequency: 'daily', time: '22:00' });
    expect(at('5')).toMatchObject({ frequency: 'weekly', day: 5 });
    expect(at('1,7')).toMatchObject({ frequency: 'weekly', day: 7 });
  });
});

describe('results logs', () => {
  it('carry the items a run added as Buteo writes them (TargetResults.cpp: <addedItem uid>), both ways', () => {
    // As buteo-syncfw's TargetResults::toXml writes an item detail (a failed one carries status="failed").
    const theirs = `<?xml version="1.0" encoding="UTF-8"?>
<synclog name="nextcloud.Backup-1">
  <syncresults time="2026-11-26T04:57:49Z" majorcode="0" minorcode="0" scheduled="false">
    <target name="nextcloud-backup">
      <local added="0" deleted="0" modified="0"/>
      <remote added="1" deleted="0" modified="0">
        <addedItem uid="sailfish_backup_2026-11-26T04-57-49Z.tar"/>
        <deletedItem uid="old.tar" status="failed"><![CDATA[locked]]></deletedItem>
      </remote>
    </target>
  </syncresults>
</synclog>`;
    const [results] = parseSyncLog(theirs).results;
    expect(results!.targets[0]!.remote).toEqual({
      added: 1,
      deleted: 0,
      modified: 0,
      items: [
        { uid: 'sailfish_backup_2026-11-26T04-57-49Z.tar', operation: 'added' },
        { uid: 'old.tar', operation: 'deleted', failed: true },
      ],
    });
    const ours = serializeResults(results!);
    expect(ours).toContain('<addedItem uid="sailfish_backup_2026-11-26T04-57-49Z.tar"');
    expect(ours).toContain('<deletedItem uid="old.tar" status="failed"');
    expect(parseSyncLog(`<synclog name="x">${ours.replace(/^<\?xml[^>]*>/, '')}</synclog>`).results[0]).toEqual(
      results,
    );
  });
});
