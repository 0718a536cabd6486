// A bus in memory that hands out messages as dbus-next does (a whole read at once), with a stand-in
// vault's signals: for tests of which signals tell a command its own operation's outcome.
import { EventEmitter } from 'node:events';
import dbus from 'dbus-next';
import { VAULT_INTERFACE, VAULT_PATH } from '../../main/vault/vaultService.js';

const { Message, MessageType, Variant } = dbus;

/** What the stand-in vault sends back in one read when it gets a call: `reply()` is the call's answer. */
export type Script = (call: dbus.Message, reply: () => dbus.Message, bus: OneReadBus) => dbus.Message[];

/**
 * A bus in memory that delivers as dbus-next does: each message of a read is emitted in turn, and a
 * reply settles its call on the spot; the code awaiting that call resumes only after the whole read.
 */
export class OneReadBus extends EventEmitter {
  private serial = 1;
  private readonly calls = new Map<string, (reply: dbus.Message) => void>();
  /** dbus-next's socket, whose end (the bus daemon gone) the client hears. */
  readonly _connection = { stream: new EventEmitter() };

  constructor(private readonly script: (call: dbus.Message, reply: () => dbus.Message) => dbus.Message[]) {
    super();
  }

  call(message: dbus.Message): Promise<dbus.Message> {
    const serial = String((message.serial = this.serial++));
    return new Promise((resolve) => {
      this.calls.set(serial, resolve);
      const reply = () => new Message({ type: MessageType.METHOD_RETURN, replySerial: serial, destination: ':1.1' });
      // Answered in a read of its own, as from a bus daemon.
      setImmediate(() => this.read(this.script(message, reply)));
    });
  }

  send(): void {}

  /** The bus daemon goes away. */
  end(): void {
    this._connection.stream.emit('end');
  }

  /** One read: the messages, in the order they came. */
  read(messages: dbus.Message[]): void {
    for (const message of messages) {
      this.emit('message', message);
      if (message.replySerial) this.calls.get(String(message.replySerial))?.(message);
    }
  }
}

export const signal = (member: string, signature: string, body: unknown[]) =>
  new Message({ type: MessageType.SIGNAL, path: VAULT_PATH, interface: VAULT_INTERFACE, member, signature, body });

/** The vault's properties changing, as PropertiesChanged carries them (strings only). */
export const vaultProperties = (changed: Record<string, string>) =>
  new Message({
    type: MessageType.SIGNAL,
    path: VAULT_PATH,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'PropertiesChanged',
    signature: 'sa{sv}as',
    body: [
      VAULT_INTERFACE,
      Object.fromEntries(Object.entries(changed).map(([key, value]) => [key, new Variant('s', value)])),
      [],
    ],
  });
