// The backup/restore service (Sailfish's jolla-vault): makes archives for the Backup plugin, drives
// cloud backup and restore through the sync daemon, unpacks restores. D-Bus face: vaultService.ts.
import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SyncProfile, KEY_RESTORE_FILE } from '../buteo/SyncProfile.js';
import { ProgressDetail, SyncStatus, statusNames } from '../buteo/codes.js';
import { parseTransferMessage } from '../buteo/SyncDaemon.js';
import type { MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { errorMessage, isAbortError } from '../errors.js';
import { createArchive } from './archive.js';
import { diskMessage, isBackupFileName } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import { backupFileDate, backupFileName, transferLine } from './progressText.js';
import { restoreArchive } from './restoreArchive.js';
import { VaultError, type VaultEvents, type VaultState } from './vaultTypes.js';

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
  targetDir?: string;
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
  private state: VaultState = { status: 'Idle', statusText: '', progress: 0, canCancel: false, error: '' };
  private current: Operation | undefined;
  private readonly cloudBackupLists = new Map<number, string[]>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private concluding: Promise<void> = Promise.resolve();

  constructor(
    private readonly msyncd: MsyncdProxy,
    private readonly units: BackupUnits,
    private readonly workDir: string,
    readonly deviceId: string,
  ) {
    super();
  }

  /** `workDir` is this process's own (see workDirs.ts): what killed engines left is removed by the engine. */
  async start(): Promise<void> {
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    this.unsubscribe = await this.msyncd.onSyncStatus((event) => this.onSyncStatus(event));
  }

  async stop(): Promise<void> {
    this.current?.controller.abort();
    await this.unsubscribe?.();
  }

  /**
   * Waits for the running operation to end: as long as it takes while a restore is applying files (that
   * cannot be cancelled), else up to `limitMs`; true when nothing runs any more.
   */
  async settled(limitMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + limitMs;
    while (this.current && (this.current.phase === 'applying' || Date.now() < deadline))
      await new Promise((resolve) => setTimeout(resolve, 50));
    return this.current === undefined;
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
    this.current = { kind, accountId, profile, controller: new AbortController(), phase: 'starting' };
    this.setState({ status: 'Preparing', statusText: 'Preparing', progress: 0, canCancel: true, error: '' });
    return this.current;
  }

  async backupToCloud(accountId: number): Promise<void> {
    await this.concluding;
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
    await this.concluding;
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
    void createArchive(units, file, {
      signal: op.controller.signal,
      onProgress: (p) => this.setState({ statusText: `Backing up: ${p.unit}` }),
    }).then(
      () => {
        if (this.current !== op) return;
        op.phase = 'transfer';
        op.transferStarted = Date.now();
        this.setState({ status: 'UploadingBackup', statusText: 'Uploading', progress: 0 });
        this.emit('cloudBackupStatusChanged', accountId, 'UploadingBackup');
      },
      async (err: unknown) => {
        await rm(file, { force: true });
        // A cancel also aborts the plugin's run, whose end finishes the operation; a failure ends it here,
        // and the plugin hears of it from the status signal.
        if (!op.controller.signal.aborted && !isAbortError(err))
          await this.fail(op, 'Error', `Could not create the backup file: ${diskMessage(err, this.workDir)}`);
      },
    );
    return file;
  }

  async restoreFromCloud(accountId: number, fileName: string, targetDir?: string): Promise<void> {
    await this.concluding;
    if (!isBackupFileName(fileName))
      throw new VaultError('InvalidArgs', `"${fileName.slice(0, 80)}" is not a backup file name`);
    if (targetDir !== undefined && !path.isAbsolute(targetDir))
      throw new VaultError('InvalidArgs', 'The restore folder must be an absolute path');
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const profile = await this.profileFor(accountId, 'BackupRestore');
    const op = this.begin('cloudRestore', accountId, profile.name);
    op.targetDir = targetDir;
    try {
      const dir = path.join(this.workDir, 'restore');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      op.download = path.join(dir, fileName);
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
    try {
      const refused = await restoreArchive({
        archive: op.download!,
        stagingRoot: path.join(this.workDir, 'restore'),
        targetOf: (unit) => (op.targetDir ? path.join(op.targetDir, unit) : configured.get(unit)),
        signal: op.controller.signal,
        onUnit: (unit) => this.setState({ statusText: `Restoring: ${unit}` }),
        beforeApply: () => {
          op.phase = 'applying';
          this.setState({ canCancel: false, statusText: 'Restoring files' });
        },
      });
      await this.succeed(op, refused > 0 ? `Finished (${refused} unsafe entries skipped)` : 'Finished');
    } catch (err) {
      if (op.controller.signal.aborted) await this.finishCanceled(op);
      else
        await this.fail(op, 'Error', `Could not restore the backup: ${diskMessage(err, op.targetDir ?? this.workDir)}`);
    }
  }

  private async cleanup(op: Operation): Promise<void> {
    for (const file of [op.archive, op.download]) {
      if (file && file !== op.userFile) await rm(file, { force: true });
    }
  }

  /** Ends the operation once; its temporary files are gone before anyone hears the outcome. */
  private async end(op: Operation): Promise<boolean> {
    if (this.current !== op) return false;
    this.current = undefined;
    await this.cleanup(op).catch(() => {});
    return true;
  }

  private announce(op: Operation, status: string): void {
    if (op.kind === 'cloudBackup') this.emit('cloudBackupStatusChanged', op.accountId, status);
    else if (op.kind === 'cloudRestore') this.emit('cloudRestoreStatusChanged', op.accountId, status);
    else this.emit('fileBackupStatusChanged', op.userFile ?? '', status);
  }

  /**
   * Ends the operation, then says how it ended. Remembered so that the next operation starts only once
   * this one's outcome is out: a Backup plugin listening for its own archive must not hear it.
   */
  private conclude(op: Operation, say: () => void): Promise<void> {
    const done = this.end(op).then((ended) => {
      if (ended) say();
    });
    // Chained: a second, late call for the same operation must not let the next one skip the first.
    this.concluding = Promise.all([this.concluding, done]).then(
      () => {},
      () => {},
    );
    return done;
  }

  private succeed(op: Operation, text = 'Finished'): Promise<void> {
    return this.conclude(op, () => {
      this.setState({ status: 'Finished', statusText: text, progress: 1, canCancel: false, error: '' });
      this.announce(op, 'Finished');
    });
  }

  private finishCanceled(op: Operation): Promise<void> {
    op.controller.abort();
    return this.conclude(op, () => {
      this.setState({ status: 'Canceled', statusText: 'Canceled', canCancel: false });
      this.announce(op, 'Canceled');
    });
  }

  private fail(op: Operation, code: string, message: string): Promise<void> {
    op.controller.abort();
    return this.conclude(op, () => {
      this.setState({ status: 'Error', statusText: message, canCancel: false, error: message });
      if (op.kind === 'cloudBackup') this.emit('cloudBackupError', op.accountId, code, message);
      if (op.kind === 'cloudRestore') this.emit('cloudRestoreError', op.accountId, code, message);
      this.announce(op, 'Error');
    });
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
    void createArchive(units, file, {
      signal: op.controller.signal,
      onProgress: (p) => this.setState({ statusText: `Backing up: ${p.unit}` }),
    }).then(
      () => this.succeed(op),
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
