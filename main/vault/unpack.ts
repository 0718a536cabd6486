// Unpacks an archive into staging folders and verifies it on the way: every member is compared with the
// manifest (the archive's last member) when it arrives, the end-of-archive marker must be there, and the
// archive's own SHA-256 must match its `.sha256` when it has one — then that checksum vouches for every
// byte, and files are not hashed one by one; without one, each file's content is hashed and compared
// with the manifest. Any mismatch is an error before a single file of the user's changes. An archive
// without a manifest (an older one, or a device's) is unpacked with the same safety checks and a note
// that it was not verified. The archive may be a file or a stream (a download as it arrives).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lutimesSync, utimesSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MANIFEST_NAME } from './manifest.js';
import { displayPath, UNVERIFIED_NOTE, type Notes } from './notes.js';
import { isArchiveUnitName } from './sourceUnits.js';
import { joinRel, NO_HASH, placeData, type StagedUnit } from './stagedUnit.js';
import { TarReader, type TarEntry } from './tar/TarReader.js';
import { ManifestCheck, VerificationError, type MemberRecord } from './verifyManifest.js';

export interface UnpackOptions {
  /** The archive's bytes, plain or gzip-compressed. */
  source: AsyncIterable<Buffer>;
  /** Their length, when known. */
  size?: number;
  /** The staging of a unit, made on first sight; throws for a unit this restore has no place for. */
  stageFor(unit: string): Promise<StagedUnit>;
  /** The archive's SHA-256 as recorded beside it, when it was. */
  checksum?: string;
  signal?: AbortSignal;
  onEntry?(unit: string, files: number): void;
  notes: Notes;
}

export interface UnpackResult {
  units: StagedUnit[];
  files: number;
  verified: boolean;
}

/** Splits a member path into its parts; undefined (with the reason) for one that could leave its folder. */
function parts(path: Buffer): { parts: Buffer[] } | { refused: string } {
  if (path[0] === 0x2f) return { refused: 'it has an absolute path' };
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path[i] !== 0x2f) continue;
    const part = path.subarray(start, i);
    start = i + 1;
    if (part.length === 0 || (part.length === 1 && part[0] === 0x2e)) continue;
    if (part.length === 2 && part[0] === 0x2e && part[1] === 0x2e)
      return { refused: 'its path leaves the archive (..)' };
    out.push(part);
  }
  return { parts: out };
}

/** A file's bytes, 1 MiB at a time. */
export function fileChunks(file: string): AsyncIterable<Buffer> {
  return createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
}

