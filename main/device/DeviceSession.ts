// A device's own sync daemon and backup service, on its session bus, reached through SshLink. Loss of
// the connection is noticed within seconds: ssh's keep-alives end a silent connection, and a D-Bus Ping
// that goes unanswered ends it sooner.
import { EventEmitter } from 'node:events';
import { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { onBusClosed, type MessageBus } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { errorMessage } from '../errors.js';
import type { ServiceSession } from '../serviceSession.js';
import { VaultProxy } from '../vault/VaultProxy.js';
import type { DeviceAddress } from './deviceAddress.js';
import { connectDeviceBus, failPendingCalls } from './deviceBus.js';
import { SshLink, type SshLinkOptions } from './SshLink.js';

/** Ping every second; an answer later than this means the device (or the link) is gone. */
const PING_EVERY_MS = 1000;
const PING_TIMEOUT_MS = 3000;

export class DeviceSession extends EventEmitter implements ServiceSession {
  private lostReason: string | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly link: SshLink,
    private readonly bus: MessageBus,
    readonly client: DBusClient,
    readonly msyncd: MsyncdProxy,
    readonly vault: VaultProxy,
  ) {
    super();
    this.setMaxListeners(100);
  }

  get label(): string {
    return this.link.label;
  }

  /** Why the connection ended, once it has. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  static async open(address: DeviceAddress, options: SshLinkOptions): Promise<DeviceSession> {
    const link = await SshLink.open(address, options);
    let bus: MessageBus | undefined;
    try {
      const socket = await link.forward();
      bus = await connectDeviceBus(socket, link.uid);
      bus.on('error', () => {}); // a broken link shows as 'end' and a failed Ping
      await new Promise<void>((resolve, reject) => {
        const named = bus as unknown as { name?: string | null };
        if (named.name) return resolve();
        bus!.once('connect', () => resolve());
        bus!.once('error', (err: unknown) =>
          reject(new Error(`The device's bus did not accept us: ${errorMessage(err)}`)),
        );
      });
      const client = new DBusClient(bus);
      const session = new DeviceSession(link, bus, client, new MsyncdProxy(client), new VaultProxy(client));
      session.watch();
      return session;
    } catch (err) {
      bus?.disconnect();
      await link.close();
      throw err;
    }
  }

  private watch(): void {
    this.link.once('lost', (reason: string) => this.markLost(reason));
    onBusClosed(this.bus, () => this.markLost(`The connection to ${this.label} ended`));
    const ping = async () => {
      if (this.closed || this.lostReason) return;
      const answered = this.client
        .call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.Peer', 'Ping')
        .then(() => true);
      const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
      const ok = await Promise.race([answered, late]).catch(() => false);
      if (!ok) this.markLost(`${this.label} stopped answering (no reply within ${PING_TIMEOUT_MS / 1000} s)`);
      else this.pinger = setTimeout(() => void ping(), PING_EVERY_MS);
    };
    this.pinger = setTimeout(() => void ping(), PING_EVERY_MS);
  }

  private markLost(reason: string): void {
    if (this.lostReason || this.closed) return;
    this.lostReason = reason;
    clearTimeout(this.pinger);
    this.link.drop(reason);
    this.bus.disconnect();
    failPendingCalls(this.bus, reason);
    this.emit('lost', reason);
  }

  async onServicesLost(handler: (name: string) => void): Promise<() => Promise<void>> {
    const watched = new Set(['com.meego.msyncd', 'org.sailfishos.backup']);
    const onLost = () => handler(`the connection to ${this.label}`);
    if (this.lostReason) {
      onLost();
      return async () => {};
    }
    this.once('lost', onLost);
    const off = await this.client.subscribe(
      { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
      (body) => {
        const [name, , owner] = body as [string, string, string];
        if (watched.has(name) && owner === '') handler(name);
      },
    );
    return async () => {
      this.off('lost', onLost);
      if (!this.lostReason) await off();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pinger);
    this.bus.disconnect();
    await this.link.close();
  }
}
