// Removes a folder tree the restore made or replaced: tens of thousands of files, so with synchronous
// calls (one thread-pool round trip per file is far slower) that yield to the event loop every few
// milliseconds (the service keeps answering D-Bus meanwhile). Read-only folders are made writable
// first: a backup can restore a 0555 folder, which a non-root user cannot delete files from.
import { chmodSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';

const slash = Buffer.from('/');

export async function removeTree(root: Buffer): Promise<void> {
  const top = lstatSync(root, { throwIfNoEntry: false });
  if (!top) return;
  if (!top.isDirectory()) return unlinkSync(root);
  let breath = Date.now();
  // Depth first: a folder is removed once its children are.
  const stack: Array<{ dir: Buffer; names: Buffer[] | undefined }> = [{ dir: root, names: undefined }];
  while (stack.length > 0) {
    if (Date.now() - breath > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      breath = Date.now();
    }
    const top = stack[stack.length - 1]!;
    if (!top.names) {
      chmodSync(top.dir, 0o700);
      top.names = readdirSync(top.dir, { encoding: 'buffer' });
    }
    const name = top.names.pop();
    if (name === undefined) {
      rmdirSync(top.dir);
      stack.pop();
      continue;
    }
    const child = Buffer.concat([top.dir, slash, name]);
    const st = lstatSync(child, { throwIfNoEntry: false });
    if (st?.isDirectory()) stack.push({ dir: child, names: undefined });
    else if (st) unlinkSync(child);
  }
}

/** The folder a path is in, as bytes. */
export function parentOf(p: Buffer): Buffer {
  const slashAt = p.lastIndexOf(0x2f, p.length - 2);
  return slashAt <= 0 ? Buffer.from('/') : p.subarray(0, slashAt);
}
