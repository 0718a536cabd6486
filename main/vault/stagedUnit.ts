// One unit's files written into its staging folder. Nothing is ever written through a symlink: every
// parent of an entry must be a folder this restore made, and files are created exclusively, without
// following links. Symlinks themselves are restored as links, whatever they point at.
import { constants } from 'node:fs';
import {
  closeSync,
  fchmodSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { displayPath, type Notes } from './notes.js';
import type { ModePolicy } from './restoreModes.js';
import type { SparseRegion } from './tar/sparse.js';

export interface FolderMeta {
  path: Buffer;
  /** As stored; undefined for a folder the archive only implies. */
  mode?: number;
  uid?: number;
  mtime?: string | number;
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const slash = Buffer.from('/');
const zeros = Buffer.alloc(1 << 20);

/** What a file's content is hashed with; a no-op when the archive's own checksum vouches for it. */
export interface ContentHash {
  update(data: Buffer): unknown;
}

/** For content whose archive is vouched for by its own checksum: nothing to hash file by file. */
export const NO_HASH: ContentHash = { update: () => undefined };

export function joinRel(parts: Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => out.push(...(i > 0 ? [slash, p] : [p])));
  return Buffer.concat(out);
}

function hashZeros(hash: ContentHash, n: number): void {
  if (hash === NO_HASH) return;
  for (let left = n; left > 0; left -= zeros.length) hash.update(zeros.subarray(0, Math.min(zeros.length, left)));
}

/**
 * Places a file's stored data at its offsets (a sparse file's regions one after another) and hashes
 * its whole content, holes as zeros, without ever writing the holes.
 */
export async function placeData(
  size: number,
  sparse: SparseRegion[] | undefined,
  data: AsyncIterable<Buffer>,
  hash: ContentHash,
  write?: (piece: Buffer, offset: number) => Promise<void>,
): Promise<void> {
  const regions = sparse ?? [{ offset: 0, length: size }];
  let index = 0;
  let within = 0;
  let hashed = 0;
  for await (let chunk of data) {
    while (chunk.length > 0) {
      while (regions[index] && within >= regions[index]!.length) {
        index++;
        within = 0;
      }
      const region = regions[index];
      if (!region) throw new Error('The backup is damaged: a file holds more data than its size');
      const piece = chunk.subarray(0, region.length - within);
      const offset = region.offset + within;
      hashZeros(hash, offset - hashed);
      hash.update(piece);
      await write?.(piece, offset);
      hashed = offset + piece.length;
      within += piece.length;
      chunk = chunk.subarray(piece.length);
    }
  }
  hashZeros(hash, size - hashed);
}

type Kind = 'dir' | 'file' | 'symlink';

export class StagedUnit {
  readonly folders = new Map<string, FolderMeta>();
  private readonly taken = new Map<string, Kind>([['', 'dir']]);

  constructor(
    readonly name: string,
    /** The staging folder: the unit's content goes straight inside it. */
    readonly stage: Buffer,
    /** Paths inside the unit a restore never writes (the app's own data), as joined bytes. */
    private readonly excluded: Buffer[],
    private readonly modes: ModePolicy,
    private readonly notes: Notes,
  ) {
    this.folders.set('', { path: stage });
  }

  abs(rel: Buffer[]): Buffer {
    return rel.length === 0 ? this.stage : Buffer.concat([this.stage, slash, joinRel(rel)]);
  }

  isExcluded(rel: Buffer[]): boolean {
    const joined = joinRel(rel);
    return this.excluded.some(
      (e) =>
        joined.equals(e) ||
        (joined.length > e.length && joined[e.length] === 0x2f && joined.subarray(0, e.length).equals(e)),
    );
  }

  /** Makes the entry's parent folders; returns why it cannot, if a parent is a file or a link. */
  private parents(rel: Buffer[]): string | undefined {
    for (let i = 1; i < rel.length; i++) {
      const key = joinRel(rel.slice(0, i)).toString('latin1');
      const kind = this.taken.get(key);
      if (kind === 'dir') continue;
      if (kind) return 'one of its folders is a file or a link in the backup';
      mkdirSync(this.abs(rel.slice(0, i)), { mode: 0o700 });
      this.taken.set(key, 'dir');
      this.folders.set(key, { path: this.abs(rel.slice(0, i)) });
    }
    return undefined;
  }

  /** Room for a new entry: a later entry for the same path replaces an earlier one, as in tar. */
  private claim(rel: Buffer[], kind: Kind): string | undefined {
    const refused = this.parents(rel);
    if (refused) return refused;
    const key = joinRel(rel).toString('latin1');
    const before = this.taken.get(key);
    if (before && (before === 'dir') !== (kind === 'dir'))
      return 'it is in the backup twice, as a folder and as a file';
    if (before && kind !== 'dir') unlinkSync(this.abs(rel));
    this.taken.set(key, kind);
    return undefined;
  }

  folder(rel: Buffer[], mode: number, uid: number, mtime: string | number): string | undefined {
    const key = joinRel(rel).toString('latin1');
    if (this.taken.get(key) !== 'dir') {
      const refused = this.claim(rel, 'dir');
      if (refused) return refused;
      mkdirSync(this.abs(rel), { mode: 0o700 });
    }
    this.folders.set(key, { path: this.abs(rel), mode, uid, mtime });
    return undefined;
  }

  symlink(rel: Buffer[], target: Buffer): string | undefined {
    const refused = this.claim(rel, 'symlink');
    if (refused) return refused;
    symlinkSync(target, this.abs(rel));
    return undefined;
  }

  /** A hard link to an earlier regular file of the same unit. */
  hardlink(rel: Buffer[], target: Buffer[]): string | undefined {
    if (this.taken.get(joinRel(target).toString('latin1')) !== 'file')
      return 'it is a hard link to a file that is not in the backup';
    const refused = this.claim(rel, 'file');
    if (refused) return refused;
    linkSync(this.abs(target), this.abs(rel));
    return undefined;
  }

  /** Writes a file's data (a sparse file's regions at their offsets, holes left as holes). */
  async file(
    rel: Buffer[],
    mode: number,
    uid: number,
    size: number,
    sparse: SparseRegion[] | undefined,
    data: AsyncIterable<Buffer>,
    hash: ContentHash,
  ): Promise<string | undefined> {
    const refused = this.claim(rel, 'file');
    if (refused) return refused;
    const target = this.abs(rel);
    // Synchronous calls: for tens of thousands of small files, one thread-pool round trip per call
    // costs more than the writing itself. A large file's data still streams in 1 MiB pieces.
    const fd = openSync(target, CREATE, 0o600);
    try {
      await placeData(size, sparse, data, hash, (piece, offset) => {
        for (let done = 0; done < piece.length;) done += writeSync(fd, piece, done, piece.length - done, offset + done);
        return Promise.resolve();
      });
      if (sparse) ftruncateSync(fd, size); // a hole at the end has no data to write
      const given = this.modes(mode, uid);
      fchmodSync(fd, given.mode);
      if (given.dropped)
        this.notes.change(
          displayPath(joinRel([Buffer.from(this.name), ...rel])),
          'restored without its setuid/setgid bit: it belonged to another user, and restored files belong to root',
          'restored without setuid/setgid',
        );
    } catch (err) {
      closeSync(fd);
      rmSync(target, { force: true });
      throw err;
    }
    closeSync(fd);
    return undefined;
  }
}
