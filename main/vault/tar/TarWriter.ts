// Writes a tar stream through a buffer into any sink (a file today, an upload later), hashing every
// byte, so the archive's own SHA-256 is known the moment its last block is written.
import { createHash } from 'node:crypto';
import { BLOCK, padding } from './header.js';

export type Sink = (chunk: Buffer) => Promise<void>;

const BUFFER_SIZE = 1 << 20;

export class TarWriter {
  private buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private readonly hash = createHash('sha256');
  /** Bytes written so far, including what is still buffered. */
  bytes = 0;

  /** The sink must have finished with a chunk when its promise resolves: chunks are reused. */
  constructor(private readonly sink: Sink) {}

  async write(data: Buffer): Promise<void> {
    this.bytes += data.length;
    this.hash.update(data);
    if (data.length >= BUFFER_SIZE) {
      await this.flush();
      await this.sink(data);
      return;
    }
    if (this.used + data.length > BUFFER_SIZE) await this.flush();
    data.copy(this.buffer, this.used);
    this.used += data.length;
  }

  /** Zeros up to the next block boundary, after an entry's data. */
  async pad(size: number): Promise<void> {
    if (size % BLOCK !== 0) await this.write(padding(size));
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buffer.subarray(0, this.used);
    await this.sink(chunk);
    this.used = 0;
  }

  /** The end-of-archive marker (two zero blocks); returns the archive's SHA-256. */
  async end(): Promise<string> {
    await this.write(Buffer.alloc(2 * BLOCK));
    await this.flush();
    return this.hash.digest('hex');
  }
}
