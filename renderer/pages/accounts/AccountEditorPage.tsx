// Adding or editing an online storage account: server address, user name, password, and the
// advanced settings dialog with Sailfish's defaults filled in.
import { useEffect, useState } from 'react';
import type { AccountView } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { ErrorText, Hint, PageHeader } from '../../components/layout';
import { AdvancedSettingsDialog, type AdvancedSettings } from './AdvancedSettingsDialog';
import { serverAddressProblem } from './validate';

export function AccountEditorPage({
  accountId,
  provider,
  onDone,
  onBack,
}: {
  accountId: number | null;
  provider?: string;
  onDone: (account: AccountView) => void;
  onBack: () => void;
}) {
  const api = useApi();
  const [providers, setProviders] = useState<Array<{ id: string; name: string }>>([]);
  const [existing, setExisting] = useState<AccountView>();
  const [form, setForm] = useState({
    provider: provider ?? 'nextcloud',
    serverAddress: '',
    username: '',
    password: '',
    name: '',
  });
  const [advanced, setAdvanced] = useState<AdvancedSettings>();
  const [defaults, setDefaults] = useState<AdvancedSettings>();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void api.providers.list().then(
      (list) => setProviders(list.map((p) => ({ id: p.id, name: p.name }))),
      (err: unknown) => setError(messageOf(err)),
    );
    if (accountId !== null) {
      void api.accounts.list().then(
        (list) => {
          const a = list.find((x) => x.id === accountId);
          if (!a) return setError(`No account ${accountId}`);
          setExisting(a);
          setForm({
            provider: a.provider,
            serverAddress: a.serverAddress,
            username: a.username,
            password: '',
            name: a.name,
          });
          setAdvanced({ webdavPath: a.webdavPath, backupsPath: a.backupsPath, ignoreSslErrors: a.ignoreSslErrors });
        },
        (err: unknown) => setError(messageOf(err)),
      );
    }
  }, [api, accountId]);

  const serverProblem = serverAddressProblem(form.serverAddress);
  // Sailfish's defaults follow the server and user name until the user changes them.
  useEffect(() => {
    if (serverProblem || !form.username.trim()) return;
    let stale = false;
    api.accounts.defaults({ provider: form.provider, serverAddress: form.serverAddress, username: form.username }).then(
      (d) => !stale && setDefaults({ ...d, ignoreSslErrors: false }),
      () => {},
    );
    return () => {
      stale = true;
    };
  }, [api, form.provider, form.serverAddress, form.username, serverProblem]);

  const problems = [
    serverProblem,
    form.username.trim() ? undefined : 'Enter the user name',
    existing || form.password ? undefined : 'Enter the password',
  ].filter(Boolean);
  const save = async () => {
    setTouched(true);
    if (problems.length > 0) return;
    setSaving(true);
    setError(undefined);
    try {
      const chosen = advanced ?? undefined;
      const account = existing
        ? await api.accounts.update({
            id: existing.id,
            name: form.name || existing.name,
            serverAddress: form.serverAddress,
            username: form.username,
            ...(form.password ? { password: form.password } : {}),
            ...(chosen
              ? {
                  webdavPath: chosen.webdavPath,
                  backupsPath: chosen.backupsPath,
                  ignoreSslErrors: chosen.ignoreSslErrors,
                }
              : {}),
          })
        : await api.accounts.add({
            provider: form.provider,
            serverAddress: form.serverAddress,
            username: form.username,
            password: form.password,
            ...(form.name.trim() ? { name: form.name.trim() } : {}),
            ...(chosen
              ? {
                  webdavPath: chosen.webdavPath,
                  backupsPath: chosen.backupsPath,
                  ignoreSslErrors: chosen.ignoreSslErrors,
                }
              : {}),
          });
      onDone(account);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setSaving(false);
    }
  };

  const providerName = providers.find((p) => p.id === form.provider)?.name ?? form.provider;
  return (
    <main>
      <PageHeader title={existing ? existing.name : `Add ${providerName} account`} onBack={onBack} />
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        {!existing && (
          <div className="field">
            <label htmlFor="provider">Service</label>
            <select
              id="provider"
              value={form.provider}
              onChange={(e) => setForm({ ...form, provider: e.target.value })}
            >
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="server">Server address</label>
          <input
            id="server"
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://cloud.example.com"
            value={form.serverAddress}
            aria-invalid={touched && Boolean(serverProblem)}
            onChange={(e) => setForm({ ...form, serverAddress: e.target.value })}
          />
          {form.serverAddress && serverProblem && <ErrorText>{serverProblem}</ErrorText>}
        </div>
        <div className="field">
          <label htmlFor="username">Username</label>
          <input
            id="username"
            autoComplete="username"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            value={form.password}
            placeholder={existing ? 'Unchanged' : ''}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="account-name">Description</label>
          <input
            id="account-name"
            value={form.name}
            placeholder={
              form.username && !serverProblem
                ? `${form.username}@${new URL(/^https?:\/\//.test(form.serverAddress) ? form.serverAddress : `https://${form.serverAddress}`).host}`
                : 'Optional'
            }
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </div>
        <button type="button" className="link" onClick={() => setDialogOpen(true)}>
          Advanced settings
        </button>
        {advanced && (
          <Hint>
            Backups go to {advanced.backupsPath}
            {advanced.ignoreSslErrors ? ' · SSL errors ignored' : ''}
          </Hint>
        )}
        {touched && problems.length > 0 && <ErrorText>{problems.join('. ')}</ErrorText>}
        {error && <ErrorText>{error}</ErrorText>}
        <div className="center">
          <button type="submit" className="primary" disabled={saving}>
            {existing ? 'Save' : 'Add account'}
          </button>
        </div>
      </form>
      {dialogOpen && (
        <AdvancedSettingsDialog
          initial={
            advanced ?? defaults ?? { webdavPath: '/', backupsPath: 'Sailfish OS/Backups', ignoreSslErrors: false }
          }
          defaults={defaults}
          onCancel={() => setDialogOpen(false)}
          onAccept={(value) => {
            setAdvanced(value);
            setDialogOpen(false);
          }}
        />
      )}
    </main>
  );
}
