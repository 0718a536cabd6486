// How each backup, listing or restore run went at the account's server, recorded for the Accounts page
// (the sign-in status store) and on the account as Sailfish's plugins do — HTTP 401 sets
// CredentialsNeedUpdate (webdavsyncer.cpp:118-120), a run the server accepted clears it. Wrapped around
// the plugins where the engine is composed, so the plugins themselves know nothing of it.
import type { BackupAccounts } from '../accounts/BackupAccounts.js';
import type { ClientPlugin, PluginFactory } from '../buteo/ClientPlugin.js';
import { BackupError } from '../errors.js';
import type { SignInStatus } from '../ipc/contract.js';
import { logger } from '../log.js';
import { fieldForRun, problemOf } from './problems.js';
import type { SignInStatusStore } from './SignInStatusStore.js';

const log = logger('signin');

/** What a run of a client plugin counts as, for the account's status: `<provider>-backup` is a backup… */
function sourceOf(clientName: string): SignInStatus['source'] | undefined {
  const op = /-(backup|backupquery|backuprestore)$/.exec(clientName)?.[1];
  return op === 'backup' ? 'backup' : op === 'backupquery' ? 'list' : op === 'backuprestore' ? 'restore' : undefined;
}

function recording(
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
    } catch (err) {
      // The account may be gone, and the status is a courtesy: the run's own result is what counts.
      log.debug(`could not record how the ${source} of account ${accountId} went`, err);
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

/** The plugins of `factory`, each run's outcome at the server recorded. */
export function recordingRunOutcomes(
  factory: PluginFactory,
  accounts: BackupAccounts,
  store: SignInStatusStore | undefined,
): PluginFactory {
  return {
    create(clientName) {
      const plugin = factory.create(clientName);
      const source = sourceOf(clientName);
      return plugin && source ? recording(plugin, accounts, store, source) : plugin;
    },
    isExclusive: (clientName) => factory.isExclusive(clientName),
  };
}
