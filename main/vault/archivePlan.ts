// The first pass of a backup: every folder, file and link the archive will hold, found by walking the
// units (the app's own data and awkward files left out with a note, as GNU tar does), with the exact
// number of bytes the archive will take. Knowing that before a byte is written lets an upload start
// at once with its Content-Length; the writer (archiveWriter.ts) then keeps to the plan.
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
import { archivePath, entryBytes, manifestLine, padded } from './archiveEntries.js';
import { scanRegions } from './archiveFile.js';
import { endLine, headLine } from './manifest.js';
import type { Notes } from './notes.js';
import { displayPath } from './notes.js';
import type { PlannedEntry, PlanStore } from './planStore.js';
import { fileId, type Exclusions, type ResolvedUnit } from './sourceUnits.js';
import { BLOCK } from './tar/header.js';

const FOLLOW_NOTHING = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** Room kept in a streamed archive for notes that come up while it is written (files that change). */
export const NOTES_RESERVE = 64 * 1024;

export function reasonOf(err: unknown): string {
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

export interface ArchivePlan {
  units: ResolvedUnit[];
  store: PlanStore;
  created: Date;
  /** Entries, and the archive bytes they take. */
  entries: number;
  entryBytes: number;
  /** The manifest as planned: head, one line per entry, end line with the plan's notes. */
  manifestBytes: number;
  /** What a streamed archive of this plan is, to the byte: entries, manifest (with room for notes), end marker. */
  totalBytes: number;
}

export interface PlanOptions {
  signal?: AbortSignal;
  /** Now and then while the plan walks: the unit and the entries found so far. */
  onPlanning?(unit: string, entries: number): void;
}

/** Walks `units` into `store`; the notes say what is left out. */
export async function planArchive(
  units: ResolvedUnit[],
  excluded: Exclusions,
  store: PlanStore,
  notes: Notes,
  options: PlanOptions = {},
): Promise<ArchivePlan> {
  const created = new Date();
  let entries = 0;
  let bytes = 0;
  let manifest = Buffer.byteLength(
    headLine(
      units.map((u) => u.name),
      created,
    ),
  );
  let breath = Date.now();
  const add = (e: PlannedEntry, arch: Buffer) => {
    e.bytes = entryBytes(e, arch);
    store.add(e);
    entries++;
    bytes += e.bytes;
    manifest += Buffer.byteLength(manifestLine(e, arch));
  };
  for (const [index, unit] of units.entries()) {
    const name = Buffer.from(unit.name);
    options.onPlanning?.(unit.name, entries);
    const links = new Map<string, Buffer>();
    const stack: Array<{ rel: Buffer; names: Buffer[]; next: number }> = [];
    /** Synchronous unless a file with holes must be scanned (a promise then). */
    const visit = (rel: Buffer): Promise<void> | void => {
      const abs = archivePath(unit.root, rel);
      // Said only in notes: a path for people costs more than a look at the file.
      const shown = () => displayPath(abs);
      if (abs.length >= 4096) return notes.skip(shown(), reasonOf({ code: 'ENAMETOOLONG' }));
      let st: BigIntStats;
      try {
        st = lstatSync(abs, { bigint: true });
      } catch (err) {
        return notes.skip(shown(), reasonOf(err));
      }
      const own = excluded.get(fileId(st));
      if (own)
        return notes.note("left out: the app's own data (accounts, passwords, work files) is never backed up", own);
      const arch = archivePath(name, rel);
      const e: PlannedEntry = {
        kind: 'dir',
        unit: index,
        rel,
        mode: Number(st.mode),
        uid: Number(st.uid),
        gid: Number(st.gid),
        mtimeNs: st.mtimeNs,
        size: 0,
        bytes: 0,
      };
      if (st.isDirectory()) {
        add(e, arch);
        let names: Buffer[];
        try {
          names = readdirSync(abs, { encoding: 'buffer' });
        } catch (err) {
          return notes.skip(shown(), `its contents were not backed up: ${reasonOf(err)}`);
        }
        names.sort((a, b) => Buffer.compare(a, b));
        stack.push({ rel, names, next: 0 });
        return;
      }
      if (st.isSymbolicLink()) {
        try {
          e.link = readlinkSync(abs, { encoding: 'buffer' });
        } catch (err) {
          return notes.skip(shown(), reasonOf(err));
        }
        return add({ ...e, kind: 'symlink' }, arch);
      }
      if (!st.isFile())
        return notes.skip(shown(), `${otherKinds(st)} is not backed up (only files, folders and links are)`);
      e.size = Number(st.size);
      const first = st.nlink > 1n ? links.get(fileId(st)) : undefined;
      if (first) return add({ ...e, kind: 'hardlink', link: first }, arch);
      // Fewer blocks on disk than the size needs: the file has holes worth finding, now, so its size is known.
      const addFile = () => {
        if (st.nlink > 1n) links.set(fileId(st), arch);
        add({ ...e, kind: 'file' }, arch);
      };
      if (e.size === 0 || Number(st.blocks) * 512 >= e.size) return addFile();
      return sparseRegions(abs, e.size, shown(), notes, options.signal).then((regions) => {
        if (regions === null) return;
        if (regions) e.regions = regions;
        addFile();
      });
    };
    await visit(Buffer.alloc(0));
    while (stack.length > 0) {
      options.signal?.throwIfAborted();
      if (Date.now() - breath > 20) {
        // Synchronous metadata calls are fastest here; let D-Bus and progress through now and then.
        await new Promise((resolve) => setImmediate(resolve));
        breath = Date.now();
        options.onPlanning?.(unit.name, entries);
      }
      const top = stack[stack.length - 1]!;
      const next = top.names[top.next++];
      if (next === undefined) {
        stack.pop();
        continue;
      }
      const scanning = visit(top.rel.length === 0 ? next : Buffer.concat([top.rel, Buffer.from('/'), next]));
      if (scanning) await scanning;
    }
  }
  manifest += Buffer.byteLength(endLine(entries, notes.list));
  const manifestMember = BLOCK + padded(manifest + NOTES_RESERVE);
  return {
    units,
    store,
    created,
    entries,
    entryBytes: bytes,
    manifestBytes: manifest,
    totalBytes: bytes + manifestMember + 2 * BLOCK,
  };
}

/**
 * The data regions of a file with holes (undefined when it has none after all); null when it cannot
 * be read, with a note.
 */
async function sparseRegions(abs: Buffer, size: number, shown: string, notes: Notes, signal?: AbortSignal) {
  let fd: number;
  try {
    fd = openSync(abs, FOLLOW_NOTHING);
  } catch (err) {
    notes.skip(shown, reasonOf(err));
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      notes.skip(shown, 'it was replaced while the backup ran');
      return null;
    }
    const regions = await scanRegions(fd, size, signal);
    if (regions.length === 1 && regions[0]!.offset === 0 && regions[0]!.length === size) return undefined;
    const last = regions[regions.length - 1];
    // GNU tar ends the map with a zero-length region at the end of a file that ends in a hole.
    if (!last || last.offset + last.length < size) regions.push({ offset: size, length: 0 });
    return regions;
  } catch (err) {
    if (signal?.aborted) throw err;
    notes.skip(shown, reasonOf(err));
    return null;
  } finally {
    closeSync(fd);
  }
}
