// The second pass of a backup: writes what the plan found, entry by entry with its manifest line, then
// the manifest as the last member. A streamed archive keeps to the size the plan announced: a file that
// changed is stored at its planned size (a note says so), one that disappeared leaves room that is
// filled with zeros after the end-of-archive marker, and late notes fit in the room kept for them.
import type { FileHandle } from 'node:fs/promises';
import { closeSync, constants, fstatSync, openSync, type BigIntStats } from 'node:fs';
import type { ArchiveProgress } from './archive.js';
import { archivePath, entryBytes, entryHeader, manifestLine, padded } from './archiveEntries.js';
import { storeFile } from './archiveFile.js';
import { NOTES_RESERVE, reasonOf, type ArchivePlan } from './archivePlan.js';
import { endLine, headLine, MANIFEST_NAME } from './manifest.js';
import { displayPath, type FileNote, type Notes } from './notes.js';
import type { PlannedEntry } from './planStore.js';
import { BLOCK, encodeHeader, TypeFlag } from './tar/header.js';
import type { TarWriter } from './tar/TarWriter.js';

const FOLLOW_NOTHING = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** Files up to this size are read at once (archiveFile.ts). */
const ONE_READ = 64 << 10;

export interface WriteOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: ArchiveProgress) => void) | undefined;
  /** The archive must be exactly `plan.totalBytes` long: its length was announced before it was written. */
  exact: boolean;
}

export class ArchiveWriter {
  readonly progress: ArchiveProgress = { unit: '', files: 0, bytes: 0 };
  private lastReport = 0;
  private lastBreath = Date.now();
  private manifest: string[] = [];
  private manifestBytes = 0;
  /** Bytes of the notes written into entry lines, out of half the reserve (the end line gets the rest). */
  private entryNotes = 0;
  private entries = 0;
  /** Planned bytes of the entries handled so far: the writer is never ahead of this in an exact archive. */
  private planned = 0;
  /** First names of hard links that are not in the archive after all, with the name standing in for them. */
  private readonly gone = new Map<string, Buffer | undefined>();

  constructor(
    private readonly plan: ArchivePlan,
    private readonly writer: TarWriter,
    private readonly manifestFile: FileHandle,
    private readonly notes: Notes,
    private readonly options: WriteOptions,
  ) {}

  report(force = false): void {
    const now = Date.now();
    this.progress.bytes = this.writer.bytes;
    if (force || now - this.lastReport > 100) {
      this.lastReport = now;
      this.options.onProgress?.({ ...this.progress });
    }
  }

  /** Writes every planned entry and the manifest; returns the archive's SHA-256. */
  async write(): Promise<string> {
    const names = this.plan.units.map((u) => Buffer.from(u.name));
    let unit = -1;
    for (const e of this.plan.store.entries()) {
      this.options.signal?.throwIfAborted();
      if (e.unit !== unit) {
        unit = e.unit;
        this.progress.unit = this.plan.units[unit]!.name;
        this.report(true);
      }
      await this.breathe();
      const arch = archivePath(names[unit]!, e.rel);
      const behind = this.planned - this.writer.bytes;
      this.planned += e.bytes;
      if (e.kind === 'file') await this.file(e, arch, this.plan.units[unit]!.root);
      else if (e.kind === 'hardlink') await this.hardlink(e, arch, behind);
      else await this.entry(e, arch, e.kind);
      if (this.options.exact && this.writer.bytes > this.planned + NOTES_RESERVE / 2)
        throw new Error('The archive grew past the size announced for it');
    }
    await this.finish(this.plan.units.map((u) => u.name));
    this.report(true);
    return this.writer.end(this.options.exact ? this.plan.totalBytes : 0);
  }

  private async breathe(): Promise<void> {
    if (Date.now() - this.lastBreath < 20) return;
    // Files are read with synchronous calls: let D-Bus and progress through now and then.
    await new Promise((resolve) => setImmediate(resolve));
    this.lastBreath = Date.now();
  }

  /** Manifest lines go to a file as they come: a million-file backup keeps its memory. */
  private async record(line: string): Promise<void> {
    this.entries++;
    this.manifest.push(line);
    this.manifestBytes += Buffer.byteLength(line);
    if (this.manifest.length >= 1000) await this.flushManifest();
  }

  private async flushManifest(): Promise<void> {
    if (this.manifest.length === 0) return;
    const text = this.manifest.join('');
    this.manifest = [];
    await this.manifestFile.write(text);
  }

  private async entry(e: PlannedEntry, arch: Buffer, kind: PlannedEntry['kind']): Promise<void> {
    await this.writer.write(entryHeader(e, arch, kind));
    await this.record(manifestLine(e, arch, { kind }));
  }

