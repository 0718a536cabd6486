// Case 3 of the hostile probes: "never back up yourself". With the data folder inside a backed-up
// folder (the home folder, by default), no backup holds the credentials, the live accounts database or
// its own half-written archive, and restoring in place never rolls the app's own state back. Units
// that reach the same folder through symlinks are backed up once; "/" is never walked.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { tempDir } from '../helpers/processes.js';
import { readTree } from '../helpers/tree.js';

interface Run {
  file: string;
  skipped?: Array<{ path: string; reason: string }>;
  notes?: string[];
}

const members = (archive: string) => execFileSync('tar', ['-tf', archive]).toString().trim().split('\n');

describe('the app never backs itself up', () => {
  let world: BackupWorld;
  let home: string;

  beforeAll(async () => {
    home = tempDir('sfb-home-');
    mkdirSync(path.join(home, 'Documents'));
    writeFileSync(path.join(home, 'Documents', 'letter.txt'), 'Dear diary\n');
    world = await startBackupWorld({ dataDir: path.join(home, '.local', 'share', 'sailfish-backup-settings') });
    expect((await world.cli(['units', 'add', home, '--name', 'Home'])).code).toBe(0);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('leaves its data folder out of a backup of the home folder, says so once, and a restore in place keeps it', async () => {
    const run = await world.json<Run>(['backup', '1']);
    const [archive] = world.serverBackups();
    const names = members(archive!);
    expect(names).toContain('Home/Documents/letter.txt');
    expect(names.filter((n) => n.includes('sailfish-backup-settings/'))).toEqual([]);
    expect(names.some((n) => /credentials\.json|accounts\.db|\.tar\.part/.test(n))).toBe(false);
    const own = (run.notes ?? []).filter((n) => n.includes("the app's own data"));
    expect(own).toHaveLength(1);
    expect(own[0]).toContain(world.dataDir);

    // After the backup: a second account, and an edited letter.
    const credentials = path.join(world.dataDir, 'credentials', 'credentials.json');
    expect(
      (
        await world.cli(
          ['account', 'add', '--provider', 'webdav', '--server', world.server.url, '--user', 'u', '--password-stdin'],
          { input: 'p\n' },
        )
      ).code,
    ).toBe(0);
    const before = readFileSync(credentials);
    writeFileSync(path.join(home, 'Documents', 'letter.txt'), 'edited after the backup\n');

    const restored = await world.cli(['restore', '1', path.basename(archive!)]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readFileSync(path.join(home, 'Documents', 'letter.txt'), 'utf8')).toBe('Dear diary\n');
    expect(readFileSync(credentials)).toEqual(before);
    expect((await world.json<unknown[]>(['account', 'list'])).length).toBe(2);
    // No staging or replaced folder left beside the home folder or inside it.
    const leftovers = [path.dirname(home), home].flatMap((d) =>
      execFileSync('ls', ['-A', d])
        .toString()
        .split('\n')
        .filter((n) => n.includes('.sfbackup-')),
    );
    expect(leftovers).toEqual([]);
  });

  it('backs up units that are the same folder through symlinks once, with nothing missing', async () => {
    const base = tempDir();
    mkdirSync(path.join(base, 'x', 'sub'), { recursive: true });
    writeFileSync(path.join(base, 'x', 'top.txt'), 'top');
    writeFileSync(path.join(base, 'x', 'sub', 's.txt'), 'inner');
    symlinkSync('x', path.join(base, 'y'));
    symlinkSync('x/sub', path.join(base, 'z'));
    expect((await world.cli(['units', 'remove', 'Home'])).code).toBe(0);
    for (const [dir, name] of [
      ['x', 'A'],
      ['y', 'B'],
      ['z', 'C'],
    ] as const)
      expect((await world.cli(['units', 'add', path.join(base, dir), '--name', name])).code).toBe(0);
    const run = await world.json<Run>(['backup', '1']);
    const archive = world.serverBackups().find((f) => path.basename(f) === run.file)!;
    const names = members(archive).filter((n) => !n.startsWith('.'));
    expect(names.filter((n) => n.endsWith('s.txt'))).toEqual(['A/sub/s.txt']);
    expect(names.some((n) => n.startsWith('B/') || n.startsWith('C/'))).toBe(false);
    expect(
      run.notes?.filter((n) => /"B" is the same folder as "A"|"C" is inside the folder of "A"/.test(n)),
    ).toHaveLength(2);

    const to = tempDir();
    const restored = await world.cli(['restore', '1', run.file, '--to', to]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readTree(path.join(to, 'A'))).toEqual(readTree(path.join(base, 'x')));
    for (const name of ['A', 'B', 'C']) await world.cli(['units', 'remove', name]);
  });

  it('never walks the whole file system: a unit "/" is left out with a note, the other units are backed up', async () => {
    const docs = tempDir();
    writeFileSync(path.join(docs, 'kept.txt'), 'kept');
    expect((await world.cli(['units', 'add', docs, '--name', 'Docs'])).code).toBe(0);
    const unitsFile = path.join(world.dataDir, 'units.json');
    const units = JSON.parse(readFileSync(unitsFile, 'utf8')) as { units: Array<{ name: string; path: string }> };
    units.units.unshift({ name: 'Root', path: '/' }); // as a hand-edited file (or an older version) may hold
    writeFileSync(unitsFile, JSON.stringify(units));
    const run = await world.json<Run>(['backup', '1']);
    expect(run.skipped?.some((s) => s.path === '/' && s.reason.includes('whole file system'))).toBe(true);
    const archive = world.serverBackups().find((f) => path.basename(f) === run.file)!;
    expect(members(archive).filter((n) => !n.startsWith('.'))).toEqual(['Docs/', 'Docs/kept.txt']);
  });
});
