// `sfbackup service install` as a user runs it: the files it writes start the daemon when a client
// calls it on the bus, one daemon for both names, which leaves again when idle; systemd accepts the unit.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectBus, PrivateBusDaemon, waitConnected } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { activatableNames } from '../../main/service/activation.js';
import type { ServiceStatus } from '../../main/service/serviceStatus.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { processesWith, startBus, waitFor, waitGone, type TestBus } from '../helpers/buses.js';
import { tempDir } from '../helpers/processes.js';

function gdbusCall(address: string, dest: string, objectPath: string, method: string, ...args: string[]) {
  const child = spawn(
    'gdbus',
    ['call', '--address', address, '--dest', dest, '--object-path', objectPath, '--method', method, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number, out }));
}

describe('sfbackup service', () => {
  let dataDir: string;
  let xdg: { XDG_DATA_HOME: string; XDG_CONFIG_HOME: string };
  let servicesDir: string;
  let bus: TestBus | undefined;

  beforeEach(() => {
    // A home of its own per test, with quotes, a space, % and $ in the data dir's path to test the quoting.
    const home = tempDir('sfb-home-');
    dataDir = path.join(home, "backup data 'n' 100% $HOME");
    xdg = { XDG_DATA_HOME: path.join(home, 'share'), XDG_CONFIG_HOME: path.join(home, 'config') };
    servicesDir = path.join(xdg.XDG_DATA_HOME, 'dbus-1', 'services');
  });

  afterEach(async () => {
    for (const pid of processesWith(dataDir, 'daemon')) {
      process.kill(pid, 'SIGTERM');
      await waitGone(pid);
    }
    await bus?.stop();
    bus = undefined;
  });

  const sfbackup = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCli(['--json', '--data-dir', dataDir, 'service', ...args], { env: cliEnv({ ...xdg, ...extra }) });

  it('writes a unit systemd accepts and activation files that start one daemon for both names', async () => {
    const installed = await sfbackup(['install', '--exit-when-idle', '10']);
    expect(installed.code).toBe(0);
    const status = JSON.parse(installed.stdout) as ServiceStatus;
    expect(status).toMatchObject({ installed: true, current: true, manager: 'dbus', enabled: true, running: false });

    // The unit names the absolute program and data dir; systemd's own checker accepts it.
    const unit = status.files.find((f) => f.role === 'unit')!.path;
    const unitText = readFileSync(unit, 'utf8');
    // systemd expands % specifiers and $ variables: both are doubled to stay literal.
    const unitDataDir = dataDir.replace(/%/g, '%%').replace(/\$/g, () => '$$');
    expect(unitText).toContain(
      `"${process.execPath}" "${path.resolve('bin/sfbackup.js')}" "--data-dir" "${unitDataDir}" "daemon"`,
    );
    const runtime = tempDir('sfb-run-');
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    const verify = spawn('systemd-analyze', ['verify', '--user', unit], {
      env: { ...process.env, XDG_RUNTIME_DIR: runtime },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let verifyOut = '';
    verify.stderr.on('data', (d: Buffer) => (verifyOut += d.toString()));
    verify.stdout.on('data', (d: Buffer) => (verifyOut += d.toString()));
    const [verified] = (await once(verify, 'exit')) as [number];
    expect(verifyOut).not.toContain(path.basename(unit));
    expect(verified).toBe(0);

    // A bus whose config lists the folder the installer wrote, as a login session's would.
    bus = await startBus('session', [servicesDir]);
    const address = bus.address;
    const [msyncd, vault] = await Promise.all([
      gdbusCall(address, 'com.meego.msyncd', '/synchronizer', 'com.meego.msyncd.runningSyncs'),
      gdbusCall(
        address,
        'org.sailfishos.backup',
        '/sailfishbackup',
        'org.freedesktop.DBus.Properties.Get',
        'org.sailfishos.backup',
        'status',
      ),
    ]);
    expect(msyncd).toEqual({ code: 0, out: '(@as [],)\n' });
    expect(vault).toEqual({ code: 0, out: "(<'Idle'>,)\n" });
    const daemons = processesWith(dataDir, 'daemon');
    expect(daemons).toHaveLength(1);
    expect(bus.output()).toMatch(/Successfully activated service 'com.meego.msyncd'/);

    const running = JSON.parse(
      (await sfbackup(['status'], { DBUS_SESSION_BUS_ADDRESS: address })).stdout,
    ) as ServiceStatus;
    expect(running).toMatchObject({ running: true, runningAsService: true, pid: daemons[0] });
    expect(running.summary).toContain(`It is running (pid ${daemons[0]}).`);

    // Nothing scheduled and nobody calling: it leaves after its idle time (10 s, long enough for a loaded
    // machine to ask its status first), and the next call starts it again.
    await waitGone(daemons[0]!, 60_000);
    expect(bus.output()).toMatch(/Idle: nothing runs, waits or is scheduled/);
    const again = await gdbusCall(address, 'com.meego.msyncd', '/synchronizer', 'com.meego.msyncd.runningSyncs');
    expect(again.code).toBe(0);
    expect(processesWith(dataDir, 'daemon')).toHaveLength(1);
  }, 120_000);

  it('is started by a CLI command that needs it, only for its own data dir, and takes over from a window', async () => {
    bus = await startBus('session', [servicesDir]);
    const env = cliEnv({ ...xdg, DBUS_SESSION_BUS_ADDRESS: bus.address });
    // A window (sfbackup ui) runs its own engine while nothing is installed…
    const ui = spawn(process.execPath, [path.resolve('bin/sfbackup.js'), '--data-dir', dataDir, 'ui', '--no-open'], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let url = '';
    ui.stdout.on('data', (d: Buffer) => (url += d.toString()));
    await waitFor('the window', () => url.includes('\n'));
    expect((await sfbackup(['install'], { DBUS_SESSION_BUS_ADDRESS: bus.address })).code).toBe(0);
    expect(processesWith(dataDir, 'daemon')).toEqual([]); // the window holds the names
    // …and when it closes, the service it installed takes over.
    ui.kill('SIGINT');
    await once(ui, 'exit');
    const [daemon] = await waitFor('the service to take over', () => {
      const found = processesWith(dataDir, 'daemon');
      return found.length === 1 ? found : undefined;
    });
    process.kill(daemon!, 'SIGTERM');
    await waitGone(daemon!);

    // A command on another data dir does not start this data dir's daemon; one on this data dir does.
    // (`sync` of a profile that does not exist: it needs the daemon, which refuses it.)
    const other = await runCli(['--data-dir', path.join(dataDir, 'other'), 'sync', 'webdav.Backup-1'], { env });
    expect(other.stderr).toContain('webdav.Backup-1');
    expect(processesWith(dataDir, 'daemon')).toEqual([]);
    const own = await runCli(['--data-dir', dataDir, 'sync', 'webdav.Backup-1'], { env });
    expect(own.stderr).toContain('webdav.Backup-1');
    expect(processesWith(dataDir, 'daemon')).toHaveLength(1);
  }, 120_000);

  it('is not started on a private bus the app starts for itself (tests, no session bus)', async () => {
    expect((await sfbackup(['install'])).code).toBe(0);
    const saved = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = xdg.XDG_DATA_HOME;
    const privateBus = await PrivateBusDaemon.start().finally(() => {
      if (saved === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = saved;
    });
    try {
      const connection = connectBus(privateBus.address);
      await waitConnected(connection);
      const names = await activatableNames(new DBusClient(connection));
      connection.disconnect();
      expect(names).not.toContain('com.meego.msyncd');
    } finally {
      await privateBus.stop();
    }
  });

  it('says in words what is installed and running, and uninstalls only its own files', async () => {
    const before = await runCli(['--data-dir', dataDir, 'service', 'status'], { env: cliEnv(xdg) });
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/not installed/);

    expect((await sfbackup(['install'])).code).toBe(0);
    bus = await startBus('session', [servicesDir]);
    const text = await runCli(['--data-dir', dataDir, 'service', 'status'], {
      env: cliEnv({ ...xdg, DBUS_SESSION_BUS_ADDRESS: bus.address }),
    });
    expect(text.stdout.split('\n')).toEqual([
      'The background service is installed: the session bus starts the daemon when a program calls it.',
      'It is not running now; the first call or the next login starts it.',
      'It starts at login (autostart entry).',
      '',
    ]);

    const removed = JSON.parse((await sfbackup(['uninstall'])).stdout) as ServiceStatus;
    expect(removed).toMatchObject({ installed: false, enabled: false });
    expect(removed.files.every((f) => f.state === 'missing')).toBe(true);
    expect(existsSync(servicesDir)).toBe(true);
  });

  it('refuses bad input and leaves files it did not write alone', async () => {
    const bad = await sfbackup(['install', '--exit-when-idle', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--exit-when-idle takes a number of seconds/);

    // A real msyncd's activation file (or the user's own) is never overwritten or removed.
    const foreign = path.join(servicesDir, 'com.meego.msyncd.service');
    const text = '[D-BUS Service]\nName=com.meego.msyncd\nExec=/usr/bin/msyncd\n';
    mkdirSync(servicesDir, { recursive: true });
    writeFileSync(foreign, text);
    const refused = await sfbackup(['install']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${foreign} exists and was not written by sfbackup`);
    expect((await sfbackup(['uninstall'])).code).toBe(0);
    expect(readFileSync(foreign, 'utf8')).toBe(text);
  });
});
