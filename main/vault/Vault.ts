// The backup/restore service (Sailfish's jolla-vault): makes archives for the Backup plugin, drives
// cloud backup and restore through the sync daemon, unpacks restores. D-Bus face: vaultService.ts.
import { EventEmitter } from 'node:events';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SyncProfile, KEY_RESTORE_FILE } from '../buteo/SyncProfile.js';
import { ProgressDetail, SyncStatus, statusNames } from '../buteo/codes.js';
import { parseTransferMessage } from '../buteo/SyncDaemon.js';
import type { MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { errorMessage, isAbortError } from '../errors.js';
import { createArchive, type ArchiveResult } from './archive.js';
import { checksumFileOf, diskMessage, isBackupFileName, restoreDirOf } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import type { FileNote } from './notes.js';
import { backupFileDate, backupFileName, transferLine } from './progressText.js';
import { finishedText } from './restoreReport.js';
import { RestoreRunner } from './restoreRunner.js';
import { VaultError, type VaultEvents, type VaultState } from './vaultTypes.js';
import { WorkFiles } from './workFiles.js';

interface Operation {
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
  /** What the operation made in the vault's folder, removed when it ends. */
  files: WorkFiles;
  /** The archive being written: the operation ends only once it has stopped and cleaned up. */
  archiving?: Promise<unknown>;
  targetDir?: string;
  /** Files the run skipped or changed, and notes about it: said with "Finished". */
  notes?: FileNote[];
  summary?: string;
}

const finalStatuses = new Set<number>([
  SyncStatus.Error,
  SyncStatus.Done,
  SyncStatus.Aborted,
  SyncStatus.Cancelled,
  SyncStatus.NotPossible,
  SyncStatus.AuthenticationFailure,
  SyncStatus.DatabaseFailure,
  SyncStatus.ConnectionError,
  SyncStatus.ServerFailure,
  SyncStatus.BadRequest,
  SyncStatus.PluginError,
  SyncStatus.PluginTimeout,
]);

export class Vault extends EventEmitter<VaultEvents> {
  private state: VaultState = {
    status: 'Idle',
    statusText: '',
    progress: 0,
    canCancel: false,
    error: '',
    warnings: [],
  };
  private current: Operation | undefined;
  private readonly cloudBackupLists = new Map<number, string[]>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly restores: RestoreRunner;

  constructor(
    private readonly msyncd: MsyncdProxy,
    private readonly units: BackupUnits,
    private readonly workDir: string,
    readonly deviceId: string,
    /** The app's own folders: never in a backup, never replaced by a restore (ownData.ts). */
    private readonly ownData: string[] = [workDir],
  ) {
    super();
    this.restores = new RestoreRunner(msyncd, workDir, ownData);
  }

  async start(): Promise<void> {
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    // Whatever a killed vault left behind is temporary: half-written archives, downloads, staging.
    for (const name of await readdir(this.workDir)) {
      if (/^sailfish_backup_.*\.tar(\.part|\.sha256|\.manifest\.part)?$/.test(name) || name === 'restore')
        await rm(path.join(this.workDir, name), { recursive: true, force: true });
    }
    this.unsubscribe = await this.msyncd.onSyncStatus((event) => this.onSyncStatus(event));
    // A restore a killed vault left halfway is finished (or undone) now; its log says "Interrupted".
    const interruptedRestore = await this.restores.recover();
    if (interruptedRestore)
      this.setState({ status: 'Error', statusText: interruptedRestore, error: interruptedRestore });
  }

  async stop(): Promise<void> {
    this.current?.controller.abort();
    await this.unsubscribe?.();
  }

  get snapshot(): VaultState {
    return { ...this.state };
  }

  private setState(changed: Partial<VaultState>): void {
    const delta: Partial<VaultState> = {};
    for (const [key, value] of Object.entries(changed) as Array<[keyof VaultState, never]>) {
      if (this.state[key] !== value) {
        (this.state[key] as unknown) = value;
        (delta[key] as unknown) = value;
      }
    }
    if (Object.keys(delta).length > 0) this.emit('stateChanged', delta);
  }

  private async profileFor(accountId: number, op: 'Backup' | 'BackupRestore'): Promise<SyncProfile> {
    const xmls = await this.msyncd.syncProfilesByKey('accountid', String(accountId));
    const profile = xmls.map((x) => SyncProfile.parse(x)).find((p) => p.name.endsWith(`.${op}-${accountId}`));
    if (!profile)
      throw new VaultError(
        'NotFound',
        `Account ${accountId} has no ${op} sync profile; open the Backup page (or run "sfbackup profiles create ${accountId}") first.`,
      );
    return profile;
  }

  private begin(kind: Operation['kind'], accountId: number, profile: string): Operation {
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    this.current = {
      kind,
      accountId,
      profile,
      controller: new AbortController(),
      phase: 'starting',
      files: new WorkFiles(),
    };
    this.setState({
      status: 'Preparing',
      statusText: 'Preparing',
      progress: 0,
      canCancel: true,
      error: '',
      warnings: [],
    });
    return this.current;
  }

  async backupToCloud(accountId: number): Promise<void> {
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const profile = await this.profileFor(accountId, 'Backup');
    const op = this.begin('cloudBackup', accountId, profile.name);
    if (!(await this.msyncd.startSync(profile.name))) {
      await this.fail(
        op,
        'NotPossible',
        `The sync daemon refused to start ${profile.name}: it is disabled or already running.`,
      );
      throw new VaultError('Failed', `Could not start ${profile.name}`);
    }
  }

  /** Called by the Backup plugin: starts writing the archive and returns its path at once. */
  async createBackupForSyncProfile(profileId: string): Promise<string> {
    const xml = await this.msyncd.syncProfile(profileId);
    if (!xml) throw new VaultError('NotFound', `No sync profile ${profileId}`);
    const accountId = SyncProfile.parse(xml).accountId;
    if (accountId === undefined) throw new VaultError('InvalidArgs', `Profile ${profileId} has no account id`);
    let op = this.current;
    if (op && (op.profile !== profileId || op.phase !== 'starting'))
      throw new VaultError('Busy', 'A backup or restore is already running.');
    op ??= this.begin('cloudBackup', accountId, profileId); // a scheduled run, started by the daemon
    // Cancelled before the daemon had queued the run: its abort missed the plugin, so say it here.
    if (op.controller.signal.aborted) throw new VaultError('Canceled', 'The backup was cancelled.');
    const units = this.units.list();
    if (units.length === 0) {
      throw new VaultError('Failed', 'Nothing to back up: no folders are chosen (sfbackup units add PATH).');
    }
    const file = path.join(this.workDir, backupFileName(new Date()));
    op.phase = 'archiving';
    op.archive = file;
    const archiving = createArchive(units, file, {
      signal: op.controller.signal,
      onProgress: (p) => this.setState({ statusText: `Backing up: ${p.unit}` }),
      excluded: this.ownData,
    });
    op.archiving = archiving;
    void archiving.then(
      async (result) => {
        await op.files.add(file, true);
        await op.files.add(checksumFileOf(file), true);
        if (this.current !== op) return op.files.removeAll();
        this.noteArchive(op, result);
        op.phase = 'transfer';
        op.transferStarted = Date.now();
        this.setState({ status: 'UploadingBackup', statusText: 'Uploading', progress: 0 });
        this.emit('cloudBackupStatusChanged', accountId, 'UploadingBackup');
      },
      async (err: unknown) => {
        // createArchive removed its own partial files; a same-named file now is another run's.
        // A cancel also aborts the plugin's run, whose end finishes the operation; a failure ends it here,
        // and the plugin hears of it from the status signal.
        if (!op.controller.signal.aborted && !isAbortError(err))
          await this.fail(op, 'Error', `Could not create the backup file: ${diskMessage(err, this.workDir)}`);
      },
    );
    return file;
  }

  /** The archive's notes are known before the upload: the Backup plugin reads them for its log. */
  private noteArchive(op: Operation, result: ArchiveResult): void {
    op.notes = result.notes.list;
    op.summary = result.notes.summary();
    this.setState({ warnings: op.notes });
  }

  async restoreFromCloud(accountId: number, fileName: string, targetDir?: string): Promise<void> {
    if (!isBackupFileName(fileName))
      throw new VaultError('InvalidArgs', `"${fileName.slice(0, 80)}" is not a backup file name`);
    if (targetDir !== undefined && !path.isAbsolute(targetDir))
      throw new VaultError('InvalidArgs', 'The restore folder must be an absolute path');
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const profile = await this.profileFor(accountId, 'BackupRestore');
    const op = this.begin('cloudRestore', accountId, profile.name);
    op.targetDir = targetDir;
    try {
      const dir = restoreDirOf(this.workDir);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      op.download = path.join(dir, fileName);
      await op.files.add(op.download);
      await op.files.add(checksumFileOf(op.download));
      profile.setKey(KEY_RESTORE_FILE, op.download);
      await this.msyncd.updateProfile(profile.toXml());
      op.phase = 'transfer';
      op.transferStarted = Date.now();
      this.setState({ status: 'DownloadingBackup', statusText: 'Downloading' });
      if (!(await this.msyncd.startSync(profile.name)))
        throw new Error(`The sync daemon refused to start ${profile.name}`);
    } catch (err) {
      await this.fail(op, 'Error', errorMessage(err));
      throw new VaultError('Failed', errorMessage(err));
    }
  }

  async cancel(): Promise<void> {
    const op = this.current;
    if (!op || !this.state.canCancel) return;
    op.controller.abort();
    // Local work sees the abort itself and finishes as Canceled.
    if (op.phase === 'unpacking' || op.kind === 'fileBackup' || op.kind === 'fileRestore') return;
    await this.msyncd.abortSync(op.profile).catch(() => {});
  }

  setCloudBackups(profileId: string, backups: string[], accountId: number): void {
    const clean = backups.filter(isBackupFileName);
    clean.sort(
      (a, b) => (backupFileDate(b)?.getTime() ?? 0) - (backupFileDate(a)?.getTime() ?? 0) || b.localeCompare(a),
    );
    this.cloudBackupLists.set(accountId, clean);
    this.emit('cloudBackupsChanged', accountId, clean);
  }

  cloudBackups(accountId: number): string[] {
    return this.cloudBackupLists.get(accountId) ?? [];
  }

  private onSyncStatus(event: SyncStatusEvent): void {
    const op = this.current;
    if (!op || event.profile !== op.profile) return;
    if (
      event.status === SyncStatus.Progress &&
      (event.moreDetails === ProgressDetail.Sending || event.moreDetails === ProgressDetail.Receiving)
    ) {
      const bytes = parseTransferMessage(event.message);
      if (!bytes) return;
      const verb = op.kind === 'cloudBackup' ? 'Uploading' : 'Downloading';
      this.setState({
        statusText: transferLine(verb, { ...bytes, elapsedMs: Date.now() - (op.transferStarted ?? Date.now()) }),
        ...(bytes.total ? { progress: Math.min(1, bytes.done / bytes.total) } : {}),
      });
      return;
    }
    if (!finalStatuses.has(event.status)) return;
    if (event.status === SyncStatus.Done) {
      void (op.kind === 'cloudBackup' ? this.succeed(op) : this.unpack(op));
      return;
    }
    const cancelled = event.status === SyncStatus.Aborted || event.status === SyncStatus.Cancelled;
    void (cancelled
      ? this.finishCanceled(op)
      : this.fail(op, statusNames[event.status] ?? 'Error', event.message || 'The operation failed.'));
  }

  private async unpack(op: Operation): Promise<void> {
    op.phase = 'unpacking';
    this.setState({ status: 'Preparing', statusText: 'Unpacking', progress: 1 });
    const configured = new Map(this.units.list().map((u) => [u.name, u.path]));
    if (op.kind === 'cloudRestore') {
      await op.files.add(op.download!, true);
      await op.files.add(checksumFileOf(op.download!), true);
    }
    try {
      const outcome = await this.restores.run({
        archive: op.download!,
        targetOf: (unit) => (op.targetDir ? path.join(op.targetDir, unit) : configured.get(unit)),
        ...(op.kind === 'cloudRestore' ? { profile: op.profile } : {}),
        signal: op.controller.signal,
        onUnit: (unit) => this.setState({ statusText: `Restoring: ${unit}` }),
        beforeApply: () => {
          op.phase = 'applying';
          this.setState({ canCancel: false, statusText: 'Restoring files' });
        },
      });
      op.notes = outcome.notes;
      op.summary = outcome.summary;
      await this.succeed(op);
    } catch (err) {
      if (op.controller.signal.aborted) await this.finishCanceled(op);
      else
        await this.fail(op, 'Error', `Could not restore the backup: ${diskMessage(err, op.targetDir ?? this.workDir)}`);
    }
  }

  private async cleanup(op: Operation): Promise<void> {
    await op.files.removeAll();
  }

  /** Ends the operation once; its temporary files are gone before anyone hears the outcome. */
  private async end(op: Operation): Promise<boolean> {
    if (this.current !== op) return false;
    this.current = undefined;
    await op.archiving?.catch(() => {}); // a cancelled archive removes its own partial files first
    await this.cleanup(op).catch(() => {});
    return true;
  }

  private announce(op: Operation, status: string): void {
    if (op.kind === 'cloudBackup') this.emit('cloudBackupStatusChanged', op.accountId, status);
    else if (op.kind === 'cloudRestore') this.emit('cloudRestoreStatusChanged', op.accountId, status);
    else this.emit('fileBackupStatusChanged', op.userFile ?? '', status);
  }

  private async succeed(op: Operation): Promise<void> {
    if (!(await this.end(op))) return;
    this.setState({
      status: 'Finished',
      statusText: finishedText(op.summary ?? ''),
      progress: 1,
      canCancel: false,
      error: '',
      warnings: op.notes ?? [],
    });
    this.announce(op, 'Finished');
  }

  private async finishCanceled(op: Operation): Promise<void> {
    op.controller.abort();
    if (!(await this.end(op))) return;
    this.setState({ status: 'Canceled', statusText: 'Canceled', canCancel: false });
    this.announce(op, 'Canceled');
  }

  private async fail(op: Operation, code: string, message: string): Promise<void> {
    op.controller.abort();
    if (!(await this.end(op))) return;
    this.setState({ status: 'Error', statusText: message, canCancel: false, error: message });
    if (op.kind === 'cloudBackup') this.emit('cloudBackupError', op.accountId, code, message);
    if (op.kind === 'cloudRestore') this.emit('cloudRestoreError', op.accountId, code, message);
    this.announce(op, 'Error');
  }

  /** Writes an archive of the units into a local folder (an SD card on a phone). */
  async backupToFile(dir: string): Promise<string> {
    if (!path.isAbsolute(dir)) throw new VaultError('InvalidArgs', 'The backup folder must be an absolute path');
    const op = this.begin('fileBackup', 0, '');
    const units = this.units.list();
    const file = path.join(dir, backupFileName(new Date()));
    op.userFile = file;
    if (units.length === 0) {
      await this.fail(op, 'Error', 'Nothing to back up: no folders are chosen (sfbackup units add PATH).');
      throw new VaultError('Failed', 'Nothing to back up: no folders are chosen.');
    }
    op.phase = 'archiving';
    this.announce(op, 'Preparing');
    const archiving = createArchive(units, file, {
      signal: op.controller.signal,
      onProgress: (p) => this.setState({ statusText: `Backing up: ${p.unit}` }),
      excluded: this.ownData,
    });
    op.archiving = archiving;
    void archiving.then(
      (result) => {
        this.noteArchive(op, result);
        return this.succeed(op);
      },
      (err: unknown) =>
        op.controller.signal.aborted
          ? this.finishCanceled(op)
          : this.fail(op, 'Error', `Could not write the backup file: ${errorMessage(err)}`),
    );
    return file;
  }

  /** Restores the units from a local archive file. */
  async restoreFromFile(file: string): Promise<void> {
    if (!path.isAbsolute(file)) throw new VaultError('InvalidArgs', 'The backup file must be an absolute path');
    const op = this.begin('fileRestore', 0, '');
    op.userFile = file;
    op.download = file;
    this.announce(op, 'Preparing');
    void this.unpack(op);
    return Promise.resolve();
  }
}
