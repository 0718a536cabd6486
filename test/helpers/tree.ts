// Folder trees for backup tests: make one, and read one back for byte-for-byte comparison.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
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

/** The backups (and uploads in progress) in a server's folder: its files but the checksums beside them. */
export function backupsBelow(root: string): string[] {
  return filesBelow(root).filter((f) => !f.split('/').includes('.checksums'));
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

/** A unit with the metadata the probes found lost, times set last (deepest first) so they stay. */
export function makeMetadataTree(unit: string): void {
  const p = (...parts: string[]) => path.join(unit, ...parts);
  mkdirSync(p('emptydir'), { recursive: true });
  mkdirSync(p('rodir'));
  mkdirSync(p('private'));
  mkdirSync(p('deep', 'er'), { recursive: true });
  writeFileSync(p('old.txt'), 'from 2001\n');
  writeFileSync(p('mode666'), 'everyone writes\n');
  writeFileSync(p('mode000'), 'nobody reads\n');
  writeFileSync(p('setuid'), '#!/bin/sh\n');
  writeFileSync(p('rodir', 'inside.txt'), 'in a read-only folder\n');
  writeFileSync(p('private', 'secret.txt'), 'owner only\n');
  writeFileSync(p('hl_a'), 'one inode, three names\n');
  linkSync(p('hl_a'), p('hl_b'));
  linkSync(p('hl_a'), p('deep', 'er', 'hl_c'));
  symlinkSync('old.txt', p('link'));
  symlinkSync('missing-target', p('dangling'));
  symlinkSync('/etc/hostname', p('absolute'));
  symlinkSync('../..', p('deep', 'up'));
  // 50 MiB with 4 KiB of data in the middle: 4 KiB on disk.
  const fd = openSync(p('sparse.bin'), 'w');
  writeSync(fd, Buffer.alloc(4096, 7), 0, 4096, 20 * 1024 * 1024);
  closeSync(fd);
  execFileSync('truncate', ['-s', '50M', p('sparse.bin')]);
  chmodSync(p('mode666'), 0o666);
  chmodSync(p('mode000'), 0o000);
  chmodSync(p('setuid'), 0o4755);
  chmodSync(p('private'), 0o700);
  utimesSync(p('old.txt'), 1000000000.123456, 1000000000.123456);
  utimesSync(p('hl_a'), 1200000000, 1200000000);
  lutimesSync(p('link'), 1300000000.5, 1300000000.5);
  utimesSync(p('deep', 'er'), 1100000000, 1100000000);
  utimesSync(p('deep'), 1100000001, 1100000001);
  utimesSync(p('emptydir'), 1099958400, 1099958400);
  chmodSync(p('rodir'), 0o555);
  utimesSync(p('rodir'), 1150000000, 1150000000);
  utimesSync(unit, 1400000000.25, 1400000000.25);
}
