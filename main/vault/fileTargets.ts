// Writing a backup file to a folder or a removable drive (Sailfish's memory card): how big it will be,
// whether it fits, a temporary name that says whose it is, and the commit that makes it a backup only
// once every byte is on the drive (fsync, link or rename without overwriting, fsync of the folder).
import { constants } from 'node:fs';
import { link, lstat, open, opendir, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { bootTag, identityTag, isAlive, parseIdentityTag } from '../processIdentity.js';
import { formatBytes } from '../progressText.js';
import { logger } from '../log.js';

const log = logger('vault');

const BLOCK = 512;

/** Bytes a tar of the units takes at most: headers, long-name records, padding, end blocks and a manifest. */
export async function estimateArchiveSize(
  units: Array<{ name: string; path: string }>,
  signal?: AbortSignal,
): Promise<number> {
  let total = 2 * BLOCK + 10 * 1024 + (1 << 20);
  const entry = (name: string, size: number) => {
    total += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    // A name longer than the header's field takes a pax or GNU long-name record of its own; and every
    // entry has a manifest line (the archive's last member).
    if (Buffer.byteLength(name) > 99) total += 3 * BLOCK + Buffer.byteLength(name);
    total += 128 + Buffer.byteLength(name);
  };
  const walk = async (dir: string, name: string): Promise<void> => {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    entry(name, 0);
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      return; // unreadable: the archive says so itself
    }
    for await (const item of handle) {
      const full = path.join(dir, item.name);
      const rel = `${name}/${item.name}`;
      if (item.isDirectory()) await walk(full, rel);
      else if (item.isFile()) entry(rel, (await lstat(full).catch(() => ({ size: 0 }))).size);
      else if (item.isSymbolicLink()) entry(rel, 0);
    }
  };
  for (const unit of units) {
    const root = await stat(unit.path).catch(() => undefined);
    if (root?.isDirectory()) await walk(unit.path, unit.name);
  }
  return total;
}

/** Bytes an unprivileged writer may still put in the folder's filesystem. */
export async function freeSpace(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** The sentence when a backup does not fit: which drive, what is needed, what is free. */
export function notEnoughSpace(where: string, needed: number, free: number): string {
  return `There is not enough free space on ${where}: the backup needs about ${formatBytes(needed)}, and ${formatBytes(free)} is free.`;
}

const OWN_TEMP = /^\.(sailfish_backup_.+)\.sfb-([0-9a-f]{8})-(\d{1,10}-\d{1,20})(?:\..*)?$/;

/** A hidden name beside the final one that names its writer, so a dead writer's leftovers can be removed. */
export function temporaryName(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.sfb-${bootTag()}-${identityTag()}`);
}

/** Removes what writers that are gone left in the folder (a drive pulled out, a killed engine). */
export async function removeAbandonedTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = OWN_TEMP.exec(name);
    if (!m) continue;
    const owner = parseIdentityTag(m[3]!);
    if (m[2] === bootTag() && owner && isAlive(owner)) continue;
    await rm(path.join(dir, name), { force: true, recursive: true }).then(
      () => removed.push(name),
      () => {},
    );
  }
  return removed;
}

async function syncPath(file: string, flags: number): Promise<void> {
  const handle = await open(file, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes the finished temporary file the backup: its bytes synced to the drive, then given the final
 * name without ever replacing a file of that name, the folder synced, and the name checked to be the
 * very file written (a drive pulled out and put back, or swapped, is not mistaken for success).
 */
export async function commitBackupFile(temporary: string, finalPath: string): Promise<void> {
  await syncPath(temporary, constants.O_RDONLY);
  const written = await stat(temporary);
  try {
    await link(temporary, finalPath);
    await unlink(temporary);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${finalPath} already exists; it is not overwritten`, { cause: err });
    // FAT and exFAT, the usual file systems of memory cards and USB sticks, have no hard links.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw err;
    if (
      await lstat(finalPath).then(
        () => true,
        () => false,
      )
    )
      throw new Error(`${finalPath} already exists; it is not overwritten`, { cause: err });
    await rename(temporary, finalPath);
  }
  try {
    await syncPath(path.dirname(finalPath), constants.O_RDONLY | constants.O_DIRECTORY).catch((err: unknown) => {
      // Some file systems cannot sync a folder; the file itself is synced.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'ENOTSUP') throw err;
    });
    const now = await stat(finalPath);
    if (now.ino !== written.ino || now.dev !== written.dev || now.size !== written.size)
      throw Object.assign(new Error(`${finalPath} is not the file written`), { code: 'EIO' });
  } catch (err) {
    // Named but not known to be on the drive: the name goes again (only if it is still this file).
    const now = await stat(finalPath).catch(() => undefined);
    if (now && now.ino === written.ino && now.dev === written.dev)
      await unlink(finalPath).catch(log.ignored(`removing ${finalPath}, not known to be whole`));
    throw err;
  }
}

/** The folder's identity, to notice a drive taken out (and maybe another put in) during a run. */
export async function folderIdentity(dir: string): Promise<string> {
  const s = await stat(dir);
  return `${s.dev}:${s.ino}`;
}

/** The cause of a failed write to a folder or drive, in plain words. */
export function fileWriteMessage(err: unknown, where: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return `there is not enough free space on ${where}.`;
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
    case 'ESTALE':
      return `${where} is gone: was the drive removed? Nothing was left under the backup's name.`;
    case 'EIO':
      return `${where} could not be written (was the drive removed?). Nothing was left under the backup's name.`;
    case 'EROFS':
      return `${where} is read-only.`;
    case 'EACCES':
    case 'EPERM':
      return `this user may not write to ${where}.`;
    default:
      return errorMessage(err);
  }
}
