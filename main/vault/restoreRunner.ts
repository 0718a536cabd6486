// The vault's restores: the journal they share, finishing one a killed vault left halfway, and each
// restore's outcome in its BackupRestore profile's results log (success, verified or not, with the files
// it skipped; cancelled; failed; or "Interrupted" when it is finished at the next start).
import { MajorCode, MinorCode } from '../buteo/codes.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { errorMessage } from '../errors.js';
import path from 'node:path';
import type { FileNote } from './notes.js';
import { restoreArchive, type RestorePlan } from './restoreArchive.js';
import { recoverRestore, removeLeftovers, RestoreJournal } from './restoreJournal.js';
import { interrupted, interruptedMessage, logResults, restoredMessage } from './restoreReport.js';
import { archiveUnits } from './archiveUnits.js';
import { NeedsFolder } from './vaultTypes.js';
import { logger } from '../log.js';

const log = logger('vault');

export type RestoreRequest = Omit<RestorePlan, 'excluded' | 'journal'>;

/**
 * Names, before anything is unpacked, every folder of the backup that has no place on this computer (the
 * unpack would stop at the first). A file whose headers cannot be read is left to the unpack, which says
 * what is wrong with it.
 */
async function checkEveryUnitHasAPlace(request: RestoreRequest): Promise<void> {
  const units = await archiveUnits(request.archive).catch(() => [] as string[]);
  const homeless = units.filter((unit) => request.targetOf(unit) === undefined);
  if (homeless.length > 0)
    throw new NeedsFolder(`The backup holds folders this computer does not back up (${homeless.join(', ')}).`);
}

export class RestoreRunner {
  private readonly journal: RestoreJournal;
  /** Deleting what an interrupted restore left behind, after start; a new restore waits for it. */
  private housekeeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly msyncd: MsyncdProxy,
    workDir: string,
    /** Folders a restore never replaces: the app's own. */
    private readonly ownData: string[],
  ) {
    this.journal = new RestoreJournal(path.join(workDir, 'restore-journal.json'));
  }

  /** Finishes (or undoes) a restore a killed vault left; returns what to tell the user, if anything. */
  async recover(): Promise<string | undefined> {
    let outcome;
    try {
      outcome = await recoverRestore(this.journal);
    } catch (err) {
      return `An interrupted restore could not be finished: ${errorMessage(err)}`;
    }
    if (!outcome) return undefined;
    const message = interruptedMessage(outcome.journal, outcome.finished);
    if (outcome.journal.profile) await logResults(this.msyncd, outcome.journal.profile, { ...interrupted, message });
    // Left for the next start when it fails: the journal still lists the folders.
    this.housekeeping = removeLeftovers(this.journal, outcome.journal).catch(
      log.ignored('removing what an interrupted restore left'),
    );
    return message;
  }

  /** Restores an archive; the outcome goes to the profile's results log, a failure is thrown on. */
  async run(request: RestoreRequest): Promise<{ notes: FileNote[]; summary: string }> {
    await this.housekeeping;
    const file = path.basename(request.archive);
    const log = (outcome: Parameters<typeof logResults>[2]) =>
      request.profile ? logResults(this.msyncd, request.profile, outcome) : Promise.resolve();
    try {
      await checkEveryUnitHasAPlace(request);
      const outcome = await restoreArchive({ ...request, excluded: this.ownData, journal: this.journal });
      const notes = outcome.notes.list;
      const summary = outcome.notes.summary();
      const message = restoredMessage(file, outcome.files, outcome.verified, summary, notes);
      await log({ majorCode: MajorCode.Success, minorCode: MinorCode.NoError, message });
      return { notes, summary };
    } catch (err) {
      await log(
        request.signal.aborted
          ? {
              majorCode: MajorCode.Cancelled,
              minorCode: MinorCode.Aborted,
              message: 'Restore cancelled; no files were changed.',
            }
          : {
              majorCode: MajorCode.Failed,
              minorCode: MinorCode.InternalError,
              message: `${file}: ${errorMessage(err)}`,
            },
      );
      throw err;
    }
  }
}
