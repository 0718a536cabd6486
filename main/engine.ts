// The composition root of the backend: the sync daemon and the vault, exported on one bus connection,
// run by at most one process per data dir (engineLock.ts).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { BackupClientInterface, BACKUP_CLIENT_PATH } from './buteo/backupClientService.js';
import { MsyncdInterface, MSYNCD_PATH, MSYNCD_SERVICE } from './buteo/msyncdService.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { TRANSFER_PATH } from './buteo/msyncdNames.js';
import { TransferInterface } from './buteo/transferService.js';
import { SyncDaemon, type SyncDaemonOptions } from './buteo/SyncDaemon.js';
import type { MessageBus } from './dbus/bus.js';
import { DBusClient, releaseName, requestName } from './dbus/DBusClient.js';
import { canonicalDir, EngineLock } from './engineLock.js';
import { EngineClients, EngineInterface, ENGINE_PATH, trackCallers } from './engineService.js';
import { InputError } from './errors.js';
import type { TransferLimits } from './plugins/webdav/WebDavConnection.js';
import { BackupPluginFactory } from './plugins/registry.js';
import { DEFAULT_SPOOL_MAX_BYTES } from './plugins/webdav/backupArchive.js';
import { recordingRunOutcomes } from './signin/runOutcomes.js';
import { SignInStatusStore } from './signin/SignInStatusStore.js';
import type { Stores } from './stores.js';
import { restoreDirOf } from './vault/backupFiles.js';
import { localDeviceId } from './vault/deviceId.js';
import { ownDataPaths } from './vault/ownData.js';
import { StreamEndpoints } from './transfer/streamEndpoints.js';
import { Vault } from './vault/Vault.js';
import { VaultInterface, VAULT_PATH, VAULT_SERVICE } from './vault/vaultService.js';
import { VaultProxy } from './vault/VaultProxy.js';
import { ownWorkDir, removeAbandonedWork } from './vault/workDirs.js';
import { logger } from './log.js';

const log = logger('engine');

export interface EngineOptions extends SyncDaemonOptions {
  deviceId?: string;
  /** Idle timeout of WebDAV requests. */
  idleTimeoutMs?: number;
  /**
   * Serve one of the two services only, so that a real Buteo msyncd (Ubuntu Touch, the upstream one)
   * can own com.meego.msyncd while this vault serves org.sailfishos.backup, or the other way round.
   */
  only?: 'vault' | 'msyncd';
  /**
   * Backups up to this size are kept in a local file before their upload, larger ones stream straight
   * up (backupArchive.ts); $SFBACKUP_SPOOL_MAX_BYTES sets it too.
   */
  spoolMaxBytes?: number;
  /** Timeouts and the minimum rate of WebDAV transfers (defaults in WebDavConnection.ts). */
  transferLimits?: Partial<TransferLimits>;
  /** The data dir's engine lock, when the caller took it already. */
  lock?: EngineLock;
  /** The bus address published for other processes on this data dir. */
  busAddress?: string;
}

