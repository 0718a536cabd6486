// Low-level typed calls and signal subscriptions on one bus connection. Proxies are built on this,
// so callers never scatter string method names or signatures around.
import dbus from 'dbus-next';
import { busEnded, DISCONNECTED_ERROR, type MessageBus } from './bus.js';
import { waitingFor } from '../waits.js';
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

/** Whether a call failed because the connection to the bus ended before the answer came. */
export function isDisconnected(err: unknown): boolean {
  return err instanceof DBusCallError && err.type === DISCONNECTED_ERROR;
}

/** Whether a call failed because the name it was sent to has no owner (its process left the bus). */
export function isNameGone(err: unknown): boolean {
  return (
    err instanceof DBusCallError &&
    (err.type === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
      err.type === 'org.freedesktop.DBus.Error.NameHasNoOwner')
  );
}

export class DBusClient {
  /** Messages received so far, and the place of each in that order (see arrivalOf). */
  private received = 0;
  private readonly arrivals = new WeakMap<dbus.Message, number>();
  /** Calls waiting for an answer: each fails when the connection ends (dbus-next leaves them waiting). */
  private readonly waiting = new Set<() => void>();
  private ended = false;

  constructor(readonly bus: MessageBus) {
    // One listener per subscription: the UI bridge and a running operation hold a dozen at once.
    bus.setMaxListeners(Math.max(bus.getMaxListeners(), 200));
    // Registered before any subscription, and dbus-next emits a message before it settles the call it
    // answers, so every signal and every answer is numbered by the time anyone sees it.
    bus.on('message', (msg: dbus.Message) => this.arrivals.set(msg, ++this.received));
    void busEnded(bus).then(() => {
      this.ended = true;
      for (const fail of this.waiting) fail();
      this.waiting.clear();
    });
  }

  /**
   * Where a received message stands in the order this connection received them. Messages from one
   * sender arrive in the order it sent them, so a signal numbered after the answer to a call was sent
   * after that answer, however many of them dbus-next handed out in one go before any await resumed.
   */
  arrivalOf(message: dbus.Message): number {
    return this.arrivals.get(message) ?? 0;
  }

  async call(
    destination: string,
    path: string,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
  ): Promise<unknown[]> {
    return (await this.callInOrder(destination, path, iface, member, signature, body)).body;
  }

  /** A call, with where its answer stands among the received messages (see arrivalOf). */
  async callInOrder(
    destination: string,
    path: string,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
  ): Promise<{ body: unknown[]; arrival: number }> {
    const message = new Message({ destination, path, interface: iface, member, signature, body });
    const answer = new Promise<dbus.Message | null>((resolve, reject) => {
      const fail = () =>
        reject(
          new DBusCallError(
            DISCONNECTED_ERROR,
            `The connection to the bus closed before ${destination} answered ${member}`,
          ),
        );
      if (this.ended) return fail();
      this.waiting.add(fail);
      this.bus
        .call(message)
        .then(resolve, reject)
        .finally(() => this.waiting.delete(fail));
    });
    let reply: dbus.Message | null;
    try {
      reply = await waitingFor(`the answer of ${destination} to ${member}`, answer);
    } catch (err) {
      if (err instanceof DBusCallError) throw err;
      const e = err as { type?: string; text?: string; message?: string };
      throw new DBusCallError(e.type ?? 'org.freedesktop.DBus.Error.Failed', e.text ?? e.message ?? String(err));
    }
    return {
      body: (reply?.body as unknown[] | undefined) ?? [],
      arrival: reply ? this.arrivalOf(reply) : this.received,
    };
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

/** `work` on the bus, failing as a call does when the connection ends before it is done. */
function beforeBusEnds<T>(bus: MessageBus, work: Promise<T>, what: string): Promise<T> {
  const ended = busEnded(bus).then((): never => {
    throw new DBusCallError(DISCONNECTED_ERROR, `The connection to the bus closed before ${what}`);
  });
  return waitingFor(`the bus to ${what}`, Promise.race([work, ended]));
}

/** Claims a well-known name; fails when another process owns it (DO_NOT_QUEUE). */
export async function requestName(bus: MessageBus, name: string): Promise<void> {
  const DO_NOT_QUEUE = 4;
  const PRIMARY_OWNER = 1;
  const result = await beforeBusEnds(bus, bus.requestName(name, DO_NOT_QUEUE), `give this process ${name}`);
  if (result !== PRIMARY_OWNER) throw new Error(`The name ${name} is already owned on this bus`);
}

/** Gives a well-known name back; a bus that is gone has released it already. */
export async function releaseName(bus: MessageBus, name: string): Promise<void> {
  await beforeBusEnds(bus, bus.releaseName(name), `release ${name}`).catch(log.ignored(`releasing ${name}`));
}
