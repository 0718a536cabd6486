// What a backup contains: folders the user picks, each stored as one top-level folder of the archive.
import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { withFileLock } from '../fileLock.js';
import { readJsonFile, writeFileAtomic } from '../fsAtomic.js';
import { isUnitName, type ArchiveUnit } from './archive.js';

const unitsSchema = z.object({
  units: z.array(z.object({ name: z.string().refine(isUnitName), path: z.string().min(1) })),
});

export class BackupUnits {
  private readonly lockFile: string;

  constructor(private readonly file: string) {
    // Beside the file: every add and remove reads, checks and writes it with this lock held, so
    // commands run at once never drop each other's folders.
    this.lockFile = path.join(path.dirname(file), `.${path.basename(file)}.lock`);
  }

  list(): ArchiveUnit[] {
    const saved = readJsonFile(
      this.file,
      unitsSchema,
      (notJson) =>
        new InputError(
          `The backup units file ${this.file} is ${notJson ? 'not valid JSON' : 'damaged'}; fix or remove it.`,
        ),
    );
    return saved?.units ?? [];
  }

  add(folder: string, name?: string): ArchiveUnit {
    const absolute = path.resolve(folder);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (!stats) throw new InputError(`${absolute} does not exist`);
    if (!stats.isDirectory()) throw new InputError(`${absolute} is not a folder`);
    return withFileLock(this.lockFile, () => this.addLocked(absolute, name));
  }

  private addLocked(absolute: string, name: string | undefined): ArchiveUnit {
    const units = this.list();
    if (units.some((u) => u.path === absolute)) throw new InputError(`${absolute} is already backed up`);
    const nested = units.find((u) => absolute.startsWith(u.path + path.sep) || u.path.startsWith(absolute + path.sep));
    if (nested) throw new InputError(`${absolute} overlaps the unit "${nested.name}" (${nested.path})`);
    const unitName = name?.trim() || path.basename(absolute) || 'Root';
    if (!isUnitName(unitName)) throw new InputError(`"${unitName}" cannot be a unit name`);
    if (units.some((u) => u.name === unitName))
      throw new InputError(`A unit named "${unitName}" exists already; pass another name`);
    const unit = { name: unitName, path: absolute };
    this.save([...units, unit]);
    return unit;
  }

  /** Removes by folder path or by unit name. */
  remove(pathOrName: string): ArchiveUnit {
    return withFileLock(this.lockFile, () => this.removeLocked(pathOrName));
  }

  private removeLocked(pathOrName: string): ArchiveUnit {
    const units = this.list();
    const absolute = path.resolve(pathOrName);
    const unit = units.find((u) => u.path === absolute || u.name === pathOrName);
    if (!unit) throw new InputError(`No backup unit ${pathOrName}`);
    this.save(units.filter((u) => u !== unit));
    return unit;
  }

  private save(units: ArchiveUnit[]): void {
    writeFileAtomic(this.file, JSON.stringify({ units }, null, 2) + '\n');
  }
}
