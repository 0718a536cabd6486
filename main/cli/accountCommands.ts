// sfbackup providers | account add|list|show|set|remove
import type { AccountSettingsEdit, BackupAccount } from '../accounts/BackupAccounts.js';
import { InputError } from '../errors.js';
import { removeProfilesThroughDaemon } from '../operations.js';
import { DaemonSession } from '../session.js';
import { editedSettings, newAccountSettings } from '../signin/accountSettings.js';
import { SignInStatusStore } from '../signin/SignInStatusStore.js';
import type { Cli } from './Cli.js';
import { readSecretFromStdin } from './readStdin.js';
import { parseAccountId, type CommandArgs } from './args.js';
import { signInBeforeSaving } from './signInFirst.js';

/** What the CLI shows of an account: everything but the credentials' id. */
export function publicAccount(a: BackupAccount) {
  return {
    id: a.id,
    provider: a.provider,
    name: a.name,
    enabled: a.enabled,
    server_address: a.serverAddress,
    webdav_path: a.webdavPath,
    username: a.username,
    ignore_ssl_errors: a.ignoreSslErrors,
    backups_path: a.backupsPath,
    backup_enabled: a.backupEnabled,
    has_password: a.credentialsId !== undefined,
    credentials_need_update: a.credentialsNeedUpdate,
    profiles: a.profileIds,
  };
}

function accountLines(a: BackupAccount): string[] {
  const p = publicAccount(a);
  return Object.entries(p).map(
    ([k, v]) => `${k.padEnd(18)} ${typeof v === 'object' ? Object.values(v).join(', ') || '-' : String(v)}`,
  );
}

/** What the Accounts page shows about the account's last sign-in. */
function recordSignIn(cli: Cli, accountId: number, state: 'ok' | 'unchecked'): void {
  try {
    new SignInStatusStore(cli.stores.paths.signInStatusFile).record(accountId, {
      state,
      at: new Date().toISOString(),
      source: 'sign-in',
    });
  } catch {
    // a status that cannot be written does not undo the save
  }
}

/** Stored values that could not be read or failed validation: said on stderr, never used. */
function noteProblems(cli: Cli, accounts: BackupAccount[]): void {
  for (const a of accounts)
    for (const p of a.problems) cli.out.note(`Account ${a.id}: the stored ${p.key} is not used (${p.message}).`);
}

/** `account set` keys, as the database names them, and the field of a typed edit each sets. */
const settableKeys = {
  name: 'name',
  enabled: 'enabled',
  server_address: 'serverAddress',
  webdav_path: 'webdavPath',
  username: 'username',
  ignore_ssl_errors: 'ignoreSslErrors',
  backups_path: 'backupsPath',
} as const satisfies Record<string, keyof AccountSettingsEdit>;

function parseBool(text: string, key: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new InputError(`${key} must be true or false, not "${text}"`);
}

