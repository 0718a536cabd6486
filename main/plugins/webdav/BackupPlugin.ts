// Backup: ask the vault for an archive, stream it up under a temporary name as it comes, MOVE it into
// place, verify its size on the server, put its SHA-256 beside it, and leave nothing local behind.
import { MinorCode, ProgressDetail } from '../../buteo/codes.js';
import { BackupError, errorMessage } from '../../errors.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../../buteo/ClientPlugin.js';
import { backupFileDate, backupFileName, CHECKSUM_FOLDER } from '../../backupNames.js';
import type { FileNote } from '../../vault/notes.js';
import { archiveFromVault, type ArchiveToUpload } from './backupArchive.js';
import { isAbandonedUpload, partialUploadName, uploadEnded } from './partialUploads.js';
import { openSession, type PluginEnv } from './pluginEnv.js';
import type { WebDavConnection } from './WebDavConnection.js';
import { logger } from '../../log.js';

const log = logger('plugins');

/**
 * MOVEs the upload into place without replacing another backup: names carry the time to the second, so
 * a backup from another data dir of this machine may already hold it; then the next second's name is used.
 */
async function moveToFreeName(
  connection: WebDavConnection,
  from: string,
  folder: string,
  name: string,
  signal: AbortSignal,
): Promise<string> {
  const date = backupFileDate(name);
  for (let shift = 0; ; shift++) {
    const candidate = date && shift > 0 ? backupFileName(new Date(date.getTime() + shift * 1000)) : name;
    try {
      await connection.move(from, `${folder}/${candidate}`, signal, false);
      return candidate;
    } catch (err) {
      const taken = err instanceof BackupError && err.httpStatus === 412;
      if (!taken || !date || shift >= 30) throw err;
    }
  }
}

/** The results log names every file the archive left out or changed, and the vault's notes. */
function uploadedMessage(name: string, warnings: FileNote[], checksumProblem: string | undefined): string {
  const checksum = checksumProblem ? `; its checksum could not be stored (${checksumProblem})` : '';
  if (warnings.length === 0) return `Uploaded ${name}${checksum}`;
  const files = warnings.filter((w) => w.kind !== 'note').length;
  const list = warnings.map((w) => (w.path ? `${w.path} (${w.reason})` : w.reason)).join('; ');
  const what = files > 0 ? `${files} ${files === 1 ? 'file' : 'files'} skipped or changed` : 'notes';
  return `Uploaded ${name} with ${what}: ${list}${checksum}`;
}

/**
 * The archive's SHA-256, in sha256sum's format, in a sub-folder of the device folder (a device lists
 * every file of its folder as a backup, and no folder). A restore checks the download against it.
 */
async function storeChecksum(
  connection: WebDavConnection,
  sha256: string | undefined,
  deviceFolder: string,
  name: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (!sha256) return 'the backup service gave none';
  const folder = `${deviceFolder}/${CHECKSUM_FOLDER}`;
  try {
    await connection.ensureFolder(folder, signal);
    // Under the archive's final name, which may differ from the one it was made with by a few seconds.
    const text = Buffer.from(`${sha256}  ${name}\n`);
    await connection.uploadStream(`${folder}/${name}.sha256`, { size: text.length, chunks: [text] }, signal, () => {});
    return undefined;
  } catch (err) {
    // A checksum cut short would fail every restore of a good backup: none is better.
    await connection
      .remove(`${folder}/${name}.sha256`, AbortSignal.timeout(30_000))
      .catch((e: unknown) => log.warn(`could not remove a partial checksum ${folder}/${name}.sha256`, e));
    if (signal.aborted) throw err;
    return errorMessage(err);
  }
}

/**
 * Removes an upload that did not finish. A server may still be writing what was already on its way
 * when the upload was cut (the network buffers megabytes), and refuses with 423 Locked until then:
 * it is asked again until it lets go, for as long as a stalled transfer is given.
 */
