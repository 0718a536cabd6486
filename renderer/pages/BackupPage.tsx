// Settings → System → Backup, as on Sailfish: automatic backups, manual backup with live progress,
// and the previous backups to restore from.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  isBusyVaultStatus,
  isFinalVaultStatus,
  type AutoBackup,
  type BackupPage as PageData,
  type ProblemField,
  type VaultStateView,
} from '../../main/ipc/contract';
import { callErrorOf } from '../api';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { useDeviceState } from '../DeviceContext';
import { ErrorText, Hint, Info, PageHeader, Section } from '../components/layout';
import type { Navigate } from '../navigation';
import { AutoBackupSection } from './backup/AutoBackupSection';
import { ManualBackupSection } from './backup/ManualBackupSection';
import { OperationProgress, type OperationView } from './backup/OperationProgress';
import { RestoreSection, type BackupListState } from './backup/RestoreSection';
import { cloudTargets, folderTargets, type BackupTarget } from './backup/targets';
import { UnitsEditor } from './backup/UnitsEditor';
import { FileProblems } from './backup/FileProblems';
import { DemoBanner } from './backup/DemoParts';
import { NoAccounts } from './backup/NoAccounts';
import { useFolderBackups } from './backup/useFolderBackups';
import { useFolderPicker } from '../components/useFolderPicker';
import { CopyFromComputer, CopyStatus } from './devices/DeviceCopySection';
import { useDeviceCopy } from './devices/useDeviceCopy';