/** `KEY=VALUE` pairs as a typed edit; an unknown key or a flag that is not true or false is refused. */
function accountEditOf(pairs: string[]): AccountSettingsEdit {
  const edit: AccountSettingsEdit = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`Expected KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!Object.hasOwn(settableKeys, key))
      throw new InputError(`Unknown setting "${key}" (editable: ${Object.keys(settableKeys).join(', ')})`);
    const field = settableKeys[key as keyof typeof settableKeys];
    if (field === 'enabled' || field === 'ignoreSslErrors') edit[field] = parseBool(value, key);
    else edit[field] = value;
  }
  return edit;
}

/**
 * Removes the account's profiles through the engine of this data dir when one runs (it refuses while a
 * sync of them runs, and tells its clients); with no engine running, nothing runs them: the files go.
 */
async function removeAccountProfiles(cli: Cli, accountId: number): Promise<void> {
  let session: DaemonSession | undefined;
  try {
    session = await DaemonSession.existing(cli.stores, cli.env);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    cli.out.note(err.message);
  }
  if (!session) {
    for (const profile of cli.stores.profiles.forAccount(accountId)) cli.stores.profiles.remove(profile.name);
    return;
  }
  try {
    await removeProfilesThroughDaemon(cli.stores, session.msyncd, accountId);
  } finally {
    await session.close();
  }
}

export function providers(cli: Cli): void {
  const list = cli.stores.catalog
    .backupProviders()
    .map((p) => ({ id: p.id, name: p.name, description: p.description, service: `${p.id}-backup` }));
  cli.out.result(list, () => list.map((p) => `${p.id.padEnd(12)} ${p.name.padEnd(12)} ${p.description}`));
}

export async function account(cli: Cli, args: CommandArgs): Promise<void> {
  const [sub, ...rest] = args.positionals;
  const accounts = cli.stores.accounts;
  switch (sub) {
    case 'add': {
      const provider = args.string('provider');
      const server = args.string('server');
      const user = args.string('user');
      if (!provider || !server || !user) throw new InputError('account add needs --provider, --server and --user');
      if (!args.flag('password-stdin'))
        throw new InputError('Give the password on standard input with --password-stdin (never as an argument)');
      const password = await readSecretFromStdin();
      const input = {
        provider,
        serverAddress: server,
        username: user,
        password,
        ...(args.string('name') ? { name: args.string('name')! } : {}),
        ...(args.string('webdav-path') ? { webdavPath: args.string('webdav-path')! } : {}),
        ...(args.string('backups-path') ? { backupsPath: args.string('backups-path')! } : {}),
        ...(args.flag('ignore-ssl-errors') ? { ignoreSslErrors: true } : {}),
      };
      const offline = args.flag('offline');
      if (!cli.stores.catalog.backupService(provider)) {
        const known = cli.stores.catalog.backupProviders().map((p) => p.id);
        throw new InputError(`Unknown backup provider "${provider}" (known: ${known.join(', ') || 'none'})`);
      }
      if (!offline) await signInBeforeSaving(newAccountSettings(input));
      await cli.announceAccountChanges();
      const created = await accounts.add(input);
      recordSignIn(cli, created.id, offline ? 'unchecked' : 'ok');
      if (offline) cli.out.note('Saved without signing in to the server (--offline).');
      cli.out.result(publicAccount(created), () => String(created.id));
      return;
    }
    case 'list':
    case undefined: {
      const all = accounts.list();
      noteProblems(cli, all);
      const list = all.map(publicAccount);
      cli.out.result(list, () =>
        list.length === 0
          ? [
              'No backup accounts. Add one with: sfbackup account add --provider nextcloud --server URL --user NAME --password-stdin',
            ]
          : list.map(
              (a) =>
                `${String(a.id).padEnd(4)} ${a.provider.padEnd(10)} ${a.name}  ${a.server_address}  ${a.backups_path}`,
            ),
      );
      return;
    }
    case 'show': {
      const a = accounts.get(parseAccountId(rest[0]));
      noteProblems(cli, [a]);
      cli.out.result(publicAccount(a), () => accountLines(a));
      return;
    }
    case 'set': {
      const id = parseAccountId(rest[0]);
      const pairs = rest.slice(1);
      const edit = accountEditOf(pairs);
      const wantsPassword = args.flag('password-stdin');
      if (pairs.length === 0 && !wantsPassword)
        throw new InputError('account set needs KEY=VALUE pairs or --password-stdin');
      const current = accounts.get(id);
      const password = wantsPassword ? await readSecretFromStdin() : undefined;
      if (wantsPassword && !password) throw new InputError('The password cannot be empty');
      const stored = await accounts.credentialsFor(current);
      const { settings, changed } = editedSettings(current, stored?.password ?? '', {
        ...edit,
        password,
      });
      const offline = args.flag('offline');
      if (changed && !offline) await signInBeforeSaving(settings);
      await cli.announceAccountChanges();
      let updated = pairs.length > 0 ? await accounts.update(id, edit) : current;
      if (password) {
        await accounts.setPassword(id, password);
        updated = accounts.get(id);
      }
      if (changed) recordSignIn(cli, id, offline ? 'unchecked' : 'ok');
      if (changed && offline) cli.out.note('Saved without signing in to the server (--offline).');
      cli.out.result(publicAccount(updated), () => accountLines(updated));
      return;
    }
    case 'remove': {
      const id = parseAccountId(rest[0]);
      await cli.announceAccountChanges();
      const a = accounts.get(id);
      await removeAccountProfiles(cli, id);
      await accounts.remove(id);
      try {
        new SignInStatusStore(cli.stores.paths.signInStatusFile).forget(id);
      } catch {
        // the account is gone either way
      }
      cli.out.result({ removed: id }, () => `Removed account ${id} (${a.name}) and its sync profiles`);
      return;
    }
    default:
      throw new InputError(`Unknown command "account ${sub}" (add, list, show, set, remove)`);
  }
}
