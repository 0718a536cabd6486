// Reads a tar stream entry by entry, hashing every byte as it passes: POSIX ustar/pax and GNU tar's
// own forms (long names, old and pax sparse files). An archive must end with its end-of-archive
// marker; one that stops early (a cut download) is an error, never a shorter restore.
import { BLOCK, TypeFlag, decodeHeader, isZeroBlock, parsePaxRecords } from './header.js';
import { archiveHash, type ArchiveHash } from './offThreadHash.js';
import { parseSparseMap, readOldGnuSparse, type SparseRegion } from './sparse.js';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  kind: EntryKind;
  typeflag: string;
  path: Buffer;
  linkpath: Buffer;
  mode: number;
  uid: number;
  /** Whole seconds. */
  mtime: number;
  /** The exact decimal time of a pax `mtime` record, when there is one. */
  mtimeText?: string;
  /** The file's size (a sparse file's real size). */
  size: number;
  /** A sparse file's data regions; the entry's data is these regions, one after another. */
  sparse?: SparseRegion[];
}

export class TruncatedArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedArchiveError';
  }
}

const kinds: Record<string, EntryKind> = {
  [TypeFlag.File]: 'file',
  [TypeFlag.Contiguous]: 'file',
  [TypeFlag.GnuSparse]: 'file',
  [TypeFlag.Directory]: 'directory',
  [TypeFlag.SymLink]: 'symlink',
  [TypeFlag.HardLink]: 'hardlink',
};

export class TarReader {
  private readonly source: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  /** Every byte of the stream, in order, as it arrives (a large archive's on a thread of its own). */
  private readonly hash: ArchiveHash;
  /** Bytes of the current entry's data not yet read, and the padding after them. */
  private remaining = 0;
  private pad = 0;
  private current: TarEntry | undefined;
  position = 0;

  /** `size`: the archive's length, when known. */
  constructor(source: AsyncIterable<Buffer>, size?: number) {
    this.source = source[Symbol.asyncIterator]();
    this.hash = archiveHash(size);
  }

