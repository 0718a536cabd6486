// How the vault and this app's own plugins hand an archive to each other without a file in between: the
// vault offers an endpoint (a path in one of its owner-only work folders) and the plugin connects to it
// — inside this process through memory, from another process through a Unix socket at that path.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';

/** How long an offer waits for its plugin: the plugin connects right after it is told the endpoint. */
const ACCEPT_MS = 60_000;
/** A Unix socket path must fit in sockaddr_un (108 bytes on Linux, with its terminating zero). */
const SOCKET_PATH_MAX = 100;
/** What a connection buffers between the two sides in this process. */
const IN_PROCESS_BUFFER = 4 << 20;

export interface StreamOffer {
  endpoint: string;
  /** The plugin's connection; rejects when none comes in time, or the offer is withdrawn. */
  accepted: Promise<Duplex>;
  /** Withdraws the offer (a connection already made is the caller's to end). */
  close(): void;
}

export class StreamEndpoints {
  private readonly local = new Map<string, (stream: Duplex) => void>();

  /** Offers `endpoint` (a path in an owner-only folder of the vault's) until a plugin connects. */
  offer(endpoint: string, acceptMs = ACCEPT_MS): StreamOffer {
    let server: net.Server | undefined;
    let settle!: { resolve: (s: Duplex) => void; reject: (e: Error) => void };
    const accepted = new Promise<Duplex>((resolve, reject) => (settle = { resolve, reject }));
    // Handled by whoever awaits it; an offer nobody takes up must not become an unhandled rejection.
    accepted.catch(() => {});
    const timer = setTimeout(() => {
      close();
      settle.reject(new Error('The backup plugin did not connect to the backup service'));
    }, acceptMs);
    timer.unref();
    const close = () => {
      clearTimeout(timer);
      this.local.delete(endpoint);
      if (server) {
        server.close();
        server = undefined;
        rmSync(endpoint, { force: true });
      }
    };
    const take = (stream: Duplex) => {
      close();
      settle.resolve(stream);
    };
    this.local.set(endpoint, take);
    if (Buffer.byteLength(endpoint) <= SOCKET_PATH_MAX) {
      server = net.createServer({ pauseOnConnect: true }, (socket) => (server ? take(socket) : socket.destroy()));
      server.on('error', () => close());
      server.listen(endpoint);
    }
    return {
      endpoint,
      accepted,
      close: () => {
        close();
        settle.reject(new Error('The transfer was withdrawn'));
      },
    };
  }

  /** Connects to an offered endpoint: in memory when this process offered it, else over its socket. */
  async connect(endpoint: string): Promise<Duplex> {
    const take = this.local.get(endpoint);
    if (take) {
      const pipe = new PassThrough({ highWaterMark: IN_PROCESS_BUFFER });
      take(pipe);
      return pipe;
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect(endpoint);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }
}

/** Writes a chunk, waiting while the other side is behind; fails once the connection is gone. */
export function send(stream: Duplex, chunk: Buffer): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.reject(new StreamClosedError());
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', drained).off('close', closed).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const drained = () => done();
    const closed = () => done(new StreamClosedError());
    stream.once('drain', drained).once('close', closed).once('error', done);
  });
}

/** Ends the writing side and waits until everything written has been taken. */
export function finish(stream: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed) return reject(new StreamClosedError());
    stream.end(() => resolve());
    stream.once('error', reject);
  });
}

/** The other side went away before the transfer was complete. */
export class StreamClosedError extends Error {
  constructor() {
    super('the other side of the transfer closed it');
    this.name = 'StreamClosedError';
  }
}