function spoolFromEnvironment(): number | undefined {
  const value = Number(process.env.SFBACKUP_SPOOL_MAX_BYTES);
  return process.env.SFBACKUP_SPOOL_MAX_BYTES && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
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
    /** Which of the two services this engine owns on the bus. */
    readonly serves: { msyncd: boolean; vault: boolean },
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
    const workDir = ownWorkDir(stores.paths.vaultDir);
    const streams = new StreamEndpoints();
    const webdavPlugins = new BackupPluginFactory(stores.catalog, {
      accounts: stores.accounts,
      vault: vaultProxy,
      // BackupRestore writes only where this engine's vault has it download backups.
      restoreDir: restoreDirOf(workDir),
      streams,
      spoolDir: path.join(workDir, 'upload'),
      spoolMaxBytes: options.spoolMaxBytes ?? spoolFromEnvironment() ?? DEFAULT_SPOOL_MAX_BYTES,
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.transferLimits ? { transferLimits: options.transferLimits } : {}),
    });
    // How each run went at the account's server, for the Accounts page and CredentialsNeedUpdate.
    const plugins = recordingRunOutcomes(
      webdavPlugins,
      stores.accounts,
      new SignInStatusStore(stores.paths.signInStatusFile),
    );
    const daemon = new SyncDaemon(stores.profiles, plugins, options);
    const vault = new Vault(
      msyncd,
      stores.units,
      workDir,
      options.deviceId ?? localDeviceId(),
      path.join(stores.paths.dataDir, 'logs'),
      ownDataPaths(stores.paths),
      streams,
    );
    const serveMsyncd = options.only !== 'vault';
    const serveVault = options.only !== 'msyncd';
    const clients = new EngineClients();
    const callers = trackCallers(bus);
    const msyncdIface = new MsyncdInterface(daemon);
    const backupClientIface = new BackupClientInterface(daemon);
    const transferIface = new TransferInterface(daemon);
    const vaultIface = new VaultInterface(vault, msyncd, stores.units);
    const engineIface = new EngineInterface(
      { dataDir: lock.dataDir, accountsDatabase: canonicalDir(stores.paths.accountsDb), processId: process.pid },
      clients,
      callers.caller,
    );
    if (serveMsyncd) bus.export(MSYNCD_PATH, msyncdIface);
    if (serveMsyncd) bus.export(BACKUP_CLIENT_PATH, backupClientIface);
    if (serveMsyncd) bus.export(TRANSFER_PATH, transferIface);
    if (serveVault) bus.export(VAULT_PATH, vaultIface);
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
      if (serveMsyncd) bus.unexport(MSYNCD_PATH, msyncdIface);
      if (serveMsyncd) bus.unexport(BACKUP_CLIENT_PATH, backupClientIface);
      if (serveMsyncd) bus.unexport(TRANSFER_PATH, transferIface);
      if (serveVault) bus.unexport(VAULT_PATH, vaultIface);
      bus.unexport(ENGINE_PATH, engineIface);
    };
    try {
      await offClients;
      // The vault's name first: a command that sees the sync daemon's name finds the vault beside it
      // (stop() gives the names back in the opposite order).
      if (serveVault) await requestName(bus, VAULT_SERVICE);
      if (serveMsyncd) await requestName(bus, MSYNCD_SERVICE);
      // With the lock held, every other engine-<pid> folder in vault/ belongs to a process that is gone.
      await removeAbandonedWork(stores.paths.vaultDir);
      if (serveVault) await vault.start();
      if (serveMsyncd) daemon.recoverInterruptedRuns();
      else await daemon.stop(); // the real msyncd on the bus runs the profiles
      if (options.busAddress) lock.publish(options.busAddress);
    } catch (err) {
      detach();
      await daemon.stop();
      await releaseName(bus, MSYNCD_SERVICE);
      await releaseName(bus, VAULT_SERVICE);
      lock.release();
      throw err;
    }
    return new Engine(daemon, vault, clients, bus, lock, workDir, detach, { msyncd: serveMsyncd, vault: serveVault });
  }

  get dataDir(): string {
    return this.lock.dataDir;
  }

  /** Cancels what runs (a restore applying files is waited for), leaves the bus, releases the lock. */
  async stop(): Promise<void> {
    if (this.serves.vault)
      await this.vault.cancel().catch((err: unknown) => log.warn('could not cancel the running operation', err));
    await this.daemon.stop();
    const idle = this.serves.vault ? await this.vault.settled() : true;
    if (this.serves.vault) await this.vault.stop();
    if (this.serves.msyncd) await releaseName(this.bus, MSYNCD_SERVICE);
    if (this.serves.vault) await releaseName(this.bus, VAULT_SERVICE);
    this.detach();
    if (idle)
      await rm(this.workDir, { recursive: true, force: true }).catch((err: unknown) =>
        log.warn(`could not remove ${this.workDir} (the next engine does)`, err),
      );
    this.lock.release();
  }
}
