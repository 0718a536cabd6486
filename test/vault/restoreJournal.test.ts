// The restore journal: whatever step a restore was killed at, the next start leaves each unit either as
// it was (still unpacking) or fully restored (already swapping), never half of each.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { b64, recoverRestore, removeLeftovers, RestoreJournal, type Journal } from '../../main/vault/restoreJournal.js';
import { tempDir } from '../helpers/processes.js';
import { readTree } from '../helpers/tree.js';

function scene(phase: Journal['phase'], pid = 999_999) {
  const base = tempDir();
  const target = path.join(base, 'Docs');
  const stage = path.join(base, '.Docs.sfbackup-stage-1');
  const replaced = path.join(base, '.Docs.sfbackup-replaced-1');
  mkdirSync(target);
  writeFileSync(path.join(target, 'a.txt'), 'old\n');
  mkdirSync(stage);
  writeFileSync(path.join(stage, 'a.txt'), 'from the backup\n');
  const journal = new RestoreJournal(path.join(base, 'restore-journal.json'));
  const state: Journal = {
    version: 1,
    pid,
    started: new Date().toISOString(),
    archive: 'sailfish_backup_2026-01-01T00-00-00Z.tar',
    profile: 'webdav.BackupRestore-1',
    phase,
    units: [
      {
        unit: 'Docs',
        target: b64(Buffer.from(target)),
        stage: b64(Buffer.from(stage)),
        replaced: b64(Buffer.from(replaced)),
        swaps: [b64(Buffer.alloc(0))],
        done: false,
      },
    ],
  };
  journal.write(state);
  const recover = async () => {
    const outcome = await recoverRestore(journal);
    if (outcome) await removeLeftovers(journal, outcome.journal);
    return outcome;
  };
  return { base, target, stage, replaced, journal, recover };
}

const content = (dir: string) => readFileSync(path.join(dir, 'a.txt'), 'utf8');

describe('an interrupted restore at the next start', () => {
  it('is undone while it was still unpacking: the staging copy goes, the folder is as it was', async () => {
    const s = scene('staging');
    expect((await s.recover())?.finished).toBe(false);
    expect(content(s.target)).toBe('old\n');
    expect(existsSync(s.stage)).toBe(false);
    expect(existsSync(s.journal.file)).toBe(false);
  });

  it('is finished when no rename had happened yet', async () => {
    const s = scene('swapping');
    expect((await s.recover())?.finished).toBe(true);
    expect(content(s.target)).toBe('from the backup\n');
    expect([s.stage, s.replaced, s.journal.file].map(existsSync)).toEqual([false, false, false]);
  });

  it('is finished between the two renames, when the unit folder was briefly not there', async () => {
    const s = scene('swapping');
    renameSync(s.target, s.replaced);
    expect((await s.recover())?.finished).toBe(true);
    expect(content(s.target)).toBe('from the backup\n');
    expect([s.stage, s.replaced].map(existsSync)).toEqual([false, false]);
  });

  it('only cleans up when both renames were done', async () => {
    const s = scene('swapping');
    renameSync(s.target, s.replaced);
    renameSync(s.stage, s.target);
    expect((await s.recover())?.finished).toBe(true);
    expect(readTree(path.dirname(s.target))).toEqual({
      Docs: '/',
      'Docs/a.txt': Buffer.from('from the backup\n').toString('base64'),
    });
  });

  it('leaves a restore of a process that is still running alone', async () => {
    const s = scene('swapping', process.ppid);
    expect(await s.recover()).toBeUndefined();
    expect(content(s.target)).toBe('old\n');
    expect(existsSync(s.journal.file)).toBe(true);
  });
});
