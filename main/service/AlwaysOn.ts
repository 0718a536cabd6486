// What makes `sfbackup daemon` a desktop service: the connection rule from NetworkManager, missed
// schedules caught up at start, notifications for failed automatic backups, leaving when idle after
// an on-demand start (never mid-run), and stopping when its session bus goes away.
import { spawn } from 'node:child_process';
import { MinorCode, SyncStatus } from '../buteo/codes.js';
import { connectionGate } from '../buteo/connectionRule.js';
import type { MessageBus } from '../dbus/bus.js';
import type { ProfileManager } from '../buteo/ProfileManager.js';
import type { SyncDaemon, SyncDaemonOptions } from '../buteo/SyncDaemon.js';
import { errorMessage } from '../errors.js';
import { isBusyVaultStatus, type VaultStatus } from '../vocabulary.js';
import { NetworkMonitor } from '../system/networkManager.js';
import { DesktopNotifier } from '../system/notifications.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { IdleWatch } from './IdleWatch.js';
import { MSYNCD_NAME, VAULT_NAME } from './serviceFiles.js';
import { commandLine, thisProgram } from './program.js';

export interface AlwaysOnOptions {
  /** Set when started on demand (by the bus, systemd or autostart): leave after this long idle. */
  exitWhenIdleMs: number | undefined;
  notifyFinished: boolean;
}

export type EndReason = 'idle' | 'bus-lost';

/** What the always-on service follows of the engine it runs beside (main/engine.ts composes both). */
export interface RunningEngine {
  daemon: SyncDaemon;
  vault: { readonly snapshot: { status: VaultStatus } };
}

/** What it reads of the stores: profiles for schedules, account names for notifications. */
export interface EngineStores {
  profiles: ProfileManager;
  accounts: { get(id: number): { name: string } };
  paths: { dataDir: string };
}
export class AlwaysOn {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private endWith: (reason: EndReason) => void = () => {};
  /** Resolves when the daemon should stop by itself. */
  readonly ended: Promise<EndReason>;

  private constructor(
    private readonly network: NetworkMonitor,
    private readonly options: AlwaysOnOptions,
    private readonly note: (text: string) => void,
  ) {
    this.ended = new Promise((resolve) => (this.endWith = resolve));
  }

  /** Follows the network before the engine starts, so the first schedule check already knows it. */
  static async prepare(env: NodeJS.ProcessEnv, options: AlwaysOnOptions, note: (text: string) => void) {
    return new AlwaysOn(await NetworkMonitor.start(env, note), options, note);
  }

  /**
   * Started on demand while another daemon holds the names (two activations at once, or one run by
   * hand): wait until it owns both and leave it the work. False when nobody else owns them.
   */
  async yieldsToRunningDaemon(bus: MessageBus): Promise<boolean> {
    if (this.options.exitWhenIdleMs === undefined) return false;
    const client = new DBusClient(bus);
    if (!(await client.nameHasOwner(MSYNCD_NAME))) return false;
    for (let i = 0; i < 600 && !(await client.nameHasOwner(VAULT_NAME)); i++)
      await new Promise((r) => setTimeout(r, 100));
    return true;
  }

  get engineOptions(): SyncDaemonOptions {
    return { gate: connectionGate(() => this.network.state) };
  }

  async attach(engine: RunningEngine, bus: MessageBus, stores: EngineStores): Promise<void> {
    const { daemon, vault } = engine;
    const recheck = () => {
      try {
        daemon.checkSchedules();
      } catch (err) {
        this.note(`Checking the schedules failed: ${errorMessage(err)}`);
      }
    };
    this.network.on('change', recheck);
    this.cleanups.push(() => void this.network.off('change', recheck));
    const sayWaiting = (profile: string, status: number, message: string, details: number) => {
      if (status === SyncStatus.NotPossible && details === MinorCode.Offline) this.note(`${profile}: ${message}`);
    };
    daemon.on('syncStatus', sayWaiting);
    this.cleanups.push(() => void daemon.off('syncStatus', sayWaiting));

    const notifier = await DesktopNotifier.attach(bus, daemon, {
      notifyFinished: this.options.notifyFinished,
      describe: (profile) => {
        try {
          const id = stores.profiles.load(profile)?.accountId;
          return id === undefined ? undefined : stores.accounts.get(id).name;
        } catch {
          return undefined; // a damaged profile or a removed account: say it without the name
        }
      },
      openBackupPage: () => this.openBackupPage(stores.paths.dataDir),
      note: this.note,
    });
    this.cleanups.push(() => notifier.close());

    if (this.options.exitWhenIdleMs !== undefined) {
      const watch = new IdleWatch({
        idleMs: this.options.exitWhenIdleMs,
        busy: () => {
          try {
            return (
              daemon.runningSyncs().length + daemon.queuedSyncs().length + daemon.waitingSyncs().length > 0 ||
              isBusyVaultStatus(vault.snapshot.status) ||
              // A schedule needs a daemon at its time: one with schedules stays, like msyncd.
              stores.profiles.list().some((p) => p.enabled && p.schedule?.enabled)
            );
          } catch {
            return true; // when in doubt, stay
          }
        },
        onIdle: () => this.endWith('idle'),
      });
      watch.watchCalls(bus);
      this.cleanups.push(() => watch.stop());
    }

    onConnectionEnd(bus, () => this.endWith('bus-lost'));
    // Catch up at once: a schedule missed while no daemon ran runs now (or waits for its connection).
    recheck();
  }

  /** The notification's action: the Settings UI on its Backup page, as a program of its own. */
  private openBackupPage(dataDir: string): void {
    try {
      const program = thisProgram(dataDir);
      const [node, ...args] = commandLine(program, ['ui', '--page', 'backup']);
      const child = spawn(node!, args, { detached: true, stdio: 'ignore', env: { ...process.env, ...program.env } });
      child.on('error', (err) => this.note(`Could not open the Backup page: ${err.message}`));
      child.unref();
    } catch (err) {
      this.note(`Could not open the Backup page: ${errorMessage(err)}`);
    }
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
    await this.network.close();
  }
}

/** dbus-next says nothing when the bus closes the socket; its connection's stream does. */
function onConnectionEnd(bus: MessageBus, handler: () => void): void {
  const connection = (bus as unknown as { _connection?: NodeJS.EventEmitter })._connection;
  connection?.once('end', handler);
  bus.on('error', handler);
}
