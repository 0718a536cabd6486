// Choosing a backup opens this page, in Sailfish's words: what the device will be restored from, what
// to expect, then Restore, the progress and "Finished". A backup whose folders this computer does not
// back up asks first where to restore them (a folder picker); any backup can go to another folder.
import { useEffect, useRef, useState } from 'react';
import { callErrorOf } from '../api';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { useDeviceState } from '../DeviceContext';
import { FadingText } from '../components/FadingText';
import { ErrorText, Hint, Info, PageHeader } from '../components/layout';
import { useFolderPicker } from '../components/useFolderPicker';
import { backupDate } from '../format';
import type { Navigate } from '../navigation';
import { OperationProgress, type OperationView } from './backup/OperationProgress';
import { folderLabel } from './backup/targets';
import {
  backupFileDate,
  isFinalVaultStatus,
  type AccountView,
  type FolderTargetView,
  type VaultStateView,
} from '../../main/ipc/contract';

export type RestoreSource = { kind: 'cloud'; accountId: number } | { kind: 'folder'; folder: string };

const idleVault: VaultStateView = { status: 'Idle', statusText: '', progress: 0, canCancel: false, error: '' };

/** Why the backup needs a folder to restore into, or undefined when its folders have homes here. */
function unknownFoldersText(unknown: string[] | 'all' | undefined): string | undefined {
  if (unknown === 'all')
    return 'This computer backs up no folders yet, so the backup’s folders have no place here. Choose a folder to restore them into.';
  if (!unknown || unknown.length === 0) return undefined;
  return `This backup holds folders this computer does not back up (${unknown.join(', ')}). Choose a folder to restore them into.`;
}

