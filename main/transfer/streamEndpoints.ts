// How the vault and this app's own plugins hand an archive to each other without a file in between: the
// vault offers an endpoint (a path in one of its owner-only work folders) and the plugin connects to it
// — inside this process through memory, from another process through a Unix socket at that path.
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MemoryPipe, SocketPipe, type TransferPipe } from './transferPipe.js';
import { logger } from '../log.js';

const log = logger('transfer');

/** How long an offer waits for its plugin: the plugin connects right after it is told the endpoint. */
const ACCEPT_MS = 60_000;
/** A Unix socket path must fit in sockaddr_un (108 bytes on Linux, with its terminating zero). */
const SOCKET_PATH_MAX = 100;

export interface StreamOffer {
  endpoint: string;
  /** The plugin's connection; rejects when none comes in time, or the offer is withdrawn. */
  accepted: Promise<TransferPipe>;
  /** Withdraws the offer (a connection already made is the caller's to end). */
  close(): void;
}

/**
 * The path a socket at `file` is reached by: `file` itself, or, when that is too long for a socket
 * (a data dir in its default place already is), the same file through the magic link of an open
 * descriptor of its folder, `/proc/<pid>/fd/<n>/<name>`: short, the folder's owner-only mode still
 * guards it, and its real path is still `file` (the restore plugin checks where a stream goes).
 */
function socketAddress(file: string): { address: string; folder?: number } | undefined {
  if (Buffer.byteLength(file) <= SOCKET_PATH_MAX) return { address: file };
  let folder: number | undefined;
  try {
    folder = openSync(path.dirname(file), constants.O_RDONLY | constants.O_DIRECTORY);
    const address = `/proc/${process.pid}/fd/${folder}/${path.basename(file)}`;
    if (Buffer.byteLength(address) <= SOCKET_PATH_MAX) return { address, folder };
  } catch (err) {
    log.warn(`no socket for ${file}: only this process can take the stream`, err);
  }
  if (folder !== undefined) closeSync(folder);
  return undefined;
}

export class StreamEndpoints {
  private readonly local = new Map<string, (pipe: TransferPipe) => void>();

  /**
   * Offers a stream at `file` (a path in an owner-only folder of the vault's) until a plugin connects;
   * the offer's endpoint is what the plugin connects to (see socketAddress).
   */
  offer(file: string, acceptMs = ACCEPT_MS): StreamOffer {
    const socket = socketAddress(file);
    const endpoint = socket?.address ?? file;
    let server: net.Server | undefined;
    let settle!: { resolve: (s: TransferPipe) => void; reject: (e: Error) => void };
    const accepted = new Promise<TransferPipe>((resolve, reject) => (settle = { resolve, reject }));
    // Handled by whoever awaits it; an offer nobody takes up must not become an unhandled rejection.
    accepted.catch(log.ignored('an offer of a stream nobody took up'));
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
        rmSync(file, { force: true });
      }
      if (socket?.folder !== undefined) {
        closeSync(socket.folder);
        socket.folder = undefined;
      }
    };
    const take = (pipe: TransferPipe) => {
      close();
      settle.resolve(pipe);
    };
    this.local.set(endpoint, take);
    if (socket) {
      server = net.createServer({ pauseOnConnect: true }, (connection) =>
        server ? take(new SocketPipe(connection)) : connection.destroy(),
      );
      server.on('error', (err) => {
        log.warn(`could not offer a stream at ${file}`, err);
        close();
      });
      server.listen(socket.address);
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
  async connect(endpoint: string): Promise<TransferPipe> {
    const take = this.local.get(endpoint);
    if (take) {
      const pipe = new MemoryPipe();
      take(pipe);
      return pipe;
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path: endpoint, pauseOnConnect: true } as net.NetConnectOpts);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new SocketPipe(socket));
      });
      socket.once('error', reject);
    });
  }
}
