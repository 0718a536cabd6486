// Waiting for a backup to, or restore from, a file that this command started: the vault says its end
// with fileBackupStatusChanged(file, status), and its cause in its state (error, errorCode) just before.
// Outcomes are matched by the order messages arrived, as for cloud operations (vaultOperation.ts).
import { isDisconnected } from '../dbus/DBusClient.js';
import { waitingFor } from '../waits.js';
import type { VaultOutcome, VaultSession } from './vaultOperation.js';
import { showVaultProgress } from './progress.js';
import { logger } from '../log.js';

const log = logger('cli');

const terminal = new Set(['Finished', 'Error', 'Canceled']);
const isTerminal = (status: string): status is VaultOutcome['status'] => terminal.has(status);

/**
 * Runs a file operation on `file` and waits for its final status; Ctrl-C cancels it cleanly. `start`
 * begins it and resolves with where its answer arrived (VaultProxy.backupToFile).
 */
export async function runFileOperation(
  session: VaultSession,
  file: string,
  kind: 'backup' | 'restore',
  start: () => Promise<number>,
  progress: NodeJS.WriteStream = process.stderr,
): Promise<VaultOutcome> {
  const { vault } = session;
  const stopped = (why: string): VaultOutcome => ({
    status: 'Error',
    error: `The backup service stopped during the ${kind} (${why}); run it again when it is back.`,
  });
  let settle!: (outcome: VaultOutcome) => void;
  const outcome = new Promise<VaultOutcome>((resolve) => (settle = resolve));
  let since: number | undefined;
  const begins: number[] = [];
  // The vault sets status Error with its error and errorCode in one change, then says the file's status.
  const errors: Array<{ text: string; code: string; at: number }> = [];
  const early: Array<{ status: VaultOutcome['status']; at: number }> = [];
  const conclude = (status: VaultOutcome['status'], at: number, since: number) => {
    const error = errors.filter((e) => e.at > since && e.at < at).at(-1);
    if (status === 'Error')
      settle({
        status,
        error: error?.text || 'The operation failed.',
        ...(error?.code ? { code: error.code } : {}),
      });
    else settle({ status });
  };
  const offs = await Promise.all([
    vault.onStateChanged((changed, at) => {
      if (since === undefined && changed.status === 'Preparing') begins.push(at);
      if (changed.status === 'Error') errors.push({ text: changed.error ?? '', code: changed.errorCode ?? '', at });
    }),
    vault.onFileBackupStatusChanged((changedFile, status, at) => {
      if (changedFile !== file || !isTerminal(status)) return;
      if (since === undefined) early.push({ status, at });
      else if (at > since) conclude(status, at, since);
    }),
    showVaultProgress(vault, progress),
    session.onServicesLost((name) => settle(stopped(`${name} left the bus`))),
  ]);
  const cancel = () => void vault.cancel().catch((err: unknown) => log.warn('could not cancel', err));
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    let answeredAt: number;
    try {
      answeredAt = await start();
    } catch (err) {
      if (isDisconnected(err)) return stopped('the connection to its bus closed before it answered');
      throw err;
    }
    const begun = begins.filter((at) => at < answeredAt).at(-1) ?? answeredAt;
    since = begun;
    const ours = early.find((e) => e.at > begun);
    if (ours) conclude(ours.status, ours.at, begun);
    return await waitingFor(`the outcome of the ${kind} from the backup service`, outcome);
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    for (const off of offs) await off();
  }
}
