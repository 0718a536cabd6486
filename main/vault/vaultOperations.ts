// What every vault operation shares: one at a time, its state as the Backup page reads it (status,
// statusText, progress, mode, logFilePath), its log, and how it ends — once, temporary files gone first.
import { rmSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { checksumFileOf } from './backupFiles.js';
import type { FileNote } from './notes.js';
import type { StreamOffer } from '../transfer/streamEndpoints.js';
import { finishedText } from './restoreReport.js';
import { RunLogs, type RunLog } from './runLog.js';
import {
  VaultError,
  type VaultErrorCode,
  type VaultEvents,
  type VaultMode,
  type VaultState,
  type VaultStatus,
} from './vaultTypes.js';

export interface Operation {
  kind: 'cloudBackup' | 'cloudRestore' | 'fileBackup' | 'fileRestore';
  /** The user's own file for file backup/restore: never deleted by the vault. */
  userFile?: string;
  accountId: number;
  profile: string;
  controller: AbortController;
  phase: 'starting' | 'archiving' | 'transfer' | 'unpacking' | 'applying';
  transferStarted?: number;
  archive?: string;
  download?: string;
  targetDir?: string;
  /** The folder a cloud backup's archive is written in; the Backup plugin may delete it (syncer.cpp cleanUp). */
  runDir?: string;
  log?: RunLog;
  /** A cloud backup streamed to its plugin as it is written (cloudArchives.ts). */
  streamed?: boolean;
  /** Of a streamed backup: whether the whole archive, its checksum last, went to the plugin. */
  archiveSent?: Promise<boolean>;
  /** The unit the archive is reading now. */
  unit?: string | undefined;
  /** A stream endpoint offered to the plugin, withdrawn when the operation ends. */
  offer?: StreamOffer;
  /** A cloud restore unpacking from its plugin's stream as the download arrives (Vault.receiveRestore). */
  streamedRestore?: StreamedRestore;
  /** What failed here while a streamed restore was still downloading (said instead of the plugin's error). */
  restoreFailure?: unknown;
  /** Files the run skipped or changed, and notes about it: said with "Finished" (notes.ts). */
  notes?: FileNote[];
  summary?: string;
}

export interface StreamedRestore {
  /** The restore's outcome; it applies the files only once `downloaded` is settled. */
  outcome: Promise<{ notes: FileNote[]; summary: string }>;
  /** Settled by the plugin's end: resolved when the whole download arrived, rejected otherwise. */
  downloaded: { resolve(): void; reject(err: Error): void };
}

const modes: Record<Operation['kind'], VaultMode> = {
  cloudBackup: 'backupToCloud',
  cloudRestore: 'restoreFromCloud',
  fileBackup: 'backupToFile',
  fileRestore: 'restoreFromFile',
};

export class VaultOperations extends EventEmitter<VaultEvents> {
  protected state: VaultState = {
    status: 'Idle',
    statusText: '',
    progress: 0,
    canCancel: false,
    error: '',
    errorCode: '',
    mode: '',
    logFilePath: '',
    warnings: [],
  };
  protected current: Operation | undefined;
  protected readonly logs: RunLogs;

  constructor(logDir: string) {
    super();
    this.logs = new RunLogs(logDir);
  }

  get snapshot(): VaultState {
    return { ...this.state };
  }

  protected setState(changed: Partial<VaultState>): void {
    const delta: Partial<VaultState> = {};
    for (const [key, value] of Object.entries(changed) as Array<[keyof VaultState, never]>) {
      if (this.state[key] !== value) {
        (this.state[key] as unknown) = value;
        (delta[key] as unknown) = value;
      }
    }
    if (Object.keys(delta).length > 0) this.emit('stateChanged', delta);
  }

  /** Starts an operation; its log is named after the backup file (a cloud backup's is known only later). */
  protected begin(kind: Operation['kind'], accountId: number, profile: string, logName?: string): Operation {
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const op: Operation = { kind, accountId, profile, controller: new AbortController(), phase: 'starting' };
    this.current = op;
    if (logName) op.log = this.openLog(op, logName);
    this.setState({
      status: 'Preparing',
      statusText: 'Preparing',
      progress: 0,
      canCancel: true,
      error: '',
      errorCode: '',
      mode: modes[kind],
      logFilePath: op.log?.file ?? '',
      warnings: [],
    });
    return op;
  }

  protected openLog(op: Operation, logName: string): RunLog {
    const what = `${modes[op.kind]}${op.accountId ? ` account ${op.accountId}` : ''}${op.profile ? ` (${op.profile})` : ''}`;
    return this.logs.open(this.logs.fileFor(logName, op.accountId), what);
  }

  protected cleanup(op: Operation): void {
    for (const file of [op.archive, op.download]) {
      if (file && file !== op.userFile) {
        rmSync(file, { force: true });
        rmSync(checksumFileOf(file), { force: true });
      }
    }
    op.offer?.close();
    if (op.runDir) rmSync(op.runDir, { recursive: true, force: true });
  }

  /**
   * Ends the operation once; its temporary files are gone before anyone hears the outcome. Done at
   * once, not awaited: a next run may begin as soon as the sync daemon has said this one ended, and
   * must not hear this one's outcome as its own.
   */
  protected end(op: Operation): Promise<boolean> {
    if (this.current !== op) return Promise.resolve(false);
    this.current = undefined;
    try {
      this.cleanup(op);
    } catch {
      // A file that cannot be removed is cleaned at the next start.
    }
    return Promise.resolve(true);
  }

  protected announce(op: Operation, status: VaultStatus): void {
    if (op.kind === 'cloudBackup') this.emit('cloudBackupStatusChanged', op.accountId, status);
    else if (op.kind === 'cloudRestore') this.emit('cloudRestoreStatusChanged', op.accountId, status);
    else this.emit('fileBackupStatusChanged', op.userFile ?? '', status);
  }

  protected async succeed(op: Operation): Promise<void> {
    if (!(await this.end(op))) return;
    // "Finished with 3 files skipped", and the files one by one in the log and in `warnings`.
    const text = finishedText(op.summary ?? '');
    op.log?.line(text);
    for (const n of op.notes ?? []) op.log?.line(n.path ? `${n.path}: ${n.reason}` : n.reason);
    this.setState({
      status: 'Finished',
      statusText: text,
      progress: 1,
      canCancel: false,
      error: '',
      warnings: op.notes ?? [],
    });
    this.announce(op, 'Finished');
  }

  protected async finishCanceled(op: Operation): Promise<void> {
    op.controller.abort();
    if (!(await this.end(op))) return;
    op.log?.line('Canceled');
    this.setState({ status: 'Canceled', statusText: 'Canceled', canCancel: false });
    this.announce(op, 'Canceled');
  }

  protected async fail(op: Operation, code: VaultErrorCode, message: string): Promise<void> {
    op.controller.abort();
    if (!(await this.end(op))) return;
    op.log?.line(`Error: ${message}`);
    this.setState({ status: 'Error', statusText: message, canCancel: false, error: message, errorCode: code });
    if (op.kind === 'cloudBackup') this.emit('cloudBackupError', op.accountId, code, message);
    if (op.kind === 'cloudRestore') this.emit('cloudRestoreError', op.accountId, code, message);
    this.announce(op, 'Error');
  }
}
