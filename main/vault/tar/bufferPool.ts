// Buffers of the tar writer, given back once sent and hashed: a backup of gigabytes then allocates a
// few buffers instead of one per MiB (each of which V8 counts as outside memory, and collects with full
// GCs). They are shared memory, so the thread that hashes them reads them without a copy.

/** The size of every buffer; chunks the writer sends are these buffers, or copies of small parts. */
export const POOLED_SIZE = 1 << 20;
const KEPT = 8;

export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Pooled buffers out on loan, with how many users have yet to give them back. */
  private readonly lent = new Map<ArrayBufferLike, number>();

  take(): Buffer {
    return this.free.pop() ?? Buffer.from(new SharedArrayBuffer(POOLED_SIZE));
  }

  /** `chunk` (a pooled buffer, whole or from its start) now has `users`, each of which gives it back. */
  lend(chunk: Buffer, users: number): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === POOLED_SIZE) this.lent.set(chunk.buffer, users);
  }

  /** One user is done with `chunk`; once all are, its buffer is used again. Anything else is ignored. */
  give(chunk: Buffer): void {
    const left = this.lent.get(chunk.buffer);
    if (left === undefined) return;
    if (left > 1) return void this.lent.set(chunk.buffer, left - 1);
    this.lent.delete(chunk.buffer);
    if (this.free.length < KEPT) this.free.push(Buffer.from(chunk.buffer, 0, POOLED_SIZE));
  }
}
