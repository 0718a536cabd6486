// BackupRestore: download the file named by the profile's sfos-backuprestore-file, through a temporary
// name beside it, and only then rename it into place, its recorded SHA-256 beside it. When this app's
// vault offers a stream (sfbackup-restore-stream) and the backup is larger than a small file, the
// download goes straight to the vault instead, which unpacks and verifies it as it arrives.
// Both keys are honoured only inside the vault's own download folder: a profile edited over D-Bus
// cannot make a restore overwrite ~/.bashrc, nor send a backup anywhere else.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MinorCode, ProgressDetail } from '../../buteo/codes.js';
import { KEY_RESTORE_FILE, KEY_RESTORE_STREAM } from '../../buteo/SyncProfile.js';
import { BackupError } from '../../errors.js';
import { CHECKSUM_FOLDER, checksumFileOf, isBackupFileName } from '../../backupNames.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../../buteo/ClientPlugin.js';
import { restoreHead } from '../../transfer/archiveStream.js';
import type { TransferPipe } from '../../transfer/transferPipe.js';
import { httpStatusOf } from './errors.js';
import { openSession, type PluginEnv } from './pluginEnv.js';
import type { WebDavConnection } from './WebDavConnection.js';

const STREAM_NAME = /^\.[0-9a-f]{12}\.sock$/;

/** Whether `file` is directly inside the vault's download folder. */
async function inRestoreDir(file: string, restoreDir: string): Promise<boolean> {
  const [realDir, ownDir] = await Promise.all([
    realpath(path.dirname(file)).catch(() => undefined),
    realpath(restoreDir).catch(() => undefined),
  ]);
  return realDir !== undefined && realDir === ownDir;
}

export class RestorePlugin implements ClientPlugin {
  constructor(private readonly env: PluginEnv) {}

  async run(ctx: PluginContext): Promise<PluginOutcome> {
    const target = ctx.profile.key(KEY_RESTORE_FILE) ?? '';
    if (!path.isAbsolute(target))
      throw new BackupError(MinorCode.PluginError, `The profile's ${KEY_RESTORE_FILE} is not an absolute path.`);
    const name = path.basename(target);
    if (!isBackupFileName(name) || name.startsWith('.'))
      throw new BackupError(MinorCode.PluginError, `"${name}" is not a backup file name.`);
    const dir = path.dirname(target);
    if (!(await inRestoreDir(target, this.env.restoreDir)))
      throw new BackupError(
        MinorCode.PluginError,
        `The profile's ${KEY_RESTORE_FILE} must be a file in the backup service's download folder, not ${target}.`,
      );
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isFile())
      throw new BackupError(MinorCode.PluginError, `${target} exists and is not a file; refusing to replace it.`);
    const stream = ctx.profile.key(KEY_RESTORE_STREAM);
    const streamTo =
      stream &&
      path.isAbsolute(stream) &&
      STREAM_NAME.test(path.basename(stream)) &&
      (await inRestoreDir(stream, this.env.restoreDir))
        ? stream
        : undefined;

    ctx.progress(ProgressDetail.Initialising, 'Preparing');
    const { connection, deviceFolder } = await openSession(this.env, ctx.profile);
    const temp = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}.part`);
    let streamed = false;
    try {
      const sha256 = await this.checksum(connection, `${deviceFolder}/${CHECKSUM_FOLDER}/${name}.sha256`, ctx.signal);
      ctx.progress(ProgressDetail.Receiving, 'Downloading');
      await rm(checksumFileOf(target), { force: true });
      await connection.downloadStream(
        `${deviceFolder}/${name}`,
        ctx.signal,
        (done, total) => ctx.transfer({ direction: 'download', done, total }),
        async (body, total) => {
          const vault =
            streamTo && (total === undefined || total > this.env.spoolMaxBytes)
              ? await this.reach(streamTo)
              : undefined;
          if (vault) {
            streamed = true;
            return this.stream(body, vault, sha256, total, name, ctx.signal);
          }
          await pipeline(body, createWriteStream(temp, { mode: 0o600, highWaterMark: 1 << 20 }));
          if (sha256) await writeFile(checksumFileOf(target), `${sha256}  ${name}\n`, { mode: 0o600 });
          await rename(temp, target);
        },
      );
    } catch (err) {
      await rm(temp, { force: true });
      await rm(checksumFileOf(target), { force: true });
      if (
        err instanceof BackupError &&
        /ENOSPC|EDQUOT/.test(String((err.cause as NodeJS.ErrnoException | undefined)?.code))
      ) {
        throw new BackupError(
          MinorCode.InternalError,
          `There is not enough free space in ${dir} for the backup ${name}.`,
        );
      }
      if (err instanceof BackupError && httpStatusOf(err.cause) === 404) {
        throw new BackupError(
          MinorCode.InternalError,
          `The backup ${name} is not on the server (looked in ${deviceFolder}).`,
          { httpStatus: 404 },
        );
      }
      throw err;
    } finally {
      connection.close();
    }
    return {
      local: { added: 1, deleted: 0, modified: 0 },
      remote: { added: 0, deleted: 0, modified: 0 },
      message: streamed ? `Downloaded ${name} into the backup service` : `Downloaded ${name}`,
    };
  }

  /** The vault's stream, when it can be reached (a vault in another process may offer none). */
  private async reach(endpoint: string): Promise<TransferPipe | undefined> {
    return this.env.streams.connect(endpoint).catch(() => undefined);
  }

  /** The download, as it arrives, into the vault: its head line first (archiveStream.ts). */
  private async stream(
    body: AsyncIterable<Buffer>,
    vault: TransferPipe,
    sha256: string | undefined,
    size: number | undefined,
    name: string,
    signal: AbortSignal,
  ): Promise<void> {
    const close = () => vault.close();
    signal.addEventListener('abort', close, { once: true });
    try {
      await vault.send(restoreHead(sha256, size, name));
      for await (const chunk of body) await vault.send(chunk);
      await vault.finish();
    } catch (err) {
      if (signal.aborted) throw BackupError.aborted();
      if (vault.closed)
        throw new BackupError(MinorCode.InternalError, 'The backup service stopped the restore; its log says why.', {
          cause: err,
        });
      throw err;
    } finally {
      signal.removeEventListener('abort', close);
    }
  }

  /** The backup's SHA-256 as recorded at backup time, if the backup has one (older ones do not). */
  private async checksum(
    connection: WebDavConnection,
    remote: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    let text = '';
    try {
      await connection.downloadStream(
        remote,
        signal,
        () => {},
        async (body) => {
          for await (const chunk of body) if (text.length < 4096) text += chunk.toString('latin1');
        },
      );
    } catch (err) {
      if (err instanceof BackupError && httpStatusOf(err.cause) === 404) return undefined;
      throw err;
    }
    return /^([0-9a-f]{64})\b/.exec(text.trim())?.[1];
  }
}
