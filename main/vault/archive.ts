// Backup archives: one tar, one top-level folder per backup unit (Sailfish's layout: People/…,
// Calendar/…), names kept as bytes, mtimes and modes, hard links inside a unit as links to the first
// member, symlinks as links, sparse files sparse, and a manifest as the last member. One awkward file
// is a note, not a failed backup (GNU tar's behaviour): the run goes on and says what it left out.
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveBuilder } from './archiveBuilder.js';
import type { Notes } from './notes.js';
import { exclusionsFor, resolveUnits } from './sourceUnits.js';
import { TarWriter } from './tar/TarWriter.js';
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
  /** The archive's own SHA-256, also written beside it as `<file>.sha256`. */
  sha256: string;
  notes: Notes;
}

export interface CreateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ArchiveProgress) => void;
  /** Folders never backed up, wherever they are: the app's data folder, credentials, work folders. */
  excluded?: string[];
}

export { isUnitName } from '../backupNames.js';

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
  const manifestPath = `${file}.manifest.part`;
  const out = await open(part, 'w', 0o600);
  const manifestFile = await open(manifestPath, 'w+', 0o600).catch(async (err: unknown) => {
    await out.close();
    await rm(part, { force: true });
    throw err;
  });
  try {
    // The archive being written may be inside a unit (a backup to a folder that is backed up).
    const excluded = await exclusionsFor([...(options.excluded ?? []), part, manifestPath]);
    const writer = new TarWriter(async (chunk) => {
      await out.write(chunk);
    });
    const builder = new ArchiveBuilder(writer, excluded, manifestFile, options);
    const resolved = await resolveUnits(units, excluded, builder.notes);
    if (resolved.length === 0)
      throw new Error(
        `Nothing could be backed up: ${builder.notes.list.map((n) => `${n.path}: ${n.reason}`).join('; ') || 'no folders are chosen'}`,
      );
    for (const unit of resolved) await builder.unit(unit);
    await builder.finish(resolved.map((u) => u.name));
    const sha256 = await writer.end();
    await out.sync();
    await out.close();
    await rename(part, file);
    await writeFile(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`, { mode: 0o600 });
    builder.report(true);
    return { ...builder.progress, bytes: writer.bytes, sha256, notes: builder.notes };
  } catch (err) {
    await out.close().catch(log.ignored('closing a failed archive (it is removed next)'));
    await rm(part, { force: true });
    throw err;
  } finally {
    await manifestFile.close().catch(log.ignored('closing the manifest scratch file'));
    await rm(manifestPath, { force: true });
  }
}
