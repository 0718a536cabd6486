// Interoperability with Debian's libaccounts-glib tools: what the app writes, ag-tool reads, and back.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon, connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { findAssetsDir } from '../../main/paths.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const run = promisify(execFile);
const assets = findAssetsDir();

describe('accounts shared with ag-tool', () => {
  let bus: PrivateBusDaemon;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let conn: MessageBus;

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    const accountsDir = tempDir('sfb-accounts-');
    env = cliEnv({
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      ACCOUNTS: accountsDir,
      AG_PROVIDERS: path.join(assets, 'accounts', 'providers'),
      AG_SERVICES: path.join(assets, 'accounts', 'services'),
      AG_SERVICE_TYPES: path.join(assets, 'accounts', 'service-types'),
    });
    conn = connectBus(bus.address);
    await waitConnected(conn);
  });

  afterAll(async () => {
    conn?.disconnect();
    await bus?.stop();
  });

  // ag-tool exits 0 even when it fails, so every check reads its output.
  const agTool = (...args: string[]) => run('ag-tool', args, { env }).then((r) => r.stdout + r.stderr);
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });

  it('lists the shipped providers and backup services', async () => {
    expect(await agTool('list-providers')).toMatch(/nextcloud[\s\S]*owncloud|owncloud[\s\S]*nextcloud/);
    const services = await agTool('list-services');
    for (const p of ['nextcloud', 'owncloud', 'webdav']) expect(services).toMatch(new RegExp(`storage\\s+${p}-backup`));
  });

  it('sees an account the app created, with its provider, service and backups_path, and no password', async () => {
    const signals: unknown[][] = [];
    const off = await new DBusClient(conn).subscribe(
      { interface: 'com.google.code.AccountsSSO.Accounts', member: 'AccountChanged' },
      (body) => signals.push(body),
    );
    const added = await cli(
      [
        '--json',
        'account',
        'add',
        '--offline', // no server behind this address: the account is only stored
        '--provider',
        'nextcloud',
        '--server',
        'https://cloud.example.org',
        '--user',
        'bob',
        '--password-stdin',
        '--name',
        "Bob's cloud",
      ],
      'hunter2\n',
    );
    expect(added.code, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { id: number }).id;

    expect(await agTool('list-accounts')).toMatch(new RegExp(`${id}\\s+nextcloud\\s+Bob's cloud`));
    expect(await agTool('list-enabled', String(id))).toContain('nextcloud-backup');
    expect(await agTool('get-service', String(id), 'nextcloud-backup', 'string:backups_path')).toContain(
      'backups_path = /remote.php/dav/files/bob/Sailfish OS/Backups',
    );
    // Where Sailfish's plugin reads them: on the backup service (F5), the user name account-wide (F6).
    expect(await agTool('get-service', String(id), 'nextcloud-backup', 'string:server_address')).toContain(
      'server_address = https://cloud.example.org',
    );
    expect(await agTool('get-service', String(id), 'nextcloud-backup', 'string:webdav_path')).toContain(
      'webdav_path = /remote.php/dav/files/bob',
    );
    expect(await agTool('get-service', String(id), 'nextcloud-backup', 'bool:ignore_ssl_errors')).toContain(
      'ignore_ssl_errors = 0',
    );
    expect(await agTool('get-account', String(id), 'string:default_credentials_username')).toContain(
      'default_credentials_username = bob',
    );
    expect(await agTool('get-account', String(id), 'string:server_address')).not.toContain('https://');
    const settings = await agTool('list-settings', String(id));
    expect(settings).toContain('CredentialsId');
    expect(settings).not.toContain('hunter2');

    for (let i = 0; i < 40 && signals.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await off();
    const created = signals.find((b) => b[2] === id && b[3] === true);
    expect(created, 'AccountChanged with created=true').toBeDefined();
    expect(created![5]).toBe('nextcloud');
    expect(JSON.stringify(created![6])).not.toContain('hunter2');
  });

  it('shows an account ag-tool created, with settings ag-tool wrote', async () => {
    const out = await agTool('create-account', 'owncloud', 'Made by ag-tool', 'enable');
    expect(out).not.toMatch(/error|fail/i);
    const listed = JSON.parse((await cli(['--json', 'account', 'list'])).stdout) as Array<{
      id: number;
      name: string;
      provider: string;
      backups_path: string;
    }>;
    const mine = listed.find((a) => a.name === 'Made by ag-tool');
    expect(mine).toBeDefined();
    expect(mine!.provider).toBe('owncloud');
    await agTool('update-account', String(mine!.id), 'string:server_address=https://oc.example.net');
    await agTool('update-account', String(mine!.id), 'string:default_credentials_username=carol');
    await agTool(
      'update-service',
      String(mine!.id),
      'owncloud-backup',
      "string:backups_path=/remote.php/dav/files/carol/it's here",
    );
    await agTool('enable-service', String(mine!.id), 'owncloud-backup');
    const shown = JSON.parse((await cli(['--json', 'account', 'show', String(mine!.id)])).stdout) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({
      server_address: 'https://oc.example.net',
      username: 'carol',
      backups_path: "/remote.php/dav/files/carol/it's here",
      backup_enabled: true,
      has_password: false,
    });
  });

  it('refuses bad input with a clear message and writes nothing', async () => {
    const before = (await cli(['--json', 'account', 'list'])).stdout;
    const traversal = await cli(
      [
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        'https://dav.example.com',
        '--user',
        'dave',
        '--password-stdin',
        '--backups-path',
        '/files/../../etc',
      ],
      'pw\n',
    );
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toContain('cannot contain ".." segments');
    const scheme = await cli(
      [
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        'ftp://dav.example.com',
        '--user',
        'dave',
        '--password-stdin',
      ],
      'pw\n',
    );
    expect(scheme.stderr).toContain('must start with https:// or http://');
    const provider = await cli(
      [
        'account',
        'add',
        '--provider',
        'dropbox',
        '--server',
        'https://x.example',
        '--user',
        'dave',
        '--password-stdin',
      ],
      'pw\n',
    );
    expect(provider.stderr).toContain('Unknown backup provider "dropbox"');
    expect((await cli(['--json', 'account', 'list'])).stdout).toBe(before);
  });
});
