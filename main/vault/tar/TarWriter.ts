// Writes a tar stream through a buffer into any sink (a file, an upload), hashing every byte (on a
// thread of its own: offThreadHash.ts), so the archive's own SHA-256 is known once its last block is out.
import { BufferPool, POOLED_SIZE } from './bufferPool.js';
import { BLOCK } from './header.js';
import { archiveHash } from './offThreadHash.js';

/** Takes a chunk; it may keep it (and send it later): the writer never touches a chunk it gave away. */
export type Sink = (chunk: Buffer) => Promise<void>;

const BUFFER_SIZE = POOLED_SIZE;
/** A flush this small is copied, and the buffer kept. */
const SMALL = 64 << 10;

export class TarWriter {
  private buffer: Buffer;
  private used = 0;
  private readonly hash;
  /** Bytes written so far, including what is still buffered. */
  bytes = 0;

  /**
   * The sink may give the chunks it was sent back to `pool` once it is done with them; `size` is what
   * the archive is expected to take (a large one is hashed on a thread of its own).
   */
  constructor(
    private readonly sink: Sink,
    private readonly pool = new BufferPool(),
    size?: number,
  ) {
    this.buffer = pool.take();
    this.hash = archiveHash(size);
  }

  /**
   * Data shorter than the buffer is copied; a chunk of a whole buffer or more goes to the sink as it is,
   * so the caller must not change it afterwards.
   */
  async write(data: Buffer): Promise<void> {
    if (data.length >= BUFFER_SIZE) {
      await this.flush();
      this.bytes += data.length;
      this.hash.update(data);
      await this.sink(data);
      await this.hash.ready();
      return;
    }
    if (this.used + data.length > BUFFER_SIZE) await this.flush();
    data.copy(this.buffer, this.used);
    this.used += data.length;
    this.bytes += data.length;
  }

  /** `n` zero bytes. */
  async zeros(n: number): Promise<void> {
    for (let left = n; left > 0;) {
      if (this.used === BUFFER_SIZE) await this.flush();
      const part = Math.min(left, BUFFER_SIZE - this.used);
      this.buffer.fill(0, this.used, this.used + part);
      this.used += part;
      this.bytes += part;
      left -= part;
    }
  }

  /** Zeros up to the next block boundary, after an entry's data. */
  pad(size: number): Promise<void> {
    return this.zeros((BLOCK - (size % BLOCK)) % BLOCK);
  }

  /**
   * Free room in the buffer to read data straight into (at least one byte; a full buffer is sent first),
   * at most `max` bytes; `commit` says how much of it was filled.
   */
  async room(max: number): Promise<Buffer> {
    if (this.used === BUFFER_SIZE) await this.flush();
    return this.buffer.subarray(this.used, Math.min(BUFFER_SIZE, this.used + max));
  }

  /** `n` bytes of the room were filled. */
  commit(n: number): void {
    this.used += n;
    this.bytes += n;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    let chunk = this.buffer.subarray(0, this.used);
    // The sink keeps what it was given: a small chunk goes as a copy, a large one takes the buffer along
    // (back in the pool once it is both sent and hashed).
    if (this.used <= SMALL) chunk = Buffer.from(chunk);
    else {
      this.pool.lend(chunk, 2);
      this.buffer = this.pool.take();
    }
    this.used = 0;
    const sent = chunk;
    this.hash.update(chunk, () => this.pool.give(sent));
    await this.sink(chunk);
    await this.hash.ready();
  }

  /**
   * The end-of-archive marker (two zero blocks), then zeros up to `total` bytes when the archive must
   * have that size (tar readers stop at the marker); returns the archive's SHA-256.
   */
  async end(total = 0): Promise<string> {
    await this.zeros(Math.max(2 * BLOCK, total - this.bytes));
    await this.flush();
    return this.hash.digest();
  }

  /** Stops the hashing thread of an archive that will not be finished. */
  async abandon(): Promise<void> {
    await this.hash.close();
  }
}
