// The real Settings → Backup page (sailfish-qml usr/lib/qt5/qml/Sailfish/Vault) drives
// org.sailfishos.backup through Nemo.DBus: GetAll and PropertiesChanged for its properties, its
// signals by name, and calls with the types its JS values become (a number → i, a bool → b). This
// replays what its QML files do, on their own connection, and checks each reply has the shape read.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type dbus from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import { backupFileName } from '../../main/backupNames.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';
import { startWorld, type World } from '../helpers/world.js';

const SERVICE = 'org.sailfishos.backup';
const PATH = '/sailfishbackup';
const IFACE = 'org.sailfishos.backup';

/** What a Nemo.DBus DBusInterface with propertiesEnabled and signalsEnabled sees. */
class PageInterface {
  readonly props: Record<string, unknown> = {};
  readonly signals: Array<{ member: string; body: unknown[] }> = [];
  /** BackupRestoreProgressItem.qml onStatusTextChanged: what it reads when statusText changes. */
  readonly statusTextChanges: Array<{ statusText: string; status: string; mode: string; logFilePath: string }> = [];
  private readonly offs: Array<() => Promise<void>> = [];

  constructor(private readonly client: DBusClient) {}

  async open(): Promise<void> {
    const [all] = await this.client.call(SERVICE, PATH, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [IFACE]);
    for (const [key, variant] of Object.entries(all as Record<string, dbus.Variant>)) this.props[key] = variant.value;
    this.offs.push(
      await this.client.subscribe(
        { interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged', path: PATH },
        (body) => {
          if (body[0] !== IFACE) return;
          const changed = body[1] as Record<string, dbus.Variant>;
          for (const [key, variant] of Object.entries(changed)) this.props[key] = variant.value;
          if ('statusText' in changed)
            this.statusTextChanges.push({
              statusText: String(this.props.statusText),
              status: String(this.props.status),
              mode: String(this.props.mode),
              logFilePath: String(this.props.logFilePath),
            });
        },
      ),
      await this.client.subscribe({ interface: IFACE, path: PATH }, (body, msg) =>
        this.signals.push({ member: msg.member ?? '', body }),
      ),
    );
  }

  /** `sailfishBackup.call(name, args)`: the reply body, whatever its shape. */
  call(member: string, signature: string, args: unknown[]): Promise<unknown[]> {
    return this.client.call(SERVICE, PATH, IFACE, member, signature, args);
  }

  async waitFor(member: string, match: (body: unknown[]) => boolean, timeoutMs = 60_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.signals.find((s) => s.member === member && match(s.body));
      if (hit) return hit.body;
      if (Date.now() > deadline)
        throw new Error(`no ${member} within ${timeoutMs} ms: ${JSON.stringify(this.signals)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    for (const off of this.offs) await off();
  }
}

/** BackupUtils.sortedBackupFileInfo's split of a listed path into fileDir and fileName (BackupInfoItem.qml:19). */
function fileInfo(listed: string): { fileDir: string; fileName: string } {
  const slash = listed.lastIndexOf('/');
  return { fileDir: listed.slice(0, Math.max(0, slash)), fileName: listed.slice(slash + 1) };
}

const isDone = (s: string) => s === 'Finished' || s === 'Error' || s === 'Canceled';

describe('the Sailfish.Vault QML page, replayed over D-Bus', () => {
  let server: WebDavServer;
  let world: World;
  let conn: MessageBus;
  let page: PageInterface;
  let accountId: number;
  let unit: string;

  beforeAll(async () => {
    server = await startRclone({ user: 'q', password: 'p' });
    world = await startWorld();
    unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 200_000);
    world.stores.units.add(unit);
    accountId = (
      await world.stores.accounts.add({ provider: 'webdav', serverAddress: server.url, username: 'q', password: 'p' })
    ).id;
    ensureAccountProfiles(world.stores, accountId);
    conn = connectBus(world.bus.address);
    await waitConnected(conn);
    page = new PageInterface(new DBusClient(conn));
    await page.open();
  });

  afterAll(async () => {
    await page?.close();
    conn?.disconnect();
    await world?.close();
    await server?.stop();
  });

  it('reads every property the page binds, with the types it expects', () => {
    // BackupRestoreStorageListModel.qml:240-241, _readyToInit (status.length > 0), BackupRestoreProgressItem.qml:206-212.
    expect(typeof page.props.status).toBe('string');
    expect(String(page.props.status).length).toBeGreaterThan(0);
    for (const key of ['statusText', 'error', 'mode', 'logFilePath'])
      expect(typeof page.props[key], key).toBe('string');
    expect(typeof page.props.progress).toBe('number');
    expect(typeof page.props.canCancel).toBe('boolean');
    expect(page.props.localBackupUnits).toEqual(['Documents']);
    expect(page.props.cloudBackupUnits).toEqual(['Documents']);
  });

  it('backs up to the cloud as BackupView does, and the progress item follows it to Finished', async () => {
    // BackupRestoreProgressItem.qml _start("backupToCloud", [accountId]).
    expect(await page.call('backupToCloud', 'i', [accountId])).toEqual([]);
    const [id, status] = await page.waitFor(
      'cloudBackupStatusChanged',
      (b) => b[0] === accountId && isDone(String(b[1])),
    );
    expect([id, status]).toEqual([accountId, 'Finished']);
    // _shouldUpdateUI: mode.substr(0, "backup".length) === "backup" at every statusText change of this run.
    const seen = page.statusTextChanges.filter((c) => c.mode.startsWith('backup'));
    expect(seen.length).toBeGreaterThan(0);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'Finished', statusText: 'Finished', mode: 'backupToCloud' });
    // _isDoneStatus → _lastLogFilePath = logFilePath: "View log" needs a file to read.
    expect(existsSync(done.logFilePath)).toBe(true);
  });

  it('lists as BackupRestoreStorageListModel does, and finds the log as RecentBackupsView does', async () => {
    page.signals.length = 0;
    // _refreshCloudBackup: call("listCloudBackups", [accountId, true]); the answer is a signal.
    expect(await page.call('listCloudBackups', 'ib', [accountId, true])).toEqual([]);
    const [id, fileNames, success] = await page.waitFor('listCloudBackupsFinished', (b) => b[0] === accountId);
    expect(id).toBe(accountId);
    expect(success).toBe(true);
    expect(fileNames).toHaveLength(1);
    const { fileDir, fileName } = fileInfo((fileNames as string[])[0]!);
    expect(fileName).toMatch(/^sailfish_backup_.*Z\.tar$/);
    expect(fileDir).toMatch(/^(\/.*)?\/Sailfish OS\/Backups\/Test-Desktop_0123456789ab$/);
    // call("logFileForBackup", [fileName, model.accountId], function(path) { logFilePath = path })
    const [logPath] = await page.call('logFileForBackup', 'si', [fileName, accountId]);
    expect(typeof logPath).toBe('string');
    expect(existsSync(String(logPath))).toBe(true);
    expect(await page.call('logFileForBackup', 'si', ['sailfish_backup_2001-01-01T00-00-00Z.tar', accountId])).toEqual([
      '',
    ]);
  });

  it('restores from the cloud as RestorePage does, with "<fileDir>/<fileName>"', async () => {
    page.signals.length = 0;
    await page.call('listCloudBackups', 'ib', [accountId, true]);
    const [, fileNames] = await page.waitFor('listCloudBackupsFinished', (b) => b[0] === accountId);
    const { fileDir, fileName } = fileInfo((fileNames as string[])[0]!);
    const original = readTree(unit);
    world.stores.units.remove(unit);
    const elsewhere = path.join(tempDir(), 'Documents');
    mkdirSync(elsewhere);
    world.stores.units.add(elsewhere);
    expect(await page.call('restoreFromCloud', 'is', [accountId, (fileDir ? fileDir + '/' : '') + fileName])).toEqual(
      [],
    );
    const [, status] = await page.waitFor(
      'cloudRestoreStatusChanged',
      (b) => b[0] === accountId && isDone(String(b[1])),
    );
    expect(status).toBe('Finished');
    expect(page.statusTextChanges.at(-1)).toMatchObject({ status: 'Finished', mode: 'restoreFromCloud' });
    expect(readTree(elsewhere)).toEqual(original);
    world.stores.units.remove(elsewhere);
    world.stores.units.add(unit);
  });

  it('backs up to a memory card as BackupView does: a full file path, answered by fileBackupStatusChanged', async () => {
    const card = tempDir('sfb-card-');
    // memoryCardPath + '/' + BackupUtils.newBackupFileName(BackupUtils.TarArchive)
    const filePath = `${card}/${backupFileName(new Date())}`;
    page.signals.length = 0;
    expect(await page.call('backupToFile', 's', [filePath])).toEqual([]);
    const [file, status] = await page.waitFor('fileBackupStatusChanged', (b) => isDone(String(b[1])));
    expect([file, status]).toEqual([filePath, 'Finished']);
    expect(page.statusTextChanges.at(-1)).toMatchObject({ status: 'Finished', mode: 'backupToFile' });
    // The archive, and its SHA-256 beside it (sha256sum's format), which a restore from the card checks.
    expect(readdirSync(card)).toEqual([path.basename(filePath), `${path.basename(filePath)}.sha256`]);
    // And back, as RestorePage does for a memory card: restoreFromFile(filePath).
    page.signals.length = 0;
    expect(await page.call('restoreFromFile', 's', [filePath])).toEqual([]);
    const [, restored] = await page.waitFor(
      'fileBackupStatusChanged',
      (b) => b[0] === filePath && isDone(String(b[1])),
    );
    expect(restored).toBe('Finished');
    expect(page.statusTextChanges.at(-1)).toMatchObject({ status: 'Finished', mode: 'restoreFromFile' });
  });

  it('cancels as the progress item’s cancel button does', async () => {
    expect(await page.call('cancel', '', [])).toEqual([]);
  });
});
