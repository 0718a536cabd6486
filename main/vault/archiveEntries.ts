// What one planned entry looks like in the archive: its tar headers and its manifest line, computed the
// same way when the plan counts the archive's size and when the writer writes it, so the two agree
// to the byte.
import { entryLine, mtimeSeconds, mtimeText, type ManifestEntry } from './manifest.js';
import type { PlannedEntry } from './planStore.js';
import { BLOCK, encodeHeader, fitsUstar, TypeFlag } from './tar/header.js';
import { encodeSparseMap, type SparseRegion } from './tar/sparse.js';

const slash = Buffer.from('/');
/** Stands in for a file's SHA-256 when the plan measures its manifest line (the digest has this length). */
export const DIGEST_PLACEHOLDER = '0'.repeat(64);

export function padded(size: number): number {
  return size + ((BLOCK - (size % BLOCK)) % BLOCK);
}

/** `<unit>` or `<unit>/<rel>`: the entry's path in the archive. */
export function archivePath(unit: Buffer, rel: Buffer): Buffer {
  return rel.length === 0 ? unit : Buffer.concat([unit, slash, rel]);
}

/** A sparse file's map (a whole number of blocks) and the bytes of data its regions hold. */
export function sparseLayout(regions: SparseRegion[]): { map: Buffer; data: number } {
  return { map: encodeSparseMap(regions), data: regions.reduce((sum, r) => sum + r.length, 0) };
}

/** The header blocks of an entry; a file's data follows them (a sparse file's after its map). */
export function entryHeader(e: PlannedEntry, arch: Buffer, kind = e.kind): Buffer {
  const fields = {
    path: arch,
    mode: e.mode & 0o7777,
    uid: e.uid,
    gid: e.gid,
    mtime: mtimeSeconds(mtimeText(e.mtimeNs)),
    uname: '',
    gname: '',
    linkpath: Buffer.alloc(0),
    size: 0,
  };
  switch (kind) {
    case 'dir':
      return encodeHeader({ ...fields, path: Buffer.concat([arch, slash]), typeflag: TypeFlag.Directory });
    case 'symlink':
      return encodeHeader({ ...fields, typeflag: TypeFlag.SymLink, linkpath: e.link ?? Buffer.alloc(0) });
    case 'hardlink':
      return encodeHeader({ ...fields, typeflag: TypeFlag.HardLink, linkpath: e.link ?? Buffer.alloc(0) });
    case 'file': {
      if (!e.regions) return encodeHeader({ ...fields, typeflag: TypeFlag.File, size: e.size });
      const { map, data } = sparseLayout(e.regions);
      return encodeHeader({ ...fields, typeflag: TypeFlag.File, size: map.length + data }, { sparseRealSize: e.size });
    }
  }
}

/** Header, data and padding: what the entry adds to the archive. */
export function entryBytes(e: PlannedEntry, arch: Buffer, kind = e.kind): number {
  const path = kind === 'dir' ? Buffer.concat([arch, slash]) : arch;
  const linkpath = kind === 'symlink' || kind === 'hardlink' ? (e.link ?? Buffer.alloc(0)) : Buffer.alloc(0);
  const size = kind === 'file' ? e.size : 0;
  const header = fitsUstar({ path, linkpath, size }, kind === 'file' && e.regions !== undefined)
    ? BLOCK
    : entryHeader(e, arch, kind).length;
  if (kind !== 'file') return header;
  if (!e.regions) return header + padded(e.size);
  const { map, data } = sparseLayout(e.regions);
  return header + map.length + padded(data);
}

/** The entry's manifest line; `sha256` for a file's content, `note` when it changed while read. */
export function manifestLine(
  e: PlannedEntry,
  arch: Buffer,
  extra: { kind?: PlannedEntry['kind']; sha256?: string; note?: string } = {},
): string {
  const kind = extra.kind ?? e.kind;
  const line: ManifestEntry = {
    path: arch,
    type: kind,
    size: kind === 'file' ? e.size : 0,
    mode: e.mode & 0o7777,
    mtime: mtimeText(e.mtimeNs),
  };
  if (kind === 'file') line.sha256 = extra.sha256 ?? DIGEST_PLACEHOLDER;
  if ((kind === 'symlink' || kind === 'hardlink') && e.link) line.link = e.link;
  if (kind === 'file' && e.regions) line.sparse = true;
  if (extra.note) line.note = extra.note;
  return entryLine(line);
}
