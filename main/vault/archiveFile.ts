// One regular file into the archive: its bytes hashed as they are read, a sparse file stored as its
// data regions (GNU pax 1.0), and a file that shrinks while it is read padded with zeros to the size
// its header already promised (as GNU tar does), so the archive is never corrupt; the note says so.
import { createHash, type Hash } from 'node:crypto';
import { read, readSync, type BigIntStats } from 'node:fs';
import { promisify } from 'node:util';
import { encodeHeader, TypeFlag } from './tar/header.js';
import { encodeSparseMap, type SparseRegion } from './tar/sparse.js';
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
  /** A read buffer of 1 MiB to reuse from file to file. */
  buffer?: Buffer;
}

export interface StoredFile {
  sha256: string;
  sparse: boolean;
  /** Bytes the file lost while it was read (stored as zeros). */
  shrankBy: number;
}

function hashZeros(hash: Hash, n: number): void {
  for (let left = n; left > 0; left -= CHUNK) hash.update(zeros.subarray(0, Math.min(CHUNK, left)));
}

/** Data regions at 4 KiB grain: what a sparse file really holds, holes left out. */
async function scanRegions(
  readAt: ReadAt,
  size: number,
  buffer: Buffer,
  signal?: AbortSignal,
): Promise<SparseRegion[]> {
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

/** Copies `length` bytes from `offset` into the archive; zeros for whatever the file no longer has. */
async function copyRange(
  readAt: ReadAt,
  writer: TarWriter,
  hash: Hash,
  offset: number,
  length: number,
  buffer: Buffer,
  options: StoreOptions,
): Promise<number> {
  let done = 0;
  let missing = 0;
  while (done < length) {
    options.signal?.throwIfAborted();
    const want = Math.min(CHUNK, length - done);
    const bytesRead = missing > 0 ? 0 : await readAt(buffer, want, offset + done);
    const chunk = bytesRead > 0 ? buffer.subarray(0, bytesRead) : zeros.subarray(0, want);
    if (bytesRead === 0) missing += want;
    hash.update(chunk);
    await writer.write(chunk);
    done += chunk.length;
    options.onChunk?.();
  }
  return missing;
}

/** Writes the header and data of one regular file; `path` is its archive path. */
export async function storeFile(
  writer: TarWriter,
  path: Buffer,
  fd: number,
  st: BigIntStats,
  mtime: number,
  options: StoreOptions = {},
): Promise<StoredFile> {
  const size = Number(st.size);
  const buffer = options.buffer ?? Buffer.allocUnsafe(CHUNK);
  const readAt = readerFor(fd, size);
  const hash = createHash('sha256');
  const fields = {
    path,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime,
    linkpath: Buffer.alloc(0),
    uname: '',
    gname: '',
    typeflag: TypeFlag.File,
  };
  // Fewer blocks on disk than the size needs: the file has holes worth finding.
  let regions =
    size > 0 && Number(st.blocks) * 512 < size ? await scanRegions(readAt, size, buffer, options.signal) : undefined;
  if (regions?.length === 1 && regions[0]!.offset === 0 && regions[0]!.length === size) regions = undefined;
  if (!regions) {
    await writer.write(encodeHeader({ ...fields, size }));
    const shrankBy = await copyRange(readAt, writer, hash, 0, size, buffer, options);
    await writer.pad(size);
    return { sha256: hash.digest('hex'), sparse: false, shrankBy };
  }
  const last = regions[regions.length - 1];
  // GNU tar ends the map with a zero-length region at the end of a file that ends in a hole.
  if (!last || last.offset + last.length < size) regions.push({ offset: size, length: 0 });
  const map = encodeSparseMap(regions);
  const data = regions.reduce((sum, r) => sum + r.length, 0);
  await writer.write(encodeHeader({ ...fields, size: map.length + data }, { sparseRealSize: size }));
  await writer.write(map);
  let at = 0;
  let shrankBy = 0;
  for (const r of regions) {
    hashZeros(hash, r.offset - at);
    shrankBy += await copyRange(readAt, writer, hash, r.offset, r.length, buffer, options);
    at = r.offset + r.length;
  }
  hashZeros(hash, size - at);
  await writer.pad(data);
  return { sha256: hash.digest('hex'), sparse: true, shrankBy };
}
