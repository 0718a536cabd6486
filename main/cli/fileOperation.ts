// Waiting for a backup to, or restore from, a file that this command started: the vault says its end
// with fileBackupStatusChanged(file, status), and its cause in its state (error, errorCode) just before.
// Outcomes are matched by the order messages arrived, as for cloud operations (vaultOperation.ts).
import { followVaultRun, type VaultOutcome, type VaultSession } from './vaultOperation.js';

const terminal = new Set(['Finished', 'Error', 'Canceled']);
const isTerminal = (status: string): status is VaultOutcome['status'] => terminal.has(status);

/**
 * Runs a file operation on `file` and waits for its final status; Ctrl-C cancels it cleanly. `start`
 * begins it and resolves with where its answer arrived (VaultProxy.backupToFile).
 */
export function runFileOperation(
  session: VaultSession,
  file: string,
  kind: 'backup' | 'restore',
  start: () => Promise<number>,
  progress: NodeJS.WriteStream = process.stderr,
): Promise<VaultOutcome> {
  const { vault } = session;
  return followVaultRun(
    session,
    kind,
    start,
    progress,
    (run) =>
      Promise.all([
        // The vault sets status Error with its error and errorCode in one change, then says the file's status.
        vault.onStateChanged((changed, at) => {
          if (changed.status === 'Preparing') run.began(at);
          if (changed.status === 'Error') run.failed({ text: changed.error ?? '', code: changed.errorCode ?? '', at });
        }),
        vault.onFileBackupStatusChanged((changedFile, status, at) => {
          if (changedFile === file && isTerminal(status)) run.ended(status, at);
        }),
      ]),
    'The operation failed.',
  );
}
