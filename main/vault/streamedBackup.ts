// A cloud backup streamed to this app's Backup plugin: the archive goes through a stream endpoint as it
// is written, its exact length first (the plugin's upload announces it), its SHA-256 last. Nothing of
// the size of the backup is written to this computer's disk.
import { writeArchive, scratchIn, type ArchiveResult, type ArchiveUnit, type CreateOptions } from './archive.js';
import { backupHead, backupTail } from '../transfer/archiveStream.js';
import type { StreamOffer } from '../transfer/streamEndpoints.js';
import { BufferPool } from './tar/bufferPool.js';
import { StreamClosedError, type TransferPipe } from '../transfer/transferPipe.js';

export interface StreamedBackup {
  offer: StreamOffer;
  units: ArchiveUnit[];
  /** The backup's file name, said in the head line: the plugin uploads it under this name. */
  name: string;
  /** Work folder of the run, for the plan and the manifest while they are written. */
  runDir: string;
  signal: AbortSignal;
  options: CreateOptions;
  /** The size is known and the first bytes go out; the archive holds these units, in order. */
  onStart(size: number, units: string[]): void;
  /**
   * The archive could not be sent: `byPlugin` when the plugin closed the connection first (its own
   * outcome says why). Called before the connection is closed, so the plugin finds the cause told.
   */
  onFailure(err: unknown, byPlugin: boolean): Promise<void>;
}

/** Waits for the plugin, then writes the archive into its connection; undefined when it failed. */
export async function streamBackup(run: StreamedBackup): Promise<ArchiveResult | undefined> {
  let connection: TransferPipe | undefined;
  // A cancel withdraws the offer, and ends a connection already made: a writer waiting for a stalled
  // plugin to read is woken by it, not only by the plugin.
  const withdraw = () => {
    run.offer.close();
    connection?.close();
  };
  run.signal.addEventListener('abort', withdraw, { once: true });
  try {
    connection = await run.offer.accepted;
    const to = connection;
    const pool = new BufferPool();
    to.recycle = (chunk) => pool.give(chunk);
    const done = await writeArchive(
      run.units,
      {
        exact: true,
        begin: async (size, units) => {
          await to.send(backupHead(size, run.name));
          run.onStart(size, units);
        },
        sink: (chunk) => to.send(chunk),
        pool,
      },
      scratchIn(run.runDir),
      { ...run.options, signal: run.signal },
    );
    await to.send(backupTail(done.sha256));
    await to.finish();
    return done;
  } catch (err) {
    await run.onFailure(err, err instanceof StreamClosedError || connection?.closed === true);
    connection?.close();
    return undefined;
  } finally {
    run.signal.removeEventListener('abort', withdraw);
    run.offer.close();
  }
}
