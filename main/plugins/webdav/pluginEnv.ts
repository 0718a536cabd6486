// What the WebDAV backup plugins share: the account behind a profile, its server, and the vault.
import type { BackupAccount, BackupAccounts } from '../../accounts/BackupAccounts.js';
import { LOCATION_KEYS } from '../../accounts/readAccount.js';
import { MinorCode } from '../../buteo/codes.js';
import type { SyncProfile } from '../../buteo/SyncProfile.js';
import { BackupError, errorMessage } from '../../errors.js';
import type { StreamEndpoints } from '../../transfer/streamEndpoints.js';
import type { VaultProxy } from '../../vault/VaultProxy.js';
import { WebDavConnection, type TransferLimits } from './WebDavConnection.js';

/** What opening an account's session needs (openSession). */
export interface SessionEnv {
  accounts: BackupAccounts;
  vault: VaultProxy;
  /** The vault's own download folder: the only place BackupRestore writes a backup to. */
  restoreDir: string;
  idleTimeoutMs?: number;
  transferLimits?: Partial<TransferLimits>;
}

export interface PluginEnv extends SessionEnv {
  /** Where this app's vault and plugins meet to stream archives (streamEndpoints.ts). */
  streams: StreamEndpoints;
  /** A folder for small archives kept locally before their upload (backupArchive.ts). */
  spoolDir: string;
  /** Archives up to this size are kept in `spoolDir` first; larger ones stream straight up. */
  spoolMaxBytes: number;
}

export interface AccountSession {
  account: BackupAccount;
  connection: WebDavConnection;
  /** `<backups_path>/<deviceId>`: this device's backups on the server. */
  deviceFolder: string;
}

export async function openSession(env: SessionEnv, profile: SyncProfile): Promise<AccountSession> {
  const accountId = profile.accountId;
  if (accountId === undefined)
    throw new BackupError(MinorCode.PluginError, `Profile ${profile.name} names no account.`);
  let account: BackupAccount;
  try {
    account = env.accounts.get(accountId);
  } catch (err) {
    throw new BackupError(MinorCode.PluginError, errorMessage(err));
  }
  // A damaged place setting is never replaced by a default: the backup would go somewhere else unasked.
  const damaged = account.problems.find((p) => LOCATION_KEYS.includes(p.key));
  if (damaged)
    throw new BackupError(
      MinorCode.PluginError,
      `The account "${account.name}" has a damaged ${damaged.key} setting (${damaged.message}), so nothing is sent anywhere; set it again with "sfbackup account set ${account.id} ${damaged.key}=…" or in the account's settings.`,
      { kind: 'damaged' },
    );
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
