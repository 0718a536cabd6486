// "Restore device": the newest backup on each storage, all of them one tap away, each storage with
// its own Refresh, and why a storage could not be listed.
import { useState } from 'react';
import type { AccountView, CallError, ProblemField } from '../../../main/ipc/contract';
import { FadingText } from '../../components/FadingText';
import { Hint, Info } from '../../components/layout';
import { ProblemText } from '../../components/ProblemText';
import { backupDate } from '../../format';

export interface BackupListState {
  loading: boolean;
  error?: CallError;
  items: Array<{ name: string; date: string | null }>;
}

function BackupGroup(props: {
  account: AccountView;
  list: BackupListState;
  busy: boolean;
  onChoose: (file: string) => void;
  onRefresh: () => void;
  onFix: (field: ProblemField) => void;
}) {
  const { account, list } = props;
  const [expanded, setExpanded] = useState(false);
  const items = expanded ? list.items : list.items.slice(0, 1);
  return (
    <div className="backup-group">
      {list.error && (
        <ProblemText
          prefix={`${account.name}: `}
          problem={list.error.problem ?? { kind: 'other', message: list.error.message }}
          account={account}
          onFix={props.onFix}
        />
      )}
      <ul aria-label={`Backups on ${account.name}`}>
        {items.map((b) => (
          <li key={b.name}>
            <button type="button" className="backup-row" disabled={props.busy} onClick={() => props.onChoose(b.name)}>
              <span className="row-main">
                <FadingText className="file-name" text={b.name} />
                <span className="date">{backupDate(b.date)}</span>
              </span>
              <span className="row-sub">{account.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="group-actions">
        {list.items.length > 1 && (
          <button type="button" className="link" onClick={() => setExpanded(!expanded)}>
            {expanded ? 'Show only the newest' : `Show all ${list.items.length} backups on ${account.name}`}
          </button>
        )}
        <button
          type="button"
          className="link"
          onClick={props.onRefresh}
          disabled={list.loading}
          aria-label={`Refresh backups on ${account.name}`}
        >
          Refresh
        </button>
      </div>
    </div>
  );
}

export function RestoreSection(props: {
  accounts: AccountView[];
  lists: Record<number, BackupListState>;
  busy: boolean;
  onChoose: (accountId: number, file: string) => void;
  onRefresh: (accountId: number) => void;
  onFix: (accountId: number, field: ProblemField) => void;
}) {
  const loading = props.accounts.some((a) => props.lists[a.id]?.loading);
  const found = props.accounts.some((a) => (props.lists[a.id]?.items.length ?? 0) > 0);
  const failed = props.accounts.some((a) => props.lists[a.id]?.error);
  return (
    <div className="restore">
      {loading && !found && <Hint>Looking for backups…</Hint>}
      {!loading && !found && !failed && <Info>No previous backups found</Info>}
      {found && <Info>You can restore your device from these previous backups:</Info>}
      {props.accounts.map((account) => {
        const list = props.lists[account.id];
        if (!list) return null;
        return (
          <BackupGroup
            key={account.id}
            account={account}
            list={list}
            busy={props.busy}
            onChoose={(file) => props.onChoose(account.id, file)}
            onRefresh={() => props.onRefresh(account.id)}
            onFix={(field) => props.onFix(account.id, field)}
          />
        );
      })}
    </div>
  );
}
