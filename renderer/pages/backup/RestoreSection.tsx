// "Restore device": the newest backup on each storage — every cloud account, drive and folder — with the
// storage's name under it as on Sailfish, all of them one tap away, each storage with its own Refresh,
// and why a storage could not be listed.
import { useState, type ReactNode } from 'react';
import type { AccountView, CallError, FolderTargetView, ProblemField } from '../../../main/ipc/contract';
import { FadingText } from '../../components/FadingText';
import { Hint, Info } from '../../components/layout';
import { ProblemText } from '../../components/ProblemText';
import { backupDate } from '../../format';
import { folderLabel } from './targets';

export interface BackupListState {
  loading: boolean;
  error?: CallError;
  items: Array<{ name: string; date: string | null }>;
}

function BackupGroup(props: {
  name: string;
  list: BackupListState;
  busy: boolean;
  problem?: ReactNode;
  onChoose: (file: string) => void;
  onRefresh: () => void;
  /** "Copy to this computer", for a device's memory card (its copy runs beside the vault's runs). */
  copy?: { busy: boolean; onCopy: (file: string) => void } | undefined;
}) {
  const { name, list } = props;
  const [expanded, setExpanded] = useState(false);
  const items = expanded ? list.items : list.items.slice(0, 1);
  return (
    <div className="backup-group">
      {list.error && props.problem}
      <ul aria-label={`Backups on ${name}`}>
        {items.map((b) => (
          <li key={b.name}>
            <button type="button" className="backup-row" disabled={props.busy} onClick={() => props.onChoose(b.name)}>
              <span className="row-main">
                <FadingText className="file-name" text={b.name} />
                <span className="date">{backupDate(b.date)}</span>
              </span>
              <span className="row-sub">{name}</span>
            </button>
            {props.copy && (
              <button
                type="button"
                className="link copy-action"
                disabled={props.copy.busy}
                aria-label={`Copy to this computer: ${b.name}`}
                onClick={() => props.copy?.onCopy(b.name)}
              >
                Copy to this computer
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="group-actions">
        {list.items.length > 1 && (
          <button type="button" className="link" onClick={() => setExpanded(!expanded)}>
            {expanded ? 'Show only the newest' : `Show all ${list.items.length} backups on ${name}`}
          </button>
        )}
        <button
          type="button"
          className="link"
          onClick={props.onRefresh}
          disabled={list.loading}
          aria-label={`Refresh backups on ${name}`}
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
  /** Drives and folders, with what was found in each (by path). */
  folders: FolderTargetView[];
  folderLists: Record<string, BackupListState>;
  busy: boolean;
  onChoose: (accountId: number, file: string) => void;
  onChooseFile: (folder: FolderTargetView, file: string) => void;
  onRefresh: (accountId: number) => void;
  onRefreshFolder: (folder: string) => void;
  onFix: (accountId: number, field: ProblemField) => void;
  /** On a device: copies one of its memory card's backups to this computer. */
  onCopyFile?: ((folder: FolderTargetView, file: string) => void) | undefined;
  copyBusy?: boolean;
}) {
  const lists = [
    ...props.accounts.map((a) => props.lists[a.id]),
    ...props.folders.map((f) => props.folderLists[f.path]),
  ];
  const loading = lists.some((l) => l?.loading);
  const found = lists.some((l) => (l?.items.length ?? 0) > 0);
  const failed = lists.some((l) => l?.error);
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
            key={`cloud-${account.id}`}
            name={account.name}
            list={list}
            busy={props.busy}
            problem={
              <ProblemText
                prefix={`${account.name}: `}
                problem={list.error?.problem ?? { kind: 'other', message: list.error?.message ?? '' }}
                account={account}
                onFix={(field) => props.onFix(account.id, field)}
              />
            }
            onChoose={(file) => props.onChoose(account.id, file)}
            onRefresh={() => props.onRefresh(account.id)}
          />
        );
      })}
      {props.folders.map((folder) => {
        const list = props.folderLists[folder.path];
        // A drive or folder with no backups takes no room: most of them hold none.
        if (!list || (list.items.length === 0 && !list.error)) return null;
        const name = folderLabel(folder);
        return (
          <BackupGroup
            key={`folder-${folder.path}`}
            name={name}
            list={list}
            busy={props.busy}
            problem={
              <ProblemText prefix={`${name}: `} problem={{ kind: 'other', message: list.error?.message ?? '' }} />
            }
            onChoose={(file) => props.onChooseFile(folder, file)}
            copy={
              props.onCopyFile && {
                busy: props.copyBusy ?? false,
                onCopy: (file) => props.onCopyFile?.(folder, file),
              }
            }
            onRefresh={() => props.onRefreshFolder(folder.path)}
          />
        );
      })}
    </div>
  );
}
