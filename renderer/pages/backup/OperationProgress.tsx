// The progress of one backup or restore: a thin bar with a round cancel button, the stage in words
// (the vault's own: "Backing up: Documents", "Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left"),
// and at the end "Finished", "Cancelled" or the cause of the failure. A polite live region says the
// stage as it changes and the progress every few seconds.
import { useEffect, useRef } from 'react';
import {
  isBusyVaultStatus,
  type FinalVaultStatus,
  type OperationKind,
  type Problem,
  type ProblemField,
  type VaultStateView,
} from '../../../main/ipc/contract';
import { ProgressBar } from '../../components/layout';
import { ProblemText } from '../../components/ProblemText';
import { useAnnouncement } from '../../components/useAnnouncement';
import type { AccountFacts } from '../../problems';

export interface OperationView {
  kind: OperationKind;
  accountId: number;
  status: 'Running' | FinalVaultStatus;
  error?: string;
  problem?: Problem;
  /** The backup file, for a backup to or restore from a drive or folder. */
  file?: string;
  /** Started by the user on this page (focus follows it), not found running. */
  startedHere?: boolean;
}

const stageWords: Partial<Record<VaultStateView['status'], string>> = {
  Preparing: 'Preparing',
  UploadingBackup: 'Uploading',
  DownloadingBackup: 'Downloading',
};

/** The line under the bar. Until the vault says the new run has begun, its last run's words are not this run's. */
export function statusLine(vault: VaultStateView, operation: OperationView): string {
  switch (operation.status) {
    case 'Running':
      return isBusyVaultStatus(vault.status)
        ? vault.statusText || stageWords[vault.status] || 'Preparing'
        : 'Preparing';
    case 'Finished':
      // "Finished with 3 files skipped": the vault's own words when the run left something out.
      return vault.status === 'Finished' && vault.statusText ? vault.statusText : 'Finished';
    case 'Canceled':
      return 'Cancelled';
    default:
      return '';
  }
}

export function OperationProgress(props: {
  vault: VaultStateView;
  operation: OperationView | undefined;
  account?: AccountFacts | undefined;
  onCancel: () => void;
  /** Opens the run's log (a cloud run's profile); none for runs on this computer. */
  onViewLog?: (() => void) | undefined;
  onFix?: ((field: ProblemField) => void) | undefined;
}) {
  const { vault, operation } = props;
  const running = operation?.status === 'Running';
  const line = operation ? statusLine(vault, operation) : '';
  // Uploads, downloads and backups to a file carry their bytes in the line; their bar follows them.
  const measured =
    vault.status === 'UploadingBackup' || vault.status === 'DownloadingBackup' || vault.mode === 'backupToFile';
  const progress = running && measured ? vault.progress : 0;
  // A new stage is said at once; bytes, rate and time left change within one stage (said every few seconds).
  const stage = running
    ? `${isBusyVaultStatus(vault.status) ? vault.status : 'Preparing'} ${measured ? vault.mode : line}`
    : (operation?.status ?? '');
  const failed = operation?.status === 'Error';
  const announced = useAnnouncement(failed ? 'Failed' : line, stage);
  const cancel = useRef<HTMLButtonElement>(null);
  const startedHere = running && operation?.startedHere;
  useEffect(() => {
    if (startedHere) cancel.current?.focus();
  }, [startedHere]);

  return (
    <div className="operation">
      <p className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </p>
      {running && (
        <div className="progress-row">
          <ProgressBar value={progress} label={operation.kind === 'backup' ? 'Backup progress' : 'Restore progress'} />
          <button
            ref={cancel}
            type="button"
            className="round"
            aria-label={operation.kind === 'backup' ? 'Cancel backup' : 'Cancel restore'}
            title="Cancel"
            aria-disabled={!vault.canCancel}
            onClick={() => vault.canCancel && props.onCancel()}
          >
            ✕
          </button>
        </div>
      )}
      {line && <p className="status-line">{line}</p>}
      {operation?.status === 'Finished' && vault.status === 'Finished' && (vault.warnings?.length ?? 0) > 0 && (
        <ul className="run-notes" aria-label={operation.kind === 'backup' ? 'Backup notes' : 'Restore notes'}>
          {vault.warnings?.map((w, i) => (
            <li key={i}>{w.path ? `${w.path}: ${w.reason}` : w.reason}</li>
          ))}
        </ul>
      )}
      {failed && (
        <ProblemText
          problem={
            operation.problem ?? { kind: 'other', message: operation.error || vault.error || 'The operation failed.' }
          }
          account={props.account}
          onFix={props.onFix}
        />
      )}
      {operation && props.onViewLog && (
        <button type="button" className="link" onClick={props.onViewLog}>
          View log
        </button>
      )}
    </div>
  );
}
