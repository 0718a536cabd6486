import { useState } from 'react';
import type { AccountView } from '../../../main/ipc/contract';
import { ErrorText, Hint, Info } from '../../components/layout';
import { backupDate } from '../../format';

export interface BackupListState {
  loading: boolean;
  error?: string;
  items: Array<{ name: string; date: string | null }>;
}

export function RestoreSection(props: {
  accounts: AccountView[];
  lists: Record<number, BackupListState>;
  busy: boolean;
  onChoose: (accountId: number, file: string) => void;
  onRefresh: () => void;
}) {
  const [expanded, setExpanded] = useState<Record<number, boolean>>({});
  const loading = props.accounts.some((a) => props.lists[a.id]?.loading);
  const found = props.accounts.flatMap((a) => (props.lists[a.id]?.items ?? []).map((b) => ({ ...b, account: a })));
  return (
    <div className="restore">
      {loading && found.length === 0 && <Hint>Looking for backups…</Hint>}
      {!loading && found.length === 0 && !props.accounts.some((a) => props.lists[a.id]?.error) && (
        <Info>No previous backups found</Info>
      )}
      {found.length > 0 && <Info>You can restore your device from these previous backups:</Info>}
      {props.accounts.map((account) => {
        const list = props.lists[account.id];
        if (!list) return null;
        const items = expanded[account.id] ? list.items : list.items.slice(0, 1);
        return (
          <div key={account.id} className="backup-group">
            {list.error && (
              <ErrorText>
                {account.name}: {list.error}
              </ErrorText>
            )}
            <ul aria-label={`Backups on ${account.name}`}>
              {items.map((b) => (
                <li key={b.name}>
                  <button
                    type="button"
                    className="backup-row"
                    disabled={props.busy}
                    onClick={() => props.onChoose(account.id, b.name)}
                  >
                    <span className="row-main">
                      <span className="file-name">{b.name}</span>
                      <span className="date">{backupDate(b.date)}</span>
                    </span>
                    <span className="row-sub">{account.name}</span>
                  </button>
                </li>
              ))}
            </ul>
            {list.items.length > 1 && (
              <button
                type="button"
                className="link"
                onClick={() => setExpanded({ ...expanded, [account.id]: !expanded[account.id] })}
              >
                {expanded[account.id]
                  ? 'Show only the newest'
                  : `Show all ${list.items.length} backups on ${account.name}`}
              </button>
            )}
          </div>
        );
      })}
      <button type="button" className="link" onClick={props.onRefresh} disabled={loading}>
        Refresh
      </button>
    </div>
  );
}
