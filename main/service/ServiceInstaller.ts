// sfbackup service install | uninstall | status: writes and removes the unit, activation and autostart
// files (serviceFiles.ts), tells systemd and the session bus, and says in words what runs and what starts.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { connectBus, waitConnected } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { InputError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../fsAtomic.js';
import { activateDaemon, nameOwner, reloadBusConfig, type NameOwner } from './activation.js';
import { thisProgram, type Program } from './program.js';
import {
  autostartEntry,
  dbusServiceFile,
  MARKER,
  MSYNCD_NAME,
  serviceFilePaths,
  systemdUnit,
  UNIT_NAME,
  VAULT_NAME,
  type DaemonSettings,
  type ServiceFilePaths,
} from './serviceFiles.js';
import { serviceSummary, type ServiceStatus, type ServiceFileState } from './serviceStatus.js';

export const defaultDaemonSettings: DaemonSettings = { exitWhenIdleSeconds: 600, notifyFinished: false };

function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 15_000 }, (err, stdout) => resolve({ ok: !err, stdout: String(stdout) }));
  });
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir, name);
    if (dir && path.isAbsolute(candidate) && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A systemd user manager runs for this session (its private socket exists and systemctl answers). */
async function systemdUserSession(env: NodeJS.ProcessEnv): Promise<boolean> {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || !existsSync(path.join(runtime, 'systemd', 'private'))) return false;
  return (await run('systemctl', ['--user', 'show-environment'])).ok;
}

function readOurs(file: string): string | undefined | null {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return text.startsWith(MARKER) ? text : null;
}

export class ServiceInstaller {
  private readonly paths: ServiceFilePaths;
  private readonly program: Program;

  constructor(
    dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly note: (text: string) => void = () => {},
  ) {
    this.paths = serviceFilePaths(env);
    this.program = thisProgram(dataDir, env);
  }

  /** The session bus, when this session has one; never a private bus started for the purpose. */
  private async withSessionBus<T>(use: (client: DBusClient) => Promise<T>): Promise<T | undefined> {
    const address = this.env.DBUS_SESSION_BUS_ADDRESS;
    if (!address) return undefined;
    const bus = connectBus(address);
    bus.on('error', () => {});
    try {
      await waitConnected(bus);
      return await use(new DBusClient(bus));
    } catch (err) {
      this.note(`The session bus did not answer (${errorMessage(err)}).`);
      return undefined;
    } finally {
      bus.disconnect();
    }
  }

  async install(settings: DaemonSettings = defaultDaemonSettings): Promise<ServiceStatus> {
    const systemd = await systemdUserSession(this.env);
    const spec = { program: this.program, daemon: settings, systemd, gdbus: findOnPath('gdbus', this.env) };
    const files: Array<[string, string | undefined]> = [
      [this.paths.unit, systemdUnit(spec)],
      [this.paths.msyncd, dbusServiceFile(MSYNCD_NAME, spec)],
      [this.paths.vault, dbusServiceFile(VAULT_NAME, spec)],
      // With systemd the enabled unit starts it at login; without, the desktop's autostart does.
      [this.paths.autostart, systemd ? undefined : autostartEntry(spec)],
    ];
    for (const [file] of files)
      if (readOurs(file) === null)
        throw new InputError(`${file} exists and was not written by sfbackup; move it away and install again`);
    for (const [file, text] of files) {
      if (text !== undefined) writeFileAtomic(file, text);
      else rmSync(file, { force: true });
    }
    if (systemd) {
      await run('systemctl', ['--user', 'daemon-reload']);
      if (!(await run('systemctl', ['--user', 'enable', UNIT_NAME])).ok)
        this.note(`systemctl --user enable ${UNIT_NAME} failed; the daemon will still start on demand.`);
    }
    await this.withSessionBus(async (client) => {
      await reloadBusConfig(client);
      // Start it now, unless something (this app's window, a daemon run by hand) already runs the daemon.
      if (!(await client.nameHasOwner(MSYNCD_NAME)) && !(await activateDaemon(client)))
        this.note('The daemon did not start through the session bus; it will start at the next login.');
    });
    return this.status();
  }

  async uninstall(): Promise<ServiceStatus> {
    const systemd = await systemdUserSession(this.env);
    if (systemd) await run('systemctl', ['--user', 'disable', '--now', UNIT_NAME]);
    else {
      const owner = await this.withSessionBus((client) => nameOwner(client, MSYNCD_NAME));
      // Stop the daemon the service started (it cancels a running backup cleanly), not a window's engine.
      if (owner && this.startedByService(owner)) process.kill(owner.pid, 'SIGTERM');
    }
    for (const file of Object.values(this.paths) as string[]) if (typeof readOurs(file) === 'string') rmSync(file);
    if (systemd) await run('systemctl', ['--user', 'daemon-reload']);
    await this.withSessionBus((client) => reloadBusConfig(client));
    return this.status();
  }

  private startedByService(owner: NameOwner): boolean {
    return owner.commandLine.includes(this.program.script) && owner.commandLine.includes('--exit-when-idle');
  }

  private fileState(role: ServiceFileState['role'], file: string): ServiceFileState {
    const text = readOurs(file);
    if (text === undefined) return { role, path: file, state: 'missing' };
    if (text === null) return { role, path: file, state: 'foreign' };
    // Current when it starts this very program (moved or upgraded installs leave stale paths behind).
    const startsThrough = `'--activate' '${MSYNCD_NAME}'`;
    const current = text.includes(this.program.script) || (role === 'vault' && text.includes(startsThrough));
    return { role, path: file, state: current ? 'current' : 'outdated' };
  }

  async status(): Promise<ServiceStatus> {
    const systemd = await systemdUserSession(this.env);
    const files = (Object.entries(this.paths) as Array<[ServiceFileState['role'], string]>).map(([role, file]) =>
      this.fileState(role, file),
    );
    const byRole = (role: ServiceFileState['role']) => files.find((f) => f.role === role)!;
    const owner = await this.withSessionBus((client) => nameOwner(client, MSYNCD_NAME));
    const enabled = systemd
      ? (await run('systemctl', ['--user', 'is-enabled', UNIT_NAME])).stdout.trim() === 'enabled'
      : byRole('autostart').state === 'current';
    const activation = [byRole('msyncd'), byRole('vault')];
    const status: Omit<ServiceStatus, 'summary'> = {
      installed: activation.every((f) => f.state === 'current' || f.state === 'outdated'),
      current: activation.every((f) => f.state === 'current'),
      manager: systemd ? 'systemd' : 'dbus',
      enabled,
      running: owner !== undefined,
      runningAsService: owner ? this.startedByService(owner) : false,
      pid: owner?.pid ?? null,
      runningCommand: owner ? owner.commandLine.join(' ') : null,
      sessionBus: this.env.DBUS_SESSION_BUS_ADDRESS !== undefined,
      files,
    };
    return { ...status, summary: serviceSummary(status) };
  }
}
