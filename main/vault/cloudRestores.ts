// Cloud and file restores: a file unpacked once it is whole, or this app's BackupRestore plugin's
// download unpacked and verified into staging as it arrives, put in place only once the plugin says the
// whole backup came; what failed, here or at the plugin, said once.
import path from 'node:path';
import type { MsyncdProxy, SyncStatusEvent } from '../buteo/MsyncdProxy.js';
import { statusNames } from '../buteo/codes.js';
import { FramedReader, isTransferEnd, parseRestoreHead } from '../transfer/archiveStream.js';
import { diskMessage } from './backupFiles.js';
import type { BackupUnits } from './BackupUnits.js';
import { CloudArchives } from './cloudArchives.js';
import { RestoreRunner, type RestoreRequest } from './restoreRunner.js';
import type { StreamEndpoints } from '../transfer/streamEndpoints.js';
import { isCancelled } from './syncOutcome.js';
import type { TransferPipe } from '../transfer/transferPipe.js';
import { TruncatedArchiveError } from './tar/TarReader.js';
import type { Operation, StreamedRestore } from './vaultOperations.js';
import { NeedsFolder } from './vaultTypes.js';
import { logger } from '../log.js';

const log = logger('vault');

export class CloudRestores extends CloudArchives {
  protected readonly restores: RestoreRunner;

  constructor(
    msyncd: MsyncdProxy,
    units: BackupUnits,
    workDir: string,
    ownData: string[],
    endpoints: StreamEndpoints,
    logDir: string,
  ) {
    super(msyncd, units, workDir, ownData, endpoints, logDir);
    // The journal sits beside the per-process work folders: the next engine must find it.
    this.restores = new RestoreRunner(msyncd, path.dirname(workDir), ownData);
  }

  /** What a restore of the operation's archive needs, from a file or from a stream. */
  protected restoreRequest(op: Operation): RestoreRequest {
    const configured = new Map(this.units.list().map((u) => [u.name, u.path]));
    return {
      archive: op.download!,
      targetOf: (unit) => (op.targetDir ? path.join(op.targetDir, unit) : configured.get(unit)),
      ...(op.kind === 'cloudRestore' ? { profile: op.profile } : {}),
      signal: op.controller.signal,
      onUnit: (unit) => {
        op.log?.line(`Restoring: ${unit}`);
        if (op.phase !== 'transfer') this.setState({ statusText: `Restoring: ${unit}` });
      },
      beforeApply: () => {
        op.phase = 'applying';
        this.setState({ canCancel: false, statusText: 'Restoring files' });
      },
    };
  }

  /**
   * This app's BackupRestore plugin streams the download: it is unpacked and verified into staging as
   * it arrives, and put in place only once the plugin says the whole backup came (unpack, below).
   */
  protected receiveRestore(op: Operation, connection: TransferPipe): void {
    if (this.current !== op || op.controller.signal.aborted) return connection.close();
    let downloaded!: StreamedRestore['downloaded'];
    const whole = new Promise<void>((resolve, reject) => (downloaded = { resolve, reject }));
    // Awaited by the unpack; a download that fails before the unpack waits for it is not unhandled.
    whole.catch(log.ignored('a download that ended before the unpack waited for it'));
    const outcome = (async () => {
      const reader = new FramedReader(connection);
      const head = parseRestoreHead(await reader.line());
      if (!head) throw new Error('the backup plugin sent something that is not a backup');
      op.log?.line(`Receiving ${head.name}${head.sha256 ? `, SHA-256 ${head.sha256}` : ''}`);
      return this.restores.run({
        ...this.restoreRequest(op),
        source: reader.body(),
        ...(head.sha256 ? { checksum: head.sha256 } : {}),
        ...(head.size !== undefined ? { size: head.size } : {}),
        whole,
      });
    })();
    // A failure here (not a download cut short) stops the download: the rest would be for nothing.
    outcome.then(
      () => connection.close(),
      (err: unknown) => {
        op.restoreFailure ??= isTransferEnd(err) || err instanceof TruncatedArchiveError ? undefined : err;
        connection.close();
      },
    );
    op.streamedRestore = { outcome, downloaded };
  }

  /** The plugin's run ended without the whole download: the restore is undone, and says why. */
  protected async endStreamedRestore(op: Operation, event: SyncStatusEvent): Promise<void> {
    const restore = op.streamedRestore!;
    const cancelled = isCancelled(event);
    if (cancelled) op.controller.abort();
    restore.downloaded.reject(new Error(event.message || 'The download failed.'));
    await restore.outcome.catch(log.ignored('the streamed unpack (its failure is kept as restoreFailure)'));
    if (cancelled || op.controller.signal.aborted) return this.finishCanceled(op);
    const local = op.restoreFailure;
    if (local)
      return this.fail(
        op,
        local instanceof NeedsFolder ? 'NeedsFolder' : 'Error',
        `Could not restore the backup: ${diskMessage(local, op.targetDir ?? this.workDir)}`,
      );
    await this.fail(op, statusNames[event.status] ?? 'Error', event.message || 'The operation failed.');
  }

  protected async unpack(op: Operation): Promise<void> {
    op.phase = 'unpacking';
    this.setState({ status: 'Preparing', statusText: 'Unpacking', progress: 1 });
    try {
      let outcome;
      if (op.streamedRestore) {
        op.streamedRestore.downloaded.resolve();
        outcome = await op.streamedRestore.outcome;
      } else outcome = await this.restores.run(this.restoreRequest(op));
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
}
