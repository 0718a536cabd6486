// BackupQuery: PROPFIND the device folder and report the backups found to the vault.
import { ProgressDetail } from '../../buteo/codes.js';
import type { ClientPlugin, PluginContext, PluginOutcome } from '../../buteo/ClientPlugin.js';
import { openSession, type PluginEnv } from './pluginEnv.js';
import type { WebDavConnection } from './WebDavConnection.js';
import { toBackupError } from './errors.js';
import { isBackupFileName } from '../../backupNames.js';

export class QueryPlugin implements ClientPlugin {
  constructor(private readonly env: PluginEnv) {}

  async run(ctx: PluginContext): Promise<PluginOutcome> {
    ctx.progress(ProgressDetail.Initialising, 'Listing backups');
    const { connection, deviceFolder } = await openSession(this.env, ctx.profile);
    try {
      return await this.report(ctx, connection, deviceFolder);
    } finally {
      connection.close();
    }
  }

  private async report(ctx: PluginContext, connection: WebDavConnection, deviceFolder: string): Promise<PluginOutcome> {
    const entries = (await connection.list(deviceFolder, ctx.signal)) ?? []; // a missing folder holds no backups
    // As the Nextcloud plugin (syncer.cpp:292-296): every file of the folder, by its full server path.
    // Only names that are safe as file names (and D-Bus strings) ever reach the vault.
    const names = entries.filter((e) => !e.isCollection && isBackupFileName(e.name)).map((e) => e.name);
    const paths = names.map((name) => `${deviceFolder}/${name}`);
    try {
      await this.env.vault.setCloudBackups(ctx.profile.name, paths);
    } catch (err) {
      throw toBackupError(err, 'reporting the backups', 'the backup service');
    }
    return {
      local: { added: 0, deleted: 0, modified: 0 },
      remote: { added: 0, deleted: 0, modified: 0 },
      message: `${names.filter((n) => !n.startsWith('.')).length} backups found`,
    };
  }
}
