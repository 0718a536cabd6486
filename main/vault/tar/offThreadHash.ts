// An archive's SHA-256 computed on a thread of its own: hashing every byte is the largest piece of work
// of a backup or a restore after the copying itself, and the machine has a second core for it. Chunks
// on shared memory go to the thread as they are; others are copied onto some first.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// CommonJS, evaluated as is: no file to find next to the bundle, nothing for a test runner to transform.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hash = createHash('sha256');
parentPort.on('message', (m) => {
  if (m.digest) return parentPort.postMessage({ digest: hash.digest('hex') });
  hash.update(new Uint8Array(m.memory, m.offset, m.length));
  parentPort.postMessage({ hashed: m.id });
});
`;

type Reply = { hashed: number } | { digest: string };

/** A hash dropped without digest() or close() (an error path that forgot it) still ends its thread. */
const orphans = new FinalizationRegistry<Worker>((worker) => void worker.terminate());

/** Chunks not on shared memory are gathered into buffers of this size before they are sent. */
const STAGE = 1 << 20;
/** Bytes sent and not yet hashed before `ready()` makes the sender wait: memory stays bounded. */
const IN_FLIGHT = 4 << 20;

/** What an archive is hashed with, on this thread or on another. */
export interface ArchiveHash {
  update(chunk: Buffer, hashed?: () => void): void;
  ready(): Promise<void>;
  digest(): Promise<string>;
  close(): Promise<void>;
}

/** Below this size a thread costs more to start than hashing here takes (tens of milliseconds). */
const OFF_THREAD_FROM = 16 << 20;

/** The hash for an archive of about `size` bytes (undefined when not known: assumed large). */
export function archiveHash(size: number | undefined): ArchiveHash {
  return size !== undefined && size < OFF_THREAD_FROM ? new InThreadHash() : new OffThreadHash();
}

class InThreadHash implements ArchiveHash {
  private readonly hash = createHash('sha256');

  update(chunk: Buffer, hashed?: () => void): void {
    this.hash.update(chunk);
    hashed?.();
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  digest(): Promise<string> {
    return Promise.resolve(this.hash.digest('hex'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class OffThreadHash implements ArchiveHash {
  private readonly worker = new Worker(WORKER, { eval: true });
  private readonly waiting = new Map<number, { length: number; hashed: (() => void) | undefined }>();
  private next = 0;
  private staging: Buffer | undefined;
  private staged = 0;
  private readonly spare: Buffer[] = [];
  private inFlight = 0;
  private readyWaiters: Array<() => void> = [];
  private digested: ((digest: string) => void) | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor() {
    // A backup never waits on this thread to end, only on its answers.
    this.worker.unref();
    orphans.register(this, this.worker, this);
    this.worker.on('message', (reply: Reply) => {
      if ('digest' in reply) return this.digested?.(reply.digest);
      const sent = this.waiting.get(reply.hashed);
      this.waiting.delete(reply.hashed);
      if (sent) {
        this.inFlight -= sent.length;
        sent.hashed?.();
      }
      if (this.inFlight < IN_FLIGHT) for (const wake of this.readyWaiters.splice(0)) wake();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.digested?.('');
      for (const wake of this.readyWaiters.splice(0)) wake();
    };
    this.worker.on('error', fail);
    // A thread that ends without a word (killed, out of memory) must not leave a digest waiting forever;
    // after close() nobody waits any more.
    this.worker.on('exit', (code) => {
      if (!this.closing) fail(new Error(`The thread hashing the backup ended unexpectedly (exit code ${code}).`));
    });
  }

  /**
   * Hashes `chunk` after everything given before it; `hashed` is called once the chunk may change (a
   * chunk on shared memory when the thread has read it, any other at once: it was copied).
   */
  update(chunk: Buffer, hashed?: () => void): void {
    if (chunk.buffer instanceof SharedArrayBuffer) {
      this.sendStaged();
      return this.send(chunk, hashed);
    }
    for (let at = 0; at < chunk.length;) {
      if (!this.staging) {
        this.staging = this.spare.pop() ?? Buffer.from(new SharedArrayBuffer(STAGE));
        this.staged = 0;
      }
      const n = chunk.copy(this.staging, this.staged, at);
      at += n;
      this.staged += n;
      if (this.staged === STAGE) this.sendStaged();
    }
    hashed?.();
  }

  private sendStaged(): void {
    const staging = this.staging;
    if (!staging || this.staged === 0) return;
    this.send(staging.subarray(0, this.staged), () => this.spare.push(staging));
    this.staging = undefined;
  }

  private send(view: Buffer, hashed?: () => void): void {
    if (view.length === 0) return void hashed?.();
    const id = this.next++;
    this.waiting.set(id, { length: view.length, hashed });
    this.inFlight += view.length;
    this.worker.postMessage({ id, memory: view.buffer, offset: view.byteOffset, length: view.length });
  }

  /** Resolves once the thread is not too far behind (a sender waits here between chunks). */
  ready(): Promise<void> {
    if (this.inFlight < IN_FLIGHT || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** The SHA-256 of everything given, once the thread has hashed it all; the thread then ends. */
  async digest(): Promise<string> {
    this.sendStaged();
    const digest = await new Promise<string>((resolve) => {
      this.digested = resolve;
      this.worker.postMessage({ digest: true });
    });
    await this.close();
    if (this.failure) throw this.failure;
    return digest;
  }

  async close(): Promise<void> {
    this.closing = true;
    orphans.unregister(this);
    await this.worker.terminate();
  }
}
