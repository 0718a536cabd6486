// The archives the vault makes for a cloud backup's plugin: a file for any Buteo plugin (Sailfish's
// createBackupForSyncProfile), or a stream for this app's own Backup plugin, which uploads it as it is
// written, with no copy of the backup on this computer's disk.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SyncProfile } from '../buteo/SyncProfile.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { isAbortError } from '../errors.js';
import { createArchive, type ArchiveResult, type ArchiveUnit } from './archive.js';
import { diskMessage } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import { backupFileName } from '../backupNames.js';
import { streamBackup } from './streamedBackup.js';
import type { StreamEndpoints } from '../transfer/streamEndpoints.js';
import { VaultOperations, type Operation } from './vaultOperations.js';
import { VaultError } from './vaultTypes.js';

/** How long a streamed backup's end may lag behind the plugin's word that it is stored. */
const SENT_WAIT_MS = 30_000;

export class CloudArchives extends VaultOperations {
  constructor(
    protected readonly msyncd: MsyncdProxy,
    protected readonly units: BackupUnits,
    protected readonly workDir: string,
    /** The app's own folders: never in a backup, never replaced by a restore (ownData.ts). */
    protected readonly ownData: string[],
    protected readonly endpoints: StreamEndpoints,
    logDir: string,
  ) {
    super(logDir);
  }

  /** The operation a plugin's request for an archive belongs to, its units, and a work folder of its own. */
  private async backupRun(profileId: string): Promise<{ op: Operation; units: ArchiveUnit[]; name: string }> {
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
    op.runDir = runDir;
    op.phase = 'archiving';
    op.log = this.openLog(op, name);
    this.setState({ logFilePath: op.log.file });
    return { op, units, name };
  }

  private archiveOptions(op: Operation) {
    let logged: string | undefined;
    return {
      signal: op.controller.signal,
      onProgress: (p: { unit: string }) => {
        if (p.unit === logged) return;
        logged = op.unit = p.unit;
        op.log?.line(`Backing up: ${p.unit}`);
        this.setState({ statusText: `Backing up: ${p.unit}` });
      },
      excluded: this.ownData,
    };
  }

  /** Called by the Backup plugin: starts writing the archive and returns its path at once. */
  async createBackupForSyncProfile(profileId: string): Promise<string> {
    const { op, units, name } = await this.backupRun(profileId);
    const file = path.join(op.runDir!, name);
    op.archive = file;
    op.log?.line(`Writing ${name}`);
    void createArchive(units, file, this.archiveOptions(op)).then(
      (done) => {
        if (this.current !== op) return;
        this.noteArchive(op, done);
        op.log?.line(`Archive written: ${done.files} files, ${done.bytes} bytes. Uploading`);
        this.startTransfer(op, 'Uploading');
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

  /**
   * Called by this app's Backup plugin: the archive is streamed to the endpoint returned (see
   * archiveStream.ts), as it is written; the plugin uploads it as it comes.
   */
  async createBackupStreamForSyncProfile(profileId: string): Promise<string> {
    const { op, units, name } = await this.backupRun(profileId);
    const offer = this.endpoints.offer(path.join(op.runDir!, 'archive.sock'));
    op.streamed = true;
    op.log?.line(`Streaming ${name}`);
    const sending = streamBackup({
      offer,
      units,
      name,
      runDir: op.runDir!,
      signal: op.controller.signal,
      options: this.archiveOptions(op),
      onStart: (size, stored) => {
        op.log?.line(`${name}: ${size} bytes`);
        op.unit = stored[0];
        this.startTransfer(op, `Backing up: ${op.unit ?? ''}`);
      },
      onFailure: async (err, byPlugin) => {
        // The plugin's own end says why it went away, and a cancel ends the run through the daemon.
        if (byPlugin || op.controller.signal.aborted || isAbortError(err)) return;
        await this.fail(op, 'Error', `Could not create the backup: ${diskMessage(err, this.workDir)}`);
      },
    });
    op.archiveSent = sending.then((done) => done !== undefined);
    void sending.then((done) => {
      if (!done || this.current !== op) return;
      this.noteArchive(op, done);
      op.unit = undefined;
      op.log?.line(`Archive sent: ${done.files} files, ${done.bytes} bytes.`);
      // Complete: what is left is the plugin's upload (of a small archive it kept, or its last bytes).
      this.setState({ statusText: 'Uploading' });
    });
    return offer.endpoint;
  }

  /**
   * The Backup plugin says the backup is stored. A streamed one is Finished only if this vault sent
   * the whole archive too: a plugin (or a server) that ended early must not make a "Finished".
   */
  protected async backupDone(op: Operation): Promise<void> {
    const sent =
      op.archiveSent &&
      (await Promise.race([op.archiveSent, delay(SENT_WAIT_MS, false, { ref: false }).then(() => false)]));
    if (op.archiveSent && !sent)
      return this.fail(
        op,
        'Error',
        'The backup plugin said the upload was done before the backup service had sent the whole archive; the backup is not complete.',
      );
    return this.succeed(op);
  }

  /** The archive is ready to go (a file), or its first bytes are on their way (a stream). */
  private startTransfer(op: Operation, statusText: string): void {
    op.phase = 'transfer';
    op.transferStarted = Date.now();
    this.setState({ status: 'UploadingBackup', statusText, progress: 0 });
    this.emit('cloudBackupStatusChanged', op.accountId, 'UploadingBackup');
  }

  /** The archive's notes: the Backup plugin reads them for its log. */
  protected noteArchive(op: Operation, result: ArchiveResult): void {
    op.notes = result.notes.list;
    op.summary = result.notes.summary();
    this.setState({ warnings: op.notes });
  }

  /** The verb of a transfer line: a streamed backup is still reading its units while it uploads. */
  protected transferVerb(op: Operation): string {
    if (op.kind !== 'cloudBackup') return 'Downloading';
    return op.streamed && op.unit ? `Backing up: ${op.unit} ·` : 'Uploading';
  }
}
