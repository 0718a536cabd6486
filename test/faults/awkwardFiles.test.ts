// Case 6 of the hostile probes: one awkward file is a note, not a failed backup (GNU tar's behaviour).
// A name that is not UTF-8 is stored byte for byte and comes back as it was; a path over 4096 bytes, a
// named pipe, an unreadable file or folder, a file that shrinks or disappears while it is read and a
// unit folder that is gone are each named in the --json result and the results log, and the archive
// is never corrupt.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchive } from '../../main/vault/archive.js';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { startRclone, tempDir } from '../helpers/processes.js';

interface Run {
  status: string;
  file: string;
  skipped: Array<{ path: string; reason: string }>;
}

const latin1Name = Buffer.from('latin1_\xe9t\xe9.txt', 'latin1');

/** Folders nested until the path passes PATH_MAX, made with relative `cd`s as only that can. */
function makeLongPath(dir: string): void {
  execFileSync('bash', [
    '-c',
    'cd "$1" && for i in $(seq 18); do mkdir "$2" && cd "$2"; done && echo deep > deep.txt',
    '-',
    dir,
    'd'.repeat(240),
  ]);
}

describe('awkward files in a backup', () => {
  let world: BackupWorld;

  beforeAll(async () => {
    world = await startBackupWorld();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('stores a non-UTF-8 name exactly and names each file it had to leave out, without failing', async () => {
    const base = tempDir();
    const docs = path.join(base, 'Docs');
    mkdirSync(docs);
    writeFileSync(path.join(docs, 'normal.txt'), 'fine\n');
    writeFileSync(Buffer.concat([Buffer.from(docs + '/'), latin1Name]), 'été\n');
    makeLongPath(docs);
    execFileSync('mkfifo', [path.join(docs, 'pipe')]);
    const gone = path.join(base, 'Gone');
    mkdirSync(gone);
    expect((await world.cli(['units', 'add', docs])).code).toBe(0);
    expect((await world.cli(['units', 'add', gone])).code).toBe(0);
    rmSync(gone, { recursive: true }); // an unmounted drive

    const run = await world.json<Run>(['backup', '1']);
    expect(run.status).toBe('Finished');
    const reasons = Object.fromEntries(run.skipped.map((s) => [s.path, s.reason]));
    expect(reasons[gone]).toMatch(/not there/);
    expect(reasons[path.join(docs, 'pipe')]).toMatch(/named pipe/);
    const long = run.skipped.find((s) => /longer than/.test(s.reason));
    expect(long?.path.startsWith(path.join(docs, 'd'))).toBe(true);
    expect(run.skipped).toHaveLength(3);
    const log = await world.lastLog('webdav.Backup-1');
    expect(log?.majorCode).toBe(0);
    for (const s of run.skipped) expect(log?.message).toContain(s.path);

    const archive = world.serverBackups().find((f) => path.basename(f) === run.file)!;
    expect(execFileSync('tar', ['-tvf', archive]).toString()).toContain('Docs/latin1_\\351t\\351.txt');
    expect(readFileSync(archive).includes('hdrcharset=BINARY')).toBe(true);

    const to = tempDir();
    const restored = await world.cli(['restore', '1', run.file, '--to', to]);
    expect(restored.code, restored.stderr).toBe(0);
    const names = readdirSync(path.join(to, 'Docs'), { encoding: 'buffer' });
    expect(names.some((n) => n.equals(latin1Name))).toBe(true);
    expect(readFileSync(Buffer.concat([Buffer.from(path.join(to, 'Docs') + '/'), latin1Name]), 'utf8')).toBe('été\n');
    for (const unit of [docs, gone]) await world.cli(['units', 'remove', unit]);
  });

  it('skips unreadable files and folders of an ordinary user and names them', async () => {
    const server = await startRclone({ user: 'u', password: 'p' });
    try {
      const home = tempDir();
      const dataDir = path.join(home, 'data');
      const unit = path.join(home, 'Work');
      mkdirSync(path.join(unit, 'locked'), { recursive: true });
      writeFileSync(path.join(unit, 'readable.txt'), 'ok\n');
      writeFileSync(path.join(unit, 'secret.txt'), 'write only\n');
      writeFileSync(path.join(unit, 'locked', 'inside.txt'), 'cannot list\n');
      execFileSync('chown', ['-R', '65534:65534', home]);
      chmodSync(path.join(unit, 'secret.txt'), 0o200);
      chmodSync(path.join(unit, 'locked'), 0o000);
      const env = cliEnv({ HOME: home });
      const asNobody = (args: string[], input?: string) =>
        runCli(['--data-dir', dataDir, ...args], { env, asUser: 65534, ...(input ? { input } : {}) });
      const added = await asNobody(
        ['account', 'add', '--provider', 'webdav', '--server', server.url, '--user', 'u', '--password-stdin'],
        'p\n',
      );
      expect(added.code, added.stderr).toBe(0);
      expect((await asNobody(['units', 'add', unit])).code).toBe(0);
      const r = await asNobody(['--json', 'backup', '1']);
      expect(r.code, r.stderr).toBe(0);
      const run = JSON.parse(r.stdout) as Run;
      expect(run.skipped).toEqual([
        {
          kind: 'skipped',
          path: path.join(unit, 'locked'),
          reason: expect.stringMatching(/contents were not backed up.*permission denied/) as string,
        },
        {
          kind: 'skipped',
          path: path.join(unit, 'secret.txt'),
          reason: expect.stringMatching(/permission denied/) as string,
        },
      ]);
    } finally {
      await server.stop();
    }
  });

  it('pads a file that shrinks while it is read, skips files that disappear, and the archive stays whole', async () => {
    const base = tempDir();
    const unit = path.join(base, 'Logs');
    mkdirSync(unit);
    writeFileSync(path.join(unit, 'a-big.log'), Buffer.alloc(64 * 1024 * 1024, 'x'));
    for (let i = 0; i < 3000; i++) writeFileSync(path.join(unit, `z-many-${String(i).padStart(4, '0')}.txt`), `${i}\n`);
    let shrunk = false;
    let deleted = 0;
    const file = path.join(base, 'b.tar');
    const result = await createArchive([{ name: 'Logs', path: unit }], file, {
      onProgress: (p) => {
        if (!shrunk && p.bytes > 8 * 1024 * 1024) {
          truncateSync(path.join(unit, 'a-big.log'), 1024); // a log rotated under the backup
          shrunk = true;
        }
        if (shrunk && p.files > 100 && deleted === 0)
          for (let i = 2500; i < 3000; i++) {
            rmSync(path.join(unit, `z-many-${String(i).padStart(4, '0')}.txt`));
            deleted++;
          }
      },
    });
    expect(deleted).toBe(500);
    const notes =
      (result as { notes?: { list: Array<{ kind: string; path: string; reason: string }> } }).notes?.list ?? [];
    expect(notes.filter((n) => n.kind === 'changed').map((n) => n.path)).toEqual([path.join(unit, 'a-big.log')]);
    expect(notes.find((n) => n.kind === 'changed')?.reason).toMatch(/shrank by \d+ bytes/);
    expect(notes.filter((n) => n.kind === 'skipped' && /disappeared/.test(n.reason))).toHaveLength(500);
    execFileSync('tar', ['-tf', file]); // GNU tar reads it to the end

    const to = tempDir();
    const { restoreInto } = await import('../helpers/restore.js');
    const restored = await restoreInto(file, to);
    expect(restored.verified).toBe(true);
    expect(statSync(path.join(to, 'Logs', 'a-big.log')).size).toBe(64 * 1024 * 1024);
    expect(readdirSync(path.join(to, 'Logs'))).toHaveLength(2501);
  });
});