  private async fill(min: number): Promise<boolean> {
    while (this.pendingBytes < min && !this.ended) {
      const next: IteratorResult<Buffer> = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.hash.update(next.value);
        this.pending.push(next.value);
        await this.hash.ready();
        this.pendingBytes += next.value.length;
      }
    }
    return this.pendingBytes >= min;
  }

  /** Up to `max` bytes (at least one unless the stream ended), hashed as they are consumed. */
  private async take(max: number): Promise<Buffer> {
    if (this.pendingBytes === 0) await this.fill(1);
    const head = this.pending[0];
    if (!head) return Buffer.alloc(0);
    const out = head.length <= max ? head : head.subarray(0, max);
    if (out === head) this.pending.shift();
    else this.pending[0] = head.subarray(max);
    this.pendingBytes -= out.length;
    this.position += out.length;
    return out;
  }

  private async exactly(n: number, what: () => string): Promise<Buffer> {
    if (!(await this.fill(n))) throw new TruncatedArchiveError(`The backup is incomplete: it ends ${what()}.`);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = await this.take(n - got);
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private async skip(n: number, what: () => string): Promise<void> {
    let left = n;
    while (left > 0) {
      const part = await this.take(Math.min(left, 1 << 20));
      if (part.length === 0) throw new TruncatedArchiveError(`The backup is incomplete: it ends ${what()}.`);
      left -= part.length;
    }
  }

  private async body(size: number, what: string): Promise<Buffer> {
    if (size > 64 * 1024 * 1024) throw new Error(`The backup is damaged: a ${what} of ${size} bytes`);
    const data = await this.exactly(size + ((BLOCK - (size % BLOCK)) % BLOCK), () => `inside a ${what}`);
    return data.subarray(0, size);
  }

  /** The next entry, or undefined at the end-of-archive marker. The previous entry's data is skipped. */
  async next(): Promise<TarEntry | undefined> {
    const previous = this.current;
    await this.skip(this.remaining + this.pad, () => `in the middle of ${previous?.path.toString() ?? 'an entry'}`);
    this.remaining = this.pad = 0;
    this.current = undefined;
    let pax = new Map<string, Buffer>();
    let longName: Buffer | undefined;
    let longLink: Buffer | undefined;
    for (;;) {
      const at = this.position;
      if (!(await this.fill(1)))
        throw new TruncatedArchiveError(
          `The backup is incomplete: it ends after ${at} bytes without the end-of-archive marker.`,
        );
      const block = await this.exactly(BLOCK, () => `inside a header at byte ${at}`);
      if (isZeroBlock(block)) {
        const second = await this.exactly(BLOCK, () => 'inside its end-of-archive marker');
        if (!isZeroBlock(second)) throw new Error(`The backup is damaged: a lone zero block at byte ${at}`);
        return undefined;
      }
      let header;
      try {
        header = decodeHeader(block);
      } catch (err) {
        throw new Error(`The backup is damaged at byte ${at}: ${(err as Error).message}`, { cause: err });
      }
      const flag = header.typeflag;
      if (flag === TypeFlag.PaxHeader || flag === TypeFlag.PaxGlobal) {
        const records = parsePaxRecords(await this.body(header.size, 'pax header'));
        if (flag === TypeFlag.PaxHeader) pax = new Map([...pax, ...records]);
        continue;
      }
      if (flag === TypeFlag.GnuLongName || flag === TypeFlag.GnuLongLink) {
        const data = await this.body(header.size, 'long name');
        const end = data.indexOf(0);
        const value = Buffer.from(end < 0 ? data : data.subarray(0, end));
        if (flag === TypeFlag.GnuLongName) longName = value;
        else longLink = value;
        continue;
      }
      const sparseOld =
        flag === TypeFlag.GnuSparse
          ? await readOldGnuSparse(header, (n) => this.exactly(n, () => 'inside a sparse map'))
          : undefined;
      const paxSize = pax.get('size');
      let stored = paxSize ? Number(paxSize.toString('latin1')) : header.size;
      if (!Number.isSafeInteger(stored) || stored < 0) throw new Error(`The backup is damaged at byte ${at}: bad size`);
      const path = pax.get('path') ?? longName ?? header.path;
      const linkpath = pax.get('linkpath') ?? longLink ?? header.linkpath;
      const mtimeText = pax.get('mtime')?.toString('latin1');
      let kind = kinds[flag] ?? 'other';
      if (kind === 'file' && flag === TypeFlag.File && path[path.length - 1] === 0x2f) kind = 'directory';
      const entry: TarEntry = {
        kind,
        typeflag: flag,
        path,
        linkpath,
        mode: header.mode,
        uid: Number(pax.get('uid')?.toString('latin1') ?? header.uid),
        mtime: mtimeText && /^-?\d+(\.\d+)?$/.test(mtimeText) ? Math.floor(Number(mtimeText)) : header.mtime,
        ...(mtimeText ? { mtimeText } : {}),
        size: kind === 'file' ? stored : 0,
      };
      if (sparseOld) {
        entry.sparse = sparseOld.regions;
        entry.size = sparseOld.realSize;
      } else if (pax.get('GNU.sparse.major')?.toString() === '1') {
        const name = pax.get('GNU.sparse.name');
        if (name) entry.path = name;
        entry.size = Number(pax.get('GNU.sparse.realsize')?.toString() ?? NaN);
        const map = await parseSparseMap((n) => this.exactly(n, () => 'inside a sparse map'));
        entry.sparse = map.regions;
        stored -= map.bytes;
      } else if (pax.has('GNU.sparse.map')) {
        const name = pax.get('GNU.sparse.name');
        if (name) entry.path = name;
        entry.size = Number((pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size'))?.toString() ?? NaN);
        const numbers = pax.get('GNU.sparse.map')!.toString('latin1').split(',').map(Number);
        entry.sparse = [];
        for (let i = 0; i + 1 < numbers.length; i += 2)
          entry.sparse.push({ offset: numbers[i]!, length: numbers[i + 1]! });
      }
      if (entry.sparse) checkRegions(entry, stored);
      this.remaining = stored;
      // A pax sparse map is whole blocks, and an old GNU map's extension blocks are not counted: either
      // way the padding follows the data.
      this.pad = (BLOCK - (stored % BLOCK)) % BLOCK;
      this.current = entry;
      return entry;
    }
  }

  /** The current entry's stored data, in chunks; a sparse file's regions follow one another. */
  async *data(): AsyncGenerator<Buffer> {
    const entry = this.current;
    while (this.remaining > 0) {
      const part = await this.take(Math.min(this.remaining, 1 << 20));
      if (part.length === 0)
        throw new TruncatedArchiveError(
          `The backup is incomplete: it ends in the middle of ${entry?.path.toString() ?? 'an entry'}.`,
        );
      this.remaining -= part.length;
      yield part;
    }
  }

  /** Reads what follows the end-of-archive marker (zero padding) and returns the archive's SHA-256. */
  async finish(): Promise<string> {
    while ((await this.take(1 << 20)).length > 0);
    return this.hash.digest();
  }

  /** Stops the hashing of an archive that will not be read to its end. */
  async abandon(): Promise<void> {
    await this.hash.close();
  }
}

function checkRegions(entry: TarEntry, stored: number): void {
  let end = 0;
  let total = 0;
  for (const r of entry.sparse!) {
    if (!Number.isSafeInteger(r.offset) || !Number.isSafeInteger(r.length) || r.offset < end || r.length < 0)
      throw new Error(`The backup is damaged: the sparse map of ${entry.path.toString()} is invalid`);
    end = r.offset + r.length;
    total += r.length;
  }
  if (!Number.isSafeInteger(entry.size) || end > entry.size || total !== stored)
    throw new Error(`The backup is damaged: the sparse map of ${entry.path.toString()} does not match its data`);
}