/** The source as it is, or decompressed when it starts as gzip does (older cloud backups are .tar.gz). */
async function sniffed(source: AsyncIterable<Buffer>): Promise<{ gzip: boolean; chunks: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  let first: Buffer = Buffer.alloc(0);
  let done = false;
  while (first.length < 2 && !done) {
    const next = await it.next();
    if (next.done) done = true;
    else first = first.length === 0 ? next.value : Buffer.concat([first, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  const gzip = first[0] === 0x1f && first[1] === 0x8b;
  if (!gzip) return { gzip, chunks: all() };
  return { gzip, chunks: Readable.from(all()).pipe(createGunzip({ chunkSize: 1 << 20 })) as AsyncIterable<Buffer> };
}

export async function unpackArchive(options: UnpackOptions): Promise<UnpackResult> {
  const { gzip, chunks } = await sniffed(options.source);
  const reader = new TarReader(chunks, gzip ? undefined : options.size);
  try {
    return await unpackFrom(reader, gzip, options);
  } catch (err) {
    await reader.abandon();
    throw err;
  }
}

async function unpackFrom(reader: TarReader, gzip: boolean, options: UnpackOptions): Promise<UnpackResult> {
  const { notes, signal } = options;
  // The archive's checksum vouches for every byte: hashing each file again would only repeat it.
  const hashFiles = gzip || !options.checksum;
  const units = new Map<string, StagedUnit>();
  const records: MemberRecord[] = [];
  const check = new ManifestCheck();
  let files = 0;
  let breath = Date.now();
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    signal?.throwIfAborted();
    if (Date.now() - breath > 20) {
      // Files are written with synchronous calls: let D-Bus and progress through now and then.
      await new Promise((resolve) => setImmediate(resolve));
      breath = Date.now();
    }
    if (check.seen) throw new VerificationError('the archive goes on after its manifest');
    const split = parts(entry.path);
    if ('refused' in split) {
      records.push({ entry, refused: split.refused });
      continue;
    }
    const [top, ...rel] = split.parts;
    if (top && rel.length === 0 && entry.kind === 'file' && top.equals(Buffer.from(MANIFEST_NAME))) {
      await check.read(reader.data(), entry.size);
      continue;
    }
    const unitName = top?.toString('utf8');
    if (!top || !unitName || !Buffer.from(unitName).equals(top) || !isArchiveUnitName(unitName)) {
      records.push({
        entry,
        refused: top
          ? `"${displayPath(top)}" is not a folder name a backup can hold`
          : 'it is not inside a unit folder',
      });
      continue;
    }
    if (rel.length === 0 && entry.kind !== 'directory') {
      records.push({ entry, refused: 'it is not inside a unit folder' });
      continue;
    }
    let unit = units.get(unitName);
    if (!unit) {
      unit = await options.stageFor(unitName);
      units.set(unitName, unit);
    }
    const record: MemberRecord = { entry, unit: unitName, rel };
    records.push(record);
    if (unit.isExcluded(rel)) {
      notes.note("not restored: the app's own data is never replaced by a backup", displayPath(joinRel([top, ...rel])));
      if (entry.kind === 'file') record.sha256 = await hashOnly(reader.data(), entry, hashFiles);
      continue;
    }
    record.refused = await write(unit, rel, entry, reader, record, hashFiles);
    if (entry.kind === 'file' && !record.refused) files++;
    options.onEntry?.(unitName, files);
  }
  const archiveSha = await reader.finish();
  if (!gzip && options.checksum && options.checksum !== archiveSha)
    throw new VerificationError(
      `the archive's SHA-256 is ${archiveSha}, but ${options.checksum} was recorded when it was made`,
    );
  const staged = [...units.values()];
  const verified = check.seen;
  if (verified) check.compare(records, [...units.keys()]);
  else {
    notes.note(UNVERIFIED_NOTE);
    for (const r of records) if (r.refused) notes.skip(displayPath(r.entry.path), `not restored: ${r.refused}`);
  }
  setTimes(records, units, check);
  return { units: staged, files, verified };
}

async function hashOnly(data: AsyncIterable<Buffer>, entry: TarEntry, hashFiles: boolean): Promise<string | undefined> {
  const hash = hashFiles ? createHash('sha256') : undefined;
  await placeData(entry.size, entry.sparse, data, hash ?? NO_HASH);
  return hash?.digest('hex');
}

async function write(
  unit: StagedUnit,
  rel: Buffer[],
  entry: TarEntry,
  reader: TarReader,
  record: MemberRecord,
  hashFiles: boolean,
): Promise<string | undefined> {
  switch (entry.kind) {
    case 'directory':
      return unit.folder(rel, entry.mode, entry.uid, entry.mtimeText ?? entry.mtime);
    case 'symlink':
      return unit.symlink(rel, entry.linkpath);
    case 'hardlink': {
      const target = parts(entry.linkpath);
      if ('refused' in target) return target.refused;
      const [top, ...targetRel] = target.parts;
      if (!top || top.toString('utf8') !== unit.name || targetRel.length === 0)
        return 'it is a hard link out of its unit folder';
      return unit.hardlink(rel, targetRel);
    }
    case 'file': {
      const hash = hashFiles ? createHash('sha256') : undefined;
      const refused = await unit.file(
        rel,
        entry.mode,
        entry.uid,
        entry.size,
        entry.sparse,
        reader.data(),
        hash ?? NO_HASH,
      );
      record.sha256 = hash?.digest('hex');
      return refused;
    }
    default:
      return `${entry.typeflag === '3' || entry.typeflag === '4' ? 'device files' : 'special files'} are not restored`;
  }
}

/** Modification times last: with the manifest's nanoseconds when there is one. */
function setTimes(records: MemberRecord[], units: Map<string, StagedUnit>, check: ManifestCheck): void {
  for (const [i, r] of records.entries()) {
    if (r.refused || !r.unit || !r.rel) continue;
    const unit = units.get(r.unit)!;
    if (unit.isExcluded(r.rel) || r.entry.kind === 'hardlink') continue;
    const text = check.mtimeOf(i) ?? r.entry.mtimeText;
    const seconds = text ? Number(text) : r.entry.mtime;
    if (r.entry.kind === 'directory') {
      const folder = unit.folders.get(joinRel(r.rel).toString('latin1'));
      if (folder) folder.mtime = seconds;
      continue;
    }
    const p = unit.abs(r.rel);
    if (r.entry.kind === 'symlink') lutimesSync(p, seconds, seconds);
    else utimesSync(p, seconds, seconds);
  }
}
