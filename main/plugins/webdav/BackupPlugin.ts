// Backup: ask the vault for an archive, wait until it is written, stream it up under a temporary
// name, MOVE it into place, verify its size on the server, put its SHA-256 beside it, delete the local copy.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MinorCode, ProgressDetail } from '../../buteo/codes.js';
import { BackupError, errorMessage } from '../../errors.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../../buteo/ClientPlugin.js';
import { backupFileDate, backupFileName, CHECKSUM_FOLDER, checksumFileOf } from '../../backupNames.js';
import { VaultError } from '../../vault/vaultNames.js';
import type { VaultStatus } from '../../vocabulary.js';
import type { FileNote } from '../../vault/notes.js';
import { isAbandonedUpload, partialUploadName, uploadEnded } from './partialUploads.js';
import { openSession, type PluginEnv } from './pluginEnv.js';
import type { WebDavConnection } from './WebDavConnection.js';
import { logger } from '../../log.js';

const log = logger('plugins');

/**
 * Asks the vault for an archive and waits until it says it is written (or failed, or was cancelled).
 * The vault says how its previous operation ended before it answers (Vault.createBackupForSyncProfile),
 * so this listens only once it has answered, and reads its state for what it said in between: the end
 * of an earlier backup is never taken for news of this one.
 */
async function archiveReady(
  env: PluginEnv,
  accountId: number,
  signal: AbortSignal,
  start: () => Promise<string>,
): Promise<string> {
  const file = await start();
  let settle!: (status: VaultStatus, detail?: string) => void;
  const outcome = new Promise<{ status: VaultStatus; detail?: string }>((resolve) => {
    settle = (status, detail) => resolve({ status, ...(detail ? { detail } : {}) });
  });
  let lastError: string | undefined;
  const offError = await env.vault.onCloudBackupError((id, _code, text) => {
    if (id === accountId) lastError = text;
  });
  const offStatus = await env.vault.onCloudBackupStatusChanged((id, status) => {
    if (id === accountId && status !== 'Preparing') settle(status, lastError);
  });
  const onAbort = () => settle('Canceled');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) onAbort();
    const now = await env.vault.state();
    if (now.status === 'UploadingBackup' || now.status === 'Error' || now.status === 'Canceled')
      settle(now.status, now.error || lastError);
    const { status, detail } = await outcome;
    if (status === 'UploadingBackup') return file;
    if (status === 'Canceled') throw BackupError.aborted();
    throw new BackupError(MinorCode.InternalError, detail ?? 'The backup file could not be created.');
  } finally {
    signal.removeEventListener('abort', onAbort);
    await offStatus();
    await offError();
  }
}

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
  localFile: string,
  deviceFolder: string,
  name: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const folder = `${deviceFolder}/${CHECKSUM_FOLDER}`;
  try {
    await connection.ensureFolder(folder, signal);
    // Under the archive's final name, which may differ from the local one by a few seconds.
    const text = (await readFile(checksumFileOf(localFile), 'utf8')).replace(/ {2}.*$/m, `  ${name}`);
    const local = `${checksumFileOf(localFile)}.final`;
    await writeFile(local, text, { mode: 0o600 });
    await connection.upload(local, `${folder}/${name}.sha256`, signal, () => {});
    await rm(local, { force: true });
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

export class BackupPlugin implements ClientPlugin {
  constructor(private readonly env: PluginEnv) {}

  async run(ctx: PluginContext): Promise<PluginOutcome> {
    ctx.progress(ProgressDetail.Initialising, 'Preparing');
    const session = await openSession(this.env, ctx.profile);
    const { connection, deviceFolder, account } = session;
    let localFile: string | undefined;
    let tempName: string | undefined;
    let tempRemote: string | undefined;
    try {
      // Reach the server first: a wrong password or a dead server fails in a second, not after archiving.
      await connection.ensureFolder(deviceFolder, ctx.signal);
      // Uploads a killed run left behind; another live process's upload is never touched.
      for (const entry of (await connection.list(deviceFolder, ctx.signal)) ?? []) {
        if (isAbandonedUpload(entry.name, entry.modified))
          await connection.remove(`${deviceFolder}/${entry.name}`, ctx.signal);
      }
      localFile = await archiveReady(this.env, account.id, ctx.signal, async () => {
        try {
          return await this.env.vault.createBackupForSyncProfile(ctx.profile.name);
        } catch (err) {
          if (err instanceof VaultError && err.kind === 'Canceled') throw BackupError.aborted();
          const busy = err instanceof VaultError && err.kind === 'Busy';
          throw new BackupError(busy ? MinorCode.BackupInProgress : MinorCode.InternalError, errorMessage(err));
        }
      });
      let name = path.basename(localFile);
      const warnings = (await this.env.vault.state()).warnings;
      tempName = partialUploadName(name);
      tempRemote = `${deviceFolder}/${tempName}`;
      ctx.progress(ProgressDetail.Sending, 'Uploading');
      const size = await connection.upload(localFile, tempRemote, ctx.signal, (done, total) =>
        ctx.transfer({ direction: 'upload', done, total }),
      );
      ctx.progress(ProgressDetail.Finalising, 'Verifying');
      name = await moveToFreeName(connection, tempRemote, deviceFolder, name, ctx.signal);
      const finalRemote = `${deviceFolder}/${name}`;
      tempRemote = undefined;
      const remoteSize = await connection.size(finalRemote, ctx.signal);
      if (remoteSize !== undefined && remoteSize !== size) {
        await connection
          .remove(finalRemote, AbortSignal.timeout(30_000))
          .catch((err: unknown) => log.warn(`could not remove the incomplete backup ${finalRemote}`, err));
        throw new BackupError(
          MinorCode.InternalError,
          `The server stored ${remoteSize} of ${size} bytes; the incomplete backup was removed.`,
        );
      }
      const checksumProblem = await storeChecksum(connection, localFile, deviceFolder, name, ctx.signal);
      return {
        local: { added: 0, deleted: 0, modified: 0 },
        // The file's name travels as data (Buteo's item details), for the CLI and the UI to show.
        remote: { added: 1, deleted: 0, modified: 0, items: [{ uid: name, operation: 'added' }] },
        message: uploadedMessage(name, warnings, checksumProblem),
      };
    } finally {
      // Never leave a partial upload on the server or the archive on disk, whatever happened.
      if (tempRemote)
        await connection
          .remove(tempRemote, AbortSignal.timeout(30_000))
          .catch((err: unknown) => log.warn(`could not remove the partial upload ${tempRemote}`, err));
      // If that removal failed, the next backup of this process removes it.
      if (tempName) uploadEnded(tempName);
      if (localFile) {
        await rm(localFile, { force: true });
        await rm(checksumFileOf(localFile), { force: true });
      }
      connection.close();
    }
  }
}