export function BackupPage({ navigate, onBack }: { navigate: Navigate; onBack: () => void }) {
  const api = useApi();
  // On a device, accounts and backed-up folders are the device's own, chosen there.
  const { device } = useDeviceState();
  const [page, setPage] = useState<PageData>();
  const [loadError, setLoadError] = useState<string>();
  const [vault, setVault] = useState<VaultStateView>();
  const [operation, setOperation] = useState<OperationView>();
  const [lists, setLists] = useState<Record<number, BackupListState>>({});
  const [actionError, setActionError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const backupNow = useRef<HTMLButtonElement>(null);
  const autoQueue = useRef<Promise<void>>(Promise.resolve());
  const autoSaves = useRef(0);
  const local = useFolderBackups();
  const picker = useFolderPicker();
  // A copy to the device's card shows up in its restore list.
  const copy = useDeviceCopy((c) => c.direction === 'toDevice' && c.result && local.refreshFolder(c.result.folder));

  const load = useCallback(async () => {
    try {
      const data = await api.backup.page();
      setPage(data);
      setVault(data.vault);
      setLoadError(undefined);
      return data;
    } catch (err) {
      setLoadError(messageOf(err));
      return undefined;
    }
  }, [api]);

  /** Lists one account's backups; each account has its own state, so a slow server holds up only itself. */
  const refreshList = useCallback(
    (accountId: number) => {
      setLists((l) => ({ ...l, [accountId]: { loading: true, items: l[accountId]?.items ?? [] } }));
      api.backup.list(accountId).then(
        (items) => setLists((l) => ({ ...l, [accountId]: { loading: false, items } })),
        (err: unknown) =>
          setLists((l) => ({ ...l, [accountId]: { loading: false, items: [], error: callErrorOf(err) } })),
      );
    },
    [api],
  );

  useEffect(() => {
    void load().then((data) => data?.accounts.forEach((a) => refreshList(a.id)));
  }, [load, refreshList]);

  useEvent('vault.state', setVault);
  useEvent('accounts.changed', () => void load());
  useEvent('vault.operation', (e) => {
    // Only an outcome ends the run this page shows; "archive written, uploading" is a stage.
    const status = e.status;
    if (!isFinalVaultStatus(status)) return;
    setOperation((current) => {
      // While this page's run is going, an outcome for another account or kind is not its outcome.
      if (
        current?.status === 'Running' &&
        (current.accountId !== e.accountId || current.kind !== e.kind || (current.file ?? e.file) !== e.file)
      )
        return current;
      return {
        kind: e.kind,
        accountId: e.accountId,
        status,
        ...(e.file ? { file: e.file } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(e.problem ? { problem: e.problem } : {}),
      };
    });
    if (e.kind === 'backup' && e.status === 'Finished') {
      if (e.file) local.refreshFolder(e.file.slice(0, e.file.lastIndexOf('/')) || '/');
      else refreshList(e.accountId);
    }
  });

  // When a run ends, the cancel button it had focus on is gone: focus goes back to Back up now.
  const runningNow = operation?.status === 'Running';
  useEffect(() => {
    if (!runningNow && (document.activeElement === document.body || document.activeElement === null))
      backupNow.current?.focus();
  }, [runningNow]);

  if (loadError) {
    return (
      <main>
        <PageHeader title="Backup" onBack={onBack} />
        <ErrorText>{loadError}</ErrorText>
      </main>
    );
  }
  if (!page || !vault) {
    return (
      <main aria-busy="true">
        <PageHeader title="Backup" onBack={onBack} />
        <Hint>Loading…</Hint>
      </main>
    );
  }

  const unitsText = page.units.map((u) => u.name).join(', ') || 'nothing yet';
  const vaultBusy = isBusyVaultStatus(vault.status);
  const busy = operation?.status === 'Running' || vaultBusy;
  // A backup already under way when the page opened (a scheduled one, or from the CLI) shows too.
  const shown: OperationView | undefined =
    operation ??
    (vaultBusy
      ? {
          kind: vault.status === 'DownloadingBackup' ? 'restore' : 'backup',
          accountId: page.autoAccountId ?? page.accounts[0]?.id ?? 0,
          status: 'Running',
        }
      : undefined);
  const shownAccount = page.accounts.find((a) => a.id === shown?.accountId);
  const act = async (work: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await work();
    } catch (err) {
      setActionError(messageOf(err));
    }
  };
  const setAuto = (accountId: number | null, auto: AutoBackup) => {
    // Shown at once, so the next change builds on this one; saved one after another, so the last one wins
    // even where each save takes a while (a device over SSH).
    setPage((p) => p && { ...p, autoAccountId: accountId, autoBackup: auto });
    const save = ++autoSaves.current;
    autoQueue.current = autoQueue.current.then(() =>
      act(async () => {
        try {
          const saved = await api.backup.setAuto(accountId, auto);
          if (save === autoSaves.current) setPage(saved);
        } catch (err) {
          // What was not saved is not left on screen: the page shows what the target really has.
          if (save === autoSaves.current) void load();
          throw err;
        }
      }),
    );
  };
  const fixAccount = (accountId: number, field: ProblemField) => navigate({ page: 'account', accountId, focus: field });
  const targets = [...cloudTargets(page.accounts), ...folderTargets(local.targets?.folders ?? [])];

  const startBackup = (target: BackupTarget) => {
    setNotice(undefined);
    const id = target.kind === 'cloud' ? target.accountId : 0;
    const started: Promise<unknown> =
      target.kind === 'cloud'
        ? api.backup.start(id)
        : api.backup.toFolder(target.folder.path).then((r) => {
            setOperation((current) =>
              current?.status === 'Running' && !current.file ? { ...current, file: r.file } : current,
            );
            if (r.created) setNotice(`Made the folder ${target.folder.path} for your backups.`);
          });
    setOperation({ kind: 'backup', accountId: id, status: 'Running', startedHere: true });
    started.catch((err: unknown) => {
      const error = callErrorOf(err);
      setOperation({
        kind: 'backup',
        accountId: id,
        status: 'Error',
        error: error.message,
        ...(error.problem ? { problem: error.problem } : {}),
      });
    });
  };

  /** "Add folder…": asks for a folder, makes it a target, and answers with its key to select it. */
  const addTargetFolder = async (): Promise<string | null> => {
    const folder = await picker.pick({ title: 'Back up to folder' });
    if (!folder) return null;
    try {
      await api.targets.add(folder);
      await local.load();
      return `folder-${folder}`;
    } catch (err) {
      setActionError(messageOf(err));
      return null;
    }
  };

  return (
    <main>
      <PageHeader title="Backup" onBack={onBack} />
      <Info>
        Create a backup to protect your personal data. Use it later to restore your device just the way it was.
      </Info>
      <FileProblems problems={page.problems} onFixAccount={fixAccount} />
      {page.demo && <DemoBanner serverUrl={page.demo.serverUrl} />}
      <AutoBackupSection
        page={page}
        unitsText={unitsText}
        onChange={setAuto}
        onAddAccount={device ? undefined : () => navigate({ page: 'account', accountId: null })}
      />
      {page.accounts.length === 0 && (
        <NoAccounts
          onDevice={device !== null}
          demo={page.demo !== null}
          onAdd={() => navigate({ page: 'account', accountId: null })}
        />
      )}
      {actionError && <ErrorText>{actionError}</ErrorText>}
      <Section title="Manual backup">
        <ManualBackupSection
          targets={targets}
          unitsText={unitsText}
          hasUnits={device !== null || page.units.length > 0}
          busy={busy}
          buttonRef={backupNow}
          onAddFolder={device ? undefined : addTargetFolder}
          onBackup={startBackup}
        />
        {notice && <Hint>{notice}</Hint>}
        {local.error && <ErrorText>{local.error}</ErrorText>}
        <OperationProgress
          vault={vault}
          operation={shown}
          account={shownAccount}
          onCancel={() => void act(() => api.backup.cancel())}
          onFix={shown && shown.accountId ? (field) => fixAccount(shown.accountId, field) : undefined}
          onViewLog={
            shown?.file
              ? undefined
              : () => {
                  const name =
                    shown?.kind === 'restore' ? shownAccount?.profiles.BackupRestore : shownAccount?.profiles.Backup;
                  navigate({ page: 'profiles', ...(name ? { profile: name } : {}) });
                }
          }
        />
      </Section>
      <Section title="Folders">
        {device ? (
          <Info>The device backs up: {unitsText}. What it backs up is chosen on the device, in Settings → Backup.</Info>
        ) : (
          <UnitsEditor
            units={page.units}
            onPick={() => picker.pick({ title: 'Folder to back up' })}
            onAdd={async (path) => {
              await api.units.add(path);
              await load();
            }}
            onRemove={async (path) => {
              await api.units.remove(path);
              await load();
            }}
          />
        )}
      </Section>
      <Section title="Restore device">
        <RestoreSection
          accounts={page.accounts}
          lists={lists}
          folders={local.targets?.folders ?? []}
          folderLists={local.lists}
          busy={busy}
          onChoose={(accountId, file) => navigate({ page: 'restore', accountId, file })}
          onChooseFile={(folder, file) => navigate({ page: 'restoreFile', folder: folder.path, file })}
          onRefresh={refreshList}
          onRefreshFolder={local.refreshFolder}
          onFix={fixAccount}
          onCopyFile={device ? (folder, file) => copy.toComputer(folder.path, file) : undefined}
          copyBusy={copy.running}
        />
        {device && <CopyFromComputer copy={copy} cards={local.targets?.folders ?? []} />}
        <CopyStatus copy={copy.copy} onCancel={copy.cancel} />
      </Section>
      {picker.error && <ErrorText>{picker.error}</ErrorText>}
      {picker.element}
    </main>
  );
}
