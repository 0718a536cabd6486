// Walks the units into an archive: one entry per file, folder and link with its manifest line, the
// app's own data and awkward files left out with a note (GNU tar's behaviour), the manifest last.
import type { FileHandle } from 'node:fs/promises';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  type BigIntStats,
} from 'node:fs';
import type { ArchiveProgress, CreateOptions } from './archive.js';
import { storeFile } from './archiveFile.js';
import {
  endLine,
  entryLine,
  headLine,
  MANIFEST_NAME,
  mtimeSeconds,
  mtimeText,
  type ManifestEntry,
} from './manifest.js';
import { displayPath, Notes } from './notes.js';
import { fileId, type Exclusions, type ResolvedUnit } from './sourceUnits.js';
import { encodeHeader, TypeFlag } from './tar/header.js';
import type { TarWriter } from './tar/TarWriter.js';

const FOLLOW_NOTHING = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it disappeared while the backup ran';
  if (code === 'EACCES' || code === 'EPERM') return 'it cannot be read (permission denied)';
  if (code === 'ENAMETOOLONG') return 'its path is longer than the system allows (4096 bytes)';
  if (code === 'ELOOP') return 'it was replaced by a symlink while the backup ran';
  return `it cannot be read (${code ?? (err as Error).message})`;
}

const otherKinds = (st: BigIntStats) =>
  st.isSocket()
    ? 'a socket'
    : st.isFIFO()
      ? 'a named pipe'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device file'
        : 'a special file';

export class ArchiveBuilder {
  readonly notes = new Notes();
  readonly progress: ArchiveProgress = { unit: '', files: 0, bytes: 0 };
  private entries = 0;
  private lastReport = 0;
  private lastBreath = Date.now();
  private manifest: string[] = [];
  private manifestBytes = 0;
  private readonly buffer = Buffer.allocUnsafe(1 << 20);

  constructor(
    private readonly writer: TarWriter,
    private readonly excluded: Exclusions,
    private readonly manifestFile: FileHandle,
    private readonly options: CreateOptions,
  ) {}

  report(force = false): void {
    const now = Date.now();
    this.progress.bytes = this.writer.bytes;
    if (force || now - this.lastReport > 100) {
      this.lastReport = now;
      this.options.onProgress?.({ ...this.progress });
    }
  }

  /** Manifest lines go to a file as they come: a million-file backup keeps its memory. */
  private async record(line: string): Promise<void> {
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

  private async entry(e: ManifestEntry, header: Buffer): Promise<void> {
    await this.writer.write(header);
    this.entries++;
    await this.record(entryLine(e));
  }

  async unit(unit: ResolvedUnit): Promise<void> {
    this.progress.unit = unit.name;
    this.report(true);
    const links = new Map<string, Buffer>();
    const stack: Array<{ abs: Buffer; arch: Buffer; names: Buffer[]; next: number }> = [];
    const visit = async (abs: Buffer, arch: Buffer): Promise<void> => {
      this.options.signal?.throwIfAborted();
      const shown = displayPath(abs);
      if (abs.length >= 4096) return this.notes.skip(shown, reasonOf({ code: 'ENAMETOOLONG' }));
      await this.breathe();
      let st: BigIntStats;
      try {
        st = lstatSync(abs, { bigint: true });
      } catch (err) {
        return this.notes.skip(shown, reasonOf(err));
      }
      const own = this.excluded.get(fileId(st));
      if (own)
        return this.notes.note(
          "left out: the app's own data (accounts, passwords, work files) is never backed up",
          own,
        );
      const mtime = mtimeText(st.mtimeNs);
      const base = { mode: Number(st.mode & 0o7777n), mtime, size: 0 };
      const fields = {
        uid: Number(st.uid),
        gid: Number(st.gid),
        mtime: mtimeSeconds(mtime),
        uname: '',
        gname: '',
        size: 0,
      };
      if (st.isDirectory()) {
        const dirPath = Buffer.concat([arch, Buffer.from('/')]);
        await this.entry(
          { ...base, path: arch, type: 'dir' },
          encodeHeader({
            ...fields,
            path: dirPath,
            typeflag: TypeFlag.Directory,
            mode: base.mode,
            linkpath: Buffer.alloc(0),
          }),
        );
        let names: Buffer[];
        try {
          names = readdirSync(abs, { encoding: 'buffer' });
        } catch (err) {
          return this.notes.skip(shown, `its contents were not backed up: ${reasonOf(err)}`);
        }
        names.sort((a, b) => Buffer.compare(a, b));
        stack.push({ abs, arch, names, next: 0 });
        return;
      }
      if (st.isSymbolicLink()) {
        let target: Buffer;
        try {
          target = readlinkSync(abs, { encoding: 'buffer' });
        } catch (err) {
          return this.notes.skip(shown, reasonOf(err));
        }
        return this.entry(
          { ...base, path: arch, type: 'symlink', link: target },
          encodeHeader({ ...fields, path: arch, typeflag: TypeFlag.SymLink, mode: base.mode, linkpath: target }),
        );
      }
      if (!st.isFile())
        return this.notes.skip(shown, `${otherKinds(st)} is not backed up (only files, folders and links are)`);
      const first = st.nlink > 1n ? links.get(fileId(st)) : undefined;
      if (first) {
        return this.entry(
          { ...base, path: arch, type: 'hardlink', link: first },
          encodeHeader({ ...fields, path: arch, typeflag: TypeFlag.HardLink, mode: base.mode, linkpath: first }),
        );
      }
      await this.file(abs, arch, shown, links);
    };
    await visit(unit.root, Buffer.from(unit.name));
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const name = top.names[top.next++];
      if (name === undefined) {
        stack.pop();
        continue;
      }
      const slash = Buffer.from('/');
      await visit(Buffer.concat([top.abs, slash, name]), Buffer.concat([top.arch, slash, name]));
    }
  }

