// The vault's scratch space: one folder per engine process, `vault/engine-<pid>-<start>/`, so no process
// ever deletes an archive, a download or a staging folder that another live process is using.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { identityTag, isAlive, parseIdentityTag } from '../processIdentity.js';

const OWNED = /^engine-(\d+-\d+)$/;
/** What versions before per-process folders left directly in vault/. */
const LEGACY = /^(sailfish_backup_.*\.tar(\.part)?|restore)$/;
/** Legacy leftovers carry no owner; a day without change is proof enough that nobody is using them. */
const LEGACY_AGE_MS = 24 * 3600_000;

export function ownWorkDir(vaultDir: string): string {
  return path.join(vaultDir, `engine-${identityTag()}`);
}

/** Removes what engines that are gone left behind (they were killed); returns the names removed. */
export async function removeAbandonedWork(vaultDir: string, now = Date.now()): Promise<string[]> {
  await mkdir(vaultDir, { recursive: true, mode: 0o700 });
  const removed: string[] = [];
  for (const name of await readdir(vaultDir)) {
    const full = path.join(vaultDir, name);
    const owner = OWNED.exec(name)?.[1];
    const identity = owner === undefined ? undefined : parseIdentityTag(owner);
    let abandoned = false;
    if (identity) abandoned = !isAlive(identity);
    else if (LEGACY.test(name)) {
      const info = await stat(full).catch(() => undefined);
      abandoned = info !== undefined && now - info.mtimeMs > LEGACY_AGE_MS;
    }
    if (!abandoned) continue;
    await rm(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
