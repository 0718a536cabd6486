// Low-level typed calls and signal subscriptions on one bus connection. Proxies are built on this,
// so callers never scatter string method names or signatures around.
import dbus from 'dbus-next';
import type { MessageBus } from './bus.js';
import { logger } from '../log.js';

const log = logger('dbus');

const { Message, MessageFlag, MessageType } = dbus;

export interface SignalMatch {
  sender?: string;
  path?: string;
  interface: string;
  member?: string;
}

export type SignalHandler = (body: unknown[], message: dbus.Message) => void;

function ruleText(match: SignalMatch): string {
  const parts = [`type='signal'`, `interface='${match.interface}'`];
  if (match.sender) parts.push(`sender='${match.sender}'`);
  if (match.path) parts.push(`path='${match.path}'`);
  if (match.member) parts.push(`member='${match.member}'`);
  return parts.join(',');
}

export class DBusCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'DBusCallError';
  }
}

export class DBusClient {
  constructor(readonly bus: MessageBus) {
    // One listener per subscription: the UI bridge and a running operation hold a dozen at once.
    bus.setMaxListeners(Math.max(bus.getMaxListeners(), 200));
  }

  async call(
    destination: string,
    path: string,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
  ): Promise<unknown[]> {
    const message = new Message({ destination, path, interface: iface, member, signature, body });
    let reply: dbus.Message | null;
    try {
      reply = await this.bus.call(message);
    } catch (err) {
      const e = err as { type?: string; text?: string; message?: string };
      throw new DBusCallError(e.type ?? 'org.freedesktop.DBus.Error.Failed', e.text ?? e.message ?? String(err));
    }
    return (reply?.body as unknown[] | undefined) ?? [];
  }

  /** A call marked NoReply, as msyncd's abortSync is: sent without waiting (msyncd never answers it). */
  callNoReply(
    destination: string,
    path: string,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
  ): void {
    const message = new Message({ destination, path, interface: iface, member, signature, body });
    message.flags |= MessageFlag.NO_REPLY_EXPECTED;
    this.bus.send(message);
  }

  async nameHasOwner(name: string): Promise<boolean> {
    const [owned] = await this.call(
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'NameHasOwner',
      's',
      [name],
    );
    return owned === true;
  }

  /** Subscribes to a signal; the returned function removes the match rule and the handler. */
  async subscribe(match: SignalMatch, handler: SignalHandler): Promise<() => Promise<void>> {
    const rule = ruleText(match);
    const listener = (msg: dbus.Message) => {
      if (msg.type !== MessageType.SIGNAL || msg.interface !== match.interface) return;
      if (match.member && msg.member !== match.member) return;
      if (match.path && msg.path !== match.path) return;
      handler((msg.body as unknown[] | undefined) ?? [], msg);
    };
    this.bus.on('message', listener);
    await this.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [rule]);
    return async () => {
      this.bus.off('message', listener);
      await this.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'RemoveMatch', 's', [
        rule,
      ]).catch(log.ignored(`removing the match rule ${rule}`));
    };
  }

  emitSignal(path: string, iface: string, member: string, signature: string, body: unknown[]): void {
    this.bus.send(new Message({ type: MessageType.SIGNAL, path, interface: iface, member, signature, body }));
  }
}

/** Claims a well-known name; fails when another process owns it (DO_NOT_QUEUE). */
export async function requestName(bus: MessageBus, name: string): Promise<void> {
  const DO_NOT_QUEUE = 4;
  const PRIMARY_OWNER = 1;
  const result = await bus.requestName(name, DO_NOT_QUEUE);
  if (result !== PRIMARY_OWNER) throw new Error(`The name ${name} is already owned on this bus`);
}
