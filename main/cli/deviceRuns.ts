// Waiting for a run on a device's own vault from the CLI: its live progress, its outcome, and a lost
// connection said as such (the device decides how the run ends; nothing half-done is called done).
import { deviceLabel } from '../device/deviceAddress.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import type { Cli } from './Cli.js';
import { OperationFailed } from './operationCommands.js';
import { runVaultOperation, type VaultOutcome } from './vaultOperation.js';
import { runFileOperation } from './fileOperation.js';

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

/** Runs a backup to, or a restore from, a file on the device (backupToFile / restoreFromFile), as cloudRun does. */
export async function fileRun(
  cli: Cli,
  session: DeviceSession,
  file: string,
  kind: 'backup' | 'restore',
  start: () => Promise<number>,
): Promise<VaultOutcome> {
  let outcome: VaultOutcome;
  try {
    outcome = await runFileOperation(session, file, kind, start);
  } catch (err) {
    if (session.lost) throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
    throw err;
  }
  if (session.lost) throw new OperationFailed(lostDuring(cli, session, kind), 1, 'connection-lost');
  return outcome;
}
