import { useCallback, useEffect, useState } from 'react';
import type { AccountView } from '../../../main/ipc/contract';
import { messageOf, useApi, useEvent } from '../../ApiContext';
import { ErrorText, Hint, PageHeader, Section } from '../../components/layout';
import type { Navigate } from '../../navigation';

export function AccountsPage({ navigate, onBack }: { navigate: Navigate; onBack: () => void }) {
  const api = useApi();
  const [accounts, setAccounts] = useState<AccountView[]>();
  const [providers, setProviders] = useState<Array<{ id: string; name: string; description: string }>>([]);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState<number>();

  const load = useCallback(() => {
    api.accounts.list().then(setAccounts, (err: unknown) => setError(messageOf(err)));
  }, [api]);
  useEffect(() => {
    load();
    api.providers.list().then(setProviders, (err: unknown) => setError(messageOf(err)));
  }, [api, load]);
  useEvent('accounts.changed', load);

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
              <button type="button" className="menu-row" onClick={() => navigate({ page: 'account', accountId: a.id })}>
                <span className="row-main">{a.name}</span>
                <span className="row-sub">
                  {a.providerName} · {a.serverAddress}
                  {a.enabled ? '' : ' · disabled'}
                </span>
              </button>
              {confirming === a.id ? (
                <span className="confirm">
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      void api.accounts.remove(a.id).then(load, (err: unknown) => setError(messageOf(err)))
                    }
                  >
                    Remove {a.name}
                  </button>
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${a.name}`}
                  onClick={() => setConfirming(a.id)}
                >
                  Remove
                </button>
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
