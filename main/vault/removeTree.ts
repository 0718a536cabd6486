// Removes a folder tree the restore made or replaced, even one holding read-only folders (a backup can
// restore a 0555 folder, which a non-root user cannot delete files from until it is writable again).
import { chmod, lstat, readdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';

async function unlockFolders(dir: Buffer): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await chmod(dir, 0o700).catch(() => {});
  const names = await readdir(dir, { encoding: 'buffer' }).catch(() => [] as Buffer[]);
  for (const name of names) await unlockFolders(Buffer.concat([dir, Buffer.from('/'), name]));
}

export async function removeTree(dir: Buffer): Promise<void> {
  // rmSync: the asynchronous rm makes one thread-pool round trip per file, ten times slower here.
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOTEMPTY') throw err;
    await unlockFolders(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The folder a path is in, as bytes. */
export function parentOf(p: Buffer): Buffer {
  const slash = p.lastIndexOf(0x2f, p.length - 2);
  return slash <= 0 ? Buffer.from('/') : p.subarray(0, slash);
}
