// The backup/restore service (Sailfish's jolla-vault): makes archives for the Backup plugin, drives
// cloud backup and restore through the sync daemon, unpacks restores. D-Bus face: vaultService.ts.
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { KEY_RESTORE_FILE, KEY_RESTORE_STREAM } from '../buteo/SyncProfile.js';
import { SyncStatus, statusNames } from '../buteo/codes.js';
import type { BytesTransferredEvent, MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { errorMessage } from '../errors.js';
import { restoreDirOf } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import { CloudBackupLister, restoreTarget } from './cloudListings.js';
import { checkBackupFile, NotEnoughSpace, writeBackupFile } from './fileBackup.js';
import { fileWriteMessage } from './fileTargets.js';
import { transferLine } from '../progressText.js';
import { accountProfile, finalStatuses, isCancelled } from './syncOutcome.js';
import { CloudRestores } from './cloudRestores.js';
import { StreamEndpoints } from '../transfer/streamEndpoints.js';
import { VaultError } from './vaultTypes.js';
import { describeLocation } from '../targets/mountinfo.js';
import { logger } from '../log.js';

const log = logger('vault');

export class Vault extends CloudRestores {
  private readonly lister: CloudBackupLister;
  private readonly unsubscribe: Array<() => Promise<void>> = [];

  constructor(
    msyncd: MsyncdProxy,
    units: BackupUnits,
    workDir: string,
    readonly deviceId: string,
    /** Where run logs are kept: beside the work folder, which is empty between runs. */
    logDir = path.join(path.dirname(workDir), 'logs'),
    /** The app's own folders: never in a backup, never replaced by a restore (ownData.ts). */
    ownData: string[] = [path.dirname(workDir)],
    /** Where this app's plugins and the vault hand archives to each other (streamEndpoints.ts). */
    endpoints = new StreamEndpoints(),
  ) {
    super(msyncd, units, workDir, ownData, endpoints, logDir);
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
      // This app's plugin streams the download here instead (a Buteo plugin writes the file).
      op.offer = this.endpoints.offer(path.join(dir, `.${randomBytes(6).toString('hex')}.sock`));
      profile.setKey(KEY_RESTORE_STREAM, op.offer.endpoint);
      op.offer.accepted.then(
        (connection) => this.receiveRestore(op, connection),
        () => {},
      );
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
      void (op.kind === 'cloudBackup' ? this.backupDone(op) : this.unpack(op));
      return;
    }
    op.log?.line(`The sync daemon reported ${statusNames[event.status] ?? event.status} (${event.moreDetails})`);
    if (op.streamedRestore) return void this.endStreamedRestore(op, event);
    void (isCancelled(event)
      ? this.finishCanceled(op)
      : this.fail(op, statusNames[event.status] ?? 'Error', event.message || 'The operation failed.'));
  }

  /** Bytes, rate and time left of the running operation's upload or download. */
  private onBytes(event: BytesTransferredEvent): void {
    const op = this.current;
    if (!op || event.profile !== op.profile || op.phase !== 'transfer') return;
    const elapsedMs = Date.now() - (op.transferStarted ?? Date.now());
    this.setState({
      statusText: transferLine(this.transferVerb(op), { done: event.done, total: event.total, elapsedMs }),
      ...(event.total ? { progress: Math.min(1, event.done / event.total) } : {}),
    });
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