  /**
   * The walk uses synchronous metadata calls (each a few microseconds; as promises, each waits its turn
   * in the thread pool), and lets other work run every few milliseconds.
   */
  private async breathe(): Promise<void> {
    if (Date.now() - this.lastBreath < 20) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastBreath = Date.now();
  }

  private async file(abs: Buffer, arch: Buffer, shown: string, links: Map<string, Buffer>): Promise<void> {
    let fd: number;
    try {
      fd = openSync(abs, FOLLOW_NOTHING);
    } catch (err) {
      return this.notes.skip(shown, reasonOf(err));
    }
    let st: BigIntStats;
    let stored;
    let after: BigIntStats;
    try {
      st = fstatSync(fd, { bigint: true });
      if (!st.isFile()) return this.notes.skip(shown, 'it was replaced while the backup ran');
      stored = await storeFile(this.writer, arch, fd, st, mtimeSeconds(mtimeText(st.mtimeNs)), {
        signal: this.options.signal,
        onChunk: () => this.report(),
        buffer: this.buffer,
      });
      after = fstatSync(fd, { bigint: true });
    } finally {
      closeSync(fd);
    }
    let note: string | undefined;
    if (stored.shrankBy > 0)
      note = `it shrank by ${stored.shrankBy} bytes while it was read; the backup holds zeros there`;
    else if (after.mtimeNs !== st.mtimeNs || after.size !== st.size)
      note = 'it changed while it was read; the backup may hold a mix of old and new';
    if (note) this.notes.change(shown, note);
    this.entries++;
    await this.record(
      entryLine({
        path: arch,
        type: 'file',
        size: Number(st.size),
        mode: Number(st.mode & 0o7777n),
        mtime: mtimeText(st.mtimeNs),
        sha256: stored.sha256,
        ...(stored.sparse ? { sparse: true } : {}),
        ...(note ? { note } : {}),
      }),
    );
    if (st.nlink > 1n) links.set(fileId(st), arch);
    this.progress.files++;
    this.report();
  }

  /** The manifest as the archive's last member, its head line naming the units actually stored. */
  async finish(units: string[]): Promise<void> {
    await this.record(endLine(this.entries, this.notes.list));
    await this.flushManifest();
    const head = headLine(units);
    const size = this.manifestBytes + Buffer.byteLength(head);
    const now = Math.floor(Date.now() / 1000);
    await this.writer.write(
      encodeHeader({
        path: Buffer.from(MANIFEST_NAME),
        typeflag: TypeFlag.File,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size,
        mtime: now,
        linkpath: Buffer.alloc(0),
        uname: '',
        gname: '',
      }),
    );
    await this.writer.write(Buffer.from(head));
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < this.manifestBytes;) {
      const { bytesRead } = await this.manifestFile.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) throw new Error('The manifest could not be read back');
      await this.writer.write(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    await this.writer.pad(size);
  }
}
