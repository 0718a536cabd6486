// Every place on this computer a backup can go: the mounted removable drives first (as Sailfish lists its
// memory card), then the default folder in the home folder, then the folders the user added. Each with
// its size, its free space and whether it can be written, as the page and `sfbackup targets` show them.
import { constants, existsSync } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Drive, DriveMonitor } from './DriveMonitor.js';
import { defaultBackupFolder, type FolderTargets } from './FolderTargets.js';

export interface FolderTarget {
  kind: 'drive' | 'home' | 'folder';
  /** Where the backup files go (and are found). */
  path: string;
  label: string;
  size: number | null;
  free: number | null;
  /** False for the default folder until the first backup makes it. */
  exists: boolean;
  /** Why a backup cannot go there now, in Sailfish's words where it has them. */
  problem?: string;
}

async function writableProblem(dir: string, what: string): Promise<string | undefined> {
  try {
    await access(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `The ${what} does not exist any more.`;
    return `The ${what} is not writable.`;
  }
}

async function space(dir: string): Promise<{ size: number | null; free: number | null }> {
  try {
    const s = await statfs(dir);
    return { size: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    // a folder that is gone or not readable has no size to say
    return { size: null, free: null };
  }
}

async function driveTarget(drive: Drive): Promise<FolderTarget> {
  const problem = await writableProblem(drive.mountPath, 'drive');
  return {
    kind: 'drive',
    path: drive.mountPath,
    label: drive.label,
    size: drive.size,
    free: drive.free,
    exists: true,
    ...(problem ? { problem } : {}),
  };
}

export async function listFolderTargets(
  drives: DriveMonitor | undefined,
  folders: FolderTargets,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FolderTarget[]> {
  const targets: FolderTarget[] = [];
  for (const drive of (await drives?.drives()) ?? []) targets.push(await driveTarget(drive));
  const home = defaultBackupFolder(env);
  const homeExists = existsSync(home);
  // Not made yet: its space is the home folder's.
  const homeSpace = await space(homeExists ? home : path.dirname(home));
  const homeProblem = await writableProblem(homeExists ? home : path.dirname(home), 'folder');
  targets.push({
    kind: 'home',
    path: home,
    label: 'This computer',
    ...homeSpace,
    exists: homeExists,
    ...(homeProblem ? { problem: homeProblem } : {}),
  });
  for (const folder of folders.list()) {
    if (targets.some((t) => t.path === folder)) continue;
    const exists = existsSync(folder);
    const problem = exists ? await writableProblem(folder, 'folder') : 'The folder does not exist any more.';
    targets.push({
      kind: 'folder',
      path: folder,
      label: path.basename(folder) || folder,
      ...(exists ? await space(folder) : { size: null, free: null }),
      exists,
      ...(problem ? { problem } : {}),
    });
  }
  return targets;
}
