// Browser mode's folder picker, on the server: the subfolders of a folder, only inside the user's home
// and the mounted drives. A path that climbs out ("..") or a link that leads out is refused or left out,
// so the page can show nothing of the computer beyond those places.
import { mkdir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

export interface BrowseRoot {
  label: string;
  path: string;
}

export interface FolderListing {
  path: string;
  /** The folder above, while it is still inside a root; null at a root. */
  parent: string | null;
  folders: Array<{ name: string; path: string }>;
  roots: BrowseRoot[];
}

function inside(child: string, root: string): boolean {
  return child === root || child.startsWith(root === '/' ? '/' : root + '/');
}

function checkRequested(requested: string): string {
  if (!path.isAbsolute(requested) || requested.length > 4096 || requested.includes('\0'))
    throw new InputError('The folder must be an absolute path');
  if (requested.split('/').includes('..')) throw new InputError('A folder path may not contain ".."');
  return path.normalize(requested);
}

/** Roots as their real paths (a home behind a link still counts), the ones that exist. */
async function realRoots(roots: BrowseRoot[]): Promise<BrowseRoot[]> {
  const out: BrowseRoot[] = [];
  for (const root of roots) {
    const real = await realpath(root.path).catch(() => undefined);
    if (real && !out.some((r) => r.path === real)) out.push({ label: root.label, path: real });
  }
  return out;
}

/** The real path of `requested` when it lies inside a root; refused otherwise. */
export async function allowedFolder(
  requested: string,
  roots: BrowseRoot[],
): Promise<{ real: string; root: BrowseRoot }> {
  const real = await realpath(checkRequested(requested)).catch(() => {
    throw new InputError(`${requested} does not exist`);
  });
  const root = (await realRoots(roots)).find((r) => inside(real, r.path));
  if (!root) throw new InputError(`${requested} is outside your home folder and the mounted drives`);
  if (!(await stat(real)).isDirectory()) throw new InputError(`${requested} is not a folder`);
  return { real, root };
}

export async function listFolder(requested: string, roots: BrowseRoot[]): Promise<FolderListing> {
  const { real, root } = await allowedFolder(requested, roots);
  const all = await realRoots(roots);
  const folders: FolderListing['folders'] = [];
  for (const entry of await readdir(real, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const full = path.join(real, entry.name);
    const target = await realpath(full).catch(() => undefined);
    if (!target || !all.some((r) => inside(target, r.path))) continue;
    if (!(await stat(target).catch(() => undefined))?.isDirectory()) continue;
    folders.push({ name: entry.name, path: full });
  }
  folders.sort((a, b) => a.name.localeCompare(b.name));
  return { path: real, parent: real === root.path ? null : path.dirname(real), folders, roots: all };
}

/** Makes a new folder inside an allowed one ("New folder" in the picker). */
export async function createFolder(parent: string, name: string, roots: BrowseRoot[]): Promise<string> {
  const { real } = await allowedFolder(parent, roots);
  const trimmed = name.trim();
  if (!trimmed || trimmed === '.' || trimmed === '..' || /[/\0]/.test(trimmed) || trimmed.length > 255)
    throw new InputError(`"${name.slice(0, 80)}" cannot be a folder name`);
  const made = path.join(real, trimmed);
  await mkdir(made).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`${made} exists already`);
    throw err;
  });
  return made;
}
