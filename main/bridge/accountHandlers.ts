// The Settings UI's account calls: add and edit sign in to the server before anything is saved (unless
// the user saves offline), remove drops the account's profiles and status, check signs in again. Profiles
// change through the sync daemon's own methods, so it keeps its guards and every bus client hears of it.
import { InputError } from '../errors.js';
import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';
import { defaultBackupsPath, defaultWebdavPath } from '../accounts/BackupAccounts.js';
import { validateServerAddress } from '../accounts/validation.js';
import type { AccountSave, AccountView, CallArgs, CallResult, EventName, EventPayload } from '../ipc/contract.js';
import { ensureProfilesThroughDaemon, removeProfilesThroughDaemon } from '../operations.js';
import { editedSettings, newAccountSettings } from '../signin/accountSettings.js';
import type { Stores } from '../stores.js';
import type { AccountSignIns } from './AccountSignIns.js';
import { accountView } from './accountView.js';

type AccountCall =
  | 'accounts.list'
  | 'accounts.add'
  | 'accounts.update'
  | 'accounts.remove'
  | 'accounts.defaults'
  | 'accounts.check'
  | 'accounts.cancelCheck';
type Handlers = { [C in AccountCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

export interface AccountHandlerContext {
  stores: Stores;
  msyncd: MsyncdProxy;
  signIns: AccountSignIns;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/** The handlers, given the bridge's context when they run (the bridge builds them before it is complete). */
export function accountHandlers(context: () => AccountHandlerContext): Handlers {
  const view = (id: number): AccountView => {
    const { stores, signIns } = context();
    return accountView(stores.accounts.get(id), signIns.status.get(id));
  };
  return {
    'accounts.list': () => {
      const { stores, signIns } = context();
      return stores.accounts.list().map((a) => accountView(a, signIns.status.get(a.id)));
    },
    'accounts.add': async (input): Promise<AccountSave> => {
      const { stores, signIns } = context();
      const { offline, checkId, ...fields } = input;
      if (!stores.catalog.backupService(fields.provider))
        throw new InputError(`Unknown backup provider "${fields.provider.slice(0, 100)}"`);
      if (!offline) {
        const settings = newAccountSettings(fields);
        const outcome = await signIns.check(settings, checkId);
        if (outcome.state !== 'ok') return { account: null, signIn: outcome };
      }
      const account = await stores.accounts.add(fields);
      // As on Sailfish, the Backup settings create the account's sync profiles.
      await ensureProfilesThroughDaemon(stores, context().msyncd, account.id);
      signIns.record(account.id, { state: offline ? 'unchecked' : 'ok' });
      return { account: view(account.id), signIn: { state: offline ? 'unchecked' : 'ok' } };
    },
    'accounts.update': async (edit): Promise<AccountSave> => {
      const { stores, signIns } = context();
      const { id, password, offline, checkId, ...fields } = edit;
      const account = stores.accounts.get(id);
      const stored = await stores.accounts.credentialsFor(account);
      const { settings, changed } = editedSettings(account, stored?.password ?? '', { ...fields, password });
      if (changed && !offline) {
        const outcome = await signIns.check(settings, checkId);
        if (outcome.state !== 'ok') return { account: null, signIn: outcome };
      }
      if (Object.values(fields).some((v) => v !== undefined)) await stores.accounts.update(id, fields);
      if (password) await stores.accounts.setPassword(id, password);
      const state = !changed ? 'unchecked' : offline ? 'unchecked' : 'ok';
      if (changed) signIns.record(id, { state });
      return { account: view(id), signIn: { state } };
    },
    'accounts.remove': async (id) => {
      const { stores, signIns, msyncd } = context();
      await removeProfilesThroughDaemon(stores, msyncd, id);
      await stores.accounts.remove(id);
      try {
        signIns.status.forget(id);
      } catch {
        // the account is gone either way
      }
      return null;
    },
    'accounts.defaults': ({ provider, serverAddress, username }) => {
      const server = validateServerAddress(serverAddress);
      const webdavPath = defaultWebdavPath(provider, server, username.trim() || 'USER');
      return { webdavPath, backupsPath: defaultBackupsPath(webdavPath) };
    },
    'accounts.check': async ({ accountId, checkId }) => {
      const { stores, signIns } = context();
      const account = stores.accounts.get(accountId);
      const stored = await stores.accounts.credentialsFor(account);
      const outcome = await signIns.check(editedSettings(account, stored?.password ?? '', {}).settings, checkId);
      return (
        signIns.record(accountId, outcome) ?? {
          state: 'unchecked',
          at: new Date().toISOString(),
          source: 'sign-in',
        }
      );
    },
    'accounts.cancelCheck': (checkId) => {
      context().signIns.cancel(checkId);
      return null;
    },
  };
}
