// What a Buteo client sees on the bus, watched with dbus-monitor: every plugin failure as status 3
// with the minor code in moreDetails (msyncd SyncSession.cpp:298-322) — never 9-15, which Sailfish's
// AccountSyncManager does not handle — and startSync of a running profile answered true.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { freePort, startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree } from '../helpers/tree.js';

const run = promisify(execFile);

describe('syncStatus as msyncd sends it, seen by dbus-monitor', () => {
  let bus: PrivateBusDaemon;
  let server: WebDavServer;
  let silent: net.Server;
  let stores: Stores;
  let session: DaemonSession;
  let monitor: ChildProcess;
  let seen = '';
  const env = () => ({ ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address });

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    server = await startRclone({ user: 'm', password: 'right' });
    // Accepts connections and never answers: the plugin reports nothing, so the daemon's watchdog fires.
    silent = net.createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const dataDir = tempDir();
    const envVars = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir, env: envVars }), envVars);
    session = await DaemonSession.open(stores, envVars, () => {}, {
      scheduleCheckMs: 0,
      deviceId: 'Monitor_000000000000',
      pluginTimeoutMs: 1500,
      idleTimeoutMs: 60_000,
    });
    const unit = path.join(tempDir(), 'Docs');
    makeUnitTree(unit, 1000);
    stores.units.add(unit);
    monitor = spawn('dbus-monitor', ['--address', bus.address, "type='signal',interface='com.meego.msyncd'"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    monitor.stdout!.on('data', (d: Buffer) => (seen += d.toString()));
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    monitor?.kill('SIGTERM');
    await session?.close();
    stores?.close();
    silent?.close();
    await server?.stop();
    await bus?.stop();
  });

  async function account(serverAddress: string, password: string): Promise<number> {
    const a = await stores.accounts.add({ provider: 'webdav', serverAddress, username: 'm', password });
    ensureAccountProfiles(stores, a.id);
    return a.id;
  }

  /** Starts a profile with gdbus and waits until dbus-monitor has printed its final syncStatus. */
  async function finalStatus(profile: string): Promise<[number, number]> {
    const from = seen.length;
    const started = await run(
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'com.meego.msyncd',
        '--object-path',
        '/synchronizer',
        '--method',
        'com.meego.msyncd.startSync',
        profile,
      ],
      { env: env() },
    );
    expect(started.stdout.trim()).toBe('(true,)');
    const pattern = new RegExp(
      `member=syncStatus\\s+string "${profile.replace('.', '\\.')}"\\s+int32 (\\d+)\\s+string "[^"]*"\\s+int32 (\\d+)`,
      'g',
    );
    for (let i = 0; i < 400; i++) {
      const finals = [...seen.slice(from).matchAll(pattern)]
        .map((m) => [Number(m[1]), Number(m[2])] as [number, number])
        .filter(([status]) => status !== 0 && status !== 1 && status !== 2);
      if (finals.length > 0) return finals[0]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no final syncStatus for ${profile} in:\n${seen.slice(from)}`);
  }

  it('reports a wrong password as 3 + 402 (AUTHENTICATION_FAILURE)', async () => {
    const id = await account(server.url, 'wrong');
    expect(await finalStatus(`webdav.BackupQuery-${id}`)).toEqual([3, 402]);
    // …and marks the account as needing new credentials (webdavsyncer.cpp:118-120).
    expect(stores.accounts.get(id).credentialsNeedUpdate).toBe(true);
  });

  it('reports an unreachable server as 3 + 502 (CONNECTION_ERROR)', async () => {
    const id = await account(`http://127.0.0.1:${await freePort()}`, 'right');
    expect(await finalStatus(`webdav.BackupQuery-${id}`)).toEqual([3, 502]);
  });

  it('reports a plugin that stops answering as 3 + 405 (PLUGIN_TIMEOUT), and startSync of it while it runs is true', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const id = await account(`http://127.0.0.1:${port}`, 'right');
    const profile = `webdav.BackupQuery-${id}`;
    const final = finalStatus(profile);
    await new Promise((r) => setTimeout(r, 300));
    const again = await run(
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'com.meego.msyncd',
        '--object-path',
        '/synchronizer',
        '--method',
        'com.meego.msyncd.startSync',
        profile,
      ],
      { env: env() },
    );
    expect(again.stdout.trim()).toBe('(true,)');
    expect(await final).toEqual([3, 405]);
  });

  it('clears CredentialsNeedUpdate once the server accepts the account again', async () => {
    const id = await account(server.url, 'wrong');
    expect(await finalStatus(`webdav.BackupQuery-${id}`)).toEqual([3, 402]);
    await stores.accounts.setPassword(id, 'right');
    expect(await finalStatus(`webdav.BackupQuery-${id}`)).toEqual([4, 0]);
    expect(stores.accounts.get(id).credentialsNeedUpdate).toBe(false);
  });

  it('never sends the statuses 9-15', () => {
    const statuses = [...seen.matchAll(/member=syncStatus\s+string "[^"]*"\s+int32 (\d+)/g)].map((m) => Number(m[1]));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s > 8)).toEqual([]);
  });
});
