// Waiting for a vault operation started by this command: which of the vault's signals tell its outcome,
// and the truth when the backup service goes away instead (never a wait that cannot end).
import { isDisconnected } from '../dbus/DBusClient.js';
import type { DaemonSession } from '../session.js';
import { waitingFor } from '../waits.js';
import { isFinalVaultStatus, type FinalVaultStatus, type OperationKind } from '../vocabulary.js';
import { showVaultProgress } from './progress.js';
import { logger } from '../log.js';

const log = logger('cli');

export interface VaultOutcome {
  status: FinalVaultStatus;
  error?: string;
  /** The vault's code for the failure (cloud*Error's first argument), e.g. "NeedsFolder". */
  code?: string;
}

/** What a vault operation needs of the session. */
export type VaultSession = Pick<DaemonSession, 'vault' | 'onServicesLost'>;

/** What the signals of a vault operation say, passed on as they arrive (with their order of arrival). */
export interface RunSignals {
  /** The vault began an operation: its status turned to Preparing. */
  began(at: number): void;
  /** The vault said why an operation failed, before saying it ended. */
  failed(error: { text: string; code: string; at: number }): void;
  /** An operation ended. */
  ended(status: FinalVaultStatus, at: number): void;
}

/**
 * Runs a vault operation for one account and waits for its final status; Ctrl-C cancels it cleanly.
 * `start` begins it and resolves with where its answer arrived (VaultProxy.backupToCloud).
 */
export function runVaultOperation(
  session: VaultSession,
  accountId: number,
  kind: OperationKind,
  start: () => Promise<number>,
  progress: NodeJS.WriteStream = process.stderr,
): Promise<VaultOutcome> {
  const { vault } = session;
  const onError = kind === 'backup' ? vault.onCloudBackupError.bind(vault) : vault.onCloudRestoreError.bind(vault);
  const onStatus =
    kind === 'backup' ? vault.onCloudBackupStatusChanged.bind(vault) : vault.onCloudRestoreStatusChanged.bind(vault);
  return followVaultRun(session, kind, start, progress, (run) =>
    Promise.all([
      vault.onStateChanged((changed, at) => {
        if (changed.status === 'Preparing') run.began(at);
      }),
      onError((id, code, text, at) => {
        if (id === accountId) run.failed({ text, code, at });
      }),
      onStatus((id, status, at) => {
        if (id === accountId && isFinalVaultStatus(status)) run.ended(status, at);
      }),
    ]),
  );
}

/**
 * Starts a vault operation and follows it to its end through the signals `listen` subscribes to, with
 * progress shown, Ctrl-C cancelling it, and the truth told if the backup service goes away instead.
 * `failedWithout` is the error said for a failure the vault gave no reason for.
 */
export async function followVaultRun(
  session: VaultSession,
  kind: string,
  start: () => Promise<number>,
  progress: NodeJS.WriteStream,
  listen: (run: RunSignals) => Promise<Array<() => Promise<void>>>,
  failedWithout?: string,
): Promise<VaultOutcome> {
  const { vault } = session;
  const stopped = (why: string): VaultOutcome => ({
    status: 'Error',
    error: `The backup service stopped during the ${kind} (${why}); run it again when it is back.`,
  });
  let settle!: (outcome: VaultOutcome) => void;
  const outcome = new Promise<VaultOutcome>((resolve) => (settle = resolve));
  // The vault runs one operation at a time and says, in this order: the run begins (its status turns
  // to Preparing), the start call is answered, the run ends (its error, then its final status).
  // A run that fails at once may end before the answer; one that ended before this run began belongs
  // to an earlier start. dbus-next hands out every message of one read at once, before an `await
  // start()` resumes, so the order of arrival decides, never the moment a handler happens to run.
  let since: number | undefined;
  const begins: number[] = [];
  const errors: Array<{ text: string; code: string; at: number }> = [];
  const early: Array<{ status: VaultOutcome['status']; at: number }> = [];
  const conclude = (status: VaultOutcome['status'], at: number, since: number) => {
    if (status !== 'Error') return settle({ status });
    const error = errors.filter((e) => e.at > since && e.at < at).at(-1);
    const text = error?.text || failedWithout;
    settle({ status, ...(text ? { error: text } : {}), ...(error?.code ? { code: error.code } : {}) });
  };
  const offs = [
    ...(await listen({
      began: (at) => {
        if (since === undefined) begins.push(at);
      },
      failed: (error) => errors.push(error),
      ended: (status, at) => {
        if (since === undefined) early.push({ status, at });
        else if (at > since) conclude(status, at, since);
      },
    })),
    await showVaultProgress(vault, progress),
    await session.onServicesLost((name) => settle(stopped(`${name} left the bus`))),
  ];
  // The first Ctrl-C cancels; a second stops this command at once, as Ctrl-C does without a handler.
  // Counted rather than left to `once`: two signals that arrive while the process is busy are handed
  // out in one turn, and the second would find no listener and be lost.
  let interrupts = 0;
  const interrupt = (signal: NodeJS.Signals) => {
    if (++interrupts === 1) {
      void vault.cancel().catch((err: unknown) => log.warn('could not cancel', err));
      return;
    }
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    let answeredAt: number;
    try {
      answeredAt = await start();
    } catch (err) {
      if (isDisconnected(err)) return stopped('the connection to its bus closed before it answered');
      throw err;
    }
    // This run began at the last Preparing before its answer (no other can begin before it is answered);
    // with a vault that does not say so, only what came after the answer is known to be this run's.
    const begun = begins.filter((at) => at < answeredAt).at(-1) ?? answeredAt;
    since = begun;
    const ours = early.find((e) => e.at > begun);
    if (ours) conclude(ours.status, ours.at, begun);
    return await waitingFor(`the outcome of the ${kind} from the backup service`, outcome);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    for (const off of offs) await off();
  }
}
