// The Settings UI's device session (BridgeRouter → DeviceBridge) against a device stood up on this
// machine: the pages' calls reach the device's own services over SSH, a broken connection is said
// within seconds and mended by itself, and after reconnecting the pages get how the device ended the run.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeRouter } from '../../main/bridge/BridgeRouter.js';
import { waitConnected } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { parseDeviceAddress } from '../../main/device/deviceAddress.js';
import { connectDeviceBus } from '../../main/device/deviceBus.js';
import { DeviceStore } from '../../main/device/DeviceStore.js';
import { SshLink } from '../../main/device/SshLink.js';
import type { DeviceState, EventName } from '../../main/ipc/contract.js';
import { freePort, tempDir } from '../helpers/processes.js';
import { deviceTestBlocker, startTestDevice, type TestDevice } from '../helpers/testDevice.js';
import { startWorld, type World } from '../helpers/world.js';

if (deviceTestBlocker) console.warn(`Skipping test/device/deviceBridge.test.ts: ${deviceTestBlocker}`);

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(deviceTestBlocker !== undefined)('the Settings UI on a device over SSH', () => {
  let device: TestDevice;
  let world: World;
  let router: BridgeRouter;
  let devicesFile: string;
  const events: Array<{ name: EventName; payload: unknown; at: number }> = [];

  beforeAll(async () => {
    device = await startTestDevice({ bwlimit: '1M' });
    writeFileSync(path.join(device.unit, 'big.bin'), randomBytes(20 * 1024 * 1024));
    execFileSync('chown', ['-R', `${device.uid}:${device.uid}`, device.unit]);
    const added = await device.own(
      ['account', 'add', '--provider', 'webdav', '--server', device.webdav.url, '--user', 'phone', '--password-stdin'],
      'phone-secret\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await device.own(['units', 'add', device.unit])).code).toBe(0);
    expect((await device.own(['profiles', 'create', '1'])).code).toBe(0);
    world = await startWorld();
    devicesFile = path.join(tempDir('sfb-devices-'), 'devices.json');
    router = new BridgeRouter(world.bridge, new DeviceStore(devicesFile), {
      ...process.env,
      SFBACKUP_SSH: device.sshCommand,
    });
    router.onEvent((name, payload) => events.push({ name, payload, at: Date.now() }));
  }, 120_000);

  afterAll(async () => {
    await router?.close();
    await world?.close();
    await device?.stop();
  });

  it('signs in to the device’s bus as the device user: the desktop’s own uid is refused', async () => {
    const link = await SshLink.open(parseDeviceAddress(device.address), {
      env: { ...process.env, SFBACKUP_SSH: device.sshCommand },
      interactive: false,
    });
    try {
      expect(link.uid).toBe(device.uid);
      expect(link.remoteBus).toBe(`/run/user/${device.uid}/dbus/user_bus_socket`);
      const socket = await link.forward();
      // What dbus-next itself would claim: this process's uid.
      await expect(connectDeviceBus(socket, process.getuid!())).rejects.toThrow(/refused the connection as uid 0/);
      const bus = await connectDeviceBus(socket, link.uid);
      await waitConnected(bus);
      expect(await new DBusClient(bus).nameHasOwner('org.sailfishos.backup')).toBe(true);
      bus.disconnect();
    } finally {
      await link.close();
    }
  });

  it('says why a device cannot be reached, keeps the pages on this computer, and does not remember it', async () => {
    const closed = await freePort();
    const state = await router.handle('devices.connect', [{ host: '127.0.0.1', user: device.user, port: closed }]);
    expect(state).toMatchObject({ state: 'failed', device: { id: `${device.user}@127.0.0.1:${closed}` } });
    // ssh's own sentence.
    expect(state.message).toMatch(/Connection refused/);
    expect((await router.handle('devices.list', [])).current).toEqual({ device: null, state: 'local' });
    expect(existsSync(devicesFile)).toBe(false);
    await expect(
      router.handle('devices.connect', [{ host: '-oProxyCommand=touch /tmp/x', user: device.user, port: 22 }]),
    ).rejects.toThrow(/is not a host name/);
  });

  it('connects, remembers the device without a password, and shows the device’s accounts', async () => {
    const state = await router.handle('devices.connect', [{ host: '127.0.0.1', user: device.user, port: device.port }]);
    expect(state).toMatchObject({ state: 'connected', device: { id: device.address } });
    expect(JSON.parse(readFileSync(devicesFile, 'utf8'))).toEqual({
      devices: [{ host: '127.0.0.1', user: device.user, port: device.port }],
    });
    const page = await router.handle('backup.page', []);
    expect(page.accounts.map((a) => [a.id, a.name])).toEqual([[1, `phone@127.0.0.1:${device.webdav.port}`]]);
    expect(page.units).toEqual([{ name: 'Documents', path: '' }]);
    await expect(
      router.handle('accounts.add', [{ provider: 'webdav', serverAddress: 'http://x', username: 'u', password: 'p' }]),
    ).rejects.toThrow(/on the device, in Settings → Accounts/);
  });

  it('writes the schedule into the device’s profile through its sync daemon', async () => {
    await router.handle('backup.setAuto', [1, { frequency: 'weekly', day: 3, time: '21:30', connection: 'any' }]);
    // Read back as the device user, over the device's own bus.
    const xml = device.run('gdbus', [
      'call',
      '--session',
      '--dest',
      'com.meego.msyncd',
      '--object-path',
      '/synchronizer',
      '--method',
      'com.meego.msyncd.syncProfile',
      'webdav.Backup-1',
    ]);
    expect(xml).toMatch(/<schedule[^>]*enabled=\\?"true\\?"/);
    expect(xml).toMatch(/time=\\?"21:30:00\\?"/);
    expect(xml).toMatch(/days=\\?"3\\?"/);
    expect(xml).toMatch(/internet_connection_types\\?" value=\\?"2,3,11/);
    const page = await router.handle('backup.page', []);
    expect(page.autoAccountId).toBe(1);
    expect(page.autoBackup).toMatchObject({ frequency: 'weekly', day: 3, time: '21:30', connection: 'any' });
  });

  it('says within 5 s that the connection broke mid-backup, reconnects, and shows how the device ended it', async () => {
    events.length = 0;
    await router.handle('backup.start', [1]);
    await until('the upload', () =>
      events.some(
        (e) => e.name === 'vault.operation' && (e.payload as { status: string }).status === 'UploadingBackup',
      ),
    );
    const killedAt = Date.now();
    expect(device.killSshSessions()).toBeGreaterThan(0);
    const lost = await until('the loss', () =>
      events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'lost'),
    );
    expect(lost.at - killedAt).toBeLessThan(5000);
    expect((lost.payload as DeviceState).message).toMatch(/Reconnecting/);
    // Nothing half-done is said as done while the link is down.
    expect(
      events.filter((e) => e.name === 'vault.operation' && (e.payload as { status: string }).status === 'Finished'),
    ).toEqual([]);
    await until(
      'the reconnection',
      () => events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'connected'),
      30_000,
    );
    const finished = await until(
      'the outcome',
      () =>
        events.find(
          (e) =>
            e.name === 'vault.operation' &&
            ['Finished', 'Error', 'Canceled'].includes((e.payload as { status: string }).status),
        ),
      90_000,
    );
    const theirs = JSON.parse((await device.own(['--json', 'status'])).stdout) as {
      daemon: { vault: { status: string } };
    };
    expect((finished.payload as { status: string }).status).toBe(theirs.daemon.vault.status);
    expect(theirs.daemon.vault.status).toBe('Finished');
    const page = await router.handle('backup.page', []);
    expect(page.vault.status).toBe('Finished');
  });

  it('notices within 5 s a device that falls silent (a pulled cable: nothing closes, nothing answers)', async () => {
    events.length = 0;
    expect((await router.handle('devices.list', [])).current.state).toBe('connected');
    const stoppedAt = Date.now();
    expect(device.killSshSessions('SIGSTOP')).toBeGreaterThan(0);
    try {
      const lost = await until('the loss', () =>
        events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'lost'),
      );
      expect(lost.at - stoppedAt).toBeLessThan(5000);
    } finally {
      device.killSshSessions('SIGKILL');
    }
    await until(
      'the reconnection',
      () => events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'connected'),
      30_000,
    );
    expect((await router.handle('backup.page', [])).accounts).toHaveLength(1);
  });

  it('tells no outcome for a start the device refused, even after a reconnection', async () => {
    events.length = 0;
    expect((await router.handle('backup.page', [])).vault.status).toBe('Finished');
    // The device has no account 99: its vault refuses the start, and no run begins.
    await expect(router.handle('backup.start', [99])).rejects.toThrow();
    expect(device.killSshSessions()).toBeGreaterThan(0);
    await until('the loss', () =>
      events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'lost'),
    );
    await until(
      'the reconnection',
      () => events.find((e) => e.name === 'device.state' && (e.payload as DeviceState).state === 'connected'),
      30_000,
    );
    // The device's last run (Finished, from before) is not told as the outcome of the refused one.
    expect(events.filter((e) => e.name === 'vault.operation')).toEqual([]);
  });

  it('goes back to this computer', async () => {
    expect(await router.handle('devices.use', [null])).toEqual({ device: null, state: 'local' });
    const page = await router.handle('backup.page', []);
    expect(page.accounts).toEqual([]);
  });
});
