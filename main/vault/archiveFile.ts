// One regular file into the archive, as planned: its bytes hashed as they are read, a sparse file stored
// as its data regions (GNU pax 1.0), and exactly the size the plan counted (GNU tar's rule): a file that
// shrank is padded with zeros, one that grew is cut at the planned size, so the archive is never
// corrupt; the caller's note says so.
import { createHash, hash as digestOf, type Hash } from 'node:crypto';
import { read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { PlannedEntry } from './planStore.js';
import { sparseLayout } from './archiveEntries.js';
import type { SparseRegion } from './tar/sparse.js';
import type { TarWriter } from './tar/TarWriter.js';

const CHUNK = 1 << 20;
const GRAIN = 4096;
const zeros = Buffer.alloc(CHUNK);
const zeroGrain = Buffer.alloc(GRAIN);
const readAsync = promisify(read);

/**
 * Reads from an open file: small files synchronously (as promises, each call waits its turn in the
 * thread pool, which made tens of thousands of small files twenty times slower to archive than with
 * GNU tar), large ones without blocking the event loop.
 */
type ReadAt = (buffer: Buffer, length: number, position: number) => Promise<number>;

function readerFor(fd: number, size: number): ReadAt {
  if (size <= CHUNK) return (buffer, length, position) => Promise.resolve(readSync(fd, buffer, 0, length, position));
  return async (buffer, length, position) => (await readAsync(fd, buffer, 0, length, position)).bytesRead;
}

export interface StoreOptions {
  signal?: AbortSignal | undefined;
  /** After each chunk: long files report progress while they are read. */
  onChunk?: () => void;
}

export interface StoredFile {
  sha256: string;
  /** Bytes the file lost while it was read (stored as zeros). */
  shrankBy: number;
}

/**
 * A file's SHA-256 from the pieces read: a small file comes in one piece, hashed in one call (cheaper
 * than a hash object for each of tens of thousands of files).
 */
class ContentDigest {
  private hash: Hash | undefined;
  private whole: string | undefined;

  constructor(private readonly size: number) {}

  update(piece: Buffer): void {
    // The whole content at once: digested now (the piece is a view of a buffer that moves on).
    if (!this.hash && this.whole === undefined && piece.length === this.size)
      this.whole = digestOf('sha256', piece, 'hex');
    else (this.hash ??= createHash('sha256')).update(piece);
  }

  digest(): string {
    return this.whole ?? (this.hash ?? createHash('sha256')).digest('hex');
  }
}

/** Zeros hashed between two looks at the event loop: a hole of gigabytes must not stop the bus or a cancel. */
const ZEROS_PER_TURN = 64 << 20;

async function hashZeros(hash: ContentDigest, n: number, signal?: AbortSignal): Promise<void> {
  let sinceTurn = 0;
  for (let left = n; left > 0; left -= CHUNK) {
    const piece = Math.min(CHUNK, left);
    hash.update(zeros.subarray(0, piece));
    sinceTurn += piece;
    if (sinceTurn >= ZEROS_PER_TURN) {
      sinceTurn = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
  }
}

/** Data regions at 4 KiB grain: what a sparse file really holds, holes left out. */
export async function scanRegions(fd: number, size: number, signal?: AbortSignal): Promise<SparseRegion[]> {
  const readAt = readerFor(fd, size);
  const buffer = Buffer.allocUnsafe(CHUNK);
  const regions: SparseRegion[] = [];
  let pos = 0;
  while (pos < size) {
    signal?.throwIfAborted();
    const bytesRead = await readAt(buffer, Math.min(CHUNK, size - pos), pos);
    if (bytesRead === 0) break;
    for (let off = 0; off < bytesRead; off += GRAIN) {
      const len = Math.min(GRAIN, bytesRead - off);
      if (buffer.compare(zeroGrain, 0, len, off, off + len) === 0) continue;
      const last = regions[regions.length - 1];
      if (last && last.offset + last.length === pos + off) last.length += len;
      else regions.push({ offset: pos + off, length: len });
    }
    pos += bytesRead;
  }
  return regions;
}

/**
 * Copies `length` bytes from `offset` into the archive, read straight into the writer's buffer; zeros
 * for whatever the file no longer has.
 */
async function copyRange(
  readAt: ReadAt,
  writer: TarWriter,
  hash: ContentDigest,
  offset: number,
  length: number,
  options: StoreOptions,
): Promise<number> {
  let done = 0;
  let missing = 0;
  while (done < length) {
    options.signal?.throwIfAborted();
    const room = await writer.room(Math.min(CHUNK, length - done));
    let n = missing > 0 ? 0 : await readAt(room, room.length, offset + done);
    if (n === 0) {
      n = room.length;
      room.fill(0, 0, n);
      missing += n;
    }
    hash.update(room.subarray(0, n));
    writer.commit(n);
    done += n;
    options.onChunk?.();
  }
  return missing;
}

/** Writes the header (as planned) and the data of one regular file from the open `fd`. */
export async function storeFile(
  writer: TarWriter,
  e: PlannedEntry,
  header: Buffer,
  fd: number,
  options: StoreOptions = {},
): Promise<StoredFile> {
  const readAt = readerFor(fd, e.size);
  const hash = new ContentDigest(e.size);
  await writer.write(header);
  if (!e.regions) {
    const shrankBy = await copyRange(readAt, writer, hash, 0, e.size, options);
    await writer.pad(e.size);
    return { sha256: hash.digest(), shrankBy };
  }
  const { map, data } = sparseLayout(e.regions);
  await writer.write(map);
  let at = 0;
  let shrankBy = 0;
  for (const r of e.regions) {
    await hashZeros(hash, r.offset - at, options.signal);
    shrankBy += await copyRange(readAt, writer, hash, r.offset, r.length, options);
    at = r.offset + r.length;
  }
  await hashZeros(hash, e.size - at, options.signal);
  await writer.pad(data);
  return { sha256: hash.digest(), shrankBy };
}
