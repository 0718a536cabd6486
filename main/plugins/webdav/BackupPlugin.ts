// Backup: ask the vault for an archive, wait until it is written, stream it up under a temporary
// name, MOVE it into place, verify its size on the server, delete the local copy.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MinorCode, ProgressDetail } from '../../buteo/codes.js';
import { DBusCallError } from '../../dbus/DBusClient.js';
import { BackupError, errorMessage } from '../../errors.js';
import { CHECKSUM_FOLDER, checksumFileOf } from '../../vault/backupFiles.js';
import type { FileNote } from '../../vault/notes.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../ClientPlugin.js';
import { openSession, type PluginEnv } from './pluginEnv.js';

/** Waits for the vault to say the archive of this account is ready (or failed, or was cancelled). */
async function archiveReady(
  env: PluginEnv,
  accountId: number,
  signal: AbortSignal,
  start: () => Promise<string>,
): Promise<string> {
  let settle!: (status: string, detail?: string) => void;
  const outcome = new Promise<{ status: string; detail?: string }>((resolve) => {
    settle = (status, detail) => resolve({ status, ...(detail ? { detail } : {}) });
  });
  let lastError: string | undefined;
  const offStatus = await env.vault.onCloudBackupStatusChanged((id, status) => {
    // As Sailfish's plugins, act on UploadingBackup, Canceled and Error only: a "Finished" here is the
    // previous run's, announced once its clean-up is done, after this run may already have begun.
    if (id === accountId && status !== 'Preparing' && status !== 'Finished') settle(status, lastError);
  });
  const offError = await env.vault.onCloudBackupError((id, _code, text) => {
    if (id === accountId) lastError = text;
  });
  const onAbort = () => settle('Canceled');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const file = await start();
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

/** The results log names every file the archive left out or changed, and the vault's notes. */
function uploadedMessage(name: string, warnings: FileNote[]): string {
  if (warnings.length === 0) return `Uploaded ${name}`;
  const files = warnings.filter((w) => w.kind !== 'note').length;
  const list = warnings.map((w) => (w.path ? `${w.path} (${w.reason})` : w.reason)).join('; ');
  const what = files > 0 ? `${files} ${files === 1 ? 'file' : 'files'} skipped or changed` : 'notes';
  return `Uploaded ${name} with ${what}: ${list}`;
}

export class BackupPlugin implements ClientPlugin {
  constructor(private readonly env: PluginEnv) {}

  async run(ctx: PluginContext): Promise<PluginOutcome> {
    ctx.progress(ProgressDetail.Initialising, 'Preparing');
    const session = await openSession(this.env, ctx.profile);
    const { connection, deviceFolder, account } = session;
    let localFile: string | undefined;
    let tempRemote: string | undefined;
    let checksumRemote: string | undefined;
    let uploaded = false;
    try {
      // Reach the server first: a wrong password or a dead server fails in a second, not after archiving.
      await connection.ensureFolder(deviceFolder, ctx.signal);
      // Uploads an interrupted run left behind (one backup runs at a time per device).
      for (const entry of (await connection.list(deviceFolder, ctx.signal)) ?? []) {
        if (/^\.sailfish_backup_.*\.part$/.test(entry.name))
          await connection.remove(`${deviceFolder}/${entry.name}`, ctx.signal);
      }
      localFile = await archiveReady(this.env, account.id, ctx.signal, async () => {
        try {
          return await this.env.vault.createBackupForSyncProfile(ctx.profile.name);
        } catch (err) {
          if (err instanceof DBusCallError && err.type.endsWith('.Error.Canceled')) throw BackupError.aborted();
          const text = errorMessage(err);
          throw new BackupError(
            /Busy|already running/.test(text) ? MinorCode.BackupInProgress : MinorCode.InternalError,
            text,
          );
        }
      });
      const name = path.basename(localFile);
      const warnings = (await this.env.vault.state()).warnings;
      // The archive's SHA-256 goes first, into a sub-folder (a device lists the folder's files as backups):
      // a restore checks the download against it, and a failed upload takes it away again.
      const checksumFolder = `${deviceFolder}/${CHECKSUM_FOLDER}`;
      await connection.ensureFolder(checksumFolder, ctx.signal);
      checksumRemote = `${checksumFolder}/${name}.sha256`;
      await connection.upload(checksumFileOf(localFile), checksumRemote, ctx.signal, () => {});
      tempRemote = `${deviceFolder}/.${name}.${randomBytes(4).toString('hex')}.part`;
      ctx.progress(ProgressDetail.Sending, 'Uploading');
      const size = await connection.upload(localFile, tempRemote, ctx.signal, (done, total) =>
        ctx.transfer({ direction: 'upload', done, total }),
      );
      const finalRemote = `${deviceFolder}/${name}`;
      ctx.progress(ProgressDetail.Finalising, 'Verifying');
      await connection.move(tempRemote, finalRemote, ctx.signal);
      tempRemote = undefined;
      const remoteSize = await connection.size(finalRemote, ctx.signal);
      if (remoteSize !== undefined && remoteSize !== size) {
        await connection.remove(finalRemote, AbortSignal.timeout(30_000)).catch(() => {});
        throw new BackupError(
          MinorCode.InternalError,
          `The server stored ${remoteSize} of ${size} bytes; the incomplete backup was removed.`,
        );
      }
      uploaded = true;
      return {
        local: { added: 0, deleted: 0, modified: 0 },
        remote: { added: 1, deleted: 0, modified: 0 },
        message: uploadedMessage(name, warnings),
      };
    } finally {
      // Never leave a partial upload on the server or the archive on disk, whatever happened.
      if (tempRemote) await connection.remove(tempRemote, AbortSignal.timeout(30_000)).catch(() => {});
      if (checksumRemote && !uploaded)
        await connection.remove(checksumRemote, AbortSignal.timeout(30_000)).catch(() => {});
      if (localFile) {
        await rm(localFile, { force: true });
        await rm(checksumFileOf(localFile), { force: true });
      }
    }
  }
}
