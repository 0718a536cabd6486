// Removable drives: from a UDisks2 stand-in (python-dbusmock with our udisks2 template) on a private
// system bus, a USB stick "mounted" on a real folder appears with its label, size and free space, goes
// when unmounted or unplugged and comes back when mounted again; the CLI lists it and backs up to it.
// Without UDisks2 the mount table is used, and that is said once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveMonitor } from '../../main/targets/DriveMonitor.js';
import { startBus, startDbusMock, type DbusMock, type TestBus } from '../helpers/buses.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { makeUnitTree } from '../helpers/tree.js';
import type { DBusClient } from '../../main/dbus/DBusClient.js';

const UDISKS = 'org.freedesktop.UDisks2';
const MOCK = 'org.freedesktop.DBus.Mock';

describe('drives from UDisks2 on the system bus', () => {
  let bus: TestBus;
  let mock: DbusMock;
  let client: DBusClient;
  let stick: string;
  let monitor: DriveMonitor;
  const notes: string[] = [];

  const call = (member: string, signature: string, body: unknown[]) =>
    client.call(UDISKS, '/org/freedesktop/UDisks2', MOCK, member, signature, body);

  beforeAll(async () => {
    bus = await startBus('system');
    mock = await startDbusMock('udisks2', bus, UDISKS);
    client = await bus.client();
    stick = tempDir('sfb-stick-');
    await call('AddRemovableDrive', 'sstsb', ['sdb', 'SFB STICK', 16_000_000_000n, stick, true]);
    // The computer's own disk, mounted too: not a place for "memory card" backups.
    await call('AddRemovableDrive', 'sstsb', ['nvme0n1', 'root', 512_000_000_000n, '/', false]);
    monitor = await DriveMonitor.start({ DBUS_SYSTEM_BUS_ADDRESS: bus.address }, (t) => notes.push(t));
  });

  afterAll(async () => {
    await monitor?.close();
    await mock?.stop();
    await bus?.stop();
  });

  it('lists the removable drive with its label, size and free space, and not the computer’s own disk', async () => {
    expect(monitor.source).toBe('udisks2');
    expect(notes).toEqual([]);
    const drives = await monitor.drives();
    expect(drives).toHaveLength(1);
    expect(drives[0]).toMatchObject({
      label: 'SFB STICK',
      mountPath: stick,
      size: 16_000_000_000,
      device: '/dev/sdb1',
    });
    expect(drives[0]!.free).toBeGreaterThan(0);
  });

  it('follows unmounting, mounting again and unplugging as UDisks2 signals them', async () => {
    const changed = () => new Promise<void>((resolve) => monitor.once('change', resolve));
    let next = changed();
    await call('SetMountPoint', 'ss', ['sdb', '']);
    await next;
    expect(await monitor.drives()).toEqual([]);
    next = changed();
    await call('SetMountPoint', 'ss', ['sdb', stick]);
    await next;
    expect((await monitor.drives()).map((d) => d.label)).toEqual(['SFB STICK']);
    next = changed();
    await call('RemoveDrive', 's', ['sdb']);
    await next;
    expect(await monitor.drives()).toEqual([]);
    next = changed();
    await call('AddRemovableDrive', 'sstsb', ['sdb', 'SFB STICK', 16_000_000_000n, stick, true]);
    await next;
    expect((await monitor.drives()).map((d) => d.mountPath)).toEqual([stick]);
  });

  it('the CLI lists the drive and backs up to it with no account', async () => {
    const dataDir = tempDir();
    const env = cliEnv({ DBUS_SYSTEM_BUS_ADDRESS: bus.address, HOME: tempDir('sfb-home-') });
    const listed = await runCli(['--data-dir', dataDir, '--json', 'targets'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stderr).not.toContain('UDisks2 is not available');
    const targets = JSON.parse(listed.stdout) as {
      driveSource: string;
      folders: Array<{ kind: string; label: string; path: string; free: number; size: number }>;
    };
    expect(targets.driveSource).toBe('udisks2');
    const drive = targets.folders.find((f) => f.kind === 'drive');
    expect(drive).toMatchObject({ label: 'SFB STICK', path: stick, size: 16_000_000_000 });
    expect(drive!.free).toBeGreaterThan(0);
    const text = await runCli(['--data-dir', dataDir, 'targets'], { env });
    expect(text.stdout).toMatch(/drive\s+SFB STICK\s+.*GB free of 16\.0 GB/);

    const docs = path.join(tempDir(), 'Documents');
    makeUnitTree(docs, 64 * 1024);
    expect((await runCli(['--data-dir', dataDir, 'units', 'add', docs], { env })).code).toBe(0);
    const backup = await runCli(['--data-dir', dataDir, 'backup', stick], { env });
    expect(backup.code, backup.stderr).toBe(0);
    expect(readdirSync(stick).sort()).toEqual([
      expect.stringMatching(/^sailfish_backup_.*Z\.tar$/),
      expect.stringMatching(/^sailfish_backup_.*Z\.tar\.sha256$/),
    ]);
  });
});

describe('drives without UDisks2: the mount table', () => {
  it('says once that it uses /proc/self/mountinfo, and finds media mounts there', async () => {
    const fixture = path.join(tempDir(), 'mountinfo');
    const card = tempDir('sfb-card-');
    const lines = [
      '22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw',
      `98 22 8:17 / /media/alice/SD\\040CARD rw,nosuid,nodev shared:50 - vfat /dev/sdb1 rw`,
      `99 22 0:60 / ${card} rw - tmpfs tmpfs rw`,
    ];
    execFileSync('sh', ['-c', `printf '%s\\n' "$@" > ${fixture}`, 'sh', ...lines]);
    const notes: string[] = [];
    const monitor = await DriveMonitor.start({}, (t) => notes.push(t), { mountinfoFile: fixture });
    try {
      expect(monitor.source).toBe('mountinfo');
      expect(notes).toEqual([
        'UDisks2 is not available (no system bus): removable drives are found in /proc/self/mountinfo (mounts under /media and /run/media).',
      ]);
      const drives = await monitor.drives();
      expect(drives.map((d) => [d.label, d.mountPath, d.device])).toEqual([
        ['SD CARD', '/media/alice/SD CARD', '/dev/sdb1'],
      ]);
    } finally {
      await monitor.close();
    }
  });

  it('with a system bus but no UDisks2 on it: the same, said once by the CLI', async () => {
    const bus = await startBus('system');
    try {
      const env = cliEnv({ DBUS_SYSTEM_BUS_ADDRESS: bus.address, HOME: tempDir('sfb-home-') });
      const out = await runCli(['--data-dir', tempDir(), '--json', 'targets'], { env });
      expect(out.code).toBe(0);
      expect(out.stderr.match(/UDisks2 is not available/g)).toHaveLength(1);
      expect((JSON.parse(out.stdout) as { driveSource: string }).driveSource).toBe('mountinfo');
    } finally {
      await bus.stop();
    }
  });

  const asRoot = process.getuid?.() === 0;
  it.skipIf(!asRoot)('a real drive mounted under /run/media appears, and goes when unmounted', async () => {
    const base = path.join('/run/media', `sfb-test-${process.pid}`);
    const mountPoint = path.join(base, 'SFBCARD');
    mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
    let monitor: DriveMonitor | undefined;
    try {
      monitor = await DriveMonitor.start({}, () => {});
      const drive = (await monitor.drives()).find((d) => d.mountPath === mountPoint);
      expect(drive).toMatchObject({ label: 'SFBCARD', size: 4 << 20 });
      const gone = new Promise<void>((resolve) => monitor!.on('change', resolve));
      execFileSync('umount', [mountPoint]);
      await gone;
      expect((await monitor.drives()).some((d) => d.mountPath === mountPoint)).toBe(false);
    } finally {
      await monitor?.close();
      try {
        execFileSync('umount', [mountPoint], { stdio: 'ignore' });
      } catch {
        // unmounted by the test
      }
      rmSync(base, { recursive: true, force: true });
    }
  });
});
