// `sfbackup daemon --only msyncd` and `--only vault`: each owns one name, so another implementation
// (a real Buteo msyncd, say: test/interop/realButeo.test.ts) can own the other.
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon, connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { cliEnv, runCli, startDaemonProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

describe('sfbackup daemon --only', () => {
  let bus: PrivateBusDaemon;
  let conn: MessageBus;
  let client: DBusClient;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    conn = connectBus(bus.address);
    await waitConnected(conn);
    client = new DBusClient(conn);
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    conn?.disconnect();
    await bus?.stop();
  });

  it('serves one name each, side by side', async () => {
    const env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address });
    // One engine per data dir (engineLock.ts): the two halves run on data dirs of their own here, as the
    // vault does beside a real msyncd, which keeps its profiles elsewhere.
    const dataDir = tempDir();
    children.push(await startDaemonProcess(tempDir(), env, ['--only', 'msyncd']));
    expect(await client.nameHasOwner('com.meego.msyncd')).toBe(true);
    expect(await client.nameHasOwner('org.sailfishos.backup')).toBe(false);
    children.push(await startDaemonProcess(dataDir, env, ['--only', 'vault']));
    expect(await client.nameHasOwner('org.sailfishos.backup')).toBe(true);
    const [id] = await client.call(
      'org.sailfishos.backup',
      '/sailfishbackup',
      'org.sailfishos.backup',
      'backupFileDeviceId',
    );
    expect(String(id).length).toBeGreaterThan(0);
    const refused = await runCli(['--data-dir', dataDir, 'daemon', '--only', 'everything'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--only takes "vault" or "msyncd"');
  });
});
