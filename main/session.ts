// A connection to the sync daemon and the backup service: the ones already on the session bus, or an
// engine started in this process when none runs. The CLI and the Settings UI both work through one.
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { openSessionBus, type BusConnection } from './dbus/bus.js';
import { DBusClient } from './dbus/DBusClient.js';
import { Engine, type EngineOptions } from './engine.js';
import type { Stores } from './stores.js';
import { activateDaemon, installedFor } from './service/activation.js';
import { VaultProxy } from './vault/VaultProxy.js';

export class DaemonSession {
  private constructor(
    readonly connection: BusConnection,
    readonly client: DBusClient,
    readonly msyncd: MsyncdProxy,
    readonly vault: VaultProxy,
    /** Set when this process runs the engine itself. */
    readonly engine: Engine | undefined,
    private readonly detach: () => void,
    /** Whether the background service serves this data dir (it takes over when this engine stops). */
    private readonly serviceInstalled: () => boolean = () => false,
  ) {}

  static async open(
    stores: Stores,
    env: NodeJS.ProcessEnv,
    notice: (text: string) => void = () => {},
    options: EngineOptions = {},
  ): Promise<DaemonSession> {
    const connection = await openSessionBus(env, notice);
    try {
      const client = new DBusClient(connection.bus);
      const msyncd = new MsyncdProxy(client);
      const vault = new VaultProxy(client);
      // An installed service is started by the bus (serviceFiles.ts) rather than run in this process.
      const installed = () => installedFor(stores.paths.dataDir, env);
      if (!(await msyncd.isRunning()) && !(installed() && (await activateDaemon(client)))) {
        const engine = await Engine.start(stores, connection.bus, options);
        return new DaemonSession(connection, client, msyncd, vault, engine, () => {}, installed);
      }
      // Another process runs the daemon: still tell it (and everyone) about account edits made here.
      const off = stores.accountStore.onChange((change) => emitAccountChanged(client, change));
      return new DaemonSession(connection, client, msyncd, vault, undefined, off);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  /** Calls back when the sync daemon or the backup service leaves the bus (killed, crashed). */
  onServicesLost(handler: (name: string) => void): Promise<() => Promise<void>> {
    const watched = new Set(['com.meego.msyncd', 'org.sailfishos.backup']);
    return this.client.subscribe(
      { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
      (body) => {
        const [name, , owner] = body as [string, string, string];
        if (watched.has(name) && owner === '') handler(name);
      },
    );
  }

  async close(): Promise<void> {
    this.detach();
    if (this.engine) {
      await this.engine.stop();
      // This process ran the engine itself; the background service takes over its schedules.
      if (this.serviceInstalled()) await activateDaemon(this.client).catch(() => false);
    }
    await this.connection.close();
  }
}
