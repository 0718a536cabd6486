// Buffers of the tar writer, given back once sent: a backup of gigabytes then allocates a few buffers
// instead of one per MiB (each of which V8 counts as outside memory, and collects with full GCs).

/** The size of every buffer; chunks the writer sends are these buffers, or copies of small parts. */
export const POOLED_SIZE = 1 << 20;
const KEPT = 16;

export class BufferPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(POOLED_SIZE);
  }

  /**
   * Gives a chunk back once nothing uses it any more. Only a whole pooled buffer is taken back (a
   * chunk cut in two is two views of one buffer: those are left to the garbage collector).
   */
  give(chunk: Buffer): void {
    if (chunk.byteOffset !== 0 || chunk.buffer.byteLength !== POOLED_SIZE || this.free.length >= KEPT) return;
    if (this.free.some((b) => b.buffer === chunk.buffer)) return;
    this.free.push(Buffer.from(chunk.buffer, 0, POOLED_SIZE));
  }
}
