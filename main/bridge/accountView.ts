import type { BackupAccount } from '../accounts/BackupAccounts.js';
import type { AccountView, SignInStatus } from '../ipc/contract.js';

export function accountView(a: BackupAccount, signIn?: SignInStatus): AccountView {
  return {
    id: a.id,
    provider: a.provider,
    providerName: a.providerName,
    name: a.name,
    enabled: a.enabled,
    serverAddress: a.serverAddress,
    webdavPath: a.webdavPath,
    username: a.username,
    ignoreSslErrors: a.ignoreSslErrors,
    backupsPath: a.backupsPath,
    backupEnabled: a.backupEnabled,
    hasPassword: a.credentialsId !== undefined,
    profiles: { ...a.profileIds },
    credentialsNeedUpdate: a.credentialsNeedUpdate,
    signIn: signIn ?? null,
  };
}
