// "Manual backup": where to back up now — a cloud account, a drive, this computer or a folder — what
// will be backed up, and Back up now. While a backup runs the button gives way to the progress (as on
// Sailfish) and the picker is dimmed. "Add folder…" at the end of the menu asks for a folder.
import { useState, type RefObject } from 'react';
import { Hint, Info } from '../../components/layout';
import { ValuePicker } from '../../components/ValuePicker';
import { folderNote, type BackupTarget } from './targets';

const ADD_FOLDER = 'add-folder';

export function ManualBackupSection(props: {
  targets: BackupTarget[];
  unitsText: string;
  hasUnits: boolean;
  busy: boolean;
  onBackup: (target: BackupTarget) => void;
  /** Asks for a folder and adds it; resolves with its key once it is a target. Absent on a device. */
  onAddFolder: (() => Promise<string | null>) | undefined;
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  const [chosenKey, setChosenKey] = useState<string>(props.targets[0]?.key ?? '');
  const chosen = props.targets.find((t) => t.key === chosenKey) ?? props.targets[0];
  const problem = chosen?.kind === 'folder' ? chosen.folder.problem : undefined;
  const description = [
    `The following data will be backed up: ${props.unitsText}.`,
    chosen?.kind === 'folder' ? folderNote(chosen.folder) : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="manual-backup">
      <Info>Back up now to a cloud account or memory card</Info>
      <ValuePicker
        label="Manually back up to"
        value={chosen?.key ?? ''}
        options={[
          ...props.targets.map((t) => ({ value: t.key, label: t.label })),
          ...(props.onAddFolder ? [{ value: ADD_FOLDER, label: 'Add folder…' }] : []),
        ]}
        onChange={(key) => {
          if (key !== ADD_FOLDER) return setChosenKey(key);
          void props.onAddFolder?.().then((added) => added && setChosenKey(added));
        }}
        disabled={props.busy}
        description={description}
      />
      {!props.hasUnits && <Hint>Choose at least one folder to back up below.</Hint>}
      {!props.busy && (
        <div className="center">
          <button
            ref={props.buttonRef}
            type="button"
            className="primary"
            disabled={!chosen || !props.hasUnits || Boolean(problem)}
            onClick={() => chosen && props.onBackup(chosen)}
          >
            Back up now
          </button>
        </div>
      )}
    </div>
  );
}
