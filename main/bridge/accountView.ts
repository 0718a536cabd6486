import type { BackupAccount } from '../accounts/BackupAccounts.js';
import type { AccountView, SignInStatus } from '../ipc/contract.js';

/** Set by the backup plugins on HTTP 401 (libaccounts' CredentialsNeedUpdate), once the account model has it. */
function credentialsNeedUpdate(a: BackupAccount): boolean {
  return (a as BackupAccount & { credentialsNeedUpdate?: boolean }).credentialsNeedUpdate ?? false;
}

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
    credentialsNeedUpdate: credentialsNeedUpdate(a),
    signIn: signIn ?? null,
  };
}
