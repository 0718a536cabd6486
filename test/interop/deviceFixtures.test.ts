// Data made the way a Sailfish device makes it — the account by ag-tool with its settings on the
// nextcloud-backup service, the profiles as the real Backup page leaves them, a listing as the real
// Nextcloud plugin reports it — and this app lists, shows, backs up and restores with it.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsBridge } from '../../main/bridge/SettingsBridge.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { findAssetsDir, resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { startApache, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

const run = promisify(execFile);
const assets = findAssetsDir();
const DEVICE = 'Jolla-C2_devicefixture';

/** As accountsyncmanager.cpp and the Backup page leave it: keys sorted by msyncd, a <rush>, page schedule values. */
function deviceProfile(op: 'Backup' | 'BackupQuery' | 'BackupRestore', schedule: string, extraKeys = ''): string {
  const client = `nextcloud-${op.toLowerCase()}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<profile type="sync" name="nextcloud.${op}-1">
    <key value="1" name="accountid"/>
    <key value="online" name="destinationtype"/>
    <key value="nextcloud.${op}-alice@phone" name="displayname"/>
    <key value="true" name="enabled"/>
    <key value="true" name="hidden"/>
    ${extraKeys}
    <key value="true" name="use_accounts"/>
    <profile type="client" name="${client}">
        <key value="one-way" name="Sync Direction"/>
        <key value="webdav" name="Sync Protocol"/>
        <key value="HTTP" name="Sync Transport"/>
        <key value="prefer remote" name="conflictpolicy"/>
    </profile>
    ${schedule}
</profile>
`;
}