async function removeUnfinished(connection: WebDavConnection, remote: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await connection.remove(remote, AbortSignal.timeout(30_000));
    } catch (err) {
      if (!(err instanceof BackupError) || err.httpStatus !== 423 || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Uploads a killed run left behind; another live process's upload is never touched. Housekeeping only:
 * a server that cannot list or remove them now does not stop the backup. Resolves true when it looked
 * at every one; false when the server was still writing one (rclone finishes an upload whose sender
 * died, answering listings with an error and removals with 423 meanwhile), worth a second look later.
 */
async function removeAbandonedUploads(connection: WebDavConnection, folder: string, signal: AbortSignal) {
  let complete = true;
  try {
    for (const entry of (await connection.list(folder, signal)) ?? []) {
      if (!isAbandonedUpload(entry.name, entry.modified)) continue;
      await connection.remove(`${folder}/${entry.name}`, signal).catch((err: unknown) => {
        if (signal.aborted) throw err;
        complete = false;
      });
    }
  } catch (err) {
    if (signal.aborted) throw err;
    complete = false;
  }
  return complete;
}

/** A backup the server does not show whole: what it stored, or that it says nothing of its size. */
function storedSizeError(stored: number | undefined, size: number, what: 'upload' | 'backup'): BackupError {
  return new BackupError(
    MinorCode.InternalError,
    stored === undefined
      ? `The server does not say how large the stored ${what} is, so it cannot be checked; it was removed.`
      : `The server stored ${stored} of ${size} bytes; the incomplete ${what} was removed.`,
  );
}

export class BackupPlugin implements ClientPlugin {
  constructor(private readonly env: PluginEnv) {}

  async run(ctx: PluginContext): Promise<PluginOutcome> {
    ctx.progress(ProgressDetail.Initialising, 'Preparing');
    const session = await openSession(this.env, ctx.profile);
    const { connection, deviceFolder, account } = session;
    let archive: ArchiveToUpload | undefined;
    let tempName: string | undefined;
    let tempRemote: string | undefined;
    try {
      // Reach the server first: a wrong password or a dead server fails in a second, not after archiving.
      await connection.ensureFolder(deviceFolder, ctx.signal);
      // Housekeeping, alongside the backup: a folder of thousands of backups takes a while to list.
      const housekeeping = removeAbandonedUploads(connection, deviceFolder, ctx.signal);
      // Awaited below; a backup that fails first must not leave its failure unhandled.
      housekeeping.catch(log.ignored('removing abandoned uploads, for a backup that failed first'));
      archive = await archiveFromVault(this.env, account.id, ctx.profile.name, ctx.signal);
      tempName = partialUploadName(archive.name);
      tempRemote = `${deviceFolder}/${tempName}`;
      ctx.progress(ProgressDetail.Sending, 'Uploading');
      const size = await connection.uploadStream(tempRemote, archive, ctx.signal, (done, total) =>
        ctx.transfer({ direction: 'upload', done, total }),
      );
      const sha256 = await archive.sha256();
      const tidy = await housekeeping;
      // The vault has said all it will about the archive: what it left out goes into the results log.
      const warnings = (await this.env.vault.state()).warnings;
      ctx.progress(ProgressDetail.Finalising, 'Verifying');
      // Only a whole upload gets a backup's name: its size is checked under the temporary name first
      // (the finally below removes it), and again once moved (a server may lie about either).
      const partSize = await connection.size(tempRemote, ctx.signal);
      if (partSize !== size) throw storedSizeError(partSize, size, 'upload');
      const name = await moveToFreeName(connection, tempRemote, deviceFolder, archive.name, ctx.signal);
      const finalRemote = `${deviceFolder}/${name}`;
      tempRemote = undefined;
      const remoteSize = await connection.size(finalRemote, ctx.signal);
      if (remoteSize !== size) {
        await connection
          .remove(finalRemote, AbortSignal.timeout(30_000))
          .catch((err: unknown) => log.warn(`could not remove the incomplete backup ${finalRemote}`, err));
        throw storedSizeError(remoteSize, size, 'backup');
      }
      const checksumProblem = await storeChecksum(connection, sha256, deviceFolder, name, ctx.signal);
      if (!tidy) await removeAbandonedUploads(connection, deviceFolder, ctx.signal);
      return {
        local: { added: 0, deleted: 0, modified: 0 },
        // The file's name travels as data (Buteo's item details), for the CLI and the UI to show.
        remote: { added: 1, deleted: 0, modified: 0, items: [{ uid: name, operation: 'added' }] },
        message: uploadedMessage(name, warnings, checksumProblem),
      };
    } finally {
      // Never leave a partial upload on the server or the archive on disk, whatever happened.
      if (tempRemote)
        await removeUnfinished(connection, tempRemote).catch((err: unknown) =>
          log.warn(`could not remove the partial upload ${tempRemote}`, err),
        );
      // If that removal failed, the next backup of this process removes it.
      if (tempName) uploadEnded(tempName);
      await archive?.discard();
      connection.close();
    }
  }
}
