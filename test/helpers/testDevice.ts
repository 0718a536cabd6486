// A Sailfish device stand-in on this machine, reachable only over SSH: a user of its own (created here,
// so the uid handling is real), its session bus at the device path /run/user/<uid>/dbus/user_bus_socket,
// this app's own daemon and vault on it in a data dir of its own, and a private sshd on loopback with its
// own host key and port that lets only that user in, by key. Needs root (useradd, sshd); callers skip
// with a message otherwise.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRclone, tempDir, type WebDavServer } from './processes.js';
import type { CliResult } from './cli.js';

/** bin/sfbackup.js, found upwards from here (this file also runs compiled, from dist/ in a benchmark). */
function findBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'bin', 'sfbackup.js');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find bin/sfbackup.js');
}
const bin = findBin();

export const isRoot = process.getuid?.() === 0;
export const SSHD = '/usr/sbin/sshd';
/** Why a device test cannot run here, or undefined when it can. */
export const deviceTestBlocker: string | undefined = !isRoot
  ? 'device-over-SSH tests need root (they create a user and run sshd); run them as root, as CI does'
  : !existsSync(SSHD)
    ? 'device-over-SSH tests need openssh-server (scripts/setup.sh installs it)'
    : undefined;

export interface TestDevice {
  user: string;
  uid: number;
  /** `user@127.0.0.1:port`, what `--device` takes. */
  address: string;
  host: string;
  port: number;
  /** The value of SFBACKUP_SSH that reaches it: the test's key and known_hosts, never a prompt. */
  sshCommand: string;
  home: string;
  dataDir: string;
  /** The device's bus as the device user sees it. */
  busAddress: string;
  /** A folder of the device user's that the device backs up. */
  unit: string;
  /** Its "memory card": a folder where Sailfish mounts one, /run/media/<user>/SDCARD. */
  card: string;
  webdav: WebDavServer;
  /** Runs the device's own sfbackup CLI as the device user, on its data dir and bus (setup and checks). */
  own(args: string[], input?: string): Promise<CliResult>;
  /** Runs a command as the device user (its environment: HOME, the bus). */
  run(command: string, args: string[]): string;
  /** Kills the SSH sessions of the device user (the server side of every connection to the device). */
  killSshSessions(signal?: NodeJS.Signals): number;
  stop(): Promise<void>;
}

function uidOf(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', user]).toString().trim()),
  };
}

