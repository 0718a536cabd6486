// The restore journal (`<data dir>/vault/restore-journal.json`): written before a restore makes its
// first folder outside the vault, and before each step that changes the user's folders. A restore cut
// short (kill -9, power loss, a double Ctrl-C) is finished or undone when the app next starts:
// - still unpacking: the staging folders are removed, no file of the user's had changed;
// - already swapping units into place (everything was verified): the remaining renames are done.
// Either way the results log says "Interrupted", never success.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { lstat, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parentOf, removeTree } from './removeTree.js';

export interface JournalUnit {
  unit: string;
  /** Bytes as base64: the unit's real folder, its staging folder, where replaced files wait. */
  target: string;
  stage: string;
  replaced: string;
  /** Relative paths (base64) swapped into place, '' for the whole unit folder. */
  swaps: string[];
  done: boolean;
}

export interface Journal {
  version: 1;
  pid: number;
  started: string;
  archive: string;
  /** The BackupRestore profile whose results log hears how an interrupted restore ended. */
  profile?: string;
  phase: 'staging' | 'swapping';
  units: JournalUnit[];
}

const journalSchema = z.object({
  version: z.literal(1),
  pid: z.number().int(),
  started: z.string(),
  archive: z.string(),
  profile: z.string().optional(),
  phase: z.enum(['staging', 'swapping']),
  units: z.array(
    z.object({
      unit: z.string(),
      target: z.string(),
      stage: z.string(),
      replaced: z.string(),
      swaps: z.array(z.string()),
      done: z.boolean(),
    }),
  ),
});

export const b64 = (p: Buffer): string => p.toString('base64');
export const fromB64 = (s: string): Buffer => Buffer.from(s, 'base64');

function under(root: Buffer, rel: Buffer): Buffer {
  return rel.length === 0 ? root : Buffer.concat([root, Buffer.from('/'), rel]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RestoreJournal {
  constructor(readonly file: string) {}

  /** Replaces the journal durably: a crash leaves the old one or the new one, on disk. */
  write(journal: Journal): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(journal));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    const dir = openSync(path.dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  read(): Journal | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      // no journal: no restore was cut short
      return undefined;
    }
    try {
      return journalSchema.parse(JSON.parse(raw));
    } catch {
      // a damaged journal cannot be finished; the next restore starts afresh
      return undefined;
    }
  }

  remove(): void {
    rmSync(this.file, { force: true });
    rmSync(`${this.file}.tmp`, { force: true });
  }
}

const exists = (p: Buffer) =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** Puts one swap point in place: whatever was there goes to the replaced folder first. */
export async function swapIn(unit: JournalUnit, rel: Buffer): Promise<void> {
  const target = under(fromB64(unit.target), rel);
  const stage = under(fromB64(unit.stage), rel);
  const replaced = under(fromB64(unit.replaced), rel);
  if (!(await exists(stage))) return; // already in place
  if (await exists(target)) {
    if (await exists(replaced)) throw new Error(`${replaced.toString()} is in the way of the restore`);
    await mkdir(parentOf(replaced), { recursive: true, mode: 0o700 });
    await rename(target, replaced);
  }
  await rename(stage, target);
}

/** Undoes one swap point: the backup's version back to staging, the replaced one back in place. */
export async function swapOut(unit: JournalUnit, rel: Buffer): Promise<void> {
  const target = under(fromB64(unit.target), rel);
  const stage = under(fromB64(unit.stage), rel);
  const replaced = under(fromB64(unit.replaced), rel);
  if (!(await exists(stage)) && (await exists(target))) await rename(target, stage);
  if (await exists(replaced)) await rename(replaced, target);
}

export async function cleanUnit(unit: JournalUnit): Promise<void> {
  await removeTree(fromB64(unit.replaced));
  await removeTree(fromB64(unit.stage));
}

export type RecoveryOutcome = { journal: Journal; finished: boolean } | undefined;

/**
 * Finishes or undoes the renames of a restore a killed process left behind, and returns what it did
 * (undefined when there was nothing to do, or the restore belongs to a process still running). Only
 * renames: quick, so the service can start. The folders left over are removed by `removeLeftovers`.
 */
export async function recoverRestore(journal: RestoreJournal): Promise<RecoveryOutcome> {
  const found = journal.read();
  if (!found) {
    journal.remove();
    return undefined;
  }
  if (found.pid !== process.pid && alive(found.pid)) return undefined;
  const finished = found.phase === 'swapping';
  if (finished) {
    for (const unit of found.units) {
      if (!unit.done) for (const rel of unit.swaps) await swapIn(unit, fromB64(rel));
      unit.done = true;
    }
  }
  // From now on only folders to delete are left: a crash during the removal just removes them again.
  journal.write({
    ...found,
    pid: process.pid,
    phase: 'swapping',
    units: found.units.map((u) => ({ ...u, done: true })),
  });
  return { journal: found, finished };
}

/** Deletes the staging and replaced folders a recovered restore left, then the journal. */
export async function removeLeftovers(journal: RestoreJournal, found: Journal): Promise<void> {
  for (const unit of found.units) await cleanUnit(unit);
  journal.remove();
}
