// One transfer between the vault and a plugin: chunks in order, with backpressure, and a way for either
// side to give up. In one process it is a queue of the very chunks sent (no copy, no concatenation: a
// Node stream's async iterator joins whatever is buffered into one new buffer); between processes it
// wraps the Unix socket the same way.
import type { Socket } from 'node:net';

/** The other side went away before the transfer was complete. */
export class StreamClosedError extends Error {
  constructor() {
    super('the other side of the transfer closed it');
    this.name = 'StreamClosedError';
  }
}

export interface TransferPipe extends AsyncIterable<Buffer> {
  /** Resolves once the chunk is taken or buffered within bounds; the pipe may keep the chunk. */
  send(chunk: Buffer): Promise<void>;
  /** No more chunks; resolves once everything sent is on its way. */
  finish(): Promise<void>;
  /** Gives up: the other side's next send or read fails (a reader sees the end come early). */
  close(): void;
  readonly closed: boolean;
  /** Set by the sender: takes back the chunks it sent once they are used (see `release`). */
  recycle: ((chunk: Buffer) => void) | undefined;
  /** Said by the reader of a chunk it has finished with (written out): the sender may reuse it. */
  release(chunk: Buffer): void;
}

/** Bytes a pipe holds before a sender waits. */
const HIGH_WATER = 1 << 20;

class ChunkQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  bytes = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }
  shift(): Buffer | undefined {
    const chunk = this.chunks[this.head];
    if (!chunk) return undefined;
    this.chunks[this.head++] = undefined as unknown as Buffer;
    if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.bytes -= chunk.length;
    return chunk;
  }
}

/** Both ends in this process. */
export class MemoryPipe implements TransferPipe {
  private readonly queue = new ChunkQueue();
  private ended = false;
  closed = false;
  recycle: ((chunk: Buffer) => void) | undefined;
  private readerWaiting: (() => void) | undefined;
  private senderWaiting: (() => void) | undefined;

  private wake(): void {
    this.readerWaiting?.();
    this.senderWaiting?.();
    this.readerWaiting = this.senderWaiting = undefined;
  }

  async send(chunk: Buffer): Promise<void> {
    if (this.closed || this.ended) throw new StreamClosedError();
    this.queue.push(chunk);
    this.wake();
    while (this.queue.bytes > HIGH_WATER && !this.closed) await new Promise<void>((r) => (this.senderWaiting = r));
    if (this.closed) throw new StreamClosedError();
  }

  finish(): Promise<void> {
    if (this.closed) return Promise.reject(new StreamClosedError());
    this.ended = true;
    this.wake();
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  release(chunk: Buffer): void {
    this.recycle?.(chunk);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.closed) return;
      const chunk = this.queue.shift();
      if (chunk) {
        this.senderWaiting?.();
        this.senderWaiting = undefined;
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.readerWaiting = r));
    }
  }
}

/** One end of a Unix socket to another process. */
export class SocketPipe implements TransferPipe {
  recycle: ((chunk: Buffer) => void) | undefined;
  private readonly queue = new ChunkQueue();
  private ended = false;
  private failure: Error | undefined;
  private readerWaiting: (() => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      if (this.queue.bytes > HIGH_WATER) socket.pause();
      this.wakeReader();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wakeReader();
    });
    socket.on('error', (err) => {
      this.failure = err;
      this.wakeReader();
    });
    socket.on('close', () => this.wakeReader());
    socket.resume();
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  private wakeReader(): void {
    this.readerWaiting?.();
    this.readerWaiting = undefined;
  }

  send(chunk: Buffer): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.reject(new StreamClosedError());
    const recycle = this.recycle;
    if (this.socket.write(chunk, recycle && (() => recycle(chunk)))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.socket.off('drain', drained).off('close', closed).off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const drained = () => done();
      const closed = () => done(new StreamClosedError());
      this.socket.once('drain', drained).once('close', closed).once('error', done);
    });
  }

  finish(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new StreamClosedError());
      this.socket.end(() => resolve());
      this.socket.once('error', reject);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** What came over the socket is this process's own copy: nothing to give back. */
  release(): void {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        if (this.queue.bytes < HIGH_WATER / 2 && this.socket.isPaused()) this.socket.resume();
        yield chunk;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended || this.socket.destroyed) return;
      await new Promise<void>((r) => (this.readerWaiting = r));
    }
  }
}
