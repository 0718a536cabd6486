// Which plugin runs a client profile: "<provider>-backup", "-backupquery", "-backuprestore" for every
// provider that offers a backup service. All of today's providers speak WebDAV.
import type { BackupAccounts } from '../accounts/BackupAccounts.js';
import type { DescriptionCatalog } from '../accounts/descriptions.js';
import { BackupError } from '../errors.js';
import type { SignInStatus } from '../ipc/contract.js';
import { fieldForRun, problemOf } from '../signin/problems.js';
import type { SignInStatusStore } from '../signin/SignInStatusStore.js';
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

const sources = { backup: 'backup', backupquery: 'list', backuprestore: 'restore' } as const;

/**
 * Records how each run went at the account's server: for the Accounts page (the sign-in status store),
 * and on the account as Sailfish's plugins do — HTTP 401 sets CredentialsNeedUpdate
 * (webdavsyncer.cpp:118-120), a run the server accepted clears it.
 */
function recordingOutcome(
  plugin: ClientPlugin,
  accounts: BackupAccounts,
  store: SignInStatusStore | undefined,
  source: SignInStatus['source'],
): ClientPlugin {
  const record = (accountId: number | undefined, status: Omit<SignInStatus, 'at' | 'source'>, needUpdate?: boolean) => {
    if (accountId === undefined) return;
    try {
      if (needUpdate !== undefined) accounts.setCredentialsNeedUpdate(accountId, needUpdate);
      store?.record(accountId, { ...status, at: new Date().toISOString(), source });
    } catch {
      // The account may be gone, and the status is a courtesy: the run's own result is what counts.
    }
  };
  return {
    async run(ctx) {
      const accountId = ctx.profile.accountId;
      try {
        const outcome = await plugin.run(ctx);
        record(accountId, { state: 'ok' }, false);
        return outcome;
      } catch (err) {
        if (err instanceof BackupError && err.kind !== 'cancelled' && err.kind !== 'busy')
          record(
            accountId,
            { state: 'failed', problem: problemOf(err, { accountId, field: fieldForRun(err.kind) }) },
            err.httpStatus === 401 ? true : undefined,
          );
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
    const operation = parts[1] as keyof typeof operations;
    return recordingOutcome(
      operations[operation](this.env),
      this.env.accounts,
      this.env.signInStatus,
      sources[operation],
    );
  }

  isExclusive(clientName: string): boolean {
    return split(clientName)?.[1] !== 'backupquery';
  }
}