/** Processes running as `uid` whose command name is one of `names` (all of them without names). */
function processesOf(uid: number, names?: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const realUid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '';
      if (realUid === uid && (!names || names.includes(name))) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function waitFor(what: string, probe: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startTestDevice(options: { bwlimit?: string } = {}): Promise<TestDevice> {
  if (deviceTestBlocker) throw new Error(deviceTestBlocker);
  const user = `sfbdev${randomBytes(4).toString('hex')}`;
  const home = tempDir('sfb-device-home-');
  const state = tempDir('sfb-device-sshd-');
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // keep cleaning up
      }
    }
  };
  cleanups.push(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });
  try {
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', user]);
    // A locked account ('!') may not log in over SSH even by key when sshd runs without PAM; '*' is "no password".
    execFileSync('usermod', ['-p', '*', user]);
    const { uid, gid } = uidOf(user);
    cleanups.push(() => {
      for (const pid of processesOf(uid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      execFileSync('userdel', [user]);
    });
    chownSync(home, uid, gid);
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      USER: user,
      LOGNAME: user,
      LANG: 'C.UTF-8',
    };
    const asUser = (command: string, args: string[]) => ({
      command: 'setpriv',
      args: ['--reuid', String(uid), '--regid', String(gid), '--init-groups', '--', command, ...args],
    });

    // The device's session bus where a Sailfish device has it (logind makes /run/user/<uid> at login).
    const runtime = `/run/user/${uid}`;
    mkdirSync(path.join(runtime, 'dbus'), { recursive: true, mode: 0o700 });
    chownSync(runtime, uid, gid);
    chownSync(path.join(runtime, 'dbus'), uid, gid);
    cleanups.push(() => rmSync(runtime, { recursive: true, force: true }));
    const socket = path.join(runtime, 'dbus', 'user_bus_socket');
    const busConfig = path.join(home, 'session.conf');
    writeFileSync(
      busConfig,
      [
        '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"',
        ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
        // A session bus: only its own user may connect (no <allow user>), as on the device.
        '<busconfig>',
        '  <type>session</type>',
        `  <listen>unix:path=${socket}</listen>`,
        '  <auth>EXTERNAL</auth>',
        '  <policy context="default">',
        '    <allow send_destination="*" eavesdrop="true"/>',
        '    <allow eavesdrop="true"/>',
        '    <allow own="*"/>',
        '  </policy>',
        '</busconfig>',
        '',
      ].join('\n'),
    );
    chownSync(busConfig, uid, gid);
    const busCmd = asUser('dbus-daemon', [`--config-file=${busConfig}`, '--nofork', '--nopidfile']);
    const bus = spawn(busCmd.command, busCmd.args, { env, stdio: 'ignore' });
    cleanups.push(() => stopChild(bus));
    await waitFor('the device bus', () => existsSync(socket) && statSync(socket).isSocket());
    const busAddress = `unix:path=${socket}`;
    const deviceEnv = { ...env, DBUS_SESSION_BUS_ADDRESS: busAddress, XDG_RUNTIME_DIR: runtime };

    // Where Sailfish mounts a memory card for the user (a plain folder here; the app only reads and names it).
    const card = path.join('/run/media', user, 'SDCARD');
    mkdirSync(card, { recursive: true });
    chownSync(path.dirname(card), uid, gid);
    chownSync(card, uid, gid);
    cleanups.push(() => rmSync(path.dirname(card), { recursive: true, force: true }));

    const dataDir = path.join(home, 'data');
    const unit = path.join(home, 'Documents');
    for (const dir of [dataDir, unit]) {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, uid, gid);
    }
    const daemonCmd = asUser(process.execPath, [bin, '--data-dir', dataDir, 'daemon']);
    const daemon = spawn(daemonCmd.command, daemonCmd.args, { env: deviceEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    cleanups.push(() => stopChild(daemon));
    let said = '';
    daemon.stderr.on('data', (d: Buffer) => (said += d.toString()));
    await waitFor(`the device's daemon (${said})`, () => said.includes('running on') || daemon.exitCode !== null);
    if (!said.includes('running on')) throw new Error(`The device's daemon did not start: ${said}`);

    const webdav = await startRclone({
      user: 'phone',
      password: 'phone-secret',
      ...(options.bwlimit ? { bwlimit: options.bwlimit } : {}),
    });
    cleanups.push(() => webdav.stop());

    // sshd: its own host key and port, key-only, this user only.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'id_ed25519')]);
    writeFileSync(path.join(state, 'authorized_keys'), readFileSync(path.join(state, 'id_ed25519.pub')), {
      mode: 0o644,
    });
    const port = await freePort();
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    writeFileSync(
      path.join(state, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(state, 'host_ed25519')}`,
        `PidFile ${path.join(state, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(state, 'authorized_keys')}`,
        `AllowUsers ${user}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin no',
        'StrictModes no',
        'UsePAM no',
        'AllowStreamLocalForwarding yes',
        'AllowTcpForwarding yes',
        'X11Forwarding no',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const sshd = spawn(SSHD, ['-f', path.join(state, 'sshd_config'), '-D', '-e'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let sshdLog = '';
    sshd.stderr.on('data', (d: Buffer) => (sshdLog += d.toString()));
    cleanups.push(() => stopChild(sshd));
    await waitFor(`sshd on port ${port} (${sshdLog})`, () => {
      if (sshd.exitCode !== null) throw new Error(`sshd exited: ${sshdLog}`);
      try {
        return (
          execFileSync('ss', ['-Hltn', `sport = :${port}`])
            .toString()
            .trim().length > 0
        );
      } catch {
        return false;
      }
    });
    const sshCommand = [
      'ssh',
      '-i',
      path.join(state, 'id_ed25519'),
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `UserKnownHostsFile=${path.join(state, 'known_hosts')}`,
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'BatchMode=yes',
      '-F',
      '/dev/null',
    ].join(' ');

    const own = (args: string[], input = ''): Promise<CliResult> =>
      new Promise((resolve, reject) => {
        const cmd = asUser(process.execPath, [bin, '--data-dir', dataDir, ...args]);
        const child = spawn(cmd.command, cmd.args, { env: deviceEnv, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });

    return {
      user,
      uid,
      address: `${user}@127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      sshCommand,
      home,
      dataDir,
      busAddress,
      unit,
      card,
      webdav,
      own,
      run(command, args) {
        const cmd = asUser(command, args);
        return execFileSync(cmd.command, cmd.args, { env: deviceEnv }).toString();
      },
      killSshSessions(signal = 'SIGKILL') {
        const pids = processesOf(uid, ['sshd']);
        for (const pid of pids) process.kill(pid, signal);
        return pids.length;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
