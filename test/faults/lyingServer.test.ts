// A server that says a streamed backup is stored when it is not: "201 Created" after reading part of
// the upload, a part stored of a whole upload read, a listing that hides the stored size. None of these
// ends as "Finished", and no file under a backup's name is left on the server; once the server tells
// the truth again, the next backup is Finished and whole.
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import type { Fault } from '../helpers/faultProxy.js';
import { tempDir } from '../helpers/processes.js';

const MiB = 1 << 20;
const ARCHIVE_PART = /\.part$/;

describe('a server that lies about a streamed upload', () => {
  let world: BackupWorld;

  beforeAll(async () => {
    // Everything streamed: no archive is kept in a local file before its upload.
    world = await startBackupWorld({ proxy: true, env: { SFBACKUP_SPOOL_MAX_BYTES: '0' } });
    const unit = path.join(tempDir(), 'Videos');
    mkdirSync(unit);
    writeFileSync(path.join(unit, 'film.bin'), randomBytes(8 * MiB));
    expect((await world.cli(['units', 'add', unit])).code).toBe(0);
  });

  afterAll(async () => {
    await world?.stop();
  });

  const moves = () => world.proxy!.seen.filter((s) => s.startsWith('MOVE'));

  async function backup(fault: Fault | undefined) {
    world.proxy!.fault = fault;
    world.proxy!.seen.length = 0;
    const r = await world.cli(['--json', 'backup', '1']);
    world.proxy!.fault = undefined;
    return r;
  }

  it('"201 Created" after 1 MiB of the upload: an error, and no backup on the server', async () => {
    const r = await backup({ method: 'PUT', storeOnly: { bytes: MiB, path: ARCHIVE_PART, early: true } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered the upload after \d+ of its \d+ bytes/);
    expect(world.serverBackups()).toEqual([]);
  });

  it('the whole upload read but 1 MiB stored: an error before the upload gets a backup’s name', async () => {
    const r = await backup({ method: 'PUT', storeOnly: { bytes: MiB, path: ARCHIVE_PART, early: false } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/server stored 1048576 of \d+ bytes/);
    expect(moves()).toEqual([]);
    expect(world.serverBackups()).toEqual([]);
  });

  it('a server that does not say how large the upload is: an error, not an unchecked "Finished"', async () => {
    const r = await backup({ method: 'PROPFIND', hideSize: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not say how large/);
    expect(moves()).toEqual([]);
    expect(world.serverBackups()).toEqual([]);
  });

  it('the truth again: the next backup is Finished, and whole on the server', async () => {
    const r = await backup(undefined);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Finished' });
    const stored = world.serverBackups();
    expect(stored).toHaveLength(1);
    expect(statSync(stored[0]!).size).toBeGreaterThan(8 * MiB);
  });
});
