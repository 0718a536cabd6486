// Waiting for a run on a device's own vault from the CLI: its live progress, its outcome, and a lost
// connection said as such (the device decides how the run ends; nothing half-done is called done).
import { deviceLabel } from '../device/deviceAddress.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import type { Cli } from './Cli.js';
import { OperationFailed } from './operationCommands.js';
import { runVaultOperation, type VaultOutcome } from './vaultOperation.js';
import { waitingFor } from '../waits.js';
import { showVaultProgress } from './progress.js';

const terminal = new Set(['Finished', 'Error', 'Canceled']);

/** What the connection's loss means for a run that was started on the device. */
export function lostDuring(cli: Cli, session: DeviceSession, kind: string): string {
  return (
    `Lost the connection to the device during the ${kind} (${session.lost ?? 'its services left the bus'}). ` +
    `The device decides how the ${kind} ends; see it with: sfbackup --device ${deviceLabel(cli.device!)} status`
  );
}

/**
 * Runs a cloud backup or restore on the device and waits for its final status; a connection lost
 * meanwhile is said as such, whichever call it broke.
 */
export async function cloudRun(
  cli: Cli,
  session: DeviceSession,
  accountId: number,
  kind: 'backup' | 'restore',
  start: () => Promise<number>,
): Promise<VaultOutcome> {
  let outcome: VaultOutcome;
  try {
    outcome = await runVaultOperation(session, accountId, kind, start);
  } catch (err) {
    if (session.lost) throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
    throw err;
  }
  if (session.lost) throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
  return outcome;
}

/**
 * Runs a backup to, or a restore from, a file on the device (backupToFile / restoreFromFile) and waits
 * for the vault's fileBackupStatusChanged about that file; Ctrl-C cancels it on the device.
 */
export async function fileRun(
  cli: Cli,
  session: DeviceSession,
  file: string,
  kind: 'backup' | 'restore',
  start: () => Promise<void>,
): Promise<{ status: string; error?: string }> {
  const { vault } = session;
  let resolve!: (status: string) => void;
  const finished = new Promise<string>((r) => (resolve = r));
  let started = false;
  let lost = false;
  const offs = [
    await vault.onFileBackupStatusChanged((changed, status) => {
      if (started && changed === file && terminal.has(status)) resolve(status);
    }),
    await showVaultProgress(vault),
    await session.onServicesLost(() => {
      lost = true;
      resolve('Error');
    }),
  ];
  const cancel = () => void vault.cancel().catch(() => {});
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    await start();
    started = true;
    // An outcome announced before the call's answer was not seen above: the vault's state has it.
    const now = await vault.state();
    const mode = kind === 'backup' ? 'backupToFile' : 'restoreFromFile';
    if (now.mode === mode && terminal.has(now.status)) resolve(now.status);
    const status = await waitingFor(`the outcome of the ${kind} from the device's backup service`, finished);
    if (lost) throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
    const state = await vault.state();
    return { status, ...(status !== 'Finished' && state.error ? { error: state.error } : {}) };
  } catch (err) {
    if (session.lost && !(err instanceof OperationFailed))
      throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
    throw err;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    for (const off of offs) await off().catch(() => {});
  }
}
