// Settings → Accounts: the storage accounts, each with what its last sign-in found and the way to fix
// it, removal after a confirmation, and the providers to add an account with.
import { useCallback, useEffect, useState } from 'react';
import type { AccountView } from '../../../main/ipc/contract';
import { messageOf, useApi, useEvent } from '../../ApiContext';
import { useDeviceState } from '../../DeviceContext';
import { Info } from '../../components/layout';
import { ErrorText, Hint, PageHeader, Section } from '../../components/layout';
import type { Navigate } from '../../navigation';
import { AccountStatus } from './AccountStatus';

export function AccountsPage({ navigate, onBack }: { navigate: Navigate; onBack: () => void }) {
  const api = useApi();
  const [accounts, setAccounts] = useState<AccountView[]>();
  const [providers, setProviders] = useState<Array<{ id: string; name: string; description: string }>>([]);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState<number>();
  const [checking, setChecking] = useState<number>();
  const { device } = useDeviceState();

  const load = useCallback(() => {
    api.accounts.list().then(setAccounts, (err: unknown) => setError(messageOf(err)));
  }, [api]);
  useEffect(() => {
    load();
    api.providers.list().then(setProviders, (err: unknown) => setError(messageOf(err)));
  }, [api, load]);
  useEvent('accounts.changed', load);

  // "Keep" closes the confirmation: focus goes back to the Remove button it came from.
  const [lastConfirming, setLastConfirming] = useState<number>();
  useEffect(() => {
    if (confirming !== undefined) return setLastConfirming(confirming);
    if (lastConfirming !== undefined && document.activeElement === document.body)
      document.querySelector<HTMLElement>(`[data-remove="${lastConfirming}"]`)?.focus();
  }, [confirming, lastConfirming]);

  const checkAgain = (id: number) => {
    setChecking(id);
    api.accounts
      .check({ accountId: id })
      .then(load, (err: unknown) => setError(messageOf(err)))
      .finally(() => setChecking(undefined));
  };

  if (device) {
    return (
      <main>
        <PageHeader title="Accounts" onBack={onBack} />
        <Info>
          {device.id} keeps its accounts in its own protected store, out of reach of a desktop: add, change or remove
          them on the device, in Settings → Accounts. Its backup accounts:
        </Info>
        {error && <ErrorText>{error}</ErrorText>}
        <ul aria-label="Accounts on the device" className="menu">
          {(accounts ?? []).map((a) => (
            <li key={a.id} className="menu-row">
              <span className="row-main">{a.name}</span>
              <span className="row-sub">{a.providerName}</span>
            </li>
          ))}
        </ul>
      </main>
    );
  }

  return (
    <main>
      <PageHeader title="Accounts" onBack={onBack} />
      {error && <ErrorText>{error}</ErrorText>}
      {!accounts && !error && <Hint>Loading…</Hint>}
      {accounts && accounts.length === 0 && <Hint>No accounts yet. Add one to back up to the cloud.</Hint>}
      {accounts && accounts.length > 0 && (
        <ul aria-label="Accounts" className="menu">
          {accounts.map((a) => (
            <li key={a.id} className="account-row">
              <div className="account-line">
                <button
                  type="button"
                  className="menu-row"
                  onClick={() => navigate({ page: 'account', accountId: a.id })}
                >
                  <span className="row-main">{a.name}</span>
                  <span className="row-sub">
                    {a.providerName} · {a.serverAddress}
                    {a.enabled ? '' : ' · disabled'}
                  </span>
                </button>
                {confirming !== a.id && (
                  <button
                    type="button"
                    className="link"
                    data-remove={a.id}
                    aria-label={`Remove ${a.name}`}
                    onClick={() => setConfirming(a.id)}
                  >
                    Remove
                  </button>
                )}
              </div>
              <AccountStatus
                account={a}
                checking={checking === a.id}
                onFix={(field) => navigate({ page: 'account', accountId: a.id, focus: field })}
                onCheck={() => checkAgain(a.id)}
              />
              {confirming === a.id && (
                <div className="confirm" role="group" aria-label={`Remove ${a.name}?`}>
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      void api.accounts.remove(a.id).then(load, (err: unknown) => setError(messageOf(err)))
                    }
                  >
                    Remove {a.name}
                  </button>
                  <button type="button" className="keep" autoFocus onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <Section title="Add account">
        <nav aria-label="Add account" className="menu">
          {providers.map((p) => (
            <button
              key={p.id}
              type="button"
              className="menu-row"
              onClick={() => navigate({ page: 'account', accountId: null, provider: p.id })}
            >
              <span className="row-main">{p.name}</span>
              <span className="row-sub">{p.description}</span>
            </button>
          ))}
        </nav>
      </Section>
    </main>
  );
}
