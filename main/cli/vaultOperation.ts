// Waiting for a vault operation started by this command: which of the vault's signals tell its outcome,
// and the truth when the backup service goes away instead (never a wait that cannot end).
import { isDisconnected } from '../dbus/DBusClient.js';
import type { DaemonSession } from '../session.js';
import { waitingFor } from '../waits.js';
import { showVaultProgress } from './progress.js';

export interface VaultOutcome {
  status: 'Finished' | 'Error' | 'Canceled';
  error?: string;
}

const terminal = new Set(['Finished', 'Error', 'Canceled']);
const isTerminal = (status: string): status is VaultOutcome['status'] => terminal.has(status);

/** What a vault operation needs of the session. */
export type VaultSession = Pick<DaemonSession, 'vault' | 'onServicesLost'>;

/**
 * Runs a vault operation for one account and waits for its final status; Ctrl-C cancels it cleanly.
 * `start` begins it and resolves with where its answer arrived (VaultProxy.backupToCloud).
 */
export async function runVaultOperation(
  session: VaultSession,
  accountId: number,
  kind: 'backup' | 'restore',
  start: () => Promise<number>,
): Promise<VaultOutcome> {
  const { vault } = session;
  const stopped = (why: string): VaultOutcome => ({
    status: 'Error',
    error: `The backup service stopped during the ${kind} (${why}); run it again when it is back.`,
  });
  let settle!: (outcome: VaultOutcome) => void;
  const outcome = new Promise<VaultOutcome>((resolve) => (settle = resolve));
  // The vault announces a run's outcome before it answers the next start (vaultOperations.ts end()), so
  // what arrived before this start's answer is an earlier run's, and what arrived after it is this one's.
  // dbus-next hands out every message of one read at once, before an `await start()` resumes: the order
  // of arrival decides, never the moment a handler happens to run.
  let answeredAt: number | undefined;
  const errors: Array<{ text: string; at: number }> = [];
  const early: Array<{ status: VaultOutcome['status']; at: number }> = [];
  const conclude = (status: VaultOutcome['status'], at: number) => {
    const error = errors.filter((e) => e.at > answeredAt! && e.at < at).at(-1)?.text;
    settle({ status, ...(error ? { error } : {}) });
  };
  const offs = await Promise.all([
    (kind === 'backup' ? vault.onCloudBackupError.bind(vault) : vault.onCloudRestoreError.bind(vault))(
      (id, _code, text, at) => {
        if (id === accountId) errors.push({ text, at });
      },
    ),
    (kind === 'backup' ? vault.onCloudBackupStatusChanged.bind(vault) : vault.onCloudRestoreStatusChanged.bind(vault))(
      (id, status, at) => {
        if (id !== accountId || !isTerminal(status)) return;
        if (answeredAt === undefined) early.push({ status, at });
        else if (at > answeredAt) conclude(status, at);
      },
    ),
    showVaultProgress(vault),
    session.onServicesLost((name) => settle(stopped(`${name} left the bus`))),
  ]);
  const cancel = () => void vault.cancel().catch(() => {});
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    try {
      answeredAt = await start();
    } catch (err) {
      if (isDisconnected(err)) return stopped('the connection to its bus closed before it answered');
      throw err;
    }
    const ours = early.find((e) => e.at > answeredAt!);
    if (ours) conclude(ours.status, ours.at);
    return await waitingFor(`the outcome of the ${kind} from the backup service`, outcome);
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    for (const off of offs) await off();
  }
}
