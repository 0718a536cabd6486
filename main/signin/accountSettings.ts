// The settings a sign-in uses: those of a new account, or a saved account's with the edits applied,
// validated by the same rules the account store applies when it saves them.
import type { BackupAccount } from '../accounts/BackupAccounts.js';
import { defaultBackupsPath, defaultWebdavPath } from '../accounts/BackupAccounts.js';
import {
  resolveBackupsPath,
  validateServerAddress,
  validateServerPath,
  validateUsername,
} from '../accounts/validation.js';
import type { SignInSettings } from './signIn.js';

export interface ConnectionEdit {
  serverAddress?: string | undefined;
  webdavPath?: string | undefined;
  username?: string | undefined;
  backupsPath?: string | undefined;
  ignoreSslErrors?: boolean | undefined;
  password?: string | undefined;
}

export function newAccountSettings(input: {
  provider: string;
  serverAddress: string;
  username: string;
  password: string;
  webdavPath?: string | undefined;
  backupsPath?: string | undefined;
  ignoreSslErrors?: boolean | undefined;
}): SignInSettings {
  const serverAddress = validateServerAddress(input.serverAddress);
  const username = validateUsername(input.username);
  const webdavPath = validateServerPath(
    input.webdavPath ?? defaultWebdavPath(input.provider, serverAddress, username),
    'WebDAV path',
  );
  return {
    serverAddress,
    username,
    password: input.password,
    webdavPath,
    backupsPath: resolveBackupsPath(input.backupsPath ?? defaultBackupsPath(webdavPath)),
    ignoreSslErrors: input.ignoreSslErrors ?? false,
  };
}

/** The saved account's settings with the edits applied, and whether any of them changes how it signs in. */
export function editedSettings(
  account: BackupAccount,
  storedPassword: string,
  edit: ConnectionEdit,
): { settings: SignInSettings; changed: boolean } {
  const serverAddress =
    edit.serverAddress !== undefined ? validateServerAddress(edit.serverAddress) : account.serverAddress;
  const username = edit.username !== undefined ? validateUsername(edit.username) : account.username;
  const webdavPath =
    edit.webdavPath !== undefined ? validateServerPath(edit.webdavPath, 'WebDAV path') : account.webdavPath;
  const backupsPath = edit.backupsPath !== undefined ? resolveBackupsPath(edit.backupsPath) : account.backupsPath;
  const ignoreSslErrors = edit.ignoreSslErrors ?? account.ignoreSslErrors;
  // No stored password signs in with an empty one: the server's refusal then points at the password field.
  const password = edit.password ?? storedPassword;
  const settings = { serverAddress, username, webdavPath, backupsPath, ignoreSslErrors, password };
  const changed =
    serverAddress !== account.serverAddress ||
    username !== account.username ||
    webdavPath !== account.webdavPath ||
    backupsPath !== account.backupsPath ||
    ignoreSslErrors !== account.ignoreSslErrors ||
    (edit.password !== undefined && edit.password !== storedPassword);
  return { settings, changed };
}
