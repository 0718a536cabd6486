// Backup archives: one tar, one top-level folder per backup unit (Sailfish's layout: People/…,
// Calendar/…), names kept as bytes, mtimes and modes, hard links inside a unit as links to the first
// member, symlinks as links, sparse files sparse, and a manifest as the last member. One awkward file
// is a note, not a failed backup (GNU tar's behaviour): the run goes on and says what it left out.
// Two passes: the plan (archivePlan.ts) finds every entry and the archive's exact size, so a stream can
// announce its length first; the writer (archiveWriter.ts) then writes what was planned.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { planArchive } from './archivePlan.js';
import { ArchiveWriter } from './archiveWriter.js';
import { Notes } from './notes.js';
import { PlanStore } from './planStore.js';
import { exclusionsFor, resolveUnits } from './sourceUnits.js';
import type { BufferPool } from './tar/bufferPool.js';
import { TarWriter, type Sink } from './tar/TarWriter.js';
import { logger } from '../log.js';

const log = logger('vault');

export interface ArchiveUnit {
  name: string;
  path: string;
}

export interface ArchiveProgress {
  unit: string;
  files: number;
  bytes: number;
}

export interface ArchiveResult extends ArchiveProgress {
  /** The archive's own SHA-256 (for a file, also written beside it as `<file>.sha256`). */
  sha256: string;
  notes: Notes;
}

export interface CreateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ArchiveProgress) => void;
  /** While the first pass looks for what to back up: the unit, and the entries found so far. */
  onPlanning?: (unit: string, entries: number) => void;
  /** Folders never backed up, wherever they are: the app's data folder, credentials, work folders. */
  excluded?: string[];
}

/** Where an archive goes: its sink, told the exact size first when it is a stream. */
export interface ArchiveTarget {
  sink: Sink;
  /**
   * Called once the size is known and before the first byte; a stream's length is this, to the byte.
   * `units` are those the archive holds, in order.
   */
  begin?(size: number, units: string[]): Promise<void>;
  exact: boolean;
  /** Where the sink gives back the chunks it has sent (tar/bufferPool.ts). */
  pool?: BufferPool;
}

export { isUnitName } from '../backupNames.js';

/**
 * Plans and writes an archive of `units` into `target`. `scratch` is the path prefix of its work files
 * (the plan and the manifest, removed at the end), also left out of the backup as are `also`.
 */
export async function writeArchive(
  units: ArchiveUnit[],
  target: ArchiveTarget,
  scratch: string,
  options: CreateOptions = {},
  also: string[] = [],
): Promise<ArchiveResult> {
  const store = new PlanStore(`${scratch}.plan.part`);
  let manifestFile: FileHandle | undefined;
  try {
    manifestFile = await open(`${scratch}.manifest.part`, 'w+', 0o600);
    // The archive being written may be inside a unit (a backup to a folder that is backed up).
    const excluded = await exclusionsFor([
      ...(options.excluded ?? []),
      ...also,
      store.file,
      `${scratch}.manifest.part`,
    ]);
    const notes = new Notes();
    const resolved = await resolveUnits(units, excluded, notes);
    if (resolved.length === 0)
      throw new Error(
        `Nothing could be backed up: ${notes.list.map((n) => `${n.path}: ${n.reason}`).join('; ') || 'no folders are chosen'}`,
      );
    const plan = await planArchive(resolved, excluded, store, notes, options);
    await target.begin?.(
      plan.totalBytes,
      resolved.map((u) => u.name),
    );
    const tar = new TarWriter(target.sink, target.pool, plan.totalBytes);
    const writer = new ArchiveWriter(plan, tar, manifestFile, notes, { ...options, exact: target.exact });
    try {
      const sha256 = await writer.write();
      return { ...writer.progress, bytes: tar.bytes, sha256, notes };
    } catch (err) {
      await tar.abandon();
      throw err;
    }
  } finally {
    await manifestFile?.close().catch(log.ignored('closing the manifest scratch file'));
    await rm(`${scratch}.manifest.part`, { force: true });
    store.remove();
  }
}

/**
 * Writes the units into `file` through a temporary `.part` name, so a cancelled or failed run never
 * leaves something that looks like a finished archive; then `<file>.sha256` beside it.
 */
export async function createArchive(
  units: ArchiveUnit[],
  file: string,
  options: CreateOptions = {},
): Promise<ArchiveResult> {
  const part = `${file}.part`;
  const out = await open(part, 'w', 0o600);
  try {
    const sink: Sink = async (chunk) => {
      await out.write(chunk);
    };
    const result = await writeArchive(units, { sink, exact: false }, file, options, [part]);
    await out.sync();
    await out.close();
    await rename(part, file);
    await writeFile(`${file}.sha256`, `${result.sha256}  ${path.basename(file)}\n`, { mode: 0o600 });
    return result;
  } catch (err) {
    await out.close().catch(log.ignored('closing a failed archive (it is removed next)'));
    await rm(part, { force: true });
    throw err;
  }
}

/** A fresh scratch prefix inside `dir`, for an archive that has no file of its own. */
export function scratchIn(dir: string): string {
  return path.join(dir, `.archive-${randomBytes(6).toString('hex')}`);
}