export function RestoreConfirmPage(props: {
  source: RestoreSource;
  file: string;
  navigate: Navigate;
  onBack: () => void;
}) {
  const { source, file, navigate, onBack } = props;
  const api = useApi();
  // A device restores into its own data: there is no other folder to choose for it.
  const { device } = useDeviceState();
  const picker = useFolderPicker();
  const [account, setAccount] = useState<AccountView>();
  const [folder, setFolder] = useState<FolderTargetView>();
  const [unknown, setUnknown] = useState<string[] | 'all'>();
  const [into, setInto] = useState<string | null>(null);
  const [vault, setVault] = useState<VaultStateView>(idleVault);
  const [operation, setOperation] = useState<OperationView>();
  const [error, setError] = useState<string>();
  const done = useRef<HTMLButtonElement>(null);
  const restoreButton = useRef<HTMLButtonElement>(null);
  const accountId = source.kind === 'cloud' ? source.accountId : 0;
  const filePath = source.kind === 'folder' ? `${source.folder.replace(/\/+$/, '')}/${file}` : undefined;

  const sourceFolder = source.kind === 'folder' ? source.folder : '';
  useEffect(() => {
    const failed = (err: unknown) => setError(messageOf(err));
    if (!sourceFolder) {
      api.accounts.list().then((list) => setAccount(list.find((a) => a.id === accountId)), failed);
      // A new computer backs up nothing yet: every folder of a cloud backup needs a place.
      api.units.list().then(
        (units) => setUnknown(units.length === 0 ? 'all' : []),
        () => setUnknown([]),
      );
    } else {
      api.targets.list().then((t) => setFolder(t.folders.find((f) => f.path === sourceFolder)), failed);
      api.backup.fileUnits(sourceFolder, file).then((u) => setUnknown(u.unknown), failed);
    }
  }, [api, accountId, sourceFolder, file]);

  useEvent('vault.state', setVault);
  useEvent('vault.operation', (e) => {
    const ours = source.kind === 'cloud' ? e.accountId === accountId && !e.file : e.file === filePath;
    if (e.kind !== 'restore' || !ours) return;
    // A file restore says Preparing when it begins; every other status but an outcome is a stage.
    const status = e.status === 'Preparing' ? 'Running' : e.status;
    if (status !== 'Running' && !isFinalVaultStatus(status)) return;
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

  const ready = source.kind === 'cloud' ? account !== undefined : unknown !== undefined;
  // A cloud backup's folders are known only once it is downloaded: the restore itself then says they
  // have no place here (or that their place cannot take them), and a folder is asked for after all.
  const refusedForFolder = operation?.status === 'Error' && operation.problem?.kind === 'needs-folder';
  const needsFolder = !device && (unknownFoldersText(unknown) !== undefined || refusedForFolder) && into === null;

  const chooseFolder = async () => {
    const chosen = await picker.pick({ title: 'Restore into', ...(into ? { start: into } : {}) });
    if (chosen) setInto(chosen);
    restoreButton.current?.focus();
  };

  const restore = async () => {
    setError(undefined);
    setOperation({ kind: 'restore', accountId, status: 'Running', startedHere: true });
    try {
      if (source.kind === 'folder') await api.backup.restoreFile(source.folder, file, into);
      else if (into) await api.backup.restoreInto(source.accountId, file, into);
      else await api.backup.restore(source.accountId, file);
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

  const storageName =
    source.kind === 'cloud'
      ? account
        ? `${account.name} (${account.providerName})`
        : '…'
      : folder
        ? folderLabel(folder)
        : source.folder;
  const canStart = !operation || operation.status === 'Error' || operation.status === 'Canceled';

  return (
    <main>
      <PageHeader title="Restore device" onBack={onBack} />
      <Info>The device will be restored using</Info>
      <div className="backup-row static">
        <span className="row-main">
          <FadingText className="file-name" text={file} />
          <span className="date">{backupDate(backupFileDate(file)?.toISOString() ?? null)}</span>
        </span>
        <span className="row-sub">{storageName}</span>
      </div>
      <Info>
        {source.kind === 'cloud'
          ? 'The data will now be downloaded and restored. '
          : `The data will now be copied from ${folder?.kind === 'drive' ? 'the drive' : 'the folder'} and restored. `}
        {into
          ? `The backup’s folders go into ${into}. `
          : `The files of this backup replace the ones on ${device ? 'the device' : 'this computer'}; files that are not in the backup are kept. `}
        Depending on the amount of content, it may take some time. Please wait without turning off the{' '}
        {device ? 'device' : 'computer'}
        {source.kind === 'cloud'
          ? ' or disconnecting from the internet service.'
          : folder?.kind === 'drive'
            ? ' or removing the drive.'
            : '.'}
      </Info>
      {canStart && !device && unknownFoldersText(unknown) && !into && <Hint>{unknownFoldersText(unknown)}</Hint>}
      {canStart && into && (
        <p className="restore-into">
          <span className="picker-label">Restore into</span> <FadingText className="picker-value" text={into} />
        </p>
      )}
      {canStart && (
        <div className="center stacked">
          {needsFolder ? (
            <button ref={restoreButton} type="button" className="primary" onClick={() => void chooseFolder()}>
              Choose folder…
            </button>
          ) : (
            <button
              ref={restoreButton}
              type="button"
              className="primary"
              onClick={() => void restore()}
              disabled={!ready}
            >
              {operation ? 'Try again' : 'Restore'}
            </button>
          )}
          {!needsFolder && !device && (
            <button type="button" className="link" onClick={() => void chooseFolder()}>
              {into ? 'Choose another folder…' : 'Restore into another folder…'}
            </button>
          )}
        </div>
      )}
      <OperationProgress
        vault={vault}
        operation={operation}
        account={account}
        onCancel={() => void api.backup.cancel()}
        onFix={source.kind === 'cloud' ? (field) => navigate({ page: 'account', accountId, focus: field }) : undefined}
        onViewLog={
          source.kind === 'cloud'
            ? () =>
                navigate({
                  page: 'profiles',
                  ...(account?.profiles.BackupRestore ? { profile: account.profiles.BackupRestore } : {}),
                })
            : undefined
        }
      />
      {operation?.status === 'Finished' && (
        <>
          <Hint>{into ? `Your files are back, in ${into}.` : 'Your files are back.'}</Hint>
          <div className="center">
            <button ref={done} type="button" className="primary" onClick={onBack}>
              Done
            </button>
          </div>
        </>
      )}
      {(error ?? picker.error) && <ErrorText>{error ?? picker.error}</ErrorText>}
      {picker.element}
    </main>
  );
}
