// Case 5 of the hostile probes: metadata kept through a backup and a restore — modification times of
// files and folders, modes (666 files, 555 and 700 folders, 000, setuid), hard links (as links inside
// the archive, never to the source's absolute path), symlinks of every kind as links, empty folders,
// and sparse files restored sparse.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { listingDifferences, listTree } from '../helpers/listing.js';
import { tempDir } from '../helpers/processes.js';
import { makeMetadataTree } from '../helpers/tree.js';

describe('a restore brings back what the backup had, metadata included', () => {
  let world: BackupWorld;
  let unit: string;

  beforeAll(async () => {
    world = await startBackupWorld();
    unit = path.join(tempDir(), 'Meta');
    mkdirSync(unit);
    makeMetadataTree(unit);
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
