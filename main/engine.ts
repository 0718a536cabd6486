// The composition root of the backend: the sync daemon and the vault, exported on one bus connection,
// run by at most one process per data dir (engineLock.ts).
import { rm } from 'node:fs/promises';
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { MsyncdInterface, MSYNCD_PATH, MSYNCD_SERVICE } from './buteo/msyncdService.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { SyncDaemon, type SyncDaemonOptions } from './buteo/SyncDaemon.js';
import type { MessageBus } from './dbus/bus.js';
import { DBusClient, requestName } from './dbus/DBusClient.js';
import { canonicalDir, EngineLock } from './engineLock.js';
import { EngineClients, EngineInterface, ENGINE_PATH, trackCallers } from './engineService.js';
import { InputError } from './errors.js';
import type { TransferLimits } from './plugins/webdav/WebDavConnection.js';
import { BackupPluginFactory } from './plugins/registry.js';
import type { Stores } from './stores.js';
import { localDeviceId } from './vault/deviceId.js';
import { Vault } from './vault/Vault.js';
import { VaultInterface, VAULT_PATH, VAULT_SERVICE } from './vault/vaultService.js';
import { VaultProxy } from './vault/VaultProxy.js';
import { ownWorkDir, removeAbandonedWork } from './vault/workDirs.js';

export interface EngineOptions extends SyncDaemonOptions {
  deviceId?: string;
  /** Idle timeout of WebDAV requests. */
  idleTimeoutMs?: number;
  /** Timeouts and the minimum rate of WebDAV transfers (defaults in WebDavConnection.ts). */
  transferLimits?: Partial<TransferLimits>;
  /** The data dir's engine lock, when the caller took it already. */
  lock?: EngineLock;
  /** The bus address published for other processes on this data dir. */
  busAddress?: string;
}

/** Another process runs the engine for this data dir. */
export class EngineBusy extends InputError {
  constructor(dataDir: string) {
    const holder = EngineLock.readRecord(dataDir);
    super(
      `Another sfbackup process${holder ? ` (pid ${holder.pid})` : ''} already runs the sync daemon for ${dataDir}` +
        (holder ? `; reach it with: export DBUS_SESSION_BUS_ADDRESS='${holder.busAddress}'` : '; stop it first'),
    );
    this.name = 'EngineBusy';
  }
}

export class Engine {
  private constructor(
    readonly daemon: SyncDaemon,
    readonly vault: Vault,
    /** The commands using this engine from other processes. */
    readonly clients: EngineClients,
    private readonly bus: MessageBus,
    private readonly lock: EngineLock,
    private readonly workDir: string,
    private readonly detach: () => void,
  ) {}

  /**
   * Takes the data dir's engine lock, exports com.meego.msyncd, org.sailfishos.backup and the engine's
   * own interface; fails if another process runs an engine for this data dir or owns either name.
   */
  static async start(stores: Stores, bus: MessageBus, options: EngineOptions = {}): Promise<Engine> {
    const lock = options.lock ?? EngineLock.tryAcquire(stores.paths.dataDir);
    if (!lock) throw new EngineBusy(stores.paths.dataDir);
    const client = new DBusClient(bus);
    const msyncd = new MsyncdProxy(client);
    const vaultProxy = new VaultProxy(client);
    const plugins = new BackupPluginFactory(stores.catalog, {
      accounts: stores.accounts,
      vault: vaultProxy,
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.transferLimits ? { transferLimits: options.transferLimits } : {}),
    });
    const daemon = new SyncDaemon(stores.profiles, plugins, options);
    const workDir = ownWorkDir(stores.paths.vaultDir);
    const vault = new Vault(msyncd, stores.units, workDir, options.deviceId ?? localDeviceId());
    const clients = new EngineClients();
    const callers = trackCallers(bus);
    const msyncdIface = new MsyncdInterface(daemon);
    const vaultIface = new VaultInterface(vault, msyncd);
    const engineIface = new EngineInterface(
      { dataDir: lock.dataDir, accountsDatabase: canonicalDir(stores.paths.accountsDb), processId: process.pid },
      clients,
      callers.caller,
    );
    bus.export(MSYNCD_PATH, msyncdIface);
    bus.export(VAULT_PATH, vaultIface);
    bus.export(ENGINE_PATH, engineIface);
    const offAccounts = stores.accountStore.onChange((change) => emitAccountChanged(client, change));
    const offClients = client.subscribe(
      { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
      (body) => {
        const [name, , owner] = body as [string, string, string];
        if (name.startsWith(':') && owner === '') clients.detach(name);
      },
    );
    const detach = () => {
      offAccounts();
      callers.stop();
      void offClients.then((off) => off());
      bus.unexport(MSYNCD_PATH, msyncdIface);
      bus.unexport(VAULT_PATH, vaultIface);
      bus.unexport(ENGINE_PATH, engineIface);
    };
    try {
      await offClients;
      await requestName(bus, MSYNCD_SERVICE);
      await requestName(bus, VAULT_SERVICE);
      // With the lock held, every other engine-<pid> folder in vault/ belongs to a process that is gone.
      await removeAbandonedWork(stores.paths.vaultDir);
      await vault.start();
      daemon.recoverInterruptedRuns();
      if (options.busAddress) lock.publish(options.busAddress);
    } catch (err) {
      detach();
      await daemon.stop();
      await bus.releaseName(MSYNCD_SERVICE).catch(() => {});
      await bus.releaseName(VAULT_SERVICE).catch(() => {});
      lock.release();
      throw err;
    }
    return new Engine(daemon, vault, clients, bus, lock, workDir, detach);
  }

  get dataDir(): string {
    return this.lock.dataDir;
  }

  /** Cancels what runs (a restore applying files is waited for), leaves the bus, releases the lock. */
  async stop(): Promise<void> {
    await this.vault.cancel().catch(() => {});
    await this.daemon.stop();
    const idle = await this.vault.settled();
    await this.vault.stop();
    await this.bus.releaseName(MSYNCD_SERVICE).catch(() => {});
    await this.bus.releaseName(VAULT_SERVICE).catch(() => {});
    this.detach();
    if (idle) await rm(this.workDir, { recursive: true, force: true }).catch(() => {});
    this.lock.release();
  }
}
