// A D-Bus connection to the device's session bus through the socket ssh forwards. dbus-next answers
// the EXTERNAL challenge with this process's own uid (lib/handshake.js uses process.getuid()); the
// device's bus sees the connection as coming from sshd running as the device user, so it must claim
// *that* uid instead. dbus-next has no option for it, so the connection is put together here from
// dbus-next's own pieces (its MessageBus, message parser and marshaller, as lib/connection.js does),
// with a handshake of our own in front.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { MessageBus } from '../dbus/bus.js';

const require = createRequire(import.meta.url);

type MessageBusClass = new (connection: EventEmitter) => MessageBus;
const MessageBusImpl = require('dbus-next/lib/bus.js') as MessageBusClass;
const { Message } = require('dbus-next/lib/message-type.js') as { Message: new (fields: unknown) => unknown };
const { unmarshalMessages } = require('dbus-next/lib/message.js') as {
  unmarshalMessages: (stream: Duplex, onMessage: (message: unknown) => void, opts: object) => void;
};
const { messageToJsFmt, marshallMessage } = require('dbus-next/lib/marshall-compat.js') as {
  messageToJsFmt: (message: unknown) => unknown;
  marshallMessage: (message: unknown) => [Buffer, unknown[]];
};

const MAX_LINE = 16 * 1024;

/** Reads one CRLF-ended line of the SASL exchange without taking bytes that follow it. */
function readLine(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    const bytes: number[] = [];
    const cleanup = () => {
      stream.off('readable', readable);
      stream.off('end', ended);
      stream.off('error', reject);
    };
    const ended = () => {
      cleanup();
      reject(new Error('The device’s bus closed the connection during authentication'));
    };
    const readable = () => {
      for (;;) {
        const chunk = stream.read(1) as Buffer | null;
        if (!chunk) return;
        if (chunk[0] === 0x0a) {
          cleanup();
          resolve(Buffer.from(bytes).toString('ascii').replace(/\r$/, ''));
          return;
        }
        bytes.push(chunk[0]!);
        if (bytes.length > MAX_LINE) {
          cleanup();
          reject(new Error('The device’s bus sent an over-long authentication line'));
          return;
        }
      }
    };
    stream.on('readable', readable);
    stream.once('end', ended);
    stream.once('error', reject);
    readable();
  });
}

/** SASL EXTERNAL as `uid` (D-Bus specification, "Authentication Protocol"); resolves with the server's guid. */
async function authenticate(stream: Duplex, uid: number): Promise<string> {
  const hexUid = Buffer.from(String(uid), 'ascii').toString('hex');
  stream.write(`\0AUTH EXTERNAL ${hexUid}\r\n`);
  const answer = await readLine(stream);
  const ok = /^OK ([0-9a-f]+)$/.exec(answer);
  if (!ok)
    throw new Error(
      `The device’s bus refused the connection as uid ${uid} (${answer.slice(0, 80) || 'no answer'}): is it the device user’s bus?`,
    );
  stream.write('BEGIN\r\n');
  return ok[1]!;
}

/** A MessageBus on the unix socket `socketPath`, authenticated as the device user `uid`. */
export async function connectDeviceBus(socketPath: string, uid: number): Promise<MessageBus> {
  const stream = net.createConnection(socketPath);
  await new Promise<void>((resolve, reject) => {
    stream.once('connect', resolve);
    stream.once('error', reject);
  });
  stream.setNoDelay();
  return connectOnStream(stream, uid);
}

/** A MessageBus on any byte stream to a bus (a socket, or a bridge's stdin and stdout), as `uid`. */
export async function connectOnStream(stream: Duplex, uid: number): Promise<MessageBus> {
  let guid: string;
  try {
    guid = await authenticate(stream, uid);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  // What dbus-next's MessageBus expects of a connection (lib/connection.js).
  const connection = Object.assign(new EventEmitter(), {
    stream,
    guid,
    state: 'connected',
    message(msg: unknown) {
      // A call on a connection that is gone fails at once instead of waiting for a reply that cannot come.
      if (!stream.writable) throw new Error('The connection to the device is closed');
      stream.write(marshallMessage(msg)[0]);
    },
    end() {
      stream.end();
      return connection;
    },
  });
  stream.on('error', (err) => connection.emit('error', err));
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    connection.emit('end');
  };
  stream.on('end', end);
  stream.on('close', end);
  const bus = new MessageBusImpl(connection);
  unmarshalMessages(
    stream,
    (raw) => {
      try {
        connection.emit('message', new Message(messageToJsFmt(raw)));
      } catch (err) {
        connection.emit('error', err);
      }
    },
    {},
  );
  return bus;
}

/** Ends every call still waiting for a reply: on a lost link the replies will never come. */
export function failPendingCalls(bus: MessageBus, reason: string): void {
  const pending = (bus as unknown as { _methodReturnHandlers?: Record<string, (reply: unknown) => void> })
    ._methodReturnHandlers;
  if (!pending) return;
  const ERROR = 3; // MessageType.ERROR
  for (const [serial, handler] of Object.entries(pending)) {
    delete pending[serial];
    handler({ type: ERROR, errorName: 'org.freedesktop.DBus.Error.NoReply', body: [reason], sender: '' });
  }
}
