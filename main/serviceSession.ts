// What operations need of a connection to a sync daemon and a backup service: this computer's engine
// (DaemonSession) or a device's own services over SSH (device/DeviceSession).
import type { MsyncdProxy } from './buteo/MsyncdProxy.js';
import type { DBusClient } from './dbus/DBusClient.js';
import type { VaultProxy } from './vault/VaultProxy.js';

export interface ServiceSession {
  readonly client: DBusClient;
  readonly msyncd: MsyncdProxy;
  readonly vault: VaultProxy;
  /** Calls back when the sync daemon or the backup service is gone (left the bus, or the bus or link went). */
  onServicesLost(handler: (name: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
