// Choosing a backup opens this page: what will be restored, then Restore, progress and "Finished".
import { useEffect, useState } from 'react';
import type { AccountView, VaultStateView } from '../../main/ipc/contract';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { ErrorText, Hint, Info, PageHeader } from '../components/layout';
import { backupDate } from '../format';
import type { Navigate } from '../navigation';
import { OperationProgress, type OperationView } from './backup/ManualBackupSection';
import { backupFileDateIso } from './restoreNames';

export function RestoreConfirmPage({
  accountId,
  file,
  navigate,
  onBack,
}: {
  accountId: number;
  file: string;
  navigate: Navigate;
  onBack: () => void;
}) {
  const api = useApi();
  const [account, setAccount] = useState<AccountView>();
  const [vault, setVault] = useState<VaultStateView>({
    status: 'Idle',
    statusText: '',
    progress: 0,
    canCancel: false,
    error: '',
  });
  const [operation, setOperation] = useState<OperationView>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.accounts.list().then(
      (list) => setAccount(list.find((a) => a.id === accountId)),
      (err: unknown) => setError(messageOf(err)),
    );
  }, [api, accountId]);
  useEvent('vault.state', setVault);
  useEvent('vault.operation', (e) => {
    if (e.kind === 'restore' && e.accountId === accountId)
      setOperation({ kind: 'restore', accountId, status: e.status, ...(e.error ? { error: e.error } : {}) });
  });

  const restore = async () => {
    setError(undefined);
    setOperation({ kind: 'restore', accountId, status: 'Running' });
    try {
      await api.backup.restore(accountId, file);
    } catch (err) {
      setOperation({ kind: 'restore', accountId, status: 'Error', error: messageOf(err) });
    }
  };

  return (
    <main>
      <PageHeader title="Restore device" onBack={onBack} />
      <Info>
        The files of this backup replace the ones on this computer. Files that are not in the backup are kept.
      </Info>
      <dl className="details">
        <dt>Backup</dt>
        <dd className="file-name">{file}</dd>
        <dt>Created</dt>
        <dd>{backupDate(backupFileDateIso(file)) || 'Unknown'}</dd>
        <dt>Storage</dt>
        <dd>{account ? `${account.name} (${account.providerName})` : '…'}</dd>
      </dl>
      {!operation && (
        <div className="center">
          <button type="button" className="primary" onClick={() => void restore()} disabled={!account}>
            Restore
          </button>
        </div>
      )}
      {operation && (
        <OperationProgress
          vault={vault}
          operation={operation}
          onCancel={() => void api.backup.cancel()}
          onViewLog={() =>
            navigate({
              page: 'profiles',
              ...(account?.profiles.BackupRestore ? { profile: account.profiles.BackupRestore } : {}),
            })
          }
        />
      )}
      {operation?.status === 'Finished' && <Hint>Your files are back. You can close this page.</Hint>}
      {error && <ErrorText>{error}</ErrorText>}
    </main>
  );
}
