// How a CLI operation ended, for every command that runs one: the failure with its exit code, and the
// files a finished run skipped or changed with its notes.
import type { DaemonSession } from '../session.js';
import type { FileNote } from '../vault/notes.js';

/** A failed or cancelled operation: exit code and a one-line cause. */
export class OperationFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code: number | string | undefined,
  ) {
    super(message);
    this.name = 'OperationFailed';
  }
}

/** The files a run skipped or changed, and its notes, for the --json result and the last text line. */
export async function runNotes(
  session: DaemonSession,
): Promise<{ skipped: FileNote[]; notes: string[]; summary: string }> {
  const state = await session.vault.state().catch(() => undefined);
  const warnings = state?.warnings ?? [];
  return {
    skipped: warnings.filter((w) => w.kind !== 'note'),
    notes: warnings.filter((w) => w.kind === 'note').map((w) => (w.path ? `${w.path}: ${w.reason}` : w.reason)),
    summary: state?.status === 'Finished' ? state.statusText : 'Finished',
  };
}

/** A restore the engine refused for want of a folder to restore into: the CLI's way to give one. */
export function withFolderFlag(error: string, code: string | undefined): string {
  return code === 'NeedsFolder' ? `${error} Restore it into a folder with --to DIR.` : error;
}

export function noteLines(r: { skipped: FileNote[]; notes: string[] }): string[] {
  return [...r.skipped.map((w) => `  ${w.path}: ${w.reason}`), ...r.notes.map((n) => `  ${n}`)];
}
