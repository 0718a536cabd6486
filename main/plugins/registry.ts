// Which plugin runs a client profile: "<provider>-backup", "-backupquery", "-backuprestore" for every
// provider that offers a backup service. All of today's providers speak WebDAV.
import type { BackupAccounts } from '../accounts/BackupAccounts.js';
import type { DescriptionCatalog } from '../accounts/descriptions.js';
import { BackupError } from '../errors.js';
import type { ClientPlugin, PluginFactory } from './ClientPlugin.js';
import { BackupPlugin } from './webdav/BackupPlugin.js';
import { QueryPlugin } from './webdav/QueryPlugin.js';
import { RestorePlugin } from './webdav/RestorePlugin.js';
import type { PluginEnv } from './webdav/pluginEnv.js';

const operations = {
  backup: (env: PluginEnv) => new BackupPlugin(env),
  backupquery: (env: PluginEnv) => new QueryPlugin(env),
  backuprestore: (env: PluginEnv) => new RestorePlugin(env),
} as const;

/**
 * Records the sign-in outcome on the account as Sailfish's plugins do: HTTP 401 sets
 * CredentialsNeedUpdate (webdavsyncer.cpp:118-120), a run the server accepted clears it.
 */
function recordingSignIn(plugin: ClientPlugin, accounts: BackupAccounts): ClientPlugin {
  const record = (accountId: number | undefined, needUpdate: boolean) => {
    if (accountId === undefined) return;
    try {
      accounts.setCredentialsNeedUpdate(accountId, needUpdate);
    } catch {
      // The account may be gone; the run's own outcome is what matters.
    }
  };
  return {
    async run(ctx) {
      try {
        const outcome = await plugin.run(ctx);
        record(ctx.profile.accountId, false);
        return outcome;
      } catch (err) {
        if (err instanceof BackupError && err.httpStatus === 401) record(ctx.profile.accountId, true);
        throw err;
      }
    },
  };
}

function split(clientName: string): [string, string] | undefined {
  const m = /^(.+)-(backup|backupquery|backuprestore)$/.exec(clientName);
  return m ? [m[1]!, m[2]!] : undefined;
}

export class BackupPluginFactory implements PluginFactory {
  constructor(
    private readonly catalog: DescriptionCatalog,
    private readonly env: PluginEnv,
  ) {}

  create(clientName: string): ClientPlugin | undefined {
    const parts = split(clientName);
    if (!parts || !this.catalog.backupService(parts[0])) return undefined;
    return recordingSignIn(operations[parts[1] as keyof typeof operations](this.env), this.env.accounts);
  }

  isExclusive(clientName: string): boolean {
    return split(clientName)?.[1] !== 'backupquery';
  }
}
