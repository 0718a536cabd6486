// One SSH connection to a device, made with the user's own ssh: a master connection (ControlMaster)
// that learns the device user's uid and bus socket, forwards that socket to an owner-only folder here,
// and carries every other command (pull, push, reading a log) without signing in again.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { tiedToParent } from '../runDir.js';
import { deviceLabel, type DeviceAddress } from './deviceAddress.js';
import { deviceOptions, shellQuote, sshInvocation } from './sshCommand.js';

export interface SshLinkOptions {
  env: NodeJS.ProcessEnv;
  /** Whether ssh may ask on the terminal (a passphrase, an unknown host key); never in a window. */
  interactive: boolean;
  /** The bus on the device (`unix:path=…` or a path); default the device user's session bus. */
  deviceBus?: string;
  /** How long signing in may take. */
  connectTimeoutMs?: number;
}

const MARK = 'sfbackup-probe';

/** What the master connection runs on the device: who the user is and where the bus is, then waits. */
function probeScript(busPath: string | undefined): string {
  const candidates = busPath ? shellQuote(busPath) : '"/run/user/$u/dbus/user_bus_socket" "/run/user/$u/bus"';
  return [
    `u=$(id -u) && echo "${MARK} uid $u"`,
    `for p in ${candidates}; do if [ -S "$p" ]; then echo "${MARK} bus $p"; break; fi; done`,
    `echo "${MARK} ready"`,
    // Holds the session (and with it the forwarded socket) open until this side closes stdin.
    'exec cat >/dev/null',
  ].join('; ');
}

/** The path of a `unix:path=…` address, or the path given as is. */
export function deviceBusPath(address: string): string {
  const text = address.trim();
  const path = text.startsWith('unix:') ? /(?:^unix:|,)path=([^,;]+)/.exec(text)?.[1] : text;
  if (!path || !path.startsWith('/') || /[\0\n]/.test(path))
    throw new InputError(
      `--device-bus takes a unix:path=… address or an absolute socket path on the device, not "${text}"`,
    );
  return path;
}

export class SshLink extends EventEmitter {
  private closing = false;
  private lostSaid = false;
  private stderrTail = '';

  private constructor(
    readonly address: DeviceAddress,
    private readonly options: SshLinkOptions,
    private readonly master: ChildProcess,
    private readonly dir: string,
    /** The device user's uid, as the device says (`id -u`). */
    readonly uid: number,
    /** The bus socket on the device. */
    readonly remoteBus: string,
  ) {
    super();
  }

  get label(): string {
    return deviceLabel(this.address);
  }

  /** Where the device's bus is reachable here, once forward() has run. */
  get localBus(): string {
    return path.join(this.dir, 'bus');
  }

  private get control(): string {
    return path.join(this.dir, 'ctl');
  }

