// Automatic backups as a desktop has them: `sfbackup daemon` with python-dbusmock's NetworkManager on a
// private system bus and its notification server on the session bus, a real WebDAV server, and two
// accounts whose daily backups were missed for three days.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { resolvePaths } from '../../main/paths.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { setNetwork, startBus, startDbusMock, waitFor, type DbusMock, type TestBus } from '../helpers/buses.js';
import { freePort, startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree } from '../helpers/tree.js';

const bin = path.resolve('bin/sfbackup.js');
const DAY = 86_400_000;

describe('automatic backups on a desktop', () => {
  let server: WebDavServer;
  let system: TestBus;
  let session: TestBus;
  let nm: DbusMock;
  let notifications: DbusMock;
  let daemon: ChildProcess | undefined;
  let said = '';
  const dataDir = tempDir();

  beforeAll(async () => {
    server = await startRclone({ user: 'alice', password: 'correct horse' });
    system = await startBus('system');
    session = await startBus('session');
    nm = await startDbusMock('networkmanager', system, 'org.freedesktop.NetworkManager');
    await setNetwork(await system.client(), { PrimaryConnectionType: 'gsm', Metered: 1 }, true);
    notifications = await startDbusMock('notification_daemon', session, 'org.freedesktop.Notifications', {
      capabilities: 'body actions',
    });
  });

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
    }
    await notifications?.stop();
    await nm?.stop();
    await session?.stop();
    await system?.stop();
    await server?.stop();
  });

  const env = () => cliEnv({ DBUS_SESSION_BUS_ADDRESS: session.address, DBUS_SYSTEM_BUS_ADDRESS: system.address });
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env: env(), ...(input ? { input } : {}) });

  async function addAccount(serverUrl: string): Promise<number> {
    const add = await cli(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        serverUrl,
        '--user',
        'alice',
        '--password-stdin',
        '--offline',
      ],
      'correct horse\n',
    );
    expect(add.code, add.stderr).toBe(0);
    const id = (JSON.parse(add.stdout) as { id: number }).id;
    expect((await cli(['profiles', 'create', String(id)])).code).toBe(0);
    return id;
  }

  it('waits on metered mobile data and backs up when Wi-Fi comes; a failure shows one notification with its cause', async () => {
    const good = await addAccount(server.url);
    const closedPort = await freePort();
    const unreachable = await addAccount(`http://127.0.0.1:${closedPort}`);
    const unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 1024);
    expect((await cli(['units', 'add', unit])).code).toBe(0);

    // Daily at 08:40; the last backups ran three days ago, while no daemon has run since.
    const paths = resolvePaths({ dataDir, env: env() });
    const profiles = new ProfileManager(paths.profileDir, paths.templateDir);
    for (const id of [good, unreachable]) {
      const profile = profiles.load(`webdav.Backup-${id}`)!;
      profile.setSchedule({ enabled: true, time: '08:40:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] });
      // The good account is "WLAN only", as the Backup page writes it; the other allows any connection,
      // as upstream's template does (no internet_connection_types).
      if (id === good) profile.setKey('internet_connection_types', '2');
      profiles.save(profile);
      profiles.appendResults(profile.name, {
        time: new Date(Date.now() - 3 * DAY).toISOString(),
        majorCode: 0,
        minorCode: 0,
        scheduled: true,
        targets: [],
      });
    }

    daemon = spawn(process.execPath, [bin, '--data-dir', dataDir, 'daemon'], {
      env: env(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    daemon.stderr!.on('data', (d: Buffer) => (said += d.toString()));

    // At start the missed backups come due: the one allowed on any connection runs, and fails.
    const failedRun = await waitFor('the failed automatic backup', () =>
      profiles.results(`webdav.Backup-${unreachable}`).find((r) => r.majorCode === 1),
    );
    expect(failedRun).toMatchObject({ scheduled: true, minorCode: 502 });
    const client = await session.client();
    const notifies = async () =>
      (await notifications.calls(client, '/org/freedesktop/Notifications')).filter((c) => c.method === 'Notify');
    await waitFor('a notification', async () => (await notifies()).length > 0);
    const body = (await notifies())[0]!.args[4] as string;
    expect(body).toBe(
      `The automatic backup to alice@127.0.0.1:${closedPort} did not finish. ${failedRun.message} Your data was not backed up this time.`,
    );

    // The WLAN-only one waits on mobile data, and says why.
    await waitFor('the waiting notice', () => said.includes(`webdav.Backup-${good}: Waiting for WLAN`));
    expect(said).toContain('Connection: mobile data (gsm, metered).');
    expect(profiles.results(`webdav.Backup-${good}`)).toHaveLength(1);

    // Wi-Fi comes: the waiting backup runs at once, marked scheduled, and lands on the server.
    await setNetwork(await system.client(), { PrimaryConnectionType: '802-11-wireless', Metered: 2 });
    const done = await waitFor(
      'the automatic backup on Wi-Fi',
      () => profiles.results(`webdav.Backup-${good}`)[1],
      60_000,
    );
    expect(done).toMatchObject({ majorCode: 0, scheduled: true });
    const deviceDirs = readdirSync(path.join(server.root, 'Sailfish OS', 'Backups'));
    expect(deviceDirs).toHaveLength(1);
    expect(readdirSync(path.join(server.root, 'Sailfish OS', 'Backups', deviceDirs[0]!)).sort()).toEqual([
      '.checksums', // the archive's SHA-256, in a sub-folder a device does not list
      expect.stringMatching(/^sailfish_backup_.*\.tar$/),
    ]);

    // Still exactly one notification: one failed run, and finished runs are not announced unless asked.
    await new Promise((r) => setTimeout(r, 500));
    expect(await notifies()).toHaveLength(1);
    expect(said).not.toContain('NetworkManager is not running');
    expect(existsSync(path.join(dataDir, 'vault'))).toBe(true);
  });
});
