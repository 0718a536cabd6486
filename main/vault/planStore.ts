// The entries an archive will hold, written once by the plan and read back once by the writer: kept in
// a file, so a backup of a million files keeps its memory (about 100 bytes a file on disk).
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { SparseRegion } from './tar/sparse.js';

export type PlannedKind = 'dir' | 'file' | 'symlink' | 'hardlink';

export interface PlannedEntry {
  kind: PlannedKind;
  /** Index of the entry's unit in the plan's unit list. */
  unit: number;
  /** The path inside the unit's folder ('' for the folder itself). */
  rel: Buffer;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  /** A file's size (a sparse file's real size; a hard link's, should it stand in for its first name). */
  size: number;
  /** A symlink's target; a hard link's first name, as an archive path. */
  link?: Buffer;
  /** A sparse file's data regions (GNU's map, ending with a zero-length region when it ends in a hole). */
  regions?: SparseRegion[];
  /** The archive bytes the entry takes: headers, data and padding. */
  bytes: number;
}

const kinds: PlannedKind[] = ['dir', 'file', 'symlink', 'hardlink'];
const BUFFER = 1 << 20;
const FIXED = 4 + 1 + 1 + 2 + 4 + 4 + 4 + 8 + 8 + 8 + 4 + 4 + 4;

function encode(e: PlannedEntry): Buffer {
  const link = e.link ?? Buffer.alloc(0);
  const regions = e.regions ?? [];
  const out = Buffer.allocUnsafe(FIXED + e.rel.length + link.length + regions.length * 16);
  let at = out.writeUInt32LE(out.length, 0);
  at = out.writeUInt8(kinds.indexOf(e.kind), at);
  at = out.writeUInt8(e.regions ? 1 : 0, at);
  at = out.writeUInt16LE(e.unit, at);
  at = out.writeUInt32LE(e.mode >>> 0, at);
  at = out.writeUInt32LE(e.uid >>> 0, at);
  at = out.writeUInt32LE(e.gid >>> 0, at);
  at = out.writeBigInt64LE(e.mtimeNs, at);
  at = out.writeDoubleLE(e.size, at);
  at = out.writeDoubleLE(e.bytes, at);
  at = out.writeUInt32LE(e.rel.length, at);
  at += e.rel.copy(out, at);
  at = out.writeUInt32LE(link.length, at);
  at += link.copy(out, at);
  at = out.writeUInt32LE(regions.length, at);
  for (const r of regions) {
    at = out.writeDoubleLE(r.offset, at);
    at = out.writeDoubleLE(r.length, at);
  }
  return out;
}

function decode(buf: Buffer): PlannedEntry {
  let at = 4;
  const kind = kinds[buf.readUInt8(at++)]!;
  const sparse = buf.readUInt8(at++) === 1;
  const unit = buf.readUInt16LE(at);
  const mode = buf.readUInt32LE((at += 2));
  const uid = buf.readUInt32LE((at += 4));
  const gid = buf.readUInt32LE((at += 4));
  const mtimeNs = buf.readBigInt64LE((at += 4));
  const size = buf.readDoubleLE((at += 8));
  const bytes = buf.readDoubleLE((at += 8));
  const relLength = buf.readUInt32LE((at += 8));
  // Views, not copies: every chunk read back is a buffer of its own (entries()).
  const rel = buf.subarray((at += 4), (at += relLength));
  const linkLength = buf.readUInt32LE(at);
  const link = linkLength > 0 ? buf.subarray((at += 4), (at += linkLength)) : undefined;
  if (!link) at += 4;
  const count = buf.readUInt32LE(at);
  at += 4;
  const entry: PlannedEntry = { kind, unit, rel, mode, uid, gid, mtimeNs, size, bytes, ...(link ? { link } : {}) };
  if (sparse) {
    entry.regions = [];
    for (let i = 0; i < count; i++, at += 16)
      entry.regions.push({ offset: buf.readDoubleLE(at), length: buf.readDoubleLE(at + 8) });
  }
  return entry;
}

export class PlanStore {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(BUFFER);
  private used = 0;
  count = 0;

  /** `file` is created owner-only and removed by `remove()`. */
  constructor(readonly file: string) {
    this.fd = openSync(file, 'w+', 0o600);
  }

  add(entry: PlannedEntry): void {
    const record = encode(entry);
    if (this.used + record.length > this.buffer.length) this.flush();
    if (record.length > this.buffer.length) writeSync(this.fd, record);
    else this.used += record.copy(this.buffer, this.used);
    this.count++;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  /** The entries in the order they were added; call once the plan is complete. */
  *entries(): Generator<PlannedEntry> {
    this.flush();
    let position = 0;
    let pending = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(BUFFER);
      const read = readSync(this.fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      pending = pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let at = 0;
      while (pending.length - at >= 4) {
        const length = pending.readUInt32LE(at);
        if (pending.length - at < length) break;
        yield decode(pending.subarray(at, at + length));
        at += length;
      }
      // What is left belongs to the next record.
      pending = pending.subarray(at);
    }
    if (pending.length > 0) throw new Error('The backup plan is damaged');
  }

  remove(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.file, { force: true });
    }
  }
}
