// Any folder tree survives a backup and a restore through the real archive and restore code: names of
// any bytes (not UTF-8 too), modes, modification times, hard links, symlinks (dangling, absolute, up and
// out), sparse files and empty folders, compared field by field with `find -printf` listings. GNU tar
// reads every archive to the end.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createArchive } from '../../main/vault/archive.js';
import { listingDifferences, listTree } from '../helpers/listing.js';
import { tempDir } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';

type Spec =
  | { kind: 'dir'; parent: number; name: number[]; mode: number; mtime: number }
  | { kind: 'file'; parent: number; name: number[]; mode: number; mtime: number; data: number[] }
  | { kind: 'sparse'; parent: number; name: number[]; size: number; at: number[]; mtime: number }
  | { kind: 'symlink'; parent: number; name: number[]; target: number[]; mtime: number }
  | { kind: 'hardlink'; parent: number; name: number[]; of: number };

// Any byte but NUL and '/', weighted towards the awkward: spaces, newlines, backslashes, Latin-1 and
// UTF-8 lead bytes (so many names are not UTF-8).
const nameByte = fc.oneof(
  fc.integer({ min: 0x61, max: 0x7a }),
  fc.constantFrom(0x20, 0x0a, 0x5c, 0x2e, 0x2d, 0x7e, 0x22, 0x27),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.integer({ min: 0x01, max: 0x2e }),
);
const name = fc.array(nameByte, { minLength: 1, maxLength: 24 });
const parent = fc.nat({ max: 1000 });
const mtime = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((us) => us / 1e3); // ms precision, 1970–2096
const spec: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    kind: fc.constant('dir' as const),
    parent,
    name,
    mode: fc.constantFrom(0o755, 0o700, 0o555, 0o750, 0o1777, 0o2755),
    mtime,
  }),
  fc.record({
    kind: fc.constant('file' as const),
    parent,
    name,
    mode: fc.constantFrom(0o644, 0o600, 0o666, 0o444, 0o000, 0o755, 0o4755, 0o640),
    mtime,
    data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3000 }),
  }),
  fc.record({
    kind: fc.constant('sparse' as const),
    parent,
    name,
    size: fc.integer({ min: 1, max: 4 << 20 }),
    at: fc.array(fc.nat({ max: 4 << 20 }), { maxLength: 4 }),
    mtime,
  }),
  fc.record({
    kind: fc.constant('symlink' as const),
    parent,
    name,
    target: fc.oneof(name, fc.constantFrom<number[]>([...Buffer.from('/etc/hostname')], [...Buffer.from('../../..')])),
    mtime,
  }),
  fc.record({ kind: fc.constant('hardlink' as const), parent, name, of: fc.nat({ max: 1000 }) }),
);

/** Builds the tree on disk; times and folder modes last, deepest folders first. */
function build(root: string, specs: Spec[]): void {
  const dirs: Buffer[] = [Buffer.from(root)];
  const files: Buffer[] = [];
  const taken = new Set<string>();
  const later: Array<() => void> = [];
  for (const s of specs) {
    const base = Buffer.from(s.name);
    if (base.equals(Buffer.from('.')) || base.equals(Buffer.from('..'))) continue;
    const dir = dirs[s.parent % dirs.length]!;
    const p = Buffer.concat([dir, Buffer.from('/'), base]);
    if (taken.has(p.toString('latin1'))) continue;
    taken.add(p.toString('latin1'));
    if (s.kind === 'dir') {
      mkdirSync(p);
      dirs.push(p);
      later.push(() => {
        utimesSync(p, s.mtime, s.mtime);
        chmodSync(p, s.mode);
      });
    } else if (s.kind === 'file') {
      writeFileSync(p, Buffer.from(s.data));
      chmodSync(p, s.mode);
      utimesSync(p, s.mtime, s.mtime);
      files.push(p);
    } else if (s.kind === 'sparse') {
      const fd = openSync(p, 'w');
      for (const at of s.at) writeSync(fd, Buffer.from('data'), 0, 4, at % s.size);
      closeSync(fd);
      truncateSync(p, s.size);
      utimesSync(p, s.mtime, s.mtime);
      files.push(p);
    } else if (s.kind === 'symlink') {
      symlinkSync(Buffer.from(s.target), p);
      lutimesSync(p, s.mtime, s.mtime);
    } else if (files.length > 0) {
      linkSync(files[s.of % files.length]!, p);
    } else taken.delete(p.toString('latin1'));
  }
  // Children were added after their folder's time was known: set folder times deepest first.
  for (const f of later.reverse()) f();
}

describe('backup archives, for any tree', () => {
  it('restore every name, mode, time, link, sparse file and empty folder as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 30 }), async (specs) => {
        const base = tempDir();
        const unit = path.join(base, 'Unit');
        mkdirSync(unit);
        build(unit, specs);
        const source = listTree(unit);
        const file = path.join(base, 'b.tar');
        const result = await createArchive([{ name: 'Unit', path: unit }], file);
        expect(result.notes.list).toEqual([]);
        execFileSync('tar', ['-tf', file], { stdio: ['ignore', 'ignore', 'ignore'] });
        const to = path.join(base, 'to');
        const restored = await restoreInto(file, to);
        expect(restored.verified).toBe(true);
        expect(listingDifferences(source, listTree(path.join(to, 'Unit')))).toEqual([]);
        execFileSync('rm', ['-rf', base]);
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
