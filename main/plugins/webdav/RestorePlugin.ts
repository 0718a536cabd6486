// BackupRestore: download the file named by the profile's sfos-backuprestore-file, through a
// temporary name beside it, and only then rename it into place; its recorded SHA-256 beside it too.
// The key is honoured only inside the vault's own download folder: a profile edited over D-Bus cannot
// make a restore overwrite ~/.bashrc.
import { randomBytes } from 'node:crypto';
import { lstat, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MinorCode, ProgressDetail } from '../../buteo/codes.js';
import { KEY_RESTORE_FILE } from '../../buteo/SyncProfile.js';
import { BackupError } from '../../errors.js';
import { CHECKSUM_FOLDER, checksumFileOf, isBackupFileName } from '../../backupNames.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../../buteo/ClientPlugin.js';
import { httpStatusOf } from './errors.js';
import { openSession, type PluginEnv } from './pluginEnv.js';

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
    const [realDir, ownDir] = await Promise.all([
      realpath(dir).catch(() => undefined),
      realpath(this.env.restoreDir).catch(() => undefined),
    ]);
    if (!realDir || !ownDir || realDir !== ownDir)
      throw new BackupError(
        MinorCode.PluginError,
        `The profile's ${KEY_RESTORE_FILE} must be a file in the backup service's download folder, not ${target}.`,
      );
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isFile())
      throw new BackupError(MinorCode.PluginError, `${target} exists and is not a file; refusing to replace it.`);

    ctx.progress(ProgressDetail.Initialising, 'Preparing');
    const { connection, deviceFolder } = await openSession(this.env, ctx.profile);
    const temp = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}.part`);
    ctx.progress(ProgressDetail.Receiving, 'Downloading');
    try {
      await connection.download(`${deviceFolder}/${name}`, temp, ctx.signal, (done, total) =>
        ctx.transfer({ direction: 'download', done, total }),
      );
      await this.downloadChecksum(connection, `${deviceFolder}/${CHECKSUM_FOLDER}/${name}.sha256`, target, ctx.signal);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
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
      message: `Downloaded ${name}`,
    };
  }

  /** The backup's SHA-256 as recorded at backup time, if the backup has one (older ones do not). */
  private async downloadChecksum(
    connection: Awaited<ReturnType<typeof openSession>>['connection'],
    remote: string,
    target: string,
    signal: AbortSignal,
  ): Promise<void> {
    const local = checksumFileOf(target);
    const temp = `${local}.${randomBytes(4).toString('hex')}.part`;
    await rm(local, { force: true });
    try {
      await connection.download(remote, temp, signal, () => {});
      await rename(temp, local);
    } catch (err) {
      await rm(temp, { force: true });
      if (err instanceof BackupError && httpStatusOf(err.cause) === 404) return;
      throw err;
    }
  }
}
