// What the results log and the status line say about a backup or restore: the files left out or
// changed named one by one, whether the backup was verified, and a restore cut short as "Interrupted".
import { MajorCode, MinorCode } from '../buteo/codes.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { serializeResults } from '../buteo/syncLog.js';
import type { FileNote } from './notes.js';
import type { Journal } from './restoreJournal.js';
import { logger } from '../log.js';

const log = logger('vault');

/** "a.txt (it cannot be read); Left out: …" — every listed note, for a results log message. */
export function describeNotes(notes: FileNote[]): string {
  return notes.map((n) => (n.path ? `${n.path} (${n.reason})` : n.reason)).join('; ');
}

/** The status line of a finished run: "Finished" or "Finished with 3 files skipped". */
export function finishedText(summary: string): string {
  return summary ? `Finished with ${summary}` : 'Finished';
}

export function restoredMessage(
  file: string,
  files: number,
  verified: boolean,
  summary: string,
  notes: FileNote[],
): string {
  const how = verified ? 'every file verified against the backup manifest' : 'not verified: the backup has no manifest';
  const head = `Restored ${file}: ${files} ${files === 1 ? 'file' : 'files'}, ${how}`;
  const listed = notes.filter((n) => n.kind !== 'note' || n.path !== '');
  return summary || listed.length > 0 ? `${head}; ${summary ? `${summary}: ` : ''}${describeNotes(listed)}` : head;
}

/** Adds one entry to a profile's results log through the sync daemon (Buteo's saveSyncResults). */
export async function logResults(
  msyncd: MsyncdProxy,
  profile: string,
  outcome: { majorCode: MajorCode; minorCode: number; message: string },
): Promise<void> {
  const xml = serializeResults({ time: new Date().toISOString(), scheduled: false, targets: [], ...outcome });
  await msyncd
    .saveSyncResults(profile, xml)
    .catch((err: unknown) => log.warn(`could not add the restore's outcome to the results log of ${profile}`, err));
}

export function interruptedMessage(journal: Journal, finished: boolean): string {
  return finished
    ? `Interrupted while restoring files from ${journal.archive}; the verified backup was put in place when the app started again.`
    : `Interrupted while unpacking ${journal.archive}; no file was changed, and the unpacked copy was removed.`;
}

export const interrupted = { majorCode: MajorCode.Failed, minorCode: MinorCode.Aborted } as const;