  /** Signs in and learns the device user's uid and bus. Rejects with ssh's own sentence when it cannot. */
  static async open(address: DeviceAddress, options: SshLinkOptions): Promise<SshLink> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sfbackup-device-'));
    const control = path.join(dir, 'ctl');
    const busPath = options.deviceBus ? deviceBusPath(options.deviceBus) : undefined;
    const args = [
      '-M',
      '-S',
      control,
      '-o',
      'ControlPersist=no',
      ...deviceOptions(address, options),
      '--',
      address.host,
      probeScript(busPath),
    ];
    const { command, args: full } = sshInvocation(options.env, args);
    const tied = tiedToParent(command, full);
    const master = spawn(tied.command, tied.args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    master.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let out = '';
    try {
      const probe = await new Promise<{ uid: number; bus: string | undefined }>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `No answer from ${deviceLabel(address)} within ${(options.connectTimeoutMs ?? 30_000) / 1000} s`,
              ),
            ),
          options.connectTimeoutMs ?? 30_000,
        );
        master.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (!out.includes(`${MARK} ready`)) return;
          clearTimeout(timer);
          const uid = Number(new RegExp(`${MARK} uid (\\d+)`).exec(out)?.[1]);
          const bus = new RegExp(`${MARK} bus (.+)`).exec(out)?.[1]?.trim();
          if (!Number.isInteger(uid)) reject(new Error(`${deviceLabel(address)} did not say its user id`));
          else resolve({ uid, bus });
        });
        master.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        master.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(SshLink.failure(address, code, stderr)));
        });
      });
      if (!probe.bus)
        throw new Error(
          busPath
            ? `There is no bus socket at ${busPath} on ${deviceLabel(address)}`
            : `No session bus for uid ${probe.uid} on ${deviceLabel(address)} (/run/user/${probe.uid}/dbus/user_bus_socket or /run/user/${probe.uid}/bus): is the user logged in on the device? Give the bus with --device-bus.`,
        );
      const link = new SshLink(address, options, master, dir, probe.uid, probe.bus);
      master.stdout.removeAllListeners('data');
      master.stdout.resume();
      master.stderr.removeAllListeners('data');
      link.stderrTail = stderr;
      master.stderr.on('data', (d: Buffer) => (link.stderrTail = (link.stderrTail + d.toString()).slice(-4000)));
      master.once('exit', (code) => link.lost(SshLink.failure(address, code, link.stderrTail)));
      return link;
    } catch (err) {
      master.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** ssh's last words, as one sentence. */
  private static failure(address: DeviceAddress, code: number | null, stderr: string): string {
    const said = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('Warning: Permanently added'))
      .at(-1);
    return `The connection to ${deviceLabel(address)} ended${said ? `: ${said}` : code !== null ? ` (ssh exit ${code})` : ''}`;
  }

  private lost(reason: string): void {
    if (this.closing || this.lostSaid) return;
    this.lostSaid = true;
    this.emit('lost', reason);
  }

  /** Ends the connection as lost (the device stopped answering); ssh is stopped. */
  drop(reason: string): void {
    this.lost(reason);
    this.master.kill('SIGTERM');
  }

  get alive(): boolean {
    return !this.lostSaid && !this.closing && this.master.exitCode === null && this.master.signalCode === null;
  }

  /** Forwards the device's bus socket to localBus (an owner-only folder: whoever reaches it is on the device's bus). */
  async forward(): Promise<string> {
    await this.runControl([
      '-O',
      'forward',
      '-o',
      'StreamLocalBindUnlink=yes',
      '-L',
      `${this.localBus}:${this.remoteBus}`,
    ]);
    return this.localBus;
  }

  private async runControl(args: string[]): Promise<void> {
    const child = this.spawnSsh([...args]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0)
      throw new Error(`ssh could not forward the device's bus: ${stderr.trim().split('\n').at(-1) ?? `exit ${code}`}`);
  }

  private spawnSsh(args: string[], stdio: Array<'pipe' | 'ignore'> = ['ignore', 'pipe', 'pipe']): ChildProcess {
    const { command, args: full } = sshInvocation(this.options.env, [
      '-S',
      this.control,
      '-o',
      'ControlMaster=no',
      ...deviceOptions(this.address, { interactive: false }),
      ...args,
      '--',
      this.address.host,
    ]);
    const tied = tiedToParent(command, full);
    return spawn(tied.command, tied.args, { env: this.options.env, stdio });
  }

  /** Runs a shell command on the device over this connection; its stdin, stdout and stderr are pipes. */
  exec(remoteCommand: string): ChildProcess {
    const { command, args: full } = sshInvocation(this.options.env, [
      '-S',
      this.control,
      '-o',
      'ControlMaster=no',
      ...deviceOptions(this.address, { interactive: false }),
      '--',
      this.address.host,
      remoteCommand,
    ]);
    const tied = tiedToParent(command, full);
    return spawn(tied.command, tied.args, { env: this.options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Runs a command on the device and resolves with its stdout; rejects with its stderr when it fails. */
  async run(remoteCommand: string, maxOutput = 1 << 20): Promise<string> {
    const child = this.exec(remoteCommand);
    child.stdin!.end();
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (stdout.length < maxOutput) stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0)
      throw new Error(stderr.trim().split('\n').at(-1) || `the command on the device exited with ${code}`);
    return stdout;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => {
      if (this.master.exitCode !== null || this.master.signalCode !== null) resolve();
      else this.master.once('exit', () => resolve());
    });
    // Closing stdin ends the remote `cat`, and with it the session and the master.
    this.master.stdin!.end();
    const timer = setTimeout(() => this.master.kill('SIGTERM'), 2000);
    await exited;
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
