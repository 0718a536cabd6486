// Private D-Bus buses with a config of our own (a session bus that lists service folders, a system-like
// bus), and python-dbusmock stand-ins for NetworkManager and the notification server on them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dbus from 'dbus-next';
import { connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { tempDir } from './processes.js';

const PYTHON = '/usr/bin/python3';

export interface TestBus {
  address: string;
  /** What the bus (and the services it started) wrote to stdout and stderr. */
  output(): string;
  /** A client connection for the test; closed by stop(). */
  client(): Promise<DBusClient>;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** A dbus-daemon of the given type; a session bus may list service folders for activation. */
export async function startBus(type: 'session' | 'system', serviceDirs: string[] = []): Promise<TestBus> {
  const dir = tempDir('sfb-bus-');
  const socket = path.join(dir, 'bus');
  const config = path.join(dir, 'bus.conf');
  writeFileSync(
    config,
    [
      '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"',
      ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
      '<busconfig>',
      `  <type>${type}</type>`,
      `  <listen>unix:path=${socket}</listen>`,
      '  <auth>EXTERNAL</auth>',
      ...serviceDirs.map((d) => `  <servicedir>${d}</servicedir>`),
      '  <policy context="default">',
      '    <allow user="*"/>',
      '    <allow own="*"/>',
      '    <allow send_destination="*" eavesdrop="true"/>',
      '    <allow receive_sender="*"/>',
      '  </policy>',
      '</busconfig>',
      '',
    ].join('\n'),
  );
  const child = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 200 && !out.includes('\n') && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 25));
  const address = out.split('\n')[0]?.trim();
  if (!address?.startsWith('unix:')) throw new Error(`dbus-daemon did not start: ${out}`);
  const clients: MessageBus[] = [];
  return {
    address,
    output: () => out,
    async client() {
      const bus = connectBus(address);
      bus.on('error', () => {});
      await waitConnected(bus);
      clients.push(bus);
      return new DBusClient(bus);
    },
    async stop() {
      for (const bus of clients) bus.disconnect();
      await stopChild(child);
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DbusMock {
  /** The calls the mock logged, as "METHOD args" lines. */
  calls(client: DBusClient, objectPath: string): Promise<Array<{ method: string; args: unknown[] }>>;
  stop(): Promise<void>;
}

/** Templates of our own, for services python-dbusmock has none for. */
const ownTemplates: Record<string, string> = {
  udisks2: path.join(path.dirname(fileURLToPath(import.meta.url)), 'dbusmock', 'udisks2.py'),
};

/**
 * python-dbusmock with one of its templates (NetworkManager on a system bus, notifications on a session
 * bus) or ours (UDisks2 on a system bus).
 */
export async function startDbusMock(
  template: 'networkmanager' | 'notification_daemon' | 'udisks2',
  bus: TestBus,
  busName: string,
  parameters: Record<string, string> = {},
): Promise<DbusMock> {
  const probe = spawn(PYTHON, ['-c', 'import dbusmock'], { stdio: 'ignore' });
  const [code] = (await once(probe, 'exit')) as [number];
  if (code !== 0) throw new Error('python3-dbusmock is not installed: run scripts/setup.sh');
  const system = template !== 'notification_daemon';
  const args = ['-m', 'dbusmock', '--template', ownTemplates[template] ?? template, system ? '--system' : '--session'];
  if (Object.keys(parameters).length > 0) args.push('-p', JSON.stringify(parameters));
  const env = { ...process.env, [system ? 'DBUS_SYSTEM_BUS_ADDRESS' : 'DBUS_SESSION_BUS_ADDRESS']: bus.address };
  const child = spawn(PYTHON, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const client = await bus.client();
  await waitFor(
    `${template} mock on the bus (${err})`,
    async () => child.exitCode === null && client.nameHasOwner(busName),
  );
  return {
    async calls(c, objectPath) {
      const [log] = await c.call(busName, objectPath, 'org.freedesktop.DBus.Mock', 'GetCalls');
      return (log as Array<[number, string, unknown[]]>).map(([, method, callArgs]) => ({
        method,
        args: callArgs.map((a) => (a instanceof dbus.Variant ? (a.value as unknown) : a)),
      }));
    },
    stop: () => stopChild(child),
  };
}

/** Processes whose command line contains every one of the given strings (another test's are not counted). */
export function processesWith(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((p) => cmdline.includes(p))) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

export async function waitGone(pid: number, ms = 30_000): Promise<void> {
  await waitFor(`process ${pid} to exit`, () => !existsSync(`/proc/${pid}`) || isZombie(pid), ms);
}

function isZombie(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';

/** Gives the mock the properties a NetworkManager 1.x has and the template leaves out. */
export async function setNetwork(
  client: DBusClient,
  props: { PrimaryConnectionType: string; Metered: number },
  first = false,
): Promise<void> {
  const variants = {
    PrimaryConnectionType: new dbus.Variant('s', props.PrimaryConnectionType),
    Metered: new dbus.Variant('u', props.Metered),
  };
  if (first)
    for (const [name, value] of Object.entries(variants))
      await client.call(NM, NM_PATH, 'org.freedesktop.DBus.Mock', 'AddProperty', 'ssv', [NM, name, value]);
  else await client.call(NM, NM_PATH, 'org.freedesktop.DBus.Mock', 'UpdateProperties', 'sa{sv}', [NM, variants]);
}