describe('device-made accounts, profiles and listings', () => {
  let bus: PrivateBusDaemon;
  let apache: WebDavServer;
  let stores: Stores;
  let session: DaemonSession;
  let bridge: SettingsBridge;
  let unit: string;

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    apache = await startApache({ user: 'alice', password: 'device-secret' });
    const accountsDir = tempDir('sfb-device-');
    const agEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      ACCOUNTS: accountsDir,
      AG_PROVIDERS: path.join(assets, 'accounts', 'providers'),
      AG_SERVICES: path.join(assets, 'accounts', 'services'),
    };
    const ag = async (...args: string[]) => {
      const { stdout, stderr } = await run('ag-tool', args, { env: agEnv });
      expect(stdout + stderr).not.toMatch(/not processed|Usage:/);
    };
    // OnlineSyncAccountCreator.qml's writes, through libaccounts: server settings per service.
    await ag('create-account', 'nextcloud', 'alice@phone', 'enable');
    await ag('update-account', '1', 'uint:CredentialsId=7');
    await ag('update-account', '1', 'string:default_credentials_username=alice');
    await ag('enable-service', '1', 'nextcloud-backup');
    await ag('update-service', '1', 'nextcloud-backup', `string:server_address=${apache.url}`);
    await ag('update-service', '1', 'nextcloud-backup', `string:webdav_path=${apache.webdavPath}`);
    await ag('update-service', '1', 'nextcloud-backup', `string:backups_path=${apache.webdavPath}/Sailfish OS/Backups`);
    for (const op of ['Backup', 'BackupQuery', 'BackupRestore'])
      await ag('update-service', '1', 'nextcloud-backup', `string:nextcloud.${op}/profile_id=nextcloud.${op}-1`);

    const dataDir = tempDir();
    const syncDir = path.join(dataDir, 'msyncd', 'sync');
    mkdirSync(syncDir, { recursive: true });
    // "Monthly, last day of month, WLAN or mobile data" as the page writes it (D1, D2).
    writeFileSync(
      path.join(syncDir, 'nextcloud.Backup-1.xml'),
      deviceProfile(
        'Backup',
        '<schedule time="23:30:00" enabled="true" interval="1051202" days="" syncconfiguredtime="2026-11-01T09:12:44"><rush enabled="false" externalsync="false" interval="15" begin="" end="" days=""/></schedule>',
        '<key value="2,3,11,12,4,5,4,6,8,9,10" name="internet_connection_types"/><key value="30" name="sync_since_days_past"/>',
      ),
    );
    for (const op of ['BackupQuery', 'BackupRestore'] as const)
      writeFileSync(
        path.join(syncDir, `nextcloud.${op}-1.xml`),
        deviceProfile(
          op,
          '<schedule enabled="false" interval="" days="1,2,3,4,5,6,7" syncconfiguredtime="" time="05:00:00"/>',
        ),
      );

    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address, ACCOUNTS: accountsDir };
    stores = openStores(resolvePaths({ dataDir, env }), env, () => {});
    session = await DaemonSession.open(stores, env, () => {}, { deviceId: DEVICE, scheduleCheckMs: 0 });
    bridge = await SettingsBridge.attach(stores, session);
    unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 64 * 1024);
    stores.units.add(unit);
  }, 60_000);

  afterAll(async () => {
    await bridge?.close();
    await session?.close();
    stores?.close();
    await apache?.stop();
    await bus?.stop();
  });

  /** Waits for a vault operation on account 1 to end, through the UI bridge's events. */
  function operationEnd(kind: 'backup' | 'restore'): Promise<string> {
    return new Promise((resolve) => {
      const off = bridge.onEvent((name, payload) => {
        const p = payload as { kind: string; accountId: number; status: string; error?: string };
        if (name === 'vault.operation' && p.kind === kind && ['Finished', 'Error', 'Canceled'].includes(p.status)) {
          off();
          resolve(p.error ? `${p.status}: ${p.error}` : p.status);
        }
      });
    });
  }

  it('shows the account and the schedule as the device set them', async () => {
    const page = await bridge.handle('backup.page', []);
    expect(page.accounts).toHaveLength(1);
    expect(page.accounts[0]).toMatchObject({
      id: 1,
      provider: 'nextcloud',
      name: 'alice@phone',
      username: 'alice',
      serverAddress: apache.url,
      webdavPath: apache.webdavPath,
      backupsPath: `${apache.webdavPath}/Sailfish OS/Backups`,
      backupEnabled: true,
      profiles: { Backup: 'nextcloud.Backup-1', BackupQuery: 'nextcloud.BackupQuery-1' },
    });
    expect(page.autoAccountId).toBe(1);
    expect(page.autoBackup).toEqual({
      frequency: 'monthly',
      day: 1,
      time: '23:30',
      connection: 'any',
      month: 'lastDay',
    });
  });

  it('backs up and lists with the device’s account once the password is entered here', async () => {
    // The device's password lives in its signond; on the desktop the user types it once.
    await bridge.handle('accounts.update', [{ id: 1, password: 'device-secret' }]);
    const ended = operationEnd('backup');
    await bridge.handle('backup.start', [1]);
    expect(await ended).toBe('Finished');
    const folder = path.join(apache.root, 'Sailfish OS', 'Backups', DEVICE);
    // The backup; its checksum sits in the .checksums sub-folder, which a listing does not show.
    const files = readdirSync(folder).filter((n) => n !== '.checksums');
    expect(files).toHaveLength(1);
    expect((await bridge.handle('backup.list', [1])).map((b) => b.name)).toEqual(files);
  });

  it('takes a listing with Nextcloud hrefs, as the real plugin sends it, and restores from it', async () => {
    const original = readTree(unit);
    const [file] = readdirSync(path.join(apache.root, 'Sailfish OS', 'Backups', DEVICE)).filter(
      (n) => n !== '.checksums',
    );
    // nextcloud syncer.cpp:292-300: every non-collection's href, percent-decoded (networkreplyparser.cpp).
    const href = `${apache.webdavPath}/Sailfish OS/Backups/${DEVICE}/${file}`;
    await session.vault.setCloudBackups('nextcloud.BackupQuery-1', [
      href,
      `${apache.webdavPath}/Sailfish OS/Backups/${DEVICE}/.upload.part`,
    ]);
    expect(await session.vault.listCloudBackupsOnce(1, false)).toEqual([href]);

    rmSync(path.join(unit, 'nested'), { recursive: true });
    const ended = operationEnd('restore');
    await session.vault.restoreFromCloud(1, href);
    expect(await ended).toBe('Finished');
    expect(readTree(unit)).toEqual(original);
  });
});
