// The composition root of the backend: the sync daemon and the vault, exported on one bus connection.
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { BackupClientInterface, BACKUP_CLIENT_PATH } from './buteo/backupClientService.js';
import { MsyncdInterface, MSYNCD_PATH, MSYNCD_SERVICE } from './buteo/msyncdService.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { SyncDaemon, type SyncDaemonOptions } from './buteo/SyncDaemon.js';
import type { MessageBus } from './dbus/bus.js';
import { DBusClient, requestName } from './dbus/DBusClient.js';
import { BackupPluginFactory } from './plugins/registry.js';
import { SignInStatusStore } from './signin/SignInStatusStore.js';
import type { Stores } from './stores.js';
import { localDeviceId } from './vault/deviceId.js';
import { Vault } from './vault/Vault.js';
import { VaultInterface, VAULT_PATH, VAULT_SERVICE } from './vault/vaultService.js';
import { VaultProxy } from './vault/VaultProxy.js';

export interface EngineOptions extends SyncDaemonOptions {
  deviceId?: string;
  /** Idle timeout of WebDAV requests. */
  idleTimeoutMs?: number;
  /**
   * Serve one of the two services only, so that a real Buteo msyncd (Ubuntu Touch, the upstream one)
   * can own com.meego.msyncd while this vault serves org.sailfishos.backup, or the other way round.
   */
  only?: 'vault' | 'msyncd';
}

export class Engine {
  private constructor(
    readonly daemon: SyncDaemon,
    readonly vault: Vault,
    private readonly bus: MessageBus,
    private readonly detach: () => void,
    /** Which of the two services this engine owns on the bus. */
    readonly serves: { msyncd: boolean; vault: boolean },
  ) {}

  /** Exports com.meego.msyncd and org.sailfishos.backup; fails if another process owns either name. */
  static async start(stores: Stores, bus: MessageBus, options: EngineOptions = {}): Promise<Engine> {
    const client = new DBusClient(bus);
    const msyncd = new MsyncdProxy(client);
    const vaultProxy = new VaultProxy(client);
    const plugins = new BackupPluginFactory(stores.catalog, {
      accounts: stores.accounts,
      vault: vaultProxy,
      signInStatus: new SignInStatusStore(stores.paths.signInStatusFile),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    const daemon = new SyncDaemon(stores.profiles, plugins, options);
    const vault = new Vault(msyncd, stores.units, stores.paths.vaultDir, options.deviceId ?? localDeviceId());
    const serveMsyncd = options.only !== 'vault';
    const serveVault = options.only !== 'msyncd';
    const msyncdIface = new MsyncdInterface(daemon);
    const backupClientIface = new BackupClientInterface(daemon);
    const vaultIface = new VaultInterface(vault, msyncd, stores.units);
    if (serveMsyncd) bus.export(MSYNCD_PATH, msyncdIface);
    if (serveMsyncd) bus.export(BACKUP_CLIENT_PATH, backupClientIface);
    if (serveVault) bus.export(VAULT_PATH, vaultIface);
    const offAccounts = stores.accountStore.onChange((change) => emitAccountChanged(client, change));
    const detach = () => {
      offAccounts();
      if (serveMsyncd) bus.unexport(MSYNCD_PATH, msyncdIface);
      if (serveMsyncd) bus.unexport(BACKUP_CLIENT_PATH, backupClientIface);
      if (serveVault) bus.unexport(VAULT_PATH, vaultIface);
    };
    try {
      if (serveMsyncd) await requestName(bus, MSYNCD_SERVICE);
      if (serveVault) await requestName(bus, VAULT_SERVICE);
      if (serveVault) await vault.start();
      if (serveMsyncd) daemon.recoverInterruptedRuns();
      else await daemon.stop(); // the real msyncd on the bus runs the profiles
    } catch (err) {
      detach();
      await daemon.stop();
      throw err;
    }
    return new Engine(daemon, vault, bus, detach, { msyncd: serveMsyncd, vault: serveVault });
  }

  async stop(): Promise<void> {
    if (this.serves.vault) await this.vault.stop();
    await this.daemon.stop();
    if (this.serves.msyncd) await this.bus.releaseName(MSYNCD_SERVICE).catch(() => {});
    if (this.serves.vault) await this.bus.releaseName(VAULT_SERVICE).catch(() => {});
    this.detach();
  }
}
