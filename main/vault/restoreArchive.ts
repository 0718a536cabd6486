// Restoring an archive, all or nothing per unit: each unit is unpacked and verified into a staging
// folder beside its target (same file system, so renames can swap it in), the local files the backup
// does not hold are linked in, and only then is the unit swapped into place with renames, the replaced
// folder kept until the swap is done. A journal in the data dir lets a restore cut short be finished at
// the next start. A cancelled or failed unpack changes no file of the user's.
import { randomBytes } from 'node:crypto';
import { access, chmod, lstat, mkdir, readFile, realpath, stat, utimes } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { displayPath, Notes } from './notes.js';
import {
  b64,
  cleanUnit,
  swapIn,
  swapOut,
  type Journal,
  type JournalUnit,
  type RestoreJournal,
} from './restoreJournal.js';
import { applyFolders, mergeLocal, swapPoints } from './restoreMerge.js';
import { modePolicy } from './restoreModes.js';
import { exclusionsFor, insideExcluded, type Exclusions } from './sourceUnits.js';
import { joinRel, StagedUnit } from './stagedUnit.js';
import { fileChunks, unpackArchive } from './unpack.js';
import { parentOf } from './removeTree.js';
import { NeedsFolder } from './vaultTypes.js';
import { logger } from '../log.js';

const log = logger('vault');

export interface RestorePlan {
  /** The archive file, or the name it is known by when it comes as a stream (`source`). */
  archive: string;
  /** The archive's bytes as they arrive (a download), instead of the file. */
  source?: AsyncIterable<Buffer>;
  /** With `source`: the archive's SHA-256 as recorded when it was made, if it was. */
  checksum?: string;
  /** With `source`: its length, when known. */
  size?: number;
  /** With `source`: settled when the source is known to be whole; files change only after it resolves. */
  whole?: Promise<void>;
  /** The folder each unit goes to, or undefined when this computer has none for it. */
  targetOf(unit: string): string | undefined;
  /** Folders a restore never replaces: the app's own data folder and work folders. */
  excluded: string[];
  journal: RestoreJournal;
  /** The BackupRestore profile, for the results log of a restore finished at the next start. */
  profile?: string;
  signal: AbortSignal;
  onUnit(unit: string): void;
  /** Called once nothing can be cancelled any more: the files are about to change. */
  beforeApply(): void;
}

export interface RestoreOutcome {
  units: string[];
  files: number;
  verified: boolean;
  notes: Notes;
}

interface Prepared {
  unit: StagedUnit;
  target: Buffer;
  journal: JournalUnit;
  /** Paths inside the unit left where they are (also when the staging folder is inside the unit). */
  keepInPlace: Buffer[];
}

const slash = Buffer.from('/');
const under = (root: Buffer, rel: Buffer[]) => (rel.length === 0 ? root : Buffer.concat([root, slash, joinRel(rel)]));

async function readChecksum(archive: string): Promise<string | undefined> {
  const text = await readFile(`${archive}.sha256`, 'utf8').catch(() => undefined);
  return text ? /^([0-9a-f]{64})\b/.exec(text.trim())?.[1] : undefined;
}

function contains(outer: Buffer, inner: Buffer): boolean {
  return inner.length > outer.length && inner[outer.length] === 0x2f && inner.subarray(0, outer.length).equals(outer);
}

/** The unit's real folder: through a symlinked unit folder to where the files are. */
async function realTarget(target: string): Promise<{ real: Buffer; existed: boolean }> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) {
    const parent = path.dirname(target);
    await mkdir(parent, { recursive: true });
    return {
      real: Buffer.concat([await realpath(parent, { encoding: 'buffer' }), slash, Buffer.from(path.basename(target))]),
      existed: false,
    };
  }
  if (st.isSymbolicLink()) {
    const real = await realpath(target, { encoding: 'buffer' }).catch(() => undefined);
    if (!real || !(await stat(real)).isDirectory())
      throw new NeedsFolder(`${target} is a symlink to a folder that is not there.`);
    return { real, existed: true };
  }
  if (!st.isDirectory()) throw new NeedsFolder(`${target} is not a folder.`);
  return { real: await realpath(target, { encoding: 'buffer' }), existed: true };
}

