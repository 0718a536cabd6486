// One backup to a file on a folder or drive: checks that it fits before writing anything, writes the
// archive under a temporary name of its own, and gives it the backup's name only once it is complete
// and on the drive. Whatever fails — cancel, a full drive, the drive pulled out — leaves nothing under
// the final name, and what can still be reached of the temporary file is removed.
import { lstat, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createArchive, type ArchiveResult, type ArchiveUnit } from './archive.js';
import {
  commitBackupFile,
  estimateArchiveSize,
  folderIdentity,
  freeSpace,
  notEnoughSpace,
  removeAbandonedTemporaries,
  temporaryName,
} from './fileTargets.js';
import { describeLocation } from '../targets/mountinfo.js';
import { checksumFileOf, isBackupFileName } from './backupFiles.js';
import { VaultError } from './vaultTypes.js';
import { logger } from '../log.js';

const log = logger('vault');

export interface FileBackupProgress {
  unit: string;
  bytes: number;
  /** What the whole file is expected to take (an upper bound). */
  total: number;
}

export class NotEnoughSpace extends Error {
  readonly code = 'ENOSPC';
  constructor(message: string) {
    super(message);
    this.name = 'NotEnoughSpace';
  }
}

/** A folder inside a backed-up folder would put the backup (and the older ones) into itself. */
export function unitHolding(units: ArchiveUnit[], dir: string): ArchiveUnit | undefined {
  return units.find((u) => dir === u.path || dir.startsWith(u.path.endsWith('/') ? u.path : u.path + '/'));
}

/** Refuses, before anything starts, a file name or folder a backup cannot go to. */
export async function checkBackupFile(filePath: string, units: ArchiveUnit[]): Promise<void> {
  if (!path.isAbsolute(filePath)) throw new VaultError('InvalidArgs', 'The backup file must be an absolute path');
  const name = path.basename(filePath);
  if (!isBackupFileName(name) || name.startsWith('.'))
    throw new VaultError('InvalidArgs', `"${name.slice(0, 80)}" is not a usable file name`);
  const dir = path.dirname(filePath);
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new VaultError('NotFound', `The folder ${dir} does not exist`);
  if (
    await lstat(filePath).then(
      () => true,
      () => false,
    )
  )
    throw new VaultError('InvalidArgs', `${filePath} already exists; it is not overwritten`);
  const holder = unitHolding(units, await realpath(dir).catch(() => dir));
  if (holder)
    throw new VaultError(
      'InvalidArgs',
      `${dir} is inside "${holder.name}" (${holder.path}), which is backed up: the backup would hold itself. Choose another folder.`,
    );
}

async function removeTemporaries(temporary: string): Promise<void> {
  for (const suffix of ['', '.part', '.manifest.part', '.sha256'])
    // Named after this writer: removeAbandonedTemporaries takes it at the next backup to this folder.
    await rm(temporary + suffix, { force: true }).catch(log.ignored(`removing ${temporary + suffix}`));
}

/**
 * The archive's checksum under the backup's name (`<file>.sha256`, sha256sum's format), synced, put in
 * place before the archive: a backup that has its final name always has its checksum beside it. A
 * checksum file left without its archive (a run that ended before the archive's commit) is replaced.
 */
async function placeChecksum(temporary: string, finalPath: string, sha256: string): Promise<void> {
  const staged = `${temporary}.sha256`;
  await writeFile(staged, `${sha256}  ${path.basename(finalPath)}\n`, { mode: 0o600 });
  const handle = await open(staged, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(staged, checksumFileOf(finalPath));
}

export async function writeBackupFile(options: {
  units: ArchiveUnit[];
  filePath: string;
  signal: AbortSignal;
  onStage: (text: string) => void;
  onProgress: (progress: FileBackupProgress) => void;
  /** The app's own folders, never in a backup (ownData.ts). */
  excluded?: string[];
}): Promise<ArchiveResult> {
  const { units, filePath, signal } = options;
  const dir = path.dirname(filePath);
  const where = describeLocation(dir);
  const identity = await folderIdentity(dir);
  await removeAbandonedTemporaries(dir);
  options.onStage('Checking free space');
  const needed = await estimateArchiveSize(units, signal);
  const free = await freeSpace(dir);
  if (needed > free) throw new NotEnoughSpace(notEnoughSpace(where, needed, free));
  const temporary = temporaryName(filePath);
  let checksumPlaced = false;
  try {
    const done = await createArchive(units, temporary, {
      signal,
      onProgress: (p) => options.onProgress({ unit: p.unit, bytes: p.bytes, total: needed }),
      ...(options.excluded ? { excluded: options.excluded } : {}),
    });
    // The drive was pulled out (and maybe put back) while writing: what was written is not on it.
    if ((await folderIdentity(dir).catch(() => '')) !== identity)
      throw Object.assign(new Error(`${dir} changed while writing`), { code: 'ENOENT' });
    await placeChecksum(temporary, filePath, done.sha256);
    checksumPlaced = true;
    await commitBackupFile(temporary, filePath);
    return done;
  } catch (err) {
    await removeTemporaries(temporary);
    if (checksumPlaced)
      // A checksum without its archive is not listed, and is replaced by the next backup of that name.
      await rm(checksumFileOf(filePath), { force: true }).catch(log.ignored(`removing ${checksumFileOf(filePath)}`));
    throw err;
  }
}
