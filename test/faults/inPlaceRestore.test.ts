// Case 7 of the hostile probes: restores over the original folders are all or nothing per unit. Ordinary
// trees (a dangling symlink, a unit folder that is a symlink, a file that became a folder and the other
// way round) restore without failing halfway, files that are not in the backup are kept, and a restore
// killed while it changes files is finished at the next start and logged as "Interrupted".
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { tempDir } from '../helpers/processes.js';
import { readTree } from '../helpers/tree.js';

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.sfbackup-'));

/** True once the restore journal says units are being swapped into place: the files are changing. */
const swapping = (dataDir: string) => () => {
  try {
    return readFileSync(path.join(dataDir, 'vault', 'restore-journal.json'), 'utf8').includes('"phase":"swapping"');
  } catch {
    return false;
  }
};

describe('restoring over the original folders', () => {
  let world: BackupWorld;

  beforeAll(async () => {
    world = await startBackupWorld();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('handles dangling symlinks, a symlinked unit folder and type changes, and keeps local files', async () => {
    const base = tempDir();
    const docs = path.join(base, 'Docs');
    mkdirSync(path.join(docs, 'sub'), { recursive: true });
    writeFileSync(path.join(docs, 'a.txt'), 'as backed up\n');
    writeFileSync(path.join(docs, 'sub', 'in-sub.txt'), 'in a folder\n');
    writeFileSync(path.join(docs, 'becomes-folder'), 'a file in the backup\n');
    symlinkSync('missing-target', path.join(docs, 'dangling'));
    mkdirSync(path.join(base, 'data', 'Music'), { recursive: true });
    writeFileSync(path.join(base, 'data', 'Music', 'song.ogg'), 'la la la\n');
    symlinkSync(path.join(base, 'data', 'Music'), path.join(base, 'Music'));
    for (const unit of [docs, path.join(base, 'Music')]) expect((await world.cli(['units', 'add', unit])).code).toBe(0);
    const { file } = await world.json<{ file: string }>(['backup', '1']);
    const backedUp = readTree(docs);

    // After the backup: an edit, a folder that became a file, a file that became a folder, new files.
    writeFileSync(path.join(docs, 'a.txt'), 'edited later\n');
    rmSync(path.join(docs, 'sub'), { recursive: true });
    writeFileSync(path.join(docs, 'sub'), 'now a file\n');
    rmSync(path.join(docs, 'becomes-folder'));
    mkdirSync(path.join(docs, 'becomes-folder'));
    writeFileSync(path.join(docs, 'becomes-folder', 'local.txt'), 'made locally\n');
    writeFileSync(path.join(docs, 'new-local.txt'), 'not in the backup\n');
    writeFileSync(path.join(base, 'data', 'Music', 'song.ogg'), 'overwritten\n');
    writeFileSync(path.join(base, 'data', 'Music', 'new-song.ogg'), 'kept\n');

    const r = await world.json<{ skipped: Array<{ path: string; reason: string }> }>(['restore', '1', file]);
    expect(readTree(docs)).toEqual({
      ...backedUp,
      'new-local.txt': Buffer.from('not in the backup\n').toString('base64'),
    });
    expect(readlinkSync(path.join(docs, 'dangling'))).toBe('missing-target');
    expect(r.skipped.map((s) => s.path)).toEqual(['Docs/becomes-folder']);
    expect(r.skipped[0]?.reason).toMatch(/folder on this computer, a file in the backup/);
    // The unit folder is still the symlink; the files came back where it points.
    expect(lstatSync(path.join(base, 'Music')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(base, 'data', 'Music', 'song.ogg'), 'utf8')).toBe('la la la\n');
    expect(readFileSync(path.join(base, 'data', 'Music', 'new-song.ogg'), 'utf8')).toBe('kept\n');
    expect([...leftovers(base), ...leftovers(path.join(base, 'data'))]).toEqual([]);
    for (const unit of [docs, path.join(base, 'Music')]) await world.cli(['units', 'remove', unit]);
  });

  it('finishes a restore killed while it changes files at the next start, and logs it as interrupted', async () => {
    const base = tempDir();
    const unit = path.join(base, 'Many');
    mkdirSync(unit);
    for (let i = 0; i < 3000; i++) writeFileSync(path.join(unit, `f-${i}.txt`), `file ${i}\n`);
    expect((await world.cli(['units', 'add', unit])).code).toBe(0);
    const { file } = await world.json<{ file: string }>(['backup', '1']);
    const backedUp = readTree(unit);
    for (let i = 0; i < 3000; i += 2) writeFileSync(path.join(unit, `f-${i}.txt`), 'changed\n');
    writeFileSync(path.join(unit, 'extra.txt'), 'local only\n');

    // Killed the moment the journal says the units are being swapped into place.
    let settled = false;
    const restoring = world.cli(['restore', '1', file]).finally(() => (settled = true));
    const check = swapping(world.dataDir);
    while (!settled && !check()) await new Promise((r) => setTimeout(r, 5));
    await world.killDaemon();
    const killed = await restoring;
    expect(killed.code).toBe(1);
    expect(killed.stderr).toContain('left the bus');
    await world.startDaemon();
    const log = await world.lastLog('webdav.BackupRestore-1');
    expect(log).toMatchObject({ majorCode: 1, message: expect.stringMatching(/^Interrupted.*put in place/) as string });
    expect(readTree(unit)).toEqual({ ...backedUp, 'extra.txt': Buffer.from('local only\n').toString('base64') });
    // The replaced copy is deleted after the service has started.
    for (let i = 0; i < 600 && leftovers(base).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers(base)).toEqual([]);
    expect(existsSync(path.join(world.dataDir, 'vault', 'restore-journal.json'))).toBe(false);
  }, 180_000);

  it('finishes a restore a double Ctrl-C cut short, when the CLI ran the engine itself', async () => {
    await world.killDaemon(); // no daemon: the CLI runs the engine for its own run
    const base = tempDir();
    const unit = path.join(base, 'Photos');
    mkdirSync(unit);
    // Enough files that removing the replaced copy outlasts the two Ctrl-Cs.
    for (let i = 0; i < 20_000; i++) writeFileSync(path.join(unit, `p-${i}.jpg`), `photo ${i}\n`);
    expect((await world.cli(['units', 'add', unit])).code).toBe(0);
    const { file } = await world.json<{ file: string }>(['backup', '1']);
    const backedUp = readTree(unit);

    // The Ctrl-Cs must land while the units are swapped in, a window of a few hundred ms. On a loaded
    // machine they can come after the restore has ended (exit 0), which tests nothing: then try again.
    let interrupted: Awaited<ReturnType<typeof world.cli>> | undefined;
    for (let attempt = 0; attempt < 3 && (interrupted === undefined || interrupted.code === 0); attempt++) {
      for (let i = 1; i < 20_000; i += 2) rmSync(path.join(unit, `p-${i}.jpg`), { force: true });
      interrupted = await world.cli(['restore', '1', file], {
        signalWhen: { check: swapping(world.dataDir), signal: 'SIGINT', times: 2 },
      });
    }
    expect(interrupted?.code).not.toBe(0);
    // The next command that runs the engine finishes it, and the log says what happened.
    expect((await world.cli(['backups', '1'])).code).toBe(0);
    expect(await world.lastLog('webdav.BackupRestore-1')).toMatchObject({
      majorCode: 1,
      message: expect.stringMatching(/^Interrupted.*put in place/) as string,
    });
    expect(readTree(unit)).toEqual(backedUp);
    await world.startDaemon();
  }, 180_000);
});
