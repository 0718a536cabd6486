// Restoring an archive with the vault's own code, outside the vault: into DIR/<unit> for every unit.
import path from 'node:path';
import { restoreArchive, type RestoreOutcome } from '../../main/vault/restoreArchive.js';
import { RestoreJournal } from '../../main/vault/restoreJournal.js';
import { tempDir } from './processes.js';

export function restoreInto(
  archive: string,
  dir: string,
  options: {
    excluded?: string[];
    journalDir?: string;
    signal?: AbortSignal;
    targetOf?: (unit: string) => string | undefined;
  } = {},
): Promise<RestoreOutcome> {
  return restoreArchive({
    archive,
    targetOf: options.targetOf ?? ((unit) => path.join(dir, unit)),
    excluded: options.excluded ?? [],
    journal: new RestoreJournal(path.join(options.journalDir ?? tempDir(), 'restore-journal.json')),
    signal: options.signal ?? new AbortController().signal,
    onUnit: () => {},
    beforeApply: () => {},
  });
}
