// Adding or editing an online storage account: server address, user name, password, and the advanced
// settings. Saving signs in to the server first; a failure shows at the field it concerns, with
// "Save anyway" when the server could not be reached at all.
import { useEffect, useRef, useState } from 'react';
import type { AccountSave, AccountView, Problem, ProblemField } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { ErrorText, Hint, PageHeader } from '../../components/layout';
import { ProblemText } from '../../components/ProblemText';
import { ValuePicker } from '../../components/ValuePicker';
import { AdvancedSettingsDialog } from './AdvancedSettingsDialog';
import { SigningIn } from './SigningIn';
import { useAdvancedPaths } from './useAdvancedPaths';
import { hostOf, serverAddressProblem } from './validate';

const offlineKinds: ReadonlySet<Problem['kind']> = new Set(['refused', 'unknown-host', 'unreachable', 'timeout']);

function newCheckId(): string {
  // randomUUID needs a secure context; getRandomValues does not. Either gives what the contract takes.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function AccountEditorPage(props: {
  accountId: number | null;
  provider?: string;
  /** The field to fix, when the user came from a "fix it" link. */
  focus?: ProblemField;
  onDone: (account: AccountView) => void;
  onBack: () => void;
}) {
  const { accountId } = props;
  const api = useApi();
  const [providers, setProviders] = useState<Array<{ id: string; name: string }>>([]);
  const [existing, setExisting] = useState<AccountView>();
  const [form, setForm] = useState({
    provider: props.provider ?? 'nextcloud',
    serverAddress: '',
    username: '',
    password: '',
    name: '',
  });
  const advanced = useAdvancedPaths(api, form, existing);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [checkId, setCheckId] = useState<string>();
  const fields = {
    server: useRef<HTMLInputElement>(null),
    credentials: useRef<HTMLInputElement>(null),
    advanced: useRef<HTMLButtonElement>(null),
  };

  useEffect(() => {
    void api.providers.list().then(
      (list) => setProviders(list.map((p) => ({ id: p.id, name: p.name }))),
      (err: unknown) => setError(messageOf(err)),
    );
    if (accountId === null) return;
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
        const last = a.signIn?.state === 'failed' ? a.signIn.problem : undefined;
        if (last) setProblem(last);
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, [api, accountId]);

  // Coming from a "fix it" link: start at the field to fix.
  useEffect(() => {
    if (!existing || !props.focus) return;
    if (props.focus === 'server') fields.server.current?.focus();
    else if (props.focus === 'credentials') fields.credentials.current?.focus();
    else setDialogOpen(true);
  }, [existing]); // once, when the account has loaded

  // When a sign-in ends without a field to point at (cancelled), focus returns to Save.
  const submit = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!checkId && (document.activeElement === document.body || document.activeElement === null))
      submit.current?.focus();
  }, [checkId]);

  const serverProblem = serverAddressProblem(form.serverAddress);
  const missing = [
    form.username.trim() ? undefined : 'Enter the user name',
    existing || form.password ? undefined : 'Enter the password',
  ].filter(Boolean);
  const edit = (patch: Partial<typeof form>, clears: ProblemField[]) => {
    setForm({ ...form, ...patch });
    setError(undefined);
    if (problem?.field && clears.includes(problem.field)) setProblem(undefined);
  };

  const save = async (offline: boolean) => {
    setTouched(true);
    if (serverProblem || missing.length > 0) return;
    const id = newCheckId();
    setCheckId(id);
    setError(undefined);
    setProblem(undefined);
    const paths = advanced.settings
      ? {
          webdavPath: advanced.settings.webdavPath,
          backupsPath: advanced.settings.backupsPath,
          ignoreSslErrors: advanced.settings.ignoreSslErrors,
        }
      : {};
    try {
      const saved: AccountSave = existing
        ? await api.accounts.update({
            id: existing.id,
            name: form.name.trim() || existing.name,
            serverAddress: form.serverAddress,
            username: form.username,
            ...(form.password ? { password: form.password } : {}),
            ...paths,
            offline,
            checkId: id,
          })
        : await api.accounts.add({
            provider: form.provider,
            serverAddress: form.serverAddress,
            username: form.username,
            password: form.password,
            ...(form.name.trim() ? { name: form.name.trim() } : {}),
            ...paths,
            offline,
            checkId: id,
          });
      if (saved.account) return props.onDone(saved.account);
      if (saved.signIn.problem) {
        setProblem(saved.signIn.problem);
        const at = saved.signIn.problem.field;
        if (at === 'credentials') fields.credentials.current?.focus();
        else if (at === 'webdavPath' || at === 'backupsPath') fields.advanced.current?.focus();
        else fields.server.current?.focus();
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setCheckId(undefined);
    }
  };

  const facts = {
    serverAddress: form.serverAddress,
    username: form.username,
    webdavPath: advanced.settings?.webdavPath ?? '',
  };
  const at = (field: ProblemField) => (problem?.field === field ? problem : undefined);
  const providerName = providers.find((p) => p.id === form.provider)?.name ?? form.provider;
  const host = hostOf(form.serverAddress);
  return (
    <main>
      <PageHeader title={existing ? existing.name : `Add ${providerName} account`} onBack={props.onBack} />
      {existing?.credentialsNeedUpdate && (
        <ErrorText>The server refused the saved password. Enter the current one and save.</ErrorText>
      )}
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
        noValidate
      >
        {!existing && (
          <ValuePicker
            label="Service"
            value={form.provider}
            options={providers.map((p) => ({ value: p.id, label: p.name }))}
            onChange={(provider) => edit({ provider }, ['server', 'webdavPath', 'backupsPath'])}
          />
        )}
        <div className="field">
          <label htmlFor="server">Server address</label>
          <input
            id="server"
            ref={fields.server}
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://cloud.example.com"
            value={form.serverAddress}
            aria-invalid={
              (touched || Boolean(form.serverAddress)) && Boolean(serverProblem) ? true : Boolean(at('server'))
            }
            aria-describedby={serverProblem || at('server') ? 'server-note' : undefined}
            onChange={(e) => edit({ serverAddress: e.target.value }, ['server'])}
          />
          {(form.serverAddress || touched) && serverProblem ? (
            <ErrorText id="server-note">{serverProblem}</ErrorText>
          ) : (
            at('server') && <ProblemText id="server-note" problem={problem!} account={facts} inForm />
          )}
        </div>
        <div className="field">
          <label htmlFor="username">Username</label>
          <input
            id="username"
            autoComplete="username"
            value={form.username}
            aria-invalid={Boolean(at('credentials')) || (touched && !form.username.trim())}
            aria-describedby={at('credentials') ? 'credentials-note' : undefined}
            onChange={(e) => edit({ username: e.target.value }, ['credentials', 'webdavPath', 'backupsPath'])}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            ref={fields.credentials}
            type="password"
            autoComplete="current-password"
            value={form.password}
            placeholder={existing ? 'Unchanged' : ''}
            aria-invalid={Boolean(at('credentials'))}
            aria-describedby={at('credentials') ? 'credentials-note' : undefined}
            onChange={(e) => edit({ password: e.target.value }, ['credentials'])}
          />
          {at('credentials') && <ProblemText id="credentials-note" problem={problem!} account={facts} inForm />}
        </div>
        <div className="field">
          <label htmlFor="account-name">Description</label>
          <input
            id="account-name"
            value={form.name}
            placeholder={form.username && host ? `${form.username}@${host}` : 'Optional'}
            onChange={(e) => edit({ name: e.target.value }, [])}
          />
        </div>
        <button ref={fields.advanced} type="button" className="link" onClick={() => setDialogOpen(true)}>
          Advanced settings
        </button>
        {(at('webdavPath') ?? at('backupsPath')) ? (
          <ProblemText problem={problem!} account={facts} inForm />
        ) : (
          advanced.settings && (
            <Hint>
              Backups go to {advanced.settings.backupsPath}
              {advanced.settings.ignoreSslErrors ? ' · SSL errors ignored' : ''}
            </Hint>
          )
        )}
        {touched && missing.length > 0 && <ErrorText>{missing.join('. ')}</ErrorText>}
        {error && <ErrorText>{error}</ErrorText>}
        {checkId ? (
          <SigningIn host={host ?? form.serverAddress} onCancel={() => void api.accounts.cancelCheck(checkId)} />
        ) : (
          <div className="center buttons">
            <button ref={submit} type="submit" className="primary">
              {existing ? 'Save' : 'Add account'}
            </button>
            {problem && offlineKinds.has(problem.kind) && (
              <button type="button" className="primary secondary" onClick={() => void save(true)}>
                Save anyway
              </button>
            )}
          </div>
        )}
      </form>
      {dialogOpen && (
        <AdvancedSettingsDialog
          initial={advanced.settings ?? { webdavPath: '/', backupsPath: 'Sailfish OS/Backups', ignoreSslErrors: false }}
          defaults={advanced.defaults}
          problem={problem}
          account={facts}
          onCancel={() => setDialogOpen(false)}
          onAccept={(value) => {
            advanced.accept(value);
            if (problem && ['webdavPath', 'backupsPath'].includes(problem.field ?? '')) setProblem(undefined);
            if (problem?.kind === 'certificate' && value.ignoreSslErrors) setProblem(undefined);
            setDialogOpen(false);
          }}
        />
      )}
    </main>
  );
}
