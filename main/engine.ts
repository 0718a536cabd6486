// The composition root of the backend: the sync daemon and the vault, exported on one bus connection.
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { MsyncdInterface, MSYNCD_PATH, MSYNCD_SERVICE } from './buteo/msyncdService.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { SyncDaemon, type SyncDaemonOptions } from './buteo/SyncDaemon.js';
import type { MessageBus } from './dbus/bus.js';
import { DBusClient, requestName } from './dbus/DBusClient.js';
import { BackupPluginFactory } from './plugins/registry.js';
import { SignInStatusStore } from './signin/SignInStatusStore.js';
import type { Stores } from './stores.js';
import { restoreDirOf } from './vault/backupFiles.js';
import { localDeviceId } from './vault/deviceId.js';
import { ownDataPaths } from './vault/ownData.js';
import { Vault } from './vault/Vault.js';
import { VaultInterface, VAULT_PATH, VAULT_SERVICE } from './vault/vaultService.js';
import { VaultProxy } from './vault/VaultProxy.js';

export interface EngineOptions extends SyncDaemonOptions {
  deviceId?: string;
  /** Idle timeout of WebDAV requests. */
  idleTimeoutMs?: number;
}

export class Engine {
  private constructor(
    readonly daemon: SyncDaemon,
    readonly vault: Vault,
    private readonly bus: MessageBus,
    private readonly detach: () => void,
  ) {}

  /** Exports com.meego.msyncd and org.sailfishos.backup; fails if another process owns either name. */
  static async start(stores: Stores, bus: MessageBus, options: EngineOptions = {}): Promise<Engine> {
    const client = new DBusClient(bus);
    const msyncd = new MsyncdProxy(client);
    const vaultProxy = new VaultProxy(client);
    const plugins = new BackupPluginFactory(stores.catalog, {
      accounts: stores.accounts,
      vault: vaultProxy,
      restoreDir: restoreDirOf(stores.paths.vaultDir),
      signInStatus: new SignInStatusStore(stores.paths.signInStatusFile),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    const daemon = new SyncDaemon(stores.profiles, plugins, options);
    const deviceId = options.deviceId ?? localDeviceId();
    const vault = new Vault(msyncd, stores.units, stores.paths.vaultDir, deviceId, ownDataPaths(stores.paths));
    const msyncdIface = new MsyncdInterface(daemon);
    const vaultIface = new VaultInterface(vault, msyncd);
    bus.export(MSYNCD_PATH, msyncdIface);
    bus.export(VAULT_PATH, vaultIface);
    const offAccounts = stores.accountStore.onChange((change) => emitAccountChanged(client, change));
    try {
      await requestName(bus, MSYNCD_SERVICE);
      await requestName(bus, VAULT_SERVICE);
      await vault.start();
      daemon.recoverInterruptedRuns();
    } catch (err) {
      offAccounts();
      bus.unexport(MSYNCD_PATH, msyncdIface);
      bus.unexport(VAULT_PATH, vaultIface);
      await daemon.stop();
      throw err;
    }
    return new Engine(daemon, vault, bus, () => {
      offAccounts();
      bus.unexport(MSYNCD_PATH, msyncdIface);
      bus.unexport(VAULT_PATH, vaultIface);
    });
  }

  async stop(): Promise<void> {
    await this.vault.stop();
    await this.daemon.stop();
    await this.bus.releaseName(MSYNCD_SERVICE).catch(() => {});
    await this.bus.releaseName(VAULT_SERVICE).catch(() => {});
    this.detach();
  }
}
