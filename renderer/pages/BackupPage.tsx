// Settings → System → Backup, as on Sailfish: automatic backups, manual backup with live progress,
// and the previous backups to restore from.
import { useCallback, useEffect, useState } from 'react';
import type { AutoBackup, BackupPage as PageData, VaultStateView } from '../../main/ipc/contract';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { ErrorText, Hint, Info, PageHeader, Section } from '../components/layout';
import type { Navigate } from '../navigation';
import { AutoBackupSection } from './backup/AutoBackupSection';
import { ManualBackupSection, OperationProgress, type OperationView } from './backup/ManualBackupSection';
import { RestoreSection, type BackupListState } from './backup/RestoreSection';
import { UnitsEditor } from './backup/UnitsEditor';

const CONNECT_ERROR = 'Unable to connect. An internet connection is needed to back up to cloud services.';

export function BackupPage({ navigate, onBack }: { navigate: Navigate; onBack: () => void }) {
  const api = useApi();
  const [page, setPage] = useState<PageData>();
  const [loadError, setLoadError] = useState<string>();
  const [vault, setVault] = useState<VaultStateView>();
  const [operation, setOperation] = useState<OperationView>();
  const [lists, setLists] = useState<Record<number, BackupListState>>({});
  const [actionError, setActionError] = useState<string>();

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

  const refreshLists = useCallback(
    (data: PageData) => {
      for (const account of data.accounts) {
        setLists((l) => ({ ...l, [account.id]: { loading: true, items: l[account.id]?.items ?? [] } }));
        api.backup.list(account.id).then(
          (items) => setLists((l) => ({ ...l, [account.id]: { loading: false, items } })),
          (err: unknown) =>
            setLists((l) => ({
              ...l,
              [account.id]: {
                loading: false,
                items: [],
                error: /connect/i.test(messageOf(err))
                  ? `Cannot connect to cloud service. ${messageOf(err)}`
                  : messageOf(err),
              },
            })),
        );
      }
    },
    [api],
  );

  useEffect(() => {
    void load().then((data) => data && refreshLists(data));
  }, [load, refreshLists]);

  useEvent('vault.state', setVault);
  useEvent('accounts.changed', () => void load());
  useEvent('vault.operation', (e) => {
    if (e.status === 'UploadingBackup' || e.status === 'Preparing') return;
    setOperation({
      kind: e.kind,
      accountId: e.accountId,
      status: e.status,
      ...(e.error ? { error: /Cannot connect/.test(e.error) ? `${CONNECT_ERROR} ${e.error}` : e.error } : {}),
    });
    if (e.kind === 'backup' && e.status === 'Finished' && page) refreshLists(page);
  });

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
  const vaultBusy =
    vault.status === 'Preparing' || vault.status === 'UploadingBackup' || vault.status === 'DownloadingBackup';
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
  const act = async (work: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await work();
    } catch (err) {
      setActionError(messageOf(err));
    }
  };
  const backupProfile = (accountId: number) => page.accounts.find((a) => a.id === accountId)?.profiles.Backup;
  const setAuto = (accountId: number | null, auto: AutoBackup) =>
    void act(async () => setPage(await api.backup.setAuto(accountId, auto)));

  return (
    <main>
      <PageHeader title="Backup" onBack={onBack} />
      <Info>
        Create a backup to protect your personal data. Use it later to restore your device just the way it was.
      </Info>
      {page.accounts.length === 0 ? (
        <div className="empty">
          <Info>Backing up to the cloud needs a cloud storage account.</Info>
          <div className="center">
            <button type="button" className="primary" onClick={() => navigate({ page: 'account', accountId: null })}>
              Add cloud account
            </button>
          </div>
        </div>
      ) : (
        <>
          <AutoBackupSection
            page={page}
            unitsText={unitsText}
            onChange={setAuto}
            onAddAccount={() => navigate({ page: 'account', accountId: null })}
          />
          <Section title="Manual backup">
            <ManualBackupSection
              accounts={page.accounts}
              unitsText={unitsText}
              hasUnits={page.units.length > 0}
              busy={busy}
              onBackup={(id) => {
                setOperation({ kind: 'backup', accountId: id, status: 'Running' });
                void act(async () => {
                  try {
                    await api.backup.start(id);
                  } catch (err) {
                    setOperation({ kind: 'backup', accountId: id, status: 'Error', error: messageOf(err) });
                  }
                });
              }}
            />
            {shown && (
              <OperationProgress
                vault={vault}
                operation={shown}
                onCancel={() => void act(() => api.backup.cancel())}
                onViewLog={() => {
                  const name =
                    shown.kind === 'backup'
                      ? backupProfile(shown.accountId)
                      : page.accounts.find((a) => a.id === shown.accountId)?.profiles.BackupRestore;
                  navigate({ page: 'profiles', ...(name ? { profile: name } : {}) });
                }}
              />
            )}
          </Section>
          <Section title="Folders">
            <UnitsEditor
              units={page.units}
              onAdd={async (path) => {
                await api.units.add(path);
                await load();
              }}
              onRemove={async (path) => {
                await api.units.remove(path);
                await load();
              }}
            />
          </Section>
          <Section title="Restore device">
            <RestoreSection
              accounts={page.accounts}
              lists={lists}
              busy={busy}
              onChoose={(accountId, file) => navigate({ page: 'restore', accountId, file })}
              onRefresh={() => refreshLists(page)}
            />
          </Section>
        </>
      )}
      {actionError && <ErrorText>{actionError}</ErrorText>}
    </main>
  );
}
