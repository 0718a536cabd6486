// The proof that this app speaks Sailfish: the real upstream msyncd runs the real Sailfish Nextcloud
// backup plugins against this app's accounts database and profiles, with `sfbackup daemon --only vault`
// as org.sailfishos.backup, on a private bus and Apache WebDAV in Nextcloud's layout.
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon, connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { MsyncdProxy } from '../../main/buteo/MsyncdProxy.js';
import { VaultProxy } from '../../main/vault/VaultProxy.js';
import { cliEnv, runCli, startDaemonProcess } from '../helpers/cli.js';
import { startApache, tempDir, type WebDavServer } from '../helpers/processes.js';
import { assertRealButeoBuilt, startRealMsyncd, type RealMsyncd } from '../helpers/realButeo.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

const USER = 'peer';
const PASSWORD = 'peerpass';

describe('the real Buteo msyncd and Sailfish Nextcloud plugins with this app’s vault', () => {
  let bus: PrivateBusDaemon;
  let apache: WebDavServer;
  let msyncd: RealMsyncd | undefined;
  let vaultProcess: ChildProcess | undefined;
  let conn: MessageBus;
  let vault: VaultProxy;
  let daemon: MsyncdProxy;
  let unit: string;
  let accountId: number;
  let dataDir: string;
  let passwordFile: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // No build, no test: a missing build fails here, saying how to make it.
    assertRealButeoBuilt();
    bus = await PrivateBusDaemon.start();
    apache = await startApache({ user: USER, password: PASSWORD });
    const home = tempDir('sfb-realbuteo-home-');
    dataDir = tempDir();
    env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address, ACCOUNTS: tempDir('sfb-realbuteo-accounts-') });
    const cli = async (args: string[], input?: string) => {
      const r = await runCli(['--data-dir', dataDir, '--json', ...args], { env, ...(input ? { input } : {}) });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as unknown;
    };

    // The account, units and profiles as this app's CLI makes them.
    const account = (await cli(
      ['account', 'add', '--provider', 'nextcloud', '--server', apache.url, '--user', USER, '--password-stdin'],
      `${PASSWORD}\n`,
    )) as { id: number };
    accountId = account.id;
    unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 256 * 1024);
    await cli(['units', 'add', unit]);
    await cli(['profiles', 'create', String(accountId)]);

    // msyncd reads user profiles from ~/.local/share/system/privileged/msyncd/sync, the same layout.
    const syncDir = path.join(home, '.local/share/system/privileged/msyncd/sync');
    mkdirSync(syncDir, { recursive: true });
    for (const name of readdirSync(path.join(dataDir, 'msyncd/sync')).filter((n) => n.endsWith('.xml')))
      copyFileSync(path.join(dataDir, 'msyncd/sync', name), path.join(syncDir, name));

    // signond is not here: the AccountAuthenticator stand-in hands the plugins the password.
    passwordFile = path.join(tempDir(), 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    msyncd = await startRealMsyncd(home, {
      ...env,
      SAILFISH_STUB_USERNAME: USER,
      SAILFISH_STUB_PASSWORD_FILE: passwordFile,
    });
    vaultProcess = await startDaemonProcess(dataDir, env, ['--only', 'vault']);

    conn = connectBus(bus.address);
    await waitConnected(conn);
    const client = new DBusClient(conn);
    vault = new VaultProxy(client);
    daemon = new MsyncdProxy(client);
  }, 120_000);

  afterAll(async () => {
    conn?.disconnect();
    if (vaultProcess && vaultProcess.exitCode === null) {
      const exited = new Promise((r) => vaultProcess!.once('exit', r));
      vaultProcess.kill('SIGTERM');
      await exited;
    }
    await msyncd?.stop();
    await apache?.stop();
    await bus?.stop();
  });

  /** Runs one vault operation and resolves with its final status (and the error text, if any). */
  async function operation(kind: 'backup' | 'restore', start: () => Promise<unknown>): Promise<string> {
    let error = '';
    let resolve!: (status: string) => void;
    const done = new Promise<string>((r) => (resolve = r));
    const onStatus = (id: number, status: string) => {
      if (id === accountId && ['Finished', 'Error', 'Canceled'].includes(status)) resolve(status);
    };
    const onError = (id: number, _code: string, text: string) => {
      if (id === accountId) error = text;
    };
    const offs =
      kind === 'backup'
        ? [await vault.onCloudBackupStatusChanged(onStatus), await vault.onCloudBackupError(onError)]
        : [await vault.onCloudRestoreStatusChanged(onStatus), await vault.onCloudRestoreError(onError)];
    const timer = setTimeout(() => resolve('timed out'), 90_000);
    try {
      await start();
      const status = await done;
      return status === 'Finished' ? status : `${status}: ${error}\n${msyncd?.log().slice(-3000) ?? ''}`;
    } finally {
      clearTimeout(timer);
      for (const off of offs) await off();
    }
  }

  const backupFolder = async () => path.join(apache.root, 'Sailfish OS', 'Backups', await vault.backupFileDeviceId());

  it('backs up twice in a row through the real plugin, both landing on the server', async () => {
    expect(await daemon.isRunning()).toBe(true);
    const original = readTree(unit);
    expect(await operation('backup', () => vault.backupToCloud(accountId))).toBe('Finished');
    // The plugin deletes the archive and rmdirs its folder after every run (syncer.cpp cleanUp); the
    // vault must not depend on its work folder surviving, even when all of it is gone.
    rmSync(path.join(dataDir, 'vault'), { recursive: true, force: true });
    // Backup files are named to the second; the next one must get a name of its own.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await operation('backup', () => vault.backupToCloud(accountId))).toBe('Finished');
    const files = readdirSync(await backupFolder()).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^sailfish_backup_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.tar$/);
    expect(readTree(unit)).toEqual(original);
    // The real plugin reported success to msyncd, which wrote it to the results log.
    expect(await daemon.getLastSyncResult(`nextcloud.Backup-${accountId}`)).toMatch(/majorcode="0"/);
  }, 240_000);

  it('lists them through listCloudBackupsFinished with the server paths the real plugin sends', async () => {
    const listed = await vault.listCloudBackupsOnce(accountId, true);
    expect(listed).toBeDefined();
    const deviceId = await vault.backupFileDeviceId();
    const expected = readdirSync(await backupFolder())
      .sort()
      .reverse()
      .map((f) => `/remote.php/dav/files/${USER}/Sailfish OS/Backups/${deviceId}/${f}`);
    expect(listed).toEqual(expected);
  }, 120_000);

  it('restores the newest one with restoreFromCloud("<dir>/<file>"), bringing the unit back as it was', async () => {
    const original = readTree(unit);
    const [newest] = (await vault.listCloudBackupsOnce(accountId, true)) ?? [];
    expect(newest).toBeDefined();
    rmSync(path.join(unit, 'nested'), { recursive: true, force: true });
    writeFileSync(path.join(unit, 'notes.txt'), 'changed after the backup\n');
    expect(readTree(unit)).not.toEqual(original);
    expect(await operation('restore', () => vault.restoreFromCloud(accountId, newest!))).toBe('Finished');
    expect(readTree(unit)).toEqual(original);
  }, 120_000);

  it('marks the account when the real plugin is refused (HTTP 401), and the vault ends the run as an error', async () => {
    // The stand-in reads the password file at every sign-in, as signond would hand over a changed one.
    writeFileSync(passwordFile, 'not-the-password\n');
    try {
      const outcome = await operation('backup', () => vault.backupToCloud(accountId));
      expect(outcome).toMatch(/^Error/);
      // msyncd reports the plugin's INTERNAL_ERROR as status 3 + 401 (SyncSession.cpp:298-322).
      const last = await daemon.getLastSyncResult(`nextcloud.Backup-${accountId}`);
      expect(last).toMatch(/majorcode="1"/);
      expect(last).toMatch(/minorcode="401"/);
      // webdavsyncer.cpp:118-120 wrote CredentialsNeedUpdate on the service; this app reads it there.
      const shown = await runCli(['--data-dir', dataDir, '--json', 'account', 'show', String(accountId)], { env });
      expect(JSON.parse(shown.stdout)).toMatchObject({ credentials_need_update: true });
    } finally {
      writeFileSync(passwordFile, `${PASSWORD}\n`);
    }
  }, 120_000);
});
