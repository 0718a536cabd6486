// The backup/restore service (Sailfish's jolla-vault): makes archives for the Backup plugin, drives
// cloud backup and restore through the sync daemon, unpacks restores. D-Bus face: vaultService.ts.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SyncProfile, KEY_RESTORE_FILE } from '../buteo/SyncProfile.js';
import { SyncStatus, statusNames } from '../buteo/codes.js';
import type { BytesTransferredEvent, MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { errorMessage, isAbortError } from '../errors.js';
import { createArchive, type ArchiveResult } from './archive.js';
import { diskMessage, restoreDirOf } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import { CloudBackupLister, restoreTarget } from './cloudListings.js';
import { checkBackupFile, NotEnoughSpace, writeBackupFile } from './fileBackup.js';
import { fileWriteMessage } from './fileTargets.js';
import { backupFileName } from '../backupNames.js';
import { transferLine } from '../progressText.js';
import { RestoreRunner } from './restoreRunner.js';
import { accountProfile, finalStatuses, isCancelled } from './syncOutcome.js';
import { VaultOperations, type Operation } from './vaultOperations.js';
import { NeedsFolder, VaultError } from './vaultTypes.js';
import { describeLocation } from '../targets/mountinfo.js';
import { logger } from '../log.js';

const log = logger('vault');

export class Vault extends VaultOperations {
  private readonly lister: CloudBackupLister;
  private readonly restores: RestoreRunner;
  private readonly unsubscribe: Array<() => Promise<void>> = [];

  constructor(
    private readonly msyncd: MsyncdProxy,
    private readonly units: BackupUnits,
    private readonly workDir: string,
    readonly deviceId: string,
    /** Where run logs are kept: beside the work folder, which is empty between runs. */
    logDir = path.join(path.dirname(workDir), 'logs'),
    /** The app's own folders: never in a backup, never replaced by a restore (ownData.ts). */
    private readonly ownData: string[] = [path.dirname(workDir)],
  ) {
    super(logDir);
    // The journal sits beside the per-process work folders: the next engine must find it.
    this.restores = new RestoreRunner(msyncd, path.dirname(workDir), ownData);
    this.lister = new CloudBackupLister(msyncd, (id, files, ok) =>
      this.emit('listCloudBackupsFinished', id, files, ok),
    );
  }

  /** `workDir` is this process's own (see workDirs.ts): what killed engines left is removed by the engine. */
  async start(): Promise<void> {
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    this.unsubscribe.push(
      await this.msyncd.onSyncStatus((event) => this.onSyncStatus(event)),
      await this.msyncd.onBytesTransferred((event) => this.onBytes(event)),
    );
    // A restore a killed vault left halfway is finished (or undone) now; its log says "Interrupted".
    const interruptedRestore = await this.restores.recover();
    if (interruptedRestore)
      this.setState({ status: 'Error', statusText: interruptedRestore, error: interruptedRestore });
  }

  async stop(): Promise<void> {
    this.current?.controller.abort();
    for (const off of this.unsubscribe.splice(0)) await off();
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

  async backupToCloud(accountId: number): Promise<void> {
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const profile = await accountProfile(this.msyncd, accountId, 'Backup');
    const op = this.begin('cloudBackup', accountId, profile.name);
    if (!(await this.msyncd.startSync(profile.name))) {
      await this.fail(
        op,
        'NotPossible',
        `The sync daemon refused to start ${profile.name}: it is disabled, unknown to it, or a device backup is running.`,
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
    // A folder of its own per run: the Nextcloud plugin deletes the file and rmdirs its folder after
    // every run, which must never take the vault's work folder (or another run's file) with it.
    const runDir = path.join(this.workDir, `cloud-${randomBytes(6).toString('hex')}`);
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    const name = backupFileName(new Date());
    const file = path.join(runDir, name);
    op.runDir = runDir;
    op.phase = 'archiving';
    op.archive = file;
    op.log = this.openLog(op, name);
    this.setState({ logFilePath: op.log.file });
    op.log.line(`Writing ${name}`);
    void createArchive(units, file, {
      signal: op.controller.signal,
      onProgress: (p) => {
        this.setState({ statusText: `Backing up: ${p.unit}` });
        op.log?.line(`Backing up: ${p.unit}`);
      },
      excluded: this.ownData,
    }).then(
      (done) => {
        if (this.current !== op) return;
        this.noteArchive(op, done);
        op.phase = 'transfer';
        op.transferStarted = Date.now();
        op.log?.line(`Archive written: ${done.files} files, ${done.bytes} bytes. Uploading`);
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

  /** The archive's notes are known before the upload: the Backup plugin reads them for its log. */
  private noteArchive(op: Operation, result: ArchiveResult): void {
    op.notes = result.notes.list;
    op.summary = result.notes.summary();
    this.setState({ warnings: op.notes });
  }

  /**
   * Restores a cloud backup: `filePath` is "<dir>/<file>" as the page builds it from a listing
   * (RestorePage.qml:89), or a bare file name. The plugin looks the file up in this device's folder.
   */
  async restoreFromCloud(accountId: number, filePath: string, targetDir?: string): Promise<void> {
    const { name: fileName } = restoreTarget(filePath);
    if (targetDir !== undefined && !path.isAbsolute(targetDir))
      throw new VaultError('InvalidArgs', 'The restore folder must be an absolute path');
    if (this.current) throw new VaultError('Busy', 'A backup or restore is already running.');
    const profile = await accountProfile(this.msyncd, accountId, 'BackupRestore');
    const op = this.begin('cloudRestore', accountId, profile.name, `restore-${fileName}`);
    op.targetDir = targetDir;
    op.log?.line(`Restoring ${filePath}${targetDir ? ` into ${targetDir}` : ''}`);
    try {
      const dir = restoreDirOf(this.workDir);
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
    await this.msyncd.abortSync(op.profile).catch((err: unknown) => log.warn(`could not abort ${op.profile}`, err));
  }

  /** Called by BackupQuery plugins with what they found: server paths (or bare names), newest kept first. */
  setCloudBackups(_profileId: string, backups: string[], accountId: number): void {
    const list = this.lister.listings.set(accountId, backups);
    this.emit(
      'cloudBackupsChanged',
      accountId,
      list.map((b) => b.path),
    );
  }

  /** Runs the account's BackupQuery (or answers from the last one) and answers with listCloudBackupsFinished. */
  listCloudBackups(accountId: number, refresh: boolean): Promise<void> {
    return this.lister.list(accountId, refresh);
  }

  /** The log of a backup made here (RecentBackupsView.qml:54), or "" when there is none. */
  logFileForBackup(fileName: string, accountId: number): string {
    return this.logs.existingFor(fileName, accountId);
  }

  private onSyncStatus(event: SyncStatusEvent): void {
    this.lister.onSyncStatus(event);
    const op = this.current;
    if (!op || event.profile !== op.profile) return;
    if (!finalStatuses.has(event.status)) return;
    if (event.status === SyncStatus.Done) {
      void (op.kind === 'cloudBackup' ? this.succeed(op) : this.unpack(op));
      return;
    }
    op.log?.line(`The sync daemon reported ${statusNames[event.status] ?? event.status} (${event.moreDetails})`);
    void (isCancelled(event)
      ? this.finishCanceled(op)
      : this.fail(op, statusNames[event.status] ?? 'Error', event.message || 'The operation failed.'));
  }

  /** Bytes, rate and time left of the running operation's upload or download. */
  private onBytes(event: BytesTransferredEvent): void {
    const op = this.current;
    if (!op || event.profile !== op.profile || op.phase !== 'transfer') return;
    const verb = op.kind === 'cloudBackup' ? 'Uploading' : 'Downloading';
    const elapsedMs = Date.now() - (op.transferStarted ?? Date.now());
    this.setState({
      statusText: transferLine(verb, { done: event.done, total: event.total, elapsedMs }),
      ...(event.total ? { progress: Math.min(1, event.done / event.total) } : {}),
    });
  }

  private async unpack(op: Operation): Promise<void> {
    op.phase = 'unpacking';
    this.setState({ status: 'Preparing', statusText: 'Unpacking', progress: 1 });
    const configured = new Map(this.units.list().map((u) => [u.name, u.path]));
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
        await this.fail(
          op,
          err instanceof NeedsFolder ? 'NeedsFolder' : 'Error',
          `Could not restore the backup: ${diskMessage(err, op.targetDir ?? this.workDir)}`,
        );
    }
  }

  /**
   * Writes an archive of the units to `filePath`, a full file path as the page passes it
   * (BackupView.qml:161: memory card + newBackupFileName). Checks the free space first, writes under a
   * temporary name and gives the file its name once it is complete and synced (fileBackup.ts), so a
   * failed, cancelled or interrupted run never leaves a partial file under that name.
   */
  async backupToFile(filePath: string): Promise<void> {
    const units = this.units.list();
    await checkBackupFile(filePath, units);
    const name = path.basename(filePath);
    const dir = path.dirname(filePath);
    const op = this.begin('fileBackup', 0, '', name);
    op.userFile = filePath;
    if (units.length === 0) {
      await this.fail(op, 'Error', 'Nothing to back up: no folders are chosen (sfbackup units add PATH).');
      throw new VaultError('Failed', 'Nothing to back up: no folders are chosen.');
    }
    op.phase = 'archiving';
    op.log?.line(`Writing ${filePath}`);
    this.announce(op, 'Preparing');
    const started = Date.now();
    let lastUnit = '';
    void writeBackupFile({
      units,
      filePath,
      signal: op.controller.signal,
      onStage: (text) => this.setState({ statusText: text }),
      onProgress: (p) => {
        if (p.unit !== lastUnit) op.log?.line(`Backing up: ${(lastUnit = p.unit)}`);
        const sample = { done: p.bytes, total: p.total, elapsedMs: Date.now() - started };
        this.setState({
          statusText: transferLine(`Backing up: ${p.unit} ·`, sample),
          progress: Math.min(0.99, p.bytes / p.total),
        });
      },
      excluded: this.ownData,
    }).then(
      (done) => {
        op.log?.line(`Written: ${done.files} files, ${done.bytes} bytes, SHA-256 ${done.sha256}`);
        // Said with "Finished" (succeed), never before: the file is named only as the run ends.
        op.notes = done.notes.list;
        op.summary = done.notes.summary();
        return this.succeed(op);
      },
      (err: unknown) =>
        op.controller.signal.aborted
          ? this.finishCanceled(op)
          : this.fail(
              op,
              'Error',
              err instanceof NotEnoughSpace
                ? err.message
                : `Could not write the backup file: ${fileWriteMessage(err, describeLocation(dir))}`,
            ),
    );
  }

  /**
   * Restores the units from a backup file on a folder or drive (RestorePage.qml: restoreFromFile), into
   * their folders here or, with `targetDir` (this app's extension), into that folder.
   */
  async restoreFromFile(file: string, targetDir?: string): Promise<void> {
    if (!path.isAbsolute(file)) throw new VaultError('InvalidArgs', 'The backup file must be an absolute path');
    if (targetDir !== undefined && !path.isAbsolute(targetDir))
      throw new VaultError('InvalidArgs', 'The restore folder must be an absolute path');
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) throw new VaultError('NotFound', `There is no backup file ${file}`);
    const op = this.begin('fileRestore', 0, '', `restore-${path.basename(file)}`);
    op.userFile = file;
    op.download = file;
    op.targetDir = targetDir;
    op.log?.line(`Restoring ${file}${targetDir ? ` into ${targetDir}` : ''}`);
    this.announce(op, 'Preparing');
    void this.unpack(op);
  }
}
