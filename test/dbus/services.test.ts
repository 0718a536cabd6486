// Both services on a private bus, looked at and poked by the system's own tools: gdbus and dbus-send.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon, connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { MsyncdProxy } from '../../main/buteo/MsyncdProxy.js';
import { ProfileChange } from '../../main/buteo/ProfileManager.js';
import { Engine } from '../../main/engine.js';
import { resolvePaths } from '../../main/paths.js';
import { openStores, type Stores } from '../../main/stores.js';
import { tempDir } from '../helpers/processes.js';

const run = promisify(execFile);

describe('com.meego.msyncd and org.sailfishos.backup on the session bus', () => {
  let bus: PrivateBusDaemon;
  let conn: MessageBus;
  let engine: Engine;
  let stores: Stores;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    conn = connectBus(bus.address);
    await waitConnected(conn);
    stores = openStores(resolvePaths({ dataDir: tempDir(), env: {} }), {});
    engine = await Engine.start(stores, conn, { deviceId: 'Test-Desktop_abcdefghijkl', scheduleCheckMs: 0 });
    env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
  });

  afterAll(async () => {
    await engine?.stop();
    conn?.disconnect();
    stores?.close();
    await bus?.stop();
  });

  const gdbus = (...args: string[]) => run('gdbus', args, { env }).then((r) => r.stdout);
  const dbusSend = (...args: string[]) =>
    run('dbus-send', ['--session', '--print-reply', ...args], { env }).then(
      (r) => ({ ok: true, out: r.stdout }),
      (e: { stderr?: string }) => ({ ok: false, out: e.stderr ?? '' }),
    );

  it('introspects every sync daemon member from the design', async () => {
    const xml = await gdbus(
      'introspect',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--xml',
    );
    for (const method of [
      'startSync',
      'abortSync',
      'runningSyncs',
      'syncProfile',
      'allVisibleSyncProfiles',
      'syncProfilesByKey',
      'syncProfilesByType',
      'updateProfile',
      'removeProfile',
      'getLastSyncResult',
      'setSyncSchedule',
      // msyncd's other members (SyncDBusAdaptor.h), answered or refused as NotSupported.
      'profilesByType',
      'saveSyncResults',
      'isConnectivityAvailable',
      'getBackUpRestoreState',
      'syncingAccounts',
      'status',
      'requestStorages',
      'releaseStorages',
      'start',
      'stop',
      'createSyncProfileForAccount',
      'isSyncedExternally',
    ]) {
      expect(xml).toContain(`<method name="${method}"`);
    }
    for (const signal of [
      'syncStatus',
      'signalProfileChanged',
      'resultsAvailable',
      'transferProgress',
      'statusChanged',
      'syncedExternallyStatus',
    ])
      expect(xml).toContain(`<signal name="${signal}">`);
    for (const signal of ['backupInProgress', 'backupDone', 'restoreInProgress', 'restoreDone'])
      expect(xml).toMatch(new RegExp(`<signal name="${signal}"`));
    const status = /<method name="status">([\s\S]*?)<\/method>/.exec(xml)?.[1] ?? '';
    expect([...status.matchAll(/direction="(in|out)" type="(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'in u',
      'out i',
      'out i',
      'out x',
      'out x',
    ]);
    expect(xml).toMatch(
      /<signal name="syncStatus">\s*<arg type="s"[^>]*\/>\s*<arg type="i"[^>]*\/>\s*<arg type="s"[^>]*\/>\s*<arg type="i"/,
    );
  });

  it('introspects every backup service member from the seed and the design', async () => {
    const xml = await gdbus(
      'introspect',
      '--session',
      '--dest',
      'org.sailfishos.backup',
      '--object-path',
      '/sailfishbackup',
      '--xml',
    );
    for (const method of [
      'backupFileDeviceId',
      'createBackupForSyncProfile',
      'setCloudBackups',
      'backupToCloud',
      'restoreFromCloud',
      'backupToFile',
      'restoreFromFile',
      'cancel',
      // What the real Backup page calls (Sailfish.Vault QML, UPSTREAM.md H6-H7).
      'listCloudBackups',
      'logFileForBackup',
    ]) {
      expect(xml).toContain(`<method name="${method}"`);
    }
    // The member this app once invented instead of listCloudBackups is gone.
    expect(xml).not.toContain('<method name="cloudBackups"');
    for (const signal of [
      'cloudBackupStatusChanged',
      'cloudBackupError',
      'cloudRestoreStatusChanged',
      'cloudRestoreError',
      'fileBackupStatusChanged',
      'listCloudBackupsFinished',
    ])
      expect(xml).toContain(`<signal name="${signal}">`);
    for (const prop of [
      'status',
      'statusText',
      'progress',
      'canCancel',
      'error',
      'mode',
      'logFilePath',
      'localBackupUnits',
      'cloudBackupUnits',
    ])
      expect(xml).toContain(`<property name="${prop}"`);
    const id = await gdbus(
      'call',
      '--session',
      '--dest',
      'org.sailfishos.backup',
      '--object-path',
      '/sailfishbackup',
      '--method',
      'org.sailfishos.backup.backupFileDeviceId',
    );
    expect(id.trim()).toBe("('Test-Desktop_abcdefghijkl',)");
    const status = await gdbus(
      'call',
      '--session',
      '--dest',
      'org.sailfishos.backup',
      '--object-path',
      '/sailfishbackup',
      '--method',
      'org.freedesktop.DBus.Properties.Get',
      'org.sailfishos.backup',
      'status',
    );
    expect(status).toContain("'Idle'");
  });

  it('answers wrong argument types and bad values with D-Bus errors and keeps serving', async () => {
    const wrongType = await dbusSend(
      '--dest=com.meego.msyncd',
      '/synchronizer',
      'com.meego.msyncd.startSync',
      'int32:5',
    );
    expect(wrongType.ok).toBe(false);
    expect(wrongType.out).toMatch(/UnknownMethod|InvalidArgs/);
    const traversal = await dbusSend(
      '--dest=com.meego.msyncd',
      '/synchronizer',
      'com.meego.msyncd.syncProfile',
      'string:../../etc/passwd',
    );
    expect(traversal.ok).toBe(false);
    expect(traversal.out).toContain('InvalidArgs');
    const badXml = await dbusSend(
      '--dest=com.meego.msyncd',
      '/synchronizer',
      'com.meego.msyncd.updateProfile',
      'string:<profile',
    );
    expect(badXml.out).toContain('InvalidArgs');
    const badAccount = await dbusSend(
      '--dest=org.sailfishos.backup',
      '/sailfishbackup',
      'org.sailfishos.backup.backupToCloud',
      'int32:-3',
    );
    expect(badAccount.out).toContain('InvalidArgs');
    const noProfile = await dbusSend(
      '--dest=org.sailfishos.backup',
      '/sailfishbackup',
      'org.sailfishos.backup.backupToCloud',
      'int32:42',
    );
    expect(noProfile.out).toContain('NotFound');
    const badName = await dbusSend(
      '--dest=org.sailfishos.backup',
      '/sailfishbackup',
      'org.sailfishos.backup.restoreFromCloud',
      'int32:1',
      'string:../x.tar',
    );
    expect(badName.out).toContain('InvalidArgs');
    const huge = await dbusSend(
      '--dest=com.meego.msyncd',
      '/synchronizer',
      'com.meego.msyncd.startSync',
      `string:${'a'.repeat(100_000)}`,
    );
    expect(huge.out).toContain('InvalidArgs');

    const unknown = await dbusSend(
      '--dest=com.meego.msyncd',
      '/synchronizer',
      'com.meego.msyncd.startSync',
      'string:nextcloud.Backup-99',
    );
    expect(unknown.out).toContain('boolean false');
    const alive = await dbusSend('--dest=com.meego.msyncd', '/synchronizer', 'com.meego.msyncd.runningSyncs');
    expect(alive.ok).toBe(true);
  });

  it('stores, lists and removes profiles sent over the bus, with change signals', async () => {
    // Another client on the bus, listening as the Settings UI does.
    const changes: Array<[string, number, boolean]> = [];
    let removedSaid!: () => void;
    const signalled = new Promise<void>((resolve) => (removedSaid = resolve));
    const off = await new MsyncdProxy(new DBusClient(conn)).onProfileChanged((profile, change, xml) => {
      changes.push([profile, change, xml.includes('x-unknown')]);
      if (profile === 'nextcloud.Backup-7' && change === ProfileChange.Removed) removedSaid();
    });
    const xml =
      '<profile name="nextcloud.Backup-7" type="sync"><key name="accountid" value="7"/><key name="x-unknown" value="kept"/><profile name="nextcloud-backup" type="client"/></profile>';
    const updated = await gdbus(
      'call',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--method',
      'com.meego.msyncd.updateProfile',
      xml,
    );
    expect(updated.trim()).toBe('(true,)');
    const back = await gdbus(
      'call',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--method',
      'com.meego.msyncd.syncProfilesByKey',
      'accountid',
      '7',
    );
    expect(back).toContain('x-unknown');
    const removed = await gdbus(
      'call',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--method',
      'com.meego.msyncd.removeProfile',
      'nextcloud.Backup-7',
    );
    expect(removed.trim()).toBe('(true,)');
    expect(stores.profiles.load('nextcloud.Backup-7')).toBeUndefined();
    await signalled;
    await off();
    // signalProfileChanged(name, 0 added, its XML), then (name, 2 removed, ""): synchronizer.cpp's own.
    expect(changes.filter(([p]) => p === 'nextcloud.Backup-7')).toEqual([
      ['nextcloud.Backup-7', ProfileChange.Added, true],
      ['nextcloud.Backup-7', ProfileChange.Removed, false],
    ]);
  });

  it('answers msyncd’s other calls as msyncd does: names by type, results saved with the profile XML, account status', async () => {
    const m = (method: string, ...args: string[]) =>
      gdbus(
        'call',
        '--session',
        '--dest',
        'com.meego.msyncd',
        '--object-path',
        '/synchronizer',
        '--method',
        `com.meego.msyncd.${method}`,
        ...args,
      );
    await m(
      'updateProfile',
      '<profile name="webdav.Backup-8" type="sync"><key name="accountid" value="8"/><profile name="webdav-backup" type="client"/></profile>',
    );
    expect((await m('syncProfilesByType', 'sync')).trim()).toBe("(['webdav.Backup-8'],)");
    expect(await m('profilesByType', 'sync')).toContain('<profile name="webdav.Backup-8"');
    const changes: unknown[][] = [];
    const off = await new DBusClient(conn).subscribe(
      { interface: 'com.meego.msyncd', member: 'signalProfileChanged' },
      (body) => changes.push(body),
    );
    expect(
      (
        await m(
          'saveSyncResults',
          'webdav.Backup-8',
          '<syncresults time="2026-11-26T10:00:00Z" majorcode="1" minorcode="502" scheduled="false"/>',
        )
      ).trim(),
    ).toBe('(true,)');
    for (let i = 0; i < 40 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await off();
    // ProfileManager.cpp:972: "logs modified" carries the profile's XML.
    expect(changes[0]?.[1]).toBe(3);
    expect(String(changes[0]?.[2])).toContain('<profile name="webdav.Backup-8"');
    // status(u): failed (2) with the minor code, the last sync time in ms (synchronizer.cpp:1645-1693).
    expect((await m('status', '8')).trim()).toBe(`(2, 502, int64 ${Date.parse('2026-11-26T10:00:00Z')}, int64 0)`);
    expect((await m('isConnectivityAvailable', '0')).trim()).toBe('(false,)');
    expect((await m('getBackUpRestoreState')).trim()).toBe('(false,)');
    const refused = await dbusSend('--dest=com.meego.msyncd', '/synchronizer', 'com.meego.msyncd.start', 'uint32:8');
    expect(refused.out).toMatch(/NotSupported.*not supported on this desktop/);
  });
});
