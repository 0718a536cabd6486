// What every command gets: parsed global options, output helpers, the stores, and (on demand) a
// session with the sync daemon and vault: the ones on the bus, or an engine started for this run.
// The bus, the session and the engine are loaded when a command asks for them (index.ts says why).
import { resolvePaths, type AppPaths } from '../paths.js';
import type { DaemonSession } from '../session.js';
import { openStores, type Stores } from '../stores.js';

export interface Output {
  json: boolean;
  /** The command's result: JSON in --json mode, else the text lines. */
  result(data: unknown, text: () => string | string[]): void;
  /** Progress and notices go to stderr, never mixed with results. */
  note(text: string): void;
}

export class Cli {
  private storesValue: Stores | undefined;
  private session: DaemonSession | undefined;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  constructor(
    readonly out: Output,
    private readonly dataDir: string | undefined,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Where things are kept, without opening anything. */
  get paths(): AppPaths {
    return this.storesValue?.paths ?? resolvePaths({ dataDir: this.dataDir, env: this.env });
  }

  get stores(): Stores {
    if (!this.storesValue) {
      this.storesValue = openStores(resolvePaths({ dataDir: this.dataDir, env: this.env }), this.env);
      const stores = this.storesValue;
      this.cleanups.push(() => stores.close());
    }
    return this.storesValue;
  }

  /**
   * The daemon and vault on the session bus; when none runs, an engine in this process for the run.
   * Such an engine runs schedules only for long-lived commands (`ui`): a one-shot command would
   * cancel a scheduled backup it started when it ends.
   */
  async daemon(options: { schedules?: boolean } = {}): Promise<DaemonSession> {
    if (this.session) return this.session;
    const note = (text: string) => this.out.note(text);
    const { DaemonSession } = await import('../session.js');
    // Scheduled runs keep the profiles' connection rule, as in the daemon.
    const { NetworkMonitor } = await import('../system/networkManager.js');
    const { connectionGate } = await import('../buteo/connectionRule.js');
    const network = options.schedules ? await NetworkMonitor.start(this.env, note) : undefined;
    if (network) this.cleanups.push(() => network.close());
    const session = await DaemonSession.open(
      this.stores,
      this.env,
      note,
      network ? { gate: connectionGate(() => network.state) } : { scheduleCheckMs: 0 },
    );
    network?.on('change', () => session.engine?.daemon.checkSchedules());
    this.cleanups.push(() => session.close());
    this.session = session;
    return session;
  }

  /** Connects to an existing session bus only to announce account changes; no bus, no signal. */
  async announceAccountChanges(): Promise<void> {
    if (!this.env.DBUS_SESSION_BUS_ADDRESS || this.session) return;
    try {
      const [{ openSessionBus }, { DBusClient }, { emitAccountChanged }] = await Promise.all([
        import('../dbus/bus.js'),
        import('../dbus/DBusClient.js'),
        import('../accounts/accountChangedSignal.js'),
      ]);
      const connection = await openSessionBus(this.env);
      this.cleanups.push(() => connection.close());
      const client = new DBusClient(connection.bus);
      this.stores.accountStore.onChange((change) => emitAccountChanged(client, change));
    } catch {
      // Announcing is a courtesy; the database is the source of truth.
    }
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep closing the rest
      }
    }
  }
}
