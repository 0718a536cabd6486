// Case 5 of the hostile probes: metadata kept through a backup and a restore — modification times of
// files and folders, modes (666 files, 555 and 700 folders, 000, setuid), hard links (as links inside
// the archive, never to the source's absolute path), symlinks of every kind as links, empty folders,
// and sparse files restored sparse.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { listingDifferences, listTree } from '../helpers/listing.js';
import { tempDir } from '../helpers/processes.js';

/** A unit with the metadata the probes found lost, times set last (deepest first) so they stay. */
function makeTree(unit: string): void {
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

describe('a restore brings back what the backup had, metadata included', () => {
  let world: BackupWorld;
  let unit: string;

  beforeAll(async () => {
    world = await startBackupWorld();
    unit = path.join(tempDir(), 'Meta');
    mkdirSync(unit);
    makeTree(unit);
    expect((await world.cli(['units', 'add', unit])).code).toBe(0);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('keeps mtimes, modes, hard links, symlinks, empty folders and sparseness', async () => {
    const source = listTree(unit);
    const { file } = await world.json<{ file: string }>(['backup', '1']);
    const archive = world.serverBackups().find((f) => path.basename(f) === file)!;
    // Hard links point at the first name inside the archive, never at the source's absolute path.
    const listing = execFileSync('tar', ['-tvf', archive]).toString();
    expect(listing).toMatch(/Meta\/hl_b link to Meta\/deep\/er\/hl_c/);
    expect(listing).not.toContain(unit);

    const to = tempDir();
    const restored = await world.json<{ skipped: unknown[] }>(['restore', '1', file, '--to', to]);
    expect(restored.skipped).toEqual([]);
    expect(listingDifferences(source, listTree(path.join(to, 'Meta')))).toEqual([]);
    expect(listTree(path.join(to, 'Meta')).get('sparse.bin')!.blocks).toBeLessThanOrEqual(64);
  });
});
