// The desktop's connection, from NetworkManager on the system bus (org.freedesktop.NetworkManager:
// State, PrimaryConnectionType, Metered), followed through its PropertiesChanged signals. Without a
// system bus or NetworkManager the connection is "unknown", which the connection rule allows.
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import dbus from 'dbus-next';
import { connectionFromNetworkManager, type ConnectionState } from '../buteo/connectionRule.js';
import { connectBus, waitConnected, type MessageBus } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { errorMessage } from '../errors.js';
import { logger } from '../log.js';

const log = logger('network');

const NM_SERVICE = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const NM_INTERFACE = 'org.freedesktop.NetworkManager';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const DEFAULT_SYSTEM_BUS = 'unix:path=/var/run/dbus/system_bus_socket';

const UNKNOWN: ConnectionState = { kind: 'unknown', description: 'unknown (no NetworkManager)' };

/** The system bus address: $DBUS_SYSTEM_BUS_ADDRESS, else the standard socket when it exists. */
export function systemBusAddress(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DBUS_SYSTEM_BUS_ADDRESS) return env.DBUS_SYSTEM_BUS_ADDRESS;
  return existsSync('/var/run/dbus/system_bus_socket') ? DEFAULT_SYSTEM_BUS : undefined;
}

function variantValue(props: unknown, name: string): unknown {
  if (!props || typeof props !== 'object') return undefined;
  const entry = (props as Record<string, unknown>)[name];
  return entry instanceof dbus.Variant ? (entry.value as unknown) : undefined;
}

const numberOrUndefined = (v: unknown) => (typeof v === 'number' ? v : undefined);

export class NetworkMonitor extends EventEmitter<{ change: [ConnectionState] }> {
  private current: ConnectionState = UNKNOWN;
  private readonly offs: Array<() => Promise<void>> = [];
  private saidUnavailable = false;
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly bus: MessageBus | undefined,
    private readonly note: (text: string) => void,
  ) {
    super();
  }

  /** Follows NetworkManager on the system bus; says once when there is none and everything counts as allowed. */
  static async start(env: NodeJS.ProcessEnv, note: (text: string) => void): Promise<NetworkMonitor> {
    const address = systemBusAddress(env);
    let bus: MessageBus | undefined;
    if (address) {
      bus = connectBus(address);
      // A system bus that goes away later must not take the daemon down with an unhandled error.
      bus.on('error', () => {});
      try {
        await waitConnected(bus);
      } catch (err) {
        bus.disconnect();
        bus = undefined;
        note(`No system bus (${errorMessage(err)}).`);
      }
    }
    const monitor = new NetworkMonitor(bus, note);
    await monitor.watch();
    return monitor;
  }

  get state(): ConnectionState {
    return this.current;
  }

  private async watch(): Promise<void> {
    if (!this.bus) return this.unavailable();
    const client = new DBusClient(this.bus);
    const refresh = () => {
      this.refreshing = this.refreshing
        .then(() => this.refresh(client))
        .catch((err: unknown) => this.note(`Following NetworkManager failed: ${errorMessage(err)}`));
    };
    this.offs.push(
      await client.subscribe({ interface: PROPERTIES, member: 'PropertiesChanged', path: NM_PATH }, refresh),
      // NetworkManager before 1.2 (and python-dbusmock's template) also send their own signals.
      await client.subscribe({ interface: NM_INTERFACE, path: NM_PATH }, refresh),
      await client.subscribe(
        { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
        (body) => {
          if (body[0] === NM_SERVICE) refresh();
        },
      ),
    );
    refresh();
    await this.refreshing;
  }

  private async refresh(client: DBusClient): Promise<void> {
    let next: ConnectionState;
    try {
      if (!(await client.nameHasOwner(NM_SERVICE))) return this.unavailable();
      const [props] = await client.call(NM_SERVICE, NM_PATH, PROPERTIES, 'GetAll', 's', [NM_INTERFACE]);
      const type = variantValue(props, 'PrimaryConnectionType');
      next = connectionFromNetworkManager({
        state: numberOrUndefined(variantValue(props, 'State')),
        primaryConnectionType: typeof type === 'string' ? type : undefined,
        metered: numberOrUndefined(variantValue(props, 'Metered')),
      });
    } catch (err) {
      this.note(`Could not read NetworkManager's state (${errorMessage(err)}).`);
      return this.unavailable();
    }
    this.set(next);
  }

  private unavailable(): void {
    if (!this.saidUnavailable) {
      this.saidUnavailable = true;
      this.note('NetworkManager is not running: every connection counts as allowed for automatic backups.');
    }
    this.set(UNKNOWN);
  }

  private set(next: ConnectionState): void {
    if (next.kind === this.current.kind && next.description === this.current.description) return;
    this.current = next;
    if (next !== UNKNOWN) this.note(`Connection: ${next.description}.`);
    this.emit('change', next);
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) await off().catch(log.ignored('unsubscribing from NetworkManager'));
    this.bus?.disconnect();
  }
}
