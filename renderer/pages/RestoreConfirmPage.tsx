// Choosing a backup opens this page, in Sailfish's words: what the device will be restored from, what
// to expect, then Restore, the progress and "Finished".
import { useEffect, useRef, useState } from 'react';
import { callErrorOf } from '../api';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { FadingText } from '../components/FadingText';
import { ErrorText, Hint, Info, PageHeader } from '../components/layout';
import { backupDate } from '../format';
import type { Navigate } from '../navigation';
import { OperationProgress, type OperationView } from './backup/OperationProgress';
import { backupFileDate, isFinalVaultStatus, type AccountView, type VaultStateView } from '../../main/ipc/contract';

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
  const done = useRef<HTMLButtonElement>(null);
  const restoreButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    api.accounts.list().then(
      (list) => setAccount(list.find((a) => a.id === accountId)),
      (err: unknown) => setError(messageOf(err)),
    );
  }, [api, accountId]);
  useEvent('vault.state', setVault);
  useEvent('vault.operation', (e) => {
    const status = e.status;
    if (e.kind === 'restore' && e.accountId === accountId && isFinalVaultStatus(status))
      setOperation((current) => ({
        kind: 'restore',
        accountId,
        status,
        startedHere: current?.startedHere ?? false,
        ...(e.error ? { error: e.error } : {}),
        ...(e.problem ? { problem: e.problem } : {}),
      }));
  });

  // The cancel button goes when the restore ends: focus moves to what the user can do next.
  const ended = operation !== undefined && operation.status !== 'Running';
  useEffect(() => {
    if (!ended) return;
    if (operation?.status === 'Finished') done.current?.focus();
    else restoreButton.current?.focus();
  }, [ended, operation?.status]);

  const restore = async () => {
    setError(undefined);
    setOperation({ kind: 'restore', accountId, status: 'Running', startedHere: true });
    try {
      await api.backup.restore(accountId, file);
    } catch (err) {
      const failure = callErrorOf(err);
      setOperation({
        kind: 'restore',
        accountId,
        status: 'Error',
        error: failure.message,
        ...(failure.problem ? { problem: failure.problem } : {}),
      });
    }
  };

  return (
    <main>
      <PageHeader title="Restore device" onBack={onBack} />
      <Info>The device will be restored using</Info>
      <div className="backup-row static">
        <span className="row-main">
          <FadingText className="file-name" text={file} />
          <span className="date">{backupDate(backupFileDate(file)?.toISOString() ?? null)}</span>
        </span>
        <span className="row-sub">{account ? `${account.name} (${account.providerName})` : '…'}</span>
      </div>
      <Info>
        The data will now be downloaded and restored. The files of this backup replace the ones on this computer; files
        that are not in the backup are kept. Depending on the amount of content, it may take some time. Please wait
        without turning off the computer or disconnecting from the internet service.
      </Info>
      {(!operation || operation.status === 'Error' || operation.status === 'Canceled') && (
        <div className="center">
          <button
            ref={restoreButton}
            type="button"
            className="primary"
            onClick={() => void restore()}
            disabled={!account}
          >
            {operation ? 'Try again' : 'Restore'}
          </button>
        </div>
      )}
      <OperationProgress
        vault={vault}
        operation={operation}
        account={account}
        onCancel={() => void api.backup.cancel()}
        onFix={(field) => navigate({ page: 'account', accountId, focus: field })}
        onViewLog={() =>
          navigate({
            page: 'profiles',
            ...(account?.profiles.BackupRestore ? { profile: account.profiles.BackupRestore } : {}),
          })
        }
      />
      {operation?.status === 'Finished' && (
        <>
          <Hint>Your files are back.</Hint>
          <div className="center">
            <button ref={done} type="button" className="primary" onClick={onBack}>
              Done
            </button>
          </div>
        </>
      )}
      {error && <ErrorText>{error}</ErrorText>}
    </main>
  );
}
