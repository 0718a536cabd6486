// One account on a real rclone WebDAV server (optionally behind a fault proxy), a private bus and the
// sync daemon with the vault in its own process: the setting of the archive fault and hostile tests.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { cliEnv, runCli, startDaemonProcess, type CliResult } from './cli.js';
import { FaultProxy } from './faultProxy.js';
import { startRclone, tempDir, type WebDavServer } from './processes.js';
import { filesBelow } from './tree.js';

export interface LogEntry {
  majorCode: number;
  minorCode: number;
  message?: string;
}

export interface BackupWorld {
  server: WebDavServer;
  proxy: FaultProxy | undefined;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  daemon: ChildProcess | undefined;
  cli(args: string[], options?: Parameters<typeof runCli>[1]): Promise<CliResult>;
  /** `--json` command whose output is parsed; fails the test with stderr when it fails. */
  json<T>(args: string[]): Promise<T>;
  /** Backups on the server (full paths), without the checksums folder. */
  serverBackups(): string[];
  lastLog(profile: string): Promise<LogEntry | undefined>;
  /**
   * Replaces (or with undefined, deletes) a file on the server through WebDAV: rclone caches its folder
   * listings, so files changed behind its back are served with stale sizes.
   */
  putOnServer(file: string, data: Buffer | undefined): Promise<void>;
  startDaemon(): Promise<void>;
  killDaemon(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBackupWorld(
  options: { proxy?: boolean; daemon?: boolean; dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<BackupWorld> {
  const server = await startRclone({ user: 'u', password: 'p' });
  const proxy = options.proxy ? await FaultProxy.start(server.url) : undefined;
  const bus = await PrivateBusDaemon.start();
  const env = cliEnv({ ...options.env, DBUS_SESSION_BUS_ADDRESS: bus.address });
  const dataDir = options.dataDir ?? tempDir();
  const cli = (args: string[], opts: Parameters<typeof runCli>[1] = {}) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...opts });
  const world: BackupWorld = {
    server,
    proxy,
    dataDir,
    env,
    daemon: undefined,
    cli,
    async json<T>(args: string[]) {
      const r = await cli(['--json', ...args]);
      if (r.code !== 0) throw new Error(`sfbackup ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    serverBackups: () =>
      filesBelow(server.root)
        .filter((f) => !f.includes('/.checksums/') && !path.basename(f).startsWith('.'))
        .map((f) => path.join(server.root, f)),
    async lastLog(profile) {
      const r = await cli(['--json', 'profiles', 'log', profile]);
      return (JSON.parse(r.stdout) as LogEntry[]).at(-1);
    },
    async putOnServer(file, data) {
      const rel = path.relative(server.root, file).split(path.sep).map(encodeURIComponent).join('/');
      const res = await fetch(`${server.url}/${rel}`, {
        method: data ? 'PUT' : 'DELETE',
        headers: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
        ...(data ? { body: data } : {}),
      });
      if (!res.ok) throw new Error(`${data ? 'PUT' : 'DELETE'} ${rel}: HTTP ${res.status}`);
    },
    async startDaemon() {
      world.daemon = await startDaemonProcess(dataDir, env);
    },
    async killDaemon() {
      const d = world.daemon;
      if (d && d.exitCode === null && d.signalCode === null) {
        d.kill('SIGKILL');
        await once(d, 'exit');
      }
      world.daemon = undefined;
    },
    async stop() {
      const d = world.daemon;
      if (d && d.exitCode === null && d.signalCode === null) {
        d.kill('SIGTERM');
        await once(d, 'exit');
      }
      await proxy?.stop();
      await bus.stop();
      await server.stop();
    },
  };
  const added = await cli(
    ['account', 'add', '--provider', 'webdav', '--server', (proxy ?? server).url, '--user', 'u', '--password-stdin'],
    { input: 'p\n' },
  );
  if (added.code !== 0) throw new Error(`account add failed: ${added.stderr}`);
  if (options.daemon !== false) await world.startDaemon();
  return world;
}
