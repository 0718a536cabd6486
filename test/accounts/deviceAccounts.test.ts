// Accounts as a Sailfish device writes them (ag-tool, settings on the nextcloud-backup service), and
// databases written by earlier versions of this app (settings account-wide), migrated once on open.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../main/accounts/AccountStore.js';
import { GLOBAL_SERVICE_ID } from '../../main/accounts/schema.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { findAssetsDir } from '../../main/paths.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const run = promisify(execFile);
const assets = findAssetsDir();

interface Shown {
  server_address: string;
  webdav_path: string;
  username: string;
  ignore_ssl_errors: boolean;
  backups_path: string;
  backup_enabled: boolean;
  credentials_need_update: boolean;
}

describe('accounts the way a Sailfish device writes them', () => {
  let bus: PrivateBusDaemon;
  let env: NodeJS.ProcessEnv;
  let accountsDir: string;
  let dataDir: string;

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    accountsDir = tempDir('sfb-device-accounts-');
    dataDir = tempDir();
    env = cliEnv({
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      ACCOUNTS: accountsDir,
      AG_PROVIDERS: path.join(assets, 'accounts', 'providers'),
      AG_SERVICES: path.join(assets, 'accounts', 'services'),
      AG_SERVICE_TYPES: path.join(assets, 'accounts', 'service-types'),
    });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  // ag-tool exits 0 even when it fails, so every call's output is checked for a complaint.
  const agTool = async (...args: string[]) => {
    const { stdout, stderr } = await run('ag-tool', args, { env });
    expect(stdout + stderr, `ag-tool ${args.join(' ')}`).not.toMatch(/not processed|Usage:|No account with/i);
    return stdout + stderr;
  };
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
  const show = async (id: number): Promise<Shown> => {
    const r = await cli(['--json', 'account', 'show', String(id)]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Shown;
  };
  /** As OnlineSyncAccountCreator.qml and the account UI leave it: server settings on the service. */
  const deviceAccount = async (name: string, service: Record<string, string>): Promise<number> => {
    const before = await agTool('list-accounts');
    await agTool('create-account', 'nextcloud', name, 'enable');
    const listed = (await agTool('list-accounts')).split('\n').filter((l) => !before.includes(l) && l.includes(name));
    const id = Number(/^\s*(\d+)/.exec(listed[0] ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    await agTool('update-account', String(id), 'uint:CredentialsId=7');
    await agTool('update-account', String(id), 'string:default_credentials_username=alice');
    await agTool('enable-service', String(id), 'nextcloud-backup');
    for (const [key, value] of Object.entries(service))
      await agTool('update-service', String(id), 'nextcloud-backup', `${key}=${value}`);
    return id;
  };

  it('reads every setting from the service and the user name from default_credentials_username', async () => {
    const id = await deviceAccount('alice@cloud', {
      'string:server_address': 'https://cloud.example.com/nc',
      'string:webdav_path': '/nc/remote.php/dav/files/alice',
      'bool:ignore_ssl_errors': '1', // ag-tool reads a bool as a number
      'string:backups_path': '/nc/remote.php/dav/files/alice/Sailfish OS/Backups',
    });
    expect(await show(id)).toMatchObject({
      server_address: 'https://cloud.example.com/nc',
      webdav_path: '/nc/remote.php/dav/files/alice',
      username: 'alice',
      ignore_ssl_errors: true,
      backups_path: '/nc/remote.php/dav/files/alice/Sailfish OS/Backups',
      backup_enabled: true,
      credentials_need_update: false,
    });
  });

  it('roots a relative backups_path at the server root and an unset one at the root itself, as the plugin does', async () => {
    const relative = await deviceAccount('relative', {
      'string:server_address': 'https://cloud.example.com',
      'string:backups_path': 'Backups/phone',
    });
    const shown = await show(relative);
    expect(shown.backups_path).toBe('/Backups/phone');
    // No webdav_path: the plugin's default, at the server root (webdavsyncer.cpp:99-101).
    expect(shown.webdav_path).toBe('/remote.php/dav/files/alice');
    const unset = await deviceAccount('unset', { 'string:server_address': 'https://cloud.example.com' });
    expect((await show(unset)).backups_path).toBe('/');
  });

  it('writes what the device reads: ag-tool finds the app’s settings on the service', async () => {
    const added = await cli(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'nextcloud',
        '--server',
        'https://cloud.example.com/nc',
        '--user',
        'erin',
        '--password-stdin',
        '--offline',
        '--ignore-ssl-errors',
      ],
      'secret\n',
    );
    expect(added.code, added.stderr).toBe(0);
    const id = String((JSON.parse(added.stdout) as { id: number }).id);
    expect(await agTool('get-service', id, 'nextcloud-backup', 'string:server_address')).toContain(
      'server_address = https://cloud.example.com/nc',
    );
    expect(await agTool('get-service', id, 'nextcloud-backup', 'string:webdav_path')).toContain(
      'webdav_path = /nc/remote.php/dav/files/erin',
    );
    expect(await agTool('get-service', id, 'nextcloud-backup', 'bool:ignore_ssl_errors')).toContain(
      'ignore_ssl_errors = 1',
    );
    expect(await agTool('get-service', id, 'nextcloud-backup', 'string:backups_path')).toContain(
      'backups_path = /nc/remote.php/dav/files/erin/Sailfish OS/Backups',
    );
    const edited = await cli([
      'account',
      'set',
      id,
      'server_address=https://other.example.com',
      'username=erin2',
      '--offline',
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(await agTool('get-service', id, 'nextcloud-backup', 'string:server_address')).toContain(
      'server_address = https://other.example.com',
    );
    expect(await agTool('get-account', id, 'string:default_credentials_username')).toContain(
      'default_credentials_username = erin2',
    );
  });

  it('moves the settings of a database this app wrote before, once, saying so, and loses nothing', async () => {
    const oldDir = tempDir('sfb-old-accounts-');
    const oldEnv = { ...env, ACCOUNTS: oldDir };
    // Exactly what the previous version stored (BackupAccounts.add at 42cf35f): server keys account-wide.
    const store = new AccountStore(path.join(oldDir, 'accounts.db'));
    const serviceId = store.ensureService({
      id: 'nextcloud-backup',
      type: 'storage',
      name: 'Backups',
      provider: 'nextcloud',
      icon: '',
      template: new Map(),
      file: '',
    });
    const global = { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' };
    const service = { name: 'nextcloud-backup', id: serviceId, type: 'storage' };
    const id = store.transaction((tx) => {
      const id = tx.createAccount('nextcloud', 'old@cloud', true);
      tx.set(id, global, 'server_address', 's', 'https://old.example.com');
      tx.set(id, global, 'webdav_path', 's', '/remote.php/dav/files/olga');
      tx.set(id, global, 'username', 's', 'olga');
      tx.set(id, global, 'ignore_ssl_errors', 'b', true);
      tx.set(id, global, 'CredentialsId', 'u', 3);
      tx.set(id, service, 'enabled', 'b', true);
      tx.set(id, service, 'backups_path', 's', '/remote.php/dav/files/olga/Sailfish OS/Backups');
      tx.set(id, service, 'nextcloud.Backup/profile_id', 's', 'nextcloud.Backup-1');
      return id;
    });
    store.close();

    const first = await runCli(['--data-dir', dataDir, '--json', 'account', 'show', String(id)], { env: oldEnv });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /account 1 \(nextcloud\): moved server_address, webdav_path, ignore_ssl_errors to the nextcloud-backup service; renamed username to default_credentials_username/,
    );
    expect(JSON.parse(first.stdout)).toMatchObject({
      server_address: 'https://old.example.com',
      webdav_path: '/remote.php/dav/files/olga',
      username: 'olga',
      ignore_ssl_errors: true,
      backups_path: '/remote.php/dav/files/olga/Sailfish OS/Backups',
      has_password: true,
    });
    const again = await runCli(['--data-dir', dataDir, '--json', 'account', 'show', String(id)], { env: oldEnv });
    expect(again.stderr).not.toContain('Accounts database');
    expect(again.stdout).toBe(first.stdout);

    const ag = (...args: string[]) => run('ag-tool', args, { env: oldEnv }).then((r) => r.stdout + r.stderr);
    expect(await ag('get-service', String(id), 'nextcloud-backup', 'string:server_address')).toContain(
      'server_address = https://old.example.com',
    );
    expect(await ag('get-service', String(id), 'nextcloud-backup', 'bool:ignore_ssl_errors')).toContain(
      'ignore_ssl_errors = 1',
    );
    expect(await ag('get-account', String(id), 'string:default_credentials_username')).toContain(
      'default_credentials_username = olga',
    );
    expect(await ag('get-account', String(id), 'uint:CredentialsId')).toContain('CredentialsId = 3');
  });
});
