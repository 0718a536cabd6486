// Speaking tar with GNU tar both ways: GNU tar lists and extracts our archives to the same tree (names
// of any bytes, modes, times, hard links, symlinks, sparse files), and our restore reads what GNU tar
// writes in its own formats (gnu with long names and old-style sparse files, pax with sparse 1.0 and
// binary names, ustar), as an unverified backup.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createArchive } from '../../main/vault/archive.js';
import { UNVERIFIED_NOTE } from '../../main/vault/notes.js';
import { listingDifferences, listTree } from '../helpers/listing.js';
import { tempDir } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';
import { makeMetadataTree } from '../helpers/tree.js';

/** The metadata fixture plus what needs tar extensions: a non-UTF-8 name and paths over 100 bytes. */
function makeUnit(base: string): string {
  const unit = path.join(base, 'Unit');
  mkdirSync(unit);
  makeMetadataTree(unit);
  writeFileSync(Buffer.from(`${unit}/latin1_\xe9t\xe9.txt`, 'latin1'), 'latin-1 name\n');
  const long = path.join(unit, 'a'.repeat(120), 'b'.repeat(150));
  mkdirSync(long, { recursive: true });
  writeFileSync(path.join(long, 'c'.repeat(200)), 'a long path\n');
  return unit;
}

describe('GNU tar', () => {
  it('extracts our archives to the same tree', async () => {
    const base = tempDir();
    const unit = makeUnit(base);
    const file = path.join(base, 'ours.tar');
    await createArchive([{ name: 'Unit', path: unit }], file);
    const out = path.join(base, 'gnu');
    mkdirSync(out);
    execFileSync('tar', ['-xf', file, '-C', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    // Our headers carry whole seconds (the manifest has the nanoseconds), as GNU tar's own format does.
    expect(listingDifferences(listTree(unit), listTree(path.join(out, 'Unit')), { mtimeTolerance: 1 })).toEqual([]);
  });

  it.each([
    ['gnu', ['--format=gnu', '--sparse']],
    ['pax', ['--format=pax', '--sparse']],
    ['ustar', ['--format=ustar']],
  ])('writes archives (%s) that our restore reads', async (_format, flags) => {
    const base = tempDir();
    const unit = _format === 'ustar' ? path.join(base, 'Unit') : makeUnit(base);
    if (_format === 'ustar') {
      mkdirSync(unit); // ustar has no room for long names: the fixture without them
      makeMetadataTree(unit);
    }
    const file = path.join(base, 'gnu.tar');
    execFileSync('tar', ['-cf', file, ...flags, '-C', base, 'Unit'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const to = path.join(base, 'to');
    const restored = await restoreInto(file, to);
    expect(restored.verified).toBe(false);
    expect(restored.notes.list).toEqual([{ kind: 'note', path: '', reason: UNVERIFIED_NOTE }]);
    const tolerance = _format === 'pax' ? 1e-5 : 1;
    // ustar cannot say a file is sparse: its data comes back dense, as with GNU tar.
    const ignoreBlocks = _format === 'ustar';
    expect(
      listingDifferences(listTree(unit), listTree(path.join(to, 'Unit')), { mtimeTolerance: tolerance, ignoreBlocks }),
    ).toEqual([]);
  });

  it('writes a "./" prefix and a root member that our restore takes in its stride', async () => {
    const base = tempDir();
    mkdirSync(path.join(base, 'src', 'Docs'), { recursive: true });
    writeFileSync(path.join(base, 'src', 'Docs', 'a.txt'), 'a\n');
    const file = path.join(base, 'dot.tar');
    execFileSync('tar', ['-cf', file, '-C', path.join(base, 'src'), '.']);
    const restored = await restoreInto(file, path.join(base, 'to'));
    expect(restored.units).toEqual(['Docs']);
    expect(
      listingDifferences(listTree(path.join(base, 'src', 'Docs')), listTree(path.join(base, 'to', 'Docs')), {
        mtimeTolerance: 1,
      }),
    ).toEqual([]);
  });
});
