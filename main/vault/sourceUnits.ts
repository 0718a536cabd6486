// Which folders a backup really reads: each unit resolved to its real folder (units may be symlinks),
// units that are missing, the whole file system or the app's own data left out with a note, and units
// that are the same folder or inside another unit's folder (through symlinks) backed up once.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { displayPath, type Notes } from './notes.js';

export interface SourceUnit {
  name: string;
  path: string;
}

export interface ResolvedUnit {
  name: string;
  /** The unit's real folder, as bytes (a symlink on the way may lead to a name that is not UTF-8). */
  root: Buffer;
}

/** Folders and files a backup never reads, by device and inode: found whatever path leads to them. */
export type Exclusions = Map<string, string>;

export function fileId(st: { dev: bigint | number; ino: bigint | number }): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * A unit name that can be a top-level folder of an archive and come back from one: a plain name, not
 * dot-prefixed (dot names are reserved: the manifest, hidden work folders, `.ssh` in a crafted archive).
 */
export function isArchiveUnitName(name: string): boolean {
  return (
    /^[^/\\\0]{1,255}$/.test(name) &&
    !name.startsWith('.') &&
    !/\p{Cc}/u.test(name) &&
    Buffer.byteLength(name) <= 255 &&
    name.trim() === name
  );
}

export async function exclusionsFor(paths: string[]): Promise<Exclusions> {
  const out: Exclusions = new Map();
  for (const p of paths) {
    const st = await stat(p, { bigint: true }).catch(() => undefined);
    if (st) out.set(fileId(st), p);
  }
  return out;
}

/** The excluded folder `dir` is in, if any: itself or one of its parents. */
export async function insideExcluded(dir: Buffer, excluded: Exclusions): Promise<string | undefined> {
  let current = dir.toString('latin1');
  for (;;) {
    const st = await stat(Buffer.from(current, 'latin1'), { bigint: true }).catch(() => undefined);
    const hit = st && excluded.get(fileId(st));
    if (hit) return hit;
    const parent = path.posix.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function contains(outer: Buffer, inner: Buffer): boolean {
  return inner.length > outer.length && inner[outer.length] === 0x2f && inner.subarray(0, outer.length).equals(outer);
}

export async function resolveUnits(units: SourceUnit[], excluded: Exclusions, notes: Notes): Promise<ResolvedUnit[]> {
  const found: ResolvedUnit[] = [];
  for (const unit of units) {
    let root: Buffer;
    try {
      root = await realpath(unit.path, { encoding: 'buffer' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      notes.skip(
        unit.path,
        code === 'ENOENT'
          ? `the folder of the unit "${unit.name}" is not there (an unmounted drive?); it was not backed up`
          : `the folder of the unit "${unit.name}" cannot be read (${code ?? 'error'}); it was not backed up`,
      );
      continue;
    }
    const st = await stat(root).catch(() => undefined);
    if (!st?.isDirectory()) {
      notes.skip(unit.path, `the unit "${unit.name}" is not a folder; it was not backed up`);
      continue;
    }
    if (root.equals(Buffer.from('/'))) {
      notes.skip(unit.path, 'the whole file system is not backed up; choose folders inside it');
      continue;
    }
    if (!isArchiveUnitName(unit.name)) {
      notes.skip(unit.path, `"${unit.name}" cannot be a folder name in a backup; add the folder again with --name`);
      continue;
    }
    const own = await insideExcluded(root, excluded);
    if (own) {
      notes.skip(unit.path, `it is inside the app's own data (${own}), which is never backed up`);
      continue;
    }
    found.push({ name: unit.name, root });
  }
  // A unit reached through a symlink can be another unit's folder, or inside one: back it up once.
  return found.filter((unit, i) => {
    const outer = found.find(
      (other, j) => j !== i && (contains(other.root, unit.root) || (other.root.equals(unit.root) && j < i)),
    );
    if (!outer) return true;
    notes.note(
      outer.root.equals(unit.root)
        ? `the unit "${unit.name}" is the same folder as "${outer.name}"; it is backed up once, as "${outer.name}"`
        : `the unit "${unit.name}" is inside the folder of "${outer.name}"; its files are backed up in "${outer.name}"`,
      displayPath(unit.root),
    );
    return false;
  });
}