class Restore {
  readonly notes = new Notes();
  readonly prepared = new Map<string, Prepared>();
  private readonly modes = modePolicy();
  private readonly id = randomBytes(4).toString('hex');
  private readonly state: Journal;

  constructor(
    private readonly plan: RestorePlan,
    private readonly excluded: Exclusions,
    private readonly excludedReal: Buffer[],
  ) {
    this.state = {
      version: 1,
      pid: process.pid,
      started: new Date().toISOString(),
      archive: path.basename(plan.archive),
      phase: 'staging',
      units: [],
      ...(plan.profile ? { profile: plan.profile } : {}),
    };
  }

  async stageFor(name: string): Promise<StagedUnit> {
    const wanted = this.plan.targetOf(name);
    if (!wanted) throw new NeedsFolder(`The backup holds the folder "${name}", which this computer does not back up.`);
    const { real, existed } = await realTarget(wanted);
    if (real.equals(slash)) throw new Error('A backup is never restored over the whole file system');
    const own = await insideExcluded(existed ? real : parentOf(real), this.excluded);
    if (own) throw new NeedsFolder(`${wanted} is inside the app's own data (${own}).`);
    for (const other of this.prepared.values())
      if (other.target.equals(real) || contains(other.target, real) || contains(real, other.target))
        throw new Error(
          `The units "${other.unit.name}" and "${name}" would be restored into the same folder (${displayPath(real)})`,
        );
    const parent = parentOf(real);
    const base = real.subarray(parent.length + 1).toString('latin1');
    const sameDevice = !existed || (await stat(parent)).dev === (await stat(real)).dev;
    const parentWritable = await access(parent, constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    // Staging beside the unit folder lets one rename swap it; a mount point or a folder in a read-only
    // place is swapped child by child from staging inside it instead.
    const inside = !(sameDevice && parentWritable);
    if (inside && !existed) throw new NeedsFolder(`Cannot write into ${displayPath(parent)}.`);
    const work = inside ? real : parent;
    const prefix = inside ? '.sfbackup' : `.${base}.sfbackup`;
    const stage = Buffer.concat([work, slash, Buffer.from(`${prefix}-stage-${this.id}`, 'latin1')]);
    const replaced = Buffer.concat([work, slash, Buffer.from(`${prefix}-replaced-${this.id}`, 'latin1')]);
    const keepInPlace = this.excludedReal.filter((e) => contains(real, e)).map((e) => e.subarray(real.length + 1));
    if (inside) keepInPlace.push(stage.subarray(real.length + 1), replaced.subarray(real.length + 1));
    const journal: JournalUnit = {
      unit: name,
      target: b64(real),
      stage: b64(stage),
      replaced: b64(replaced),
      swaps: [],
      done: false,
    };
    this.state.units.push(journal);
    this.plan.journal.write(this.state);
    await mkdir(stage, { mode: 0o700 });
    const unit = new StagedUnit(name, stage, keepInPlace, this.modes, this.notes);
    this.prepared.set(name, { unit, target: real, journal, keepInPlace });
    this.plan.onUnit(name);
    return unit;
  }

  /** Local files the backup lacks join the staged unit; then folder times and modes are set. */
  async merge(p: Prepared): Promise<Buffer[][]> {
    const points = swapPoints(p.unit, p.keepInPlace);
    const device = (await stat(p.target, { bigint: true }).catch(() => undefined))?.dev;
    const kept: Parameters<typeof mergeLocal>[4] = [];
    if (device !== undefined)
      for (const rel of points) {
        this.plan.signal.throwIfAborted();
        mergeLocal(
          under(p.target, rel),
          p.unit.abs(rel),
          displayPath(joinRel([Buffer.from(p.unit.name), ...rel])),
          this.notes,
          kept,
          device,
        );
      }
    applyFolders(p.unit, kept, this.modes);
    p.journal.swaps = points.map((rel) => b64(joinRel(rel)));
    return points;
  }

  async apply(order: Prepared[], points: Map<string, Buffer[][]>): Promise<void> {
    this.state.phase = 'swapping';
    this.plan.journal.write(this.state);
    // From here on a restore cut short is finished at the next start: only now say "Restoring files".
    this.plan.beforeApply();
    const done: string[] = [];
    for (const p of order) {
      const swapped: Buffer[] = [];
      try {
        for (const rel of points.get(p.unit.name)!) {
          await swapIn(p.journal, joinRel(rel));
          swapped.push(joinRel(rel));
        }
        await this.restoreSpine(p);
      } catch (err) {
        for (const rel of swapped.reverse())
          await swapOut(p.journal, rel).catch((e: unknown) =>
            log.warn(`could not swap ${rel.toString()} back (the journal still lists it)`, e),
          );
        this.state.units = this.state.units.filter((u) => u !== p.journal);
        this.plan.journal.write(this.state);
        await cleanUnit(p.journal).catch(log.ignored("removing a failed unit's staging folder (the next start does)"));
        const before = done.length > 0 ? `Restored ${done.join(', ')}; ` : '';
        throw new Error(
          `${before}"${p.unit.name}" could not be put in place, so its folder is unchanged: ${(err as Error).message}`,
          { cause: err },
        );
      }
      p.journal.done = true;
      this.plan.journal.write(this.state);
      await cleanUnit(p.journal);
      done.push(p.unit.name);
    }
  }

  /** The folders left in place get the backup's times and modes, once the swaps inside them are done. */
  private async restoreSpine(p: Prepared): Promise<void> {
    if (p.keepInPlace.length === 0) return;
    const spine = new Set<string>(['']);
    for (const e of p.keepInPlace) {
      const bytes = e.toString('latin1').split('/');
      for (let i = 1; i < bytes.length; i++) spine.add(bytes.slice(0, i).join('/'));
    }
    const keys = [...spine].sort((a, b) => b.length - a.length);
    for (const key of keys) {
      const meta = p.unit.folders.get(key);
      if (!meta || meta.mode === undefined) continue;
      const target = key === '' ? p.target : Buffer.concat([p.target, slash, Buffer.from(key, 'latin1')]);
      if (meta.mtime !== undefined) await utimes(target, Number(meta.mtime), Number(meta.mtime));
      await chmod(target, this.modes(meta.mode, meta.uid).mode);
    }
  }

  async cleanUp(): Promise<void> {
    for (const p of this.prepared.values())
      await cleanUnit(p.journal).catch(log.ignored('removing a staging folder (the next start does)'));
    this.plan.journal.remove();
  }
}

export async function restoreArchive(plan: RestorePlan): Promise<RestoreOutcome> {
  const excluded = await exclusionsFor(plan.excluded);
  const excludedReal: Buffer[] = [];
  for (const p of plan.excluded) {
    const real = await realpath(p, { encoding: 'buffer' }).catch(() => undefined);
    if (real) excludedReal.push(real);
  }
  const restore = new Restore(plan, excluded, excludedReal);
  try {
    const checksum = plan.source ? plan.checksum : await readChecksum(plan.archive);
    const size = plan.source ? plan.size : (await stat(plan.archive).catch(() => undefined))?.size;
    const result = await unpackArchive({
      source: plan.source ?? fileChunks(plan.archive),
      ...(size !== undefined ? { size } : {}),
      stageFor: (unit) => restore.stageFor(unit),
      ...(checksum ? { checksum } : {}),
      signal: plan.signal,
      notes: restore.notes,
    });
    const order = [...restore.prepared.values()];
    const points = new Map<string, Buffer[][]>();
    for (const p of order) points.set(p.unit.name, await restore.merge(p));
    await plan.whole;
    plan.signal.throwIfAborted();
    await restore.apply(order, points);
    plan.journal.remove();
    return {
      units: order.map((p) => p.unit.name),
      files: result.files,
      verified: result.verified,
      notes: restore.notes,
    };
  } catch (err) {
    await restore.cleanUp();
    throw err;
  }
}
