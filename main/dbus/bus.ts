// Session bus connection: $DBUS_SESSION_BUS_ADDRESS, or a private dbus-daemon started for this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dbus from 'dbus-next';
import { RunDir, tiedToParent } from '../runDir.js';

export type MessageBus = dbus.MessageBus;

export interface BusConnection {
  bus: MessageBus;
  address: string;
  /** Set when this process started its own dbus-daemon. */
  privateDaemon: PrivateBusDaemon | undefined;
  close(): Promise<void>;
}

/**
 * A session bus configuration without service folders: a call on a bus of our own must never start
 * anything — not the user's daemon on the user's data (`sfbackup service install` writes activation
 * files), nor a desktop keyring. Limits as the stock session bus has them.
 */
const PRIVATE_BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=${os.tmpdir()}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
`;

/** Writes the configuration into a fresh owner-only folder (never a name another user could plant). */
function writePrivateBusConfig(): { file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sfbackup-bus-'));
  const file = path.join(dir, 'session.conf');
  writeFileSync(file, PRIVATE_BUS_CONFIG, { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A dbus-daemon of our own, for a run with no session bus, and for tests. */
export class PrivateBusDaemon {
  private constructor(
    readonly address: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts one; it stops with this process, even when this process is killed (see runDir.ts). */
  static async start(): Promise<PrivateBusDaemon> {
    const run = RunDir.own();
    const config = writePrivateBusConfig();
    const { command, args } = tiedToParent('dbus-daemon', [
      `--config-file=${config.file}`,
      '--nofork',
      '--nopidfile',
      '--print-address=1',
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid) {
      run.recordHelper(pid, 'dbus-daemon');
      child.once('exit', () => run.helperStopped(pid));
    }
    const spawnError = once(child, 'error').then(([err]) => {
      throw new Error(`Could not start dbus-daemon (${(err as Error).message}); install the "dbus" package`);
    });
    let out = '';
    const address = new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve(line.trim());
      });
      child.once('exit', (code) =>
        reject(
          new Error(
            code === 127
              ? 'Could not start dbus-daemon; install the "dbus" package'
              : `dbus-daemon exited with code ${code ?? 'null'} before giving its address`,
          ),
        ),
      );
    });
    // dbus-daemon reads its configuration once at start (again only on SIGHUP, which we never send).
    const resolved = await Promise.race([address, spawnError]).finally(config.remove);
    child.stdout?.removeAllListeners('data');
    return new PrivateBusDaemon(resolved, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * dbus-next opens `unix:path=` addresses with the optional native `usocket`, whose reads stall on
 * messages over ~256 KiB (a long backup list); its non-standard `socket=` key uses Node's own net
 * socket instead. We pass no file descriptors, so nothing is lost.
 */
export function nodeSocketAddress(address: string): string {
  return address
    .split(';')
    .map((entry) => entry.replace(/^unix:(.*)\bpath=/, 'unix:$1socket='))
    .join(';');
}

export function connectBus(address: string): MessageBus {
  const bus = dbus.sessionBus({ busAddress: nodeSocketAddress(address) });
  void busEnded(bus);
  return bus;
}

/** Connects to the session bus, starting a private one when the environment has none. */
export async function openSessionBus(
  env: NodeJS.ProcessEnv = process.env,
  notice: (text: string) => void = () => {},
): Promise<BusConnection> {
  let privateDaemon: PrivateBusDaemon | undefined;
  let address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    privateDaemon = await PrivateBusDaemon.start();
    address = privateDaemon.address;
    notice(`No session bus found; started a private dbus-daemon at ${address}`);
  }
  const bus = connectBus(address);
  await waitConnected(bus);
  return {
    bus,
    address,
    privateDaemon,
    async close() {
      bus.disconnect();
      await privateDaemon?.stop();
    },
  };
}

/** The name libdbus gives a call made on, or pending when it loses, a closed connection. */
export const DISCONNECTED_ERROR = 'org.freedesktop.DBus.Error.Disconnected';

const endings = new WeakMap<MessageBus, Promise<void>>();

/**
 * Resolves once the connection to the bus has ended: the bus daemon stopped or was killed (as a
 * private one is when the process that started it exits), the socket broke, or it was disconnected
 * here. dbus-next neither forwards its socket's end nor fails the calls still waiting for an answer,
 * so whoever waits on the bus must race this, or wait forever on a process with nothing left to do.
 */
export function busEnded(bus: MessageBus): Promise<void> {
  let ended = endings.get(bus);
  if (!ended) {
    const connection = (bus as unknown as { _connection?: { stream?: NodeJS.EventEmitter } })._connection;
    const stream = connection?.stream;
    ended = new Promise<void>((resolve) => {
      if (!stream) return;
      // 'end' when the daemon closes its side, 'close' after a reset or our own disconnect.
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
    });
    // A broken socket is reported as the bus's 'error'; with no listener it would crash the process
    // instead of failing the calls that wait on it (which the ending above does).
    bus.on('error', () => {});
    endings.set(bus, ended);
  }
  return ended;
}

/** Calls back once when the connection to the bus ends (the bus daemon stopped or was killed). */
export function onBusClosed(bus: MessageBus, handler: () => void): () => void {
  let active = true;
  void busEnded(bus).then(() => {
    if (active) handler();
  });
  return () => {
    active = false;
  };
}

/** Resolves once the Hello handshake is done, so names can be requested. */
export async function waitConnected(bus: MessageBus): Promise<void> {
  const named = bus as unknown as { name?: string | null };
  if (named.name) return;
  const ended = busEnded(bus);
  await Promise.race([
    once(bus, 'connect'),
    once(bus, 'error').then(([err]) => {
      throw new Error(`Cannot connect to the session bus: ${(err as Error).message}`);
    }),
    ended.then(() => {
      throw new Error('Cannot connect to the session bus: it closed the connection');
    }),
  ]);
}
