// "Files that are not in the backup are kept": before a unit is swapped into place, every local file the
// backup does not hold is hard-linked into the staged unit (same inode, same data, no copy, and the
// user's folder untouched until the swap). Where the backup has a file and this computer a folder, the
// backup's file wins and the note names the folder that was replaced.
import {
  chmodSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  type BigIntStats,
} from 'node:fs';
import { displayPath, type Notes } from './notes.js';
import { defaultFolderMode, type ModePolicy } from './restoreModes.js';
import { NeedsFolder } from './vaultTypes.js';
import { joinRel, type FolderMeta, type StagedUnit } from './stagedUnit.js';

const slash = Buffer.from('/');
const join = (a: Buffer, b: Buffer) => Buffer.concat([a, slash, b]);
const seconds = (ns: bigint) => Number(ns) / 1e9;

interface KeptFolder {
  path: Buffer;
  st: BigIntStats;
}

// Synchronous calls throughout: a walk of tens of thousands of files is otherwise dominated by
// thread-pool round trips. The caller lets other work run between units.
function keep(local: Buffer, staged: Buffer, st: BigIntStats, kept: KeptFolder[]): void {
  if (st.isDirectory()) {
    mkdirSync(staged, { mode: 0o700 });
    kept.push({ path: staged, st });
    for (const name of readdirSync(local, { encoding: 'buffer' })) {
      const child = join(local, name);
      keep(child, join(staged, name), lstatSync(child, { bigint: true }), kept);
    }
    return;
  }
  try {
    linkSync(local, staged); // link(2) does not follow a symlink: the link itself is kept
    return;
  } catch (err) {
    if (!st.isFile() && !st.isSymbolicLink()) throw err;
  }
  // Another file system inside the unit, or a file the user may not link: copy it instead.
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(local, { encoding: 'buffer' }), staged);
    lutimesSync(staged, seconds(st.atimeNs), seconds(st.mtimeNs));
    return;
  }
  copyFileSync(local, staged, constants.COPYFILE_EXCL);
  chmodSync(staged, Number(st.mode & 0o7777n));
  utimesSync(staged, seconds(st.atimeNs), seconds(st.mtimeNs));
}

/** Adds what `local` has and `staged` lacks, folder by folder. */
export function mergeLocal(
  local: Buffer,
  staged: Buffer,
  shown: string,
  notes: Notes,
  kept: KeptFolder[],
  device: bigint,
): void {
  let names: Buffer[];
  try {
    names = readdirSync(local, { encoding: 'buffer' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  for (const name of names) {
    const l = lstatSync(join(local, name), { bigint: true });
    const s = lstatSync(join(staged, name), { throwIfNoEntry: false });
    const where = `${shown}/${displayPath(name)}`;
    if (l.isDirectory() && l.dev !== device)
      throw new NeedsFolder(`${where} is another file system mounted inside the unit.`);
    if (!s) keep(join(local, name), join(staged, name), l, kept);
    else if (l.isDirectory() && s.isDirectory())
      mergeLocal(join(local, name), join(staged, name), where, notes, kept, device);
    else if (l.isDirectory())
      notes.change(
        where,
        "a folder on this computer, a file in the backup: the backup's file replaced the folder and what was in it",
        'local folder replaced by a file',
      );
  }
}

/** Applies folder permissions and times deepest first, once nothing more is added inside them. */
export function applyFolders(unit: StagedUnit, kept: KeptFolder[], modes: ModePolicy): void {
  const all: Array<{ path: Buffer; mode: number; mtime?: number }> = [
    ...[...unit.folders.values()].map((f: FolderMeta) => ({
      path: f.path,
      mode: f.mode === undefined ? defaultFolderMode() : modes(f.mode, f.uid).mode,
      ...(f.mtime !== undefined ? { mtime: Number(f.mtime) } : {}),
    })),
    ...kept.map((k) => ({ path: k.path, mode: Number(k.st.mode & 0o7777n), mtime: seconds(k.st.mtimeNs) })),
  ];
  all.sort((a, b) => b.path.length - a.path.length);
  for (const f of all) {
    if (f.mtime !== undefined) utimesSync(f.path, f.mtime, f.mtime);
    chmodSync(f.path, f.mode);
  }
}

/**
 * Where a unit is swapped in: the whole unit folder, or — when the unit holds something a restore must
 * leave where it is (the app's own data folder, the staging folder itself) — each child of the folders
 * on the way to it, leaving those folders ("the spine") in place.
 */
export function swapPoints(unit: StagedUnit, keepInPlace: Buffer[]): Buffer[][] {
  if (keepInPlace.length === 0) return [[]];
  const spine = new Set<string>(['']);
  const fixed = new Set(keepInPlace.map((p) => p.toString('latin1')));
  for (const p of keepInPlace) {
    const parts = splitRel(p);
    for (let i = 1; i < parts.length; i++) spine.add(joinRel(parts.slice(0, i)).toString('latin1'));
  }
  const points: Buffer[][] = [];
  for (const key of spine) {
    const dir = key === '' ? [] : splitRel(Buffer.from(key, 'latin1'));
    let names: Buffer[] = [];
    try {
      names = readdirSync(unit.abs(dir), { encoding: 'buffer' });
    } catch {
      // the backup does not have this folder
    }
    for (const name of names) {
      const rel = [...dir, name];
      const relKey = joinRel(rel).toString('latin1');
      if (!spine.has(relKey) && !fixed.has(relKey)) points.push(rel);
    }
  }
  return points;
}

export function splitRel(p: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i === p.length || p[i] === 0x2f) {
      if (i > start) out.push(p.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}
