// Restoring an archive: unpack into a staging folder next to the vault's work, check that every unit
// has somewhere to go, and only then copy the units into place. A cancelled or failed unpack changes
// no file of the user's.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { extractArchive } from './archive.js';

export interface RestorePlan {
  archive: string;
  /** Where staging folders are made (the vault's restore folder). */
  stagingRoot: string;
  /** The folder each unit goes to, or undefined when this computer has none for it. */
  targetOf(unit: string): string | undefined;
  signal: AbortSignal;
  onUnit(unit: string): void;
  /** Called once nothing can be cancelled any more: the files are about to change. */
  beforeApply(): void;
}

/** Returns how many unsafe entries the archive held and were skipped. */
export async function restoreArchive(plan: RestorePlan): Promise<number> {
  await mkdir(plan.stagingRoot, { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(path.join(plan.stagingRoot, 'stage-'));
  try {
    const result = await extractArchive(plan.archive, staging, {
      signal: plan.signal,
      onEntry: (unit) => plan.onUnit(unit),
    });
    const targets = result.units.map((unit) => [unit, plan.targetOf(unit)] as const);
    const unknown = targets.filter(([, target]) => !target).map(([unit]) => unit);
    if (unknown.length > 0)
      throw new Error(
        `The backup holds folders this computer does not back up (${unknown.join(', ')}); restore them with --to DIR.`,
      );
    plan.beforeApply();
    for (const [unit, target] of targets) {
      await cp(path.join(staging, unit), target!, { recursive: true, force: true, verbatimSymlinks: true });
    }
    return result.refused.length;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
