// Copying backups between the connected device and this computer, on the device's Backup page: how a copy
// goes (a bar, bytes, rate and time left as the CLI says them, a cancel button; a polite live region says
// it every few seconds), how it ended ("Copied … to …, checked", or what went wrong and what to do), and
// "Copy a backup from this computer", which lists this computer's backups to put on the device's card.
import { useEffect, useRef, useState } from 'react';
import { transferLine, type ComputerBackupView, type FolderTargetView } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { ErrorText, Hint, ProgressBar } from '../../components/layout';
import { FadingText } from '../../components/FadingText';
import { useAnnouncement } from '../../components/useAnnouncement';
import { backupDate, fileSize } from '../../format';
import type { CopyView, DeviceCopy } from './useDeviceCopy';

const VERBS = { toComputer: 'Copying from the device', toDevice: 'Copying to the device' } as const;

/** What the user can do about a copy that failed; the sentence itself says what went wrong. */
function fixFor(copy: CopyView): string {
  if (copy.error?.problem?.kind === 'cancelled') return '';
  if (copy.error?.code === 'invalid-input') return '';
  return 'Check that the device is still connected and has room, then copy again.';
}

function resultLine(copy: CopyView): string {
  const r = copy.result!;
  const where = copy.direction === 'toComputer' ? r.folder : `${r.folder} on the device`;
  const recorded = r.recorded ? ', and the checksum the device recorded with the backup' : '';
  return `Copied ${copy.name} to ${where}, checked: ${fileSize(r.size)}, the same SHA-256 on both sides${recorded}.`;
}

export function CopyStatus({ copy, onCancel }: { copy: CopyView | undefined; onCancel: () => void }) {
  const running = copy?.status === 'running';
  const line = !copy
    ? ''
    : running
      ? transferLine(VERBS[copy.direction], copy.progress ?? { done: 0, total: 0, elapsedMs: 0 })
      : copy.status === 'copied'
        ? resultLine(copy)
        : copy.error?.problem?.kind === 'cancelled'
          ? 'Copy cancelled; nothing was kept.'
          : 'Copy failed.';
  const announced = useAnnouncement(line, copy ? `${copy.copyId} ${copy.status}` : '');
  const cancel = useRef<HTMLButtonElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (running) cancel.current?.focus();
    // The cancel button that had focus is gone: focus goes to how the copy ended.
    else if (document.activeElement === document.body || document.activeElement === null) outcome.current?.focus();
  }, [running, copy?.copyId]);
  if (!copy) return null;
  const total = copy.progress?.total ?? 0;
  return (
    <div className="operation copy">
      <p className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </p>
      {running && (
        <div className="progress-row">
          <ProgressBar value={total > 0 ? (copy.progress?.done ?? 0) / total : 0} label="Copy progress" />
          <button
            ref={cancel}
            type="button"
            className="round"
            aria-label="Cancel copy"
            title="Cancel"
            onClick={onCancel}
          >
            ✕
          </button>
        </div>
      )}
      <div ref={outcome} tabIndex={-1} className="copy-outcome">
        {copy.status !== 'failed' && <p className="status-line">{line}</p>}
        {copy.status === 'failed' && (
          <div className="problem" role="alert">
            <p className="error">
              {copy.error?.problem?.kind === 'cancelled' ? line : `Could not copy ${copy.name}: ${copy.error?.message}`}
              {fixFor(copy) ? ` ${fixFor(copy)}` : ''}
            </p>
          </div>
        )}
      </div>
    </div>
  );
}

/** "Copy a backup from this computer": this computer's backups, each onto the device's memory card. */
export function CopyFromComputer(props: { copy: DeviceCopy; cards: FolderTargetView[] }) {
  const api = useApi();
  const [backups, setBackups] = useState<ComputerBackupView[]>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState(false);
  const card = props.cards.find((c) => !c.problem);
  const load = () => {
    setError(undefined);
    api.devices.computerBackups().then(setBackups, (err: unknown) => setError(messageOf(err)));
  };
  return (
    <div className="copy-from-computer">
      <button
        type="button"
        className="link"
        aria-expanded={open}
        onClick={() => {
          if (!open) load();
          setOpen(!open);
        }}
      >
        Copy a backup from this computer
      </button>
      {open && !card && <Hint>The device has no memory card it can write to: put one in, then try again.</Hint>}
      {open && card && !backups && !error && <Hint>Looking for backups on this computer…</Hint>}
      {open && card && backups?.length === 0 && <Hint>This computer has no backups to copy.</Hint>}
      {open && card && backups && backups.length > 0 && (
        <ul aria-label="Backups on this computer" className="backup-group">
          {backups.map((b) => (
            <li key={`${b.folder}/${b.name}`} className="account-line">
              <span className="unit-text">
                <FadingText className="file-name" text={b.name} />
                <span className="date">
                  {backupDate(b.date)} · {b.label} · {fileSize(b.size)}
                </span>
              </span>
              <button
                type="button"
                className="link"
                disabled={props.copy.running}
                aria-label={`Copy to ${card.label}: ${b.name}`}
                onClick={() => props.copy.toDevice(b.folder, b.name, card.path)}
              >
                Copy to {card.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorText>{error}</ErrorText>}
    </div>
  );
}
