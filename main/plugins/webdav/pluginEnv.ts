// What the WebDAV backup plugins share: the account behind a profile, its server, and the vault.
import type { BackupAccount, BackupAccounts } from '../../accounts/BackupAccounts.js';
import { MinorCode } from '../../buteo/codes.js';
import type { SyncProfile } from '../../buteo/SyncProfile.js';
import { BackupError, errorMessage } from '../../errors.js';
import type { SignInStatusStore } from '../../signin/SignInStatusStore.js';
import type { StreamEndpoints } from '../../vault/streamEndpoints.js';
import type { VaultProxy } from '../../vault/VaultProxy.js';
import { WebDavConnection, type TransferLimits } from './WebDavConnection.js';

export interface PluginEnv {
  accounts: BackupAccounts;
  vault: VaultProxy;
  /** The vault's own download folder: the only place BackupRestore writes a backup to. */
  restoreDir: string;
  /** Where this app's vault and plugins meet to stream archives (streamEndpoints.ts). */
  streams: StreamEndpoints;
  /** A folder for small archives kept locally before their upload (backupArchive.ts). */
  spoolDir: string;
  /** Archives up to this size are kept in `spoolDir` first; larger ones stream straight up. */
  spoolMaxBytes: number;
  idleTimeoutMs?: number;
  /** Where each run's outcome at the server is recorded for the Accounts page (optional). */
  signInStatus?: SignInStatusStore;
  transferLimits?: Partial<TransferLimits>;
}

export interface AccountSession {
  account: BackupAccount;
  connection: WebDavConnection;
  /** `<backups_path>/<deviceId>`: this device's backups on the server. */
  deviceFolder: string;
}

export async function openSession(env: PluginEnv, profile: SyncProfile): Promise<AccountSession> {
  const accountId = profile.accountId;
  if (accountId === undefined)
    throw new BackupError(MinorCode.PluginError, `Profile ${profile.name} names no account.`);
  let account: BackupAccount;
  try {
    account = env.accounts.get(accountId);
  } catch (err) {
    throw new BackupError(MinorCode.PluginError, errorMessage(err));
  }
  if (!account.serverAddress || !account.backupsPath) {
    const key = account.serverAddress ? 'backups_path' : 'server_address';
    throw new BackupError(
      MinorCode.PluginError,
      `The account "${account.name}" has no valid ${key} (see "sfbackup account show ${account.id}"); set it with "sfbackup account set ${account.id} ${key}=…".`,
    );
  }
  if (!account.enabled || !account.backupEnabled) {
    throw new BackupError(MinorCode.PluginError, `The account "${account.name}" is disabled for backups.`);
  }
  const credentials = await env.accounts.credentialsFor(account);
  if (!credentials)
    throw new BackupError(
      MinorCode.AuthenticationFailure,
      `No password is stored for the account "${account.name}"; enter it again.`,
    );
  let deviceId: string;
  try {
    deviceId = await env.vault.backupFileDeviceId();
  } catch (err) {
    throw new BackupError(MinorCode.InternalError, `The backup service is not answering: ${errorMessage(err)}`);
  }
  const connection = new WebDavConnection({
    serverAddress: account.serverAddress,
    username: credentials.username,
    password: credentials.password,
    ignoreSslErrors: account.ignoreSslErrors,
    ...(env.idleTimeoutMs ? { idleTimeoutMs: env.idleTimeoutMs } : {}),
    ...(env.transferLimits ? { limits: env.transferLimits } : {}),
  });
  return { account, connection, deviceFolder: `${account.backupsPath.replace(/\/+$/, '')}/${deviceId}` };
}