  /** A hard link whose first name is gone links to the name that stands in for it, or becomes that name. */
  private async hardlink(e: PlannedEntry, arch: Buffer, behind: number): Promise<void> {
    const key = e.link!.toString('latin1');
    if (!this.gone.has(key)) return this.entry(e, arch, 'hardlink');
    const standIn = this.gone.get(key);
    if (standIn) return this.entry({ ...e, link: standIn }, arch, 'hardlink');
    const shown = displayPath(archivePath(this.plan.units[e.unit]!.root, e.rel));
    // Its data takes the room its first name left (and its longer manifest line some of the notes'
    // room): only when that fits in a length already announced.
    const line =
      Buffer.byteLength(manifestLine({ ...e, kind: 'file' }, arch)) - Buffer.byteLength(manifestLine(e, arch));
    const fits =
      entryBytes(e, arch, 'file') <= behind + e.bytes + NOTES_RESERVE / 8 &&
      this.entryNotes + line <= NOTES_RESERVE / 2;
    if (this.options.exact && !fits)
      return this.notes.skip(shown, 'the file it is a hard link to disappeared while the backup ran');
    this.entryNotes += line;
    if (await this.file({ ...e, kind: 'file' }, arch, this.plan.units[e.unit]!.root)) this.gone.set(key, arch);
  }

  /** Stores one regular file; false (with a note) when it could not be read. */
  private async file(e: PlannedEntry, arch: Buffer, root: Buffer): Promise<boolean> {
    const abs = archivePath(root, e.rel);
    const shown = () => displayPath(abs);
    const missing = (reason: string) => {
      this.gone.set(arch.toString('latin1'), undefined);
      this.notes.skip(shown(), reason);
      return false;
    };
    let fd: number;
    try {
      fd = openSync(abs, FOLLOW_NOTHING);
    } catch (err) {
      return missing(reasonOf(err));
    }
    let stored;
    let now: BigIntStats;
    try {
      now = fstatSync(fd, { bigint: true });
      if (!now.isFile()) return missing('it was replaced while the backup ran');
      stored = await storeFile(this.writer, e, entryHeader(e, arch, 'file'), fd, {
        signal: this.options.signal,
        onChunk: () => this.report(),
      });
      // A small file is read at once: as it was just before; a longer read is looked at again after.
      if (e.size > ONE_READ) now = fstatSync(fd, { bigint: true });
    } finally {
      closeSync(fd);
    }
    let note: string | undefined;
    if (stored.shrankBy > 0)
      note = `it shrank by ${stored.shrankBy} bytes while it was read; the backup holds zeros there`;
    else if (now.mtimeNs !== e.mtimeNs || Number(now.size) !== e.size)
      note = 'it changed while it was read; the backup may hold a mix of old and new';
    if (note) this.notes.change(shown(), note);
    const withNote = note ? manifestLine(e, arch, { kind: 'file', sha256: stored.sha256, note }) : undefined;
    const extra = withNote ? Buffer.byteLength(withNote) - Buffer.byteLength(manifestLine(e, arch)) : 0;
    if (withNote && (!this.options.exact || this.entryNotes + extra <= NOTES_RESERVE / 2)) {
      this.entryNotes += extra;
      await this.record(withNote);
    } else await this.record(manifestLine(e, arch, { kind: 'file', sha256: stored.sha256 }));
    this.progress.files++;
    this.report();
    return true;
  }

  /** The manifest as the archive's last member, its head line naming the units actually stored. */
  private async finish(units: string[]): Promise<void> {
    await this.flushManifest();
    const head = headLine(units, this.plan.created);
    let end = endLine(this.entries, this.notes.list);
    if (this.options.exact) {
      // What is left of the announced length after the manifest's header and the end-of-archive marker.
      const room = this.plan.totalBytes - this.writer.bytes - 3 * BLOCK;
      const fits = (line: string) =>
        padded(Buffer.byteLength(head) + this.manifestBytes + Buffer.byteLength(line)) <= room;
      const listed: FileNote[] = [...this.notes.list];
      while (!fits(end) && listed.length > 0) {
        listed.splice(Math.max(0, listed.length - Math.max(1, listed.length >> 2)));
        end = endLine(this.entries, [
          ...listed,
          { kind: 'note', path: '', reason: 'More notes are in the log of this backup.' },
        ]);
      }
      if (!fits(end)) end = endLine(this.entries, []);
      if (!fits(end)) throw new Error('The archive grew past the size announced for it');
    }
    this.manifestBytes += Buffer.byteLength(end);
    await this.manifestFile.write(end);
    const size = this.manifestBytes + Buffer.byteLength(head);
    await this.writer.write(
      encodeHeader({
        path: Buffer.from(MANIFEST_NAME),
        typeflag: TypeFlag.File,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size,
        mtime: Math.floor(this.plan.created.getTime() / 1000),
        linkpath: Buffer.alloc(0),
        uname: '',
        gname: '',
      }),
    );
    await this.writer.write(Buffer.from(head));
    for (let pos = 0; pos < this.manifestBytes;) {
      const buffer = Buffer.allocUnsafe(Math.min(1 << 20, this.manifestBytes - pos));
      const { bytesRead } = await this.manifestFile.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) throw new Error('The manifest could not be read back');
      await this.writer.write(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    await this.writer.pad(size);
  }
}
