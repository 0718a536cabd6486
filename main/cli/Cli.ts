// What every command gets: parsed global options, output helpers, the stores, and (on demand) a
// session with the sync daemon and vault: the ones on the bus, or an engine started for this run.
// The bus, the session, the engine and the device's connection are loaded when a command asks for them
// (index.ts says why).
import { resolvePaths, type AppPaths } from '../paths.js';
import type { DaemonSession } from '../session.js';
import { parseDeviceAddress, type DeviceAddress } from '../device/deviceAddress.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import type { ServiceSession } from '../serviceSession.js';
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
  private deviceSession: DeviceSession | undefined;
  /** `--device`: the commands act on that device's own services, over SSH. */
  readonly device: DeviceAddress | undefined;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  constructor(
    readonly out: Output,
    private readonly dataDir: string | undefined,
    readonly env: NodeJS.ProcessEnv = process.env,
    device?: { address: string | undefined; bus: string | undefined },
  ) {
    this.device = device?.address !== undefined ? parseDeviceAddress(device.address) : undefined;
    this.deviceBus = device?.bus;
  }

  private readonly deviceBus: string | undefined;

  /** The device's own sync daemon and backup service, over SSH (`--device`). */
  async deviceServices(): Promise<DeviceSession> {
    if (this.deviceSession) return this.deviceSession;
    if (!this.device) throw new Error('no --device given');
    const { DeviceSession } = await import('../device/DeviceSession.js');
    const session = await DeviceSession.open(this.device, {
      env: this.env,
      // ssh may ask for a passphrase or a new host key on the terminal, as it does for the user's own commands.
      interactive: process.stdin.isTTY === true,
      ...(this.deviceBus ? { deviceBus: this.deviceBus } : {}),
    });
    this.cleanups.push(() => session.close());
    this.deviceSession = session;
    return session;
  }

  /** The services a command acts on: the device's with --device, else this data dir's engine. */
  services(): Promise<ServiceSession> {
    return this.device ? this.deviceServices() : this.daemon();
  }

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
