import { useState } from 'react';
import type { AccountView, VaultStateView } from '../../../main/ipc/contract';
import { ComboBox, ErrorText, Hint, Info, ProgressBar } from '../../components/layout';

export interface OperationView {
  kind: 'backup' | 'restore';
  accountId: number;
  /** Running, Finished, Error or Canceled. */
  status: string;
  error?: string;
}

const stages: Partial<Record<VaultStateView['status'], string>> = {
  Preparing: 'Preparing',
  UploadingBackup: 'Uploading',
  DownloadingBackup: 'Downloading',
  Finished: 'Finished',
  Canceled: 'Canceled',
};

/** The live progress line: the vault's own words (stage, bytes, rate, time left). */
export function OperationProgress(props: {
  vault: VaultStateView;
  operation: OperationView;
  onCancel: () => void;
  onViewLog: () => void;
}) {
  const { vault, operation } = props;
  const running = operation.status === 'Running';
  const line =
    operation.status === 'Error'
      ? ''
      : running
        ? vault.statusText || stages[vault.status] || 'Preparing'
        : operation.status === 'Finished'
          ? vault.statusText.startsWith('Finished')
            ? vault.statusText
            : 'Finished'
          : 'Canceled';
  const warnings = operation.status === 'Finished' ? (vault.warnings ?? []) : [];
  return (
    <div className="operation" aria-live="polite">
      {running && (
        <div className="progress-row">
          <ProgressBar
            value={vault.status === 'Preparing' ? 0 : vault.progress}
            label={operation.kind === 'backup' ? 'Backup progress' : 'Restore progress'}
          />
          <button
            type="button"
            className="round"
            aria-label="Cancel"
            disabled={!vault.canCancel}
            onClick={props.onCancel}
          >
            ✕
          </button>
        </div>
      )}
      {line && <p className="status-line">{line}</p>}
      {warnings.length > 0 && (
        <ul className="run-notes" aria-label={operation.kind === 'backup' ? 'Backup notes' : 'Restore notes'}>
          {warnings.map((w, i) => (
            <li key={i}>{w.path ? `${w.path}: ${w.reason}` : w.reason}</li>
          ))}
        </ul>
      )}
      {operation.status === 'Error' && (
        <ErrorText>{operation.error || vault.error || 'The operation failed.'}</ErrorText>
      )}
      <button type="button" className="link" onClick={props.onViewLog}>
        View log
      </button>
    </div>
  );
}

export function ManualBackupSection(props: {
  accounts: AccountView[];
  unitsText: string;
  hasUnits: boolean;
  busy: boolean;
  onBackup: (accountId: number) => void;
}) {
  const [target, setTarget] = useState<string>(String(props.accounts[0]?.id ?? ''));
  const chosen = props.accounts.find((a) => String(a.id) === target) ?? props.accounts[0];
  return (
    <div className="manual-backup">
      <Info>Back up now to a cloud account</Info>
      <ComboBox
        label="Manually back up to"
        value={chosen ? String(chosen.id) : ''}
        options={props.accounts.map((a) => ({ value: String(a.id), label: a.name }))}
        onChange={setTarget}
        disabled={props.busy}
        description={`The following data will be backed up: ${props.unitsText}.`}
      />
      {!props.hasUnits && <Hint>Choose at least one folder to back up below.</Hint>}
      <div className="center">
        <button
          type="button"
          className="primary"
          disabled={props.busy || !chosen || !props.hasUnits}
          onClick={() => chosen && props.onBackup(chosen.id)}
        >
          Back up now
        </button>
      </div>
    </div>
  );
}
