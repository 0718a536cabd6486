// Runs the built sfbackup CLI as a user would, in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { tiedToParent } from '../../main/runDir.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/sfbackup.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    input?: string;
    onStderr?: (text: string) => void;
    /** Sends the signal once stderr matches; `times` sends it that often, 20 ms apart (a double Ctrl-C). */
    signalAfter?: { match: RegExp; signal: NodeJS.Signals; times?: number };
    /** Polled every 5 ms while the command runs: once true, `signal` is sent `times` times, 20 ms apart. */
    signalWhen?: { check: () => boolean; signal: NodeJS.Signals; times?: number };
    /** Runs the CLI as this user and group id (the tests run as root; setpriv drops to it). */
    asUser?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [command, ...prefix] =
      options.asUser === undefined
        ? [process.execPath]
        : ['setpriv', `--reuid=${options.asUser}`, `--regid=${options.asUser}`, '--clear-groups', process.execPath];
    const child = spawn(command, [...prefix, bin, ...args], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(d.toString());
      if (options.signalAfter && !signalled && options.signalAfter.match.test(stderr)) {
        signalled = true;
        const { signal, times = 1 } = options.signalAfter;
        for (let i = 0; i < times; i++) setTimeout(() => child.kill(signal), i * 20);
      }
    });
    const when = options.signalWhen;
    const poll = when
      ? setInterval(() => {
          if (!when.check()) return;
          clearInterval(poll);
          for (let i = 0; i < (when.times ?? 1); i++) setTimeout(() => child.kill(when.signal), i * 20);
        }, 5)
      : undefined;
    child.on('close', () => clearInterval(poll));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The environment of a CLI run: a private data dir, a bus, and no inherited account overrides. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.ACCOUNTS;
  delete env.AG_PROVIDERS;
  delete env.AG_SERVICES;
  return { ...env, ...extra };
}

/** Runs `sfbackup daemon [args]` in its own process and resolves once its services are on the bus. */
export async function startDaemonProcess(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<ChildProcess> {
  const daemon = tiedToParent(process.execPath, [bin, '--data-dir', dataDir, 'daemon', ...args]);
  const child = spawn(daemon.command, daemon.args, {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr.on('data', (d: Buffer) => (said += d.toString()));
  // 30 s: a machine shared by several test runs can be slow to start a process.
  for (let i = 0; i < 600 && !said.includes('running on') && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!said.includes('running on')) {
    child.kill('SIGTERM'); // never leave it behind
    throw new Error(`sfbackup daemon did not start: ${said.trim()}`);
  }
  return child;
}
