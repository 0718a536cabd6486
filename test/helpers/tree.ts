// Folder trees for backup tests: make one, and read one back for byte-for-byte comparison.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function makeUnitTree(dir: string, binaryBytes = 2 * 1024 * 1024): void {
  mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
  writeFileSync(path.join(dir, 'notes.txt'), 'Backup me\n');
  writeFileSync(path.join(dir, 'empty'), '');
  writeFileSync(path.join(dir, 'nested', 'Ünïcödé name.txt'), 'päivää\n');
  writeFileSync(path.join(dir, 'nested', 'deeper', 'random.bin'), randomBytes(binaryBytes));
  symlinkSync('notes.txt', path.join(dir, 'link-to-notes'));
}

/** Path → content (files), "-> target" (symlinks) or "/" (folders), for deep equality checks. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[relPath] = `-> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[relPath] = '/';
        walk(relPath);
      } else out[relPath] = readFileSync(full).toString('base64');
    }
  };
  walk('');
  return out;
}

/** Every regular file below dir (relative paths), without reading them. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(path.join(dir, relPath));
      if (stat.isDirectory()) walk(relPath);
      else if (stat.isFile()) out.push(relPath);
    }
  };
  walk('');
  return out;
}
